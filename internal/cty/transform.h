// Walking a value and rebuilding it with some of its parts replaced, as go-cty's
// TransformWithTransformer does: e.g. a planned resource state whose computed attributes left
// null in the configuration become unknown ("known after apply").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "internal/cty/value.h"

namespace cty {

// One step from a value to a value inside it.
struct PathStep {
  enum class Kind { kAttribute, kIndex, kKey };
  Kind kind = Kind::kAttribute;
  std::string name;   // kAttribute: the object attribute; kKey: the map key.
  int64_t index = 0;  // kIndex: the list or tuple element (for a set, its position in the set).

  static PathStep Attribute(std::string name) { return {Kind::kAttribute, std::move(name), 0}; }
  static PathStep Key(std::string key) { return {Kind::kKey, std::move(key), 0}; }
  static PathStep Index(int64_t index) { return {Kind::kIndex, "", index}; }
  friend bool operator==(const PathStep& a, const PathStep& b) {
    return a.kind == b.kind && a.name == b.name && a.index == b.index;
  }
};
using Path = std::vector<PathStep>;

// Called for every value, innermost first: the value it receives already holds its transformed
// children. It returns the replacement (or the value itself).
using Transformer = std::function<Value(const Path& path, const Value& value)>;

// Rebuilds `value` bottom-up through `transformer`, the root last (with an empty path). Null and
// unknown values are leaves. A replacement must have the type of the position it fills (any type
// where that is Dynamic), or be a null or unknown of Dynamic type; otherwise InvalidArgument names
// the path. Set elements are visited in the set's order; a set whose elements become equal
// shrinks, as sets do.
absl::StatusOr<Value> Transform(const Value& value, const Transformer& transformer);

// "rules[1].cidr", "tags[\"env\"]" for messages.
std::string PathString(const Path& path);

}  // namespace cty

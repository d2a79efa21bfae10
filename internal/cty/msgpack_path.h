// Internal to the msgpack codec (msgpack_decode.cc, msgpack_encode.cc): the position inside a
// value that error messages report. Not part of the cty API.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace cty::msgpack_internal {

// This abseil build has its own string_view type; cty's API uses std::string_view.
inline absl::string_view ToAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

// A position inside a value: a chain of steps living on the codec's call stack. Steps only hold
// views of names owned by the value or the input, and the path is rendered only when an error is
// reported: "at .endpoints[1]", "at .tags[\"env\"].port".
class Path {
 public:
  Path() = default;

  Path Attribute(std::string_view name) const { return Path(this, Step::kAttribute, name, 0); }
  Path Key(std::string_view key) const { return Path(this, Step::kKey, key, 0); }
  Path Index(size_t index) const { return Path(this, Step::kIndex, {}, index); }

  // InvalidArgument with the rendered path in front of `message` (none at the root).
  absl::Status Error(absl::string_view message) const {
    if (parent_ == nullptr) return absl::InvalidArgumentError(message);
    std::vector<const Path*> steps;
    for (const Path* p = this; p->parent_ != nullptr; p = p->parent_) steps.push_back(p);
    std::string out = "at ";
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
      const Path& p = **it;
      switch (p.step_) {
        case Step::kAttribute:
          absl::StrAppend(&out, ".", ToAbsl(p.name_));
          break;
        case Step::kKey:
          absl::StrAppend(&out, "[\"", absl::CEscape(ToAbsl(p.name_)), "\"]");
          break;
        case Step::kIndex:
          absl::StrAppend(&out, "[", p.index_, "]");
          break;
        case Step::kRoot:
          break;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(out, ": ", message));
  }

 private:
  enum class Step { kRoot, kAttribute, kKey, kIndex };

  Path(const Path* parent, Step step, std::string_view name, size_t index)
      : parent_(parent), step_(step), name_(name), index_(index) {}

  const Path* parent_ = nullptr;
  Step step_ = Step::kRoot;
  std::string_view name_;
  size_t index_ = 0;
};

}  // namespace cty::msgpack_internal

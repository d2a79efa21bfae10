// cty types: the type system Terraform uses for every value crossing the plugin protocol
// (zclconf/go-cty). Knows nothing of gRPC or protobuf.
//
// A Type is an immutable value object; copies share structure and are cheap. Thread-safe for
// concurrent reads.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace cty {

enum class Kind { kString, kNumber, kBool, kDynamic, kList, kSet, kMap, kObject, kTuple };

class Type {
 public:
  using AttributeTypes = std::map<std::string, Type, std::less<>>;

  // Default-constructed Type is Dynamic ("any").
  Type();

  static Type String();
  static Type Number();
  static Type Bool();
  static Type Dynamic();
  static Type List(Type element);
  static Type Set(Type element);
  static Type Map(Type element);
  // `optional` names attributes that are optional in a type constraint (3rd element of the JSON
  // form). It must be a subset of `attributes`' names.
  static Type Object(AttributeTypes attributes, std::set<std::string> optional = {});
  static Type Tuple(std::vector<Type> elements);

  Kind kind() const { return kind_; }
  bool is_primitive() const;
  bool is_collection() const;  // list, set or map

  // Element type of a list, set or map. Must not be called on other kinds.
  const Type& element() const;
  // Attribute types of an object. Must not be called on other kinds.
  const AttributeTypes& attributes() const;
  const std::set<std::string>& optional_attributes() const;
  // Element types of a tuple. Must not be called on other kinds.
  const std::vector<Type>& tuple_elements() const;

  // Structural equality.
  friend bool operator==(const Type& a, const Type& b);
  friend bool operator!=(const Type& a, const Type& b) { return !(a == b); }

  // The cty type JSON (Schema.Attribute.type bytes), e.g. "\"string\"" or
  // "[\"list\",\"string\"]". Object attributes are emitted in sorted order.
  std::string ToJson() const;
  // Parses cty type JSON strictly: unknown names, extra array elements or trailing data are
  // errors (InvalidArgument).
  static absl::StatusOr<Type> FromJson(std::string_view json);

  // A short human form for error messages: "string", "list of string", "object".
  std::string FriendlyName() const;

 private:
  struct Composite;
  explicit Type(Kind kind, std::shared_ptr<const Composite> composite = nullptr);

  Kind kind_;
  std::shared_ptr<const Composite> composite_;
};

}  // namespace cty

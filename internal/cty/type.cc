#include "internal/cty/type.h"

#include <cassert>
#include <utility>

#include "absl/strings/str_cat.h"

namespace cty {

// The parts of a composite type; which are used depends on the kind. Primitive and Dynamic types
// have none, so copying them never touches a reference count.
struct Type::Composite {
  Type element;                      // list, set, map
  AttributeTypes attributes;         // object
  std::set<std::string> optional;    // object
  std::vector<Type> tuple_elements;  // tuple
};

Type::Type() : Type(Kind::kDynamic) {}

Type::Type(Kind kind, std::shared_ptr<const Composite> composite)
    : kind_(kind), composite_(std::move(composite)) {}

Type Type::String() { return Type(Kind::kString); }
Type Type::Number() { return Type(Kind::kNumber); }
Type Type::Bool() { return Type(Kind::kBool); }
Type Type::Dynamic() { return Type(Kind::kDynamic); }

Type Type::List(Type element) {
  auto composite = std::make_shared<Composite>();
  composite->element = std::move(element);
  return Type(Kind::kList, std::move(composite));
}

Type Type::Set(Type element) {
  auto composite = std::make_shared<Composite>();
  composite->element = std::move(element);
  return Type(Kind::kSet, std::move(composite));
}

Type Type::Map(Type element) {
  auto composite = std::make_shared<Composite>();
  composite->element = std::move(element);
  return Type(Kind::kMap, std::move(composite));
}

Type Type::Object(AttributeTypes attributes, std::set<std::string> optional) {
#ifndef NDEBUG
  for (const std::string& name : optional) assert(attributes.count(name) == 1);
#endif
  auto composite = std::make_shared<Composite>();
  composite->attributes = std::move(attributes);
  composite->optional = std::move(optional);
  return Type(Kind::kObject, std::move(composite));
}

Type Type::Tuple(std::vector<Type> elements) {
  auto composite = std::make_shared<Composite>();
  composite->tuple_elements = std::move(elements);
  return Type(Kind::kTuple, std::move(composite));
}

bool Type::is_primitive() const {
  return kind_ == Kind::kString || kind_ == Kind::kNumber || kind_ == Kind::kBool;
}

bool Type::is_collection() const {
  return kind_ == Kind::kList || kind_ == Kind::kSet || kind_ == Kind::kMap;
}

const Type& Type::element() const {
  assert(is_collection());
  return composite_->element;
}

const Type::AttributeTypes& Type::attributes() const {
  assert(kind_ == Kind::kObject);
  return composite_->attributes;
}

const std::set<std::string>& Type::optional_attributes() const {
  assert(kind_ == Kind::kObject);
  return composite_->optional;
}

const std::vector<Type>& Type::tuple_elements() const {
  assert(kind_ == Kind::kTuple);
  return composite_->tuple_elements;
}

bool operator==(const Type& a, const Type& b) {
  if (a.kind_ != b.kind_) return false;
  if (a.composite_ == b.composite_) return true;
  switch (a.kind_) {
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap:
      return a.element() == b.element();
    case Kind::kObject:
      return a.attributes() == b.attributes() && a.optional_attributes() == b.optional_attributes();
    case Kind::kTuple:
      return a.tuple_elements() == b.tuple_elements();
    default:
      return true;
  }
}

std::string Type::FriendlyName() const {
  switch (kind_) {
    case Kind::kString:
      return "string";
    case Kind::kNumber:
      return "number";
    case Kind::kBool:
      return "bool";
    case Kind::kDynamic:
      return "dynamic";
    case Kind::kList:
      return absl::StrCat("list of ", element().FriendlyName());
    case Kind::kSet:
      return absl::StrCat("set of ", element().FriendlyName());
    case Kind::kMap:
      return absl::StrCat("map of ", element().FriendlyName());
    case Kind::kObject:
      return "object";
    case Kind::kTuple:
      return "tuple";
  }
  return "unknown type";
}

}  // namespace cty

#include "internal/tfprotocol/schema.h"

namespace tfprotocol {

cty::Type Attribute::ValueType() const {
  if (nested == nullptr) return type;
  cty::Type::AttributeTypes types;
  for (const Attribute& inner : nested->attributes) types.emplace(inner.name, inner.ValueType());
  cty::Type object = cty::Type::Object(std::move(types));
  switch (nested->nesting) {
    case ObjectNesting::kSingle:
      return object;
    case ObjectNesting::kList:
      return cty::Type::List(object);
    case ObjectNesting::kSet:
      return cty::Type::Set(object);
    case ObjectNesting::kMap:
      return cty::Type::Map(object);
  }
  return object;
}

cty::Type Block::ImpliedType() const {
  cty::Type::AttributeTypes types;
  for (const Attribute& attribute : attributes) {
    types.emplace(attribute.name, attribute.ValueType());
  }
  for (const NestedBlock& nested : block_types) {
    cty::Type inner = nested.block.ImpliedType();
    switch (nested.nesting) {
      case Nesting::kSingle:
      case Nesting::kGroup:
        types.emplace(nested.type_name, inner);
        break;
      case Nesting::kList:
        types.emplace(nested.type_name, cty::Type::List(inner));
        break;
      case Nesting::kSet:
        types.emplace(nested.type_name, cty::Type::Set(inner));
        break;
      case Nesting::kMap:
        types.emplace(nested.type_name, cty::Type::Map(inner));
        break;
    }
  }
  return cty::Type::Object(std::move(types));
}

const Attribute* Block::FindAttribute(std::string_view name) const {
  for (const Attribute& attribute : attributes) {
    if (attribute.name == name) return &attribute;
  }
  return nullptr;
}

}  // namespace tfprotocol

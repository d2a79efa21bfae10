// Provider and data-source schemas, as declared to Terraform in GetProviderSchema.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "internal/cty/type.h"

namespace tfprotocol {

struct NestedAttributes;

struct Attribute {
  std::string name;
  cty::Type type;           // Ignored when `nested` is set.
  std::string description;  // Markdown.
  bool required = false;
  bool optional = false;
  bool computed = false;
  bool sensitive = false;
  bool deprecated = false;
  // Terraform accepts it in configuration but never stores it in state or plan (protocol 6.8).
  bool write_only = false;
  // A nested attribute (protocol 6): its value is an object of these attributes, or a list, set or
  // map of such objects, and Terraform validates each inner attribute's flags itself.
  std::shared_ptr<const NestedAttributes> nested;

  // The attribute's value type: `type`, or the type `nested` implies.
  cty::Type ValueType() const;

  // Shorthands for the common kinds of attribute.
  static Attribute Optional(std::string name, cty::Type type, std::string description) {
    return Make(std::move(name), std::move(type), std::move(description), true, false);
  }
  static Attribute Computed(std::string name, cty::Type type, std::string description) {
    return Make(std::move(name), std::move(type), std::move(description), false, true);
  }
  // An optional argument with a default: the provider stores the effective value when the
  // configuration leaves it null, so `terraform console` and `output` show the default.
  static Attribute OptionalComputed(std::string name, cty::Type type, std::string description) {
    return Make(std::move(name), std::move(type), std::move(description), true, true);
  }
  Attribute AsSensitive() && {
    sensitive = true;
    return std::move(*this);
  }

 private:
  static Attribute Make(std::string name, cty::Type type, std::string description, bool optional,
                        bool computed) {
    Attribute a;
    a.name = std::move(name);
    a.type = std::move(type);
    a.description = std::move(description);
    a.optional = optional;
    a.computed = computed;
    return a;
  }
};

struct NestedBlock;

struct Block {
  std::vector<Attribute> attributes;
  std::vector<NestedBlock> block_types;
  std::string description;  // Markdown.
  bool deprecated = false;

  // The object type of this block's values (attributes and nested blocks).
  cty::Type ImpliedType() const;
  // The attribute named `name`, or nullptr.
  const Attribute* FindAttribute(std::string_view name) const;
};

enum class Nesting { kSingle = 1, kList = 2, kSet = 3, kMap = 4, kGroup = 5 };

struct NestedBlock {
  std::string type_name;
  Block block;
  Nesting nesting = Nesting::kList;
  int64_t min_items = 0;
  int64_t max_items = 0;
};

// Nesting of a nested attribute's objects (the protocol's Schema.Object.NestingMode).
enum class ObjectNesting { kSingle = 1, kList = 2, kSet = 3, kMap = 4 };

struct NestedAttributes {
  std::vector<Attribute> attributes;
  ObjectNesting nesting = ObjectNesting::kSingle;
};

struct Schema {
  int64_t version = 0;
  Block block;
};

}  // namespace tfprotocol

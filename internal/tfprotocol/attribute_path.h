// A path into a configuration value (attribute names, list indexes, map keys): where a diagnostic
// points, and how Terraform names an attribute in plans and in RequiresReplace.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace tfprotocol {

// A path into a configuration value: attribute names, list indexes and map keys.
class AttributePath {
 public:
  struct AttributeName {
    std::string name;
  };
  struct ElementKeyString {
    std::string key;
  };
  struct ElementKeyInt {
    int64_t index;
  };
  using Step = std::variant<AttributeName, ElementKeyString, ElementKeyInt>;

  AttributePath() = default;
  // Shorthand for a path holding one attribute name.
  static AttributePath Attr(std::string name) { return AttributePath().Then(std::move(name)); }

  AttributePath Then(std::string attribute_name) const;
  AttributePath Index(int64_t index) const;
  AttributePath Key(std::string key) const;

  const std::vector<Step>& steps() const { return steps_; }
  bool empty() const { return steps_.empty(); }
  // "endpoints[1]", "tags[\"k\"]" for messages.
  std::string ToString() const;

  friend bool operator==(const AttributePath& a, const AttributePath& b);

 private:
  std::vector<Step> steps_;
};

}  // namespace tfprotocol

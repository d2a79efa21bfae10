// Terraform diagnostics: what users see as "Error: <summary>" with a detail and, when an attribute
// path is set, the source line of that attribute.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"

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

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string summary;
  std::string detail;
  std::optional<AttributePath> attribute;
};

// An ordered list of diagnostics. Not thread-safe; each RPC builds its own.
class Diagnostics {
 public:
  void AddError(std::string summary, std::string detail,
                std::optional<AttributePath> attribute = std::nullopt);
  void AddWarning(std::string summary, std::string detail,
                  std::optional<AttributePath> attribute = std::nullopt);
  void Add(Diagnostic diagnostic) { items_.push_back(std::move(diagnostic)); }
  void Append(const Diagnostics& other);
  // An error whose detail is the status message (the status code is not shown to users).
  void AddStatusError(std::string summary, const absl::Status& status,
                      std::optional<AttributePath> attribute = std::nullopt);

  bool has_errors() const;
  bool empty() const { return items_.empty(); }
  const std::vector<Diagnostic>& items() const { return items_; }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace tfprotocol

// Terraform diagnostics: what users see as "Error: <summary>" with a detail and, when an attribute
// path is set, the source line of that attribute.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "internal/tfprotocol/attribute_path.h"

namespace tfprotocol {

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

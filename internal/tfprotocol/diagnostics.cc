#include "internal/tfprotocol/diagnostics.h"

#include <algorithm>

namespace tfprotocol {

void Diagnostics::AddError(std::string summary, std::string detail,
                           std::optional<AttributePath> attribute) {
  items_.push_back(
      Diagnostic{Severity::kError, std::move(summary), std::move(detail), std::move(attribute)});
}

void Diagnostics::AddWarning(std::string summary, std::string detail,
                             std::optional<AttributePath> attribute) {
  items_.push_back(
      Diagnostic{Severity::kWarning, std::move(summary), std::move(detail), std::move(attribute)});
}

void Diagnostics::Append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void Diagnostics::AddStatusError(std::string summary, const absl::Status& status,
                                 std::optional<AttributePath> attribute) {
  AddError(std::move(summary), std::string(status.message()), std::move(attribute));
}

bool Diagnostics::has_errors() const {
  return std::any_of(items_.begin(), items_.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

}  // namespace tfprotocol

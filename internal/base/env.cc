#include "internal/base/env.h"

#include <cstdlib>

namespace base {

std::optional<std::string> ProcessEnv::Get(std::string_view name) const {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace base

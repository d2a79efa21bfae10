// The process environment behind a seam, so configuration fallbacks and the plugin handshake can
// be tested without touching the real environment.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace base {

class Env {
 public:
  virtual ~Env() = default;
  // The variable's value, or nullopt when it is not set (set-but-empty yields "").
  virtual std::optional<std::string> Get(std::string_view name) const = 0;
};

// Reads the real process environment (getenv). Thread-safe as long as nobody calls setenv.
class ProcessEnv final : public Env {
 public:
  std::optional<std::string> Get(std::string_view name) const override;
};

// A fixed environment for tests.
class MapEnv final : public Env {
 public:
  MapEnv() = default;
  explicit MapEnv(std::map<std::string, std::string, std::less<>> vars) : vars_(std::move(vars)) {}
  void Set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  std::optional<std::string> Get(std::string_view name) const override {
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

}  // namespace base

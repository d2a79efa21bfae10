// Provider logging in hclog's JSON line format on stderr, which Terraform re-levels and shows under
// `provider.<executable>` (docs/design/terraform-plugin.md §6). The level comes from
// TF_LOG_PROVIDER, else TF_LOG; unset or OFF means nothing is written. Thread-safe: each line is
// written with one write(2).
//
// Never pass secrets as messages or field values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "internal/base/env.h"

namespace base {

enum class LogLevel { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4, kOff = 5 };

// A field's value, written as the JSON type it is: text, a whole number or a boolean (as
// terraform-plugin-log writes them, so that `"attempt":1` is a number).
class LogValue {
 public:
  LogValue(std::string_view text) : value_(std::string(text)) {}  // NOLINT: implicit by design
  LogValue(const char* text) : value_(std::string(text)) {}       // NOLINT
  LogValue(const std::string& text) : value_(text) {}             // NOLINT
  LogValue(bool flag) : value_(flag) {}                           // NOLINT
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogValue(T number) : value_(static_cast<int64_t>(number)) {}  // NOLINT
  LogValue(double number) : value_(number) {}                   // NOLINT

  const std::variant<std::string, int64_t, bool, double>& value() const { return value_; }

 private:
  std::variant<std::string, int64_t, bool, double> value_;
};

using LogFields = std::vector<std::pair<std::string, LogValue>>;

// Sets the process-wide level from TF_LOG_PROVIDER / TF_LOG (TRACE, DEBUG, INFO, WARN, ERROR, OFF,
// JSON = TRACE; case-insensitive; unset, empty or OFF = off; any other value = TRACE, as
// Terraform itself treats it), the `@module` name (e.g. "provider.terraform-provider-example")
// and, when not empty, the `tf_provider_addr` field every line carries. Call once at start-up
// before any threads log.
void InitLogging(const Env& env, std::string module, std::string provider_address = "");

bool LogEnabled(LogLevel level);

// Adds `fields` to every line this thread writes while the scope lives (scopes nest): e.g. an
// RPC's tf_rpc and tf_req_id, so that concurrent calls can be told apart.
class LogScope {
 public:
  explicit LogScope(LogFields fields);
  ~LogScope();
  LogScope(const LogScope&) = delete;
  LogScope& operator=(const LogScope&) = delete;

 private:
  size_t previous_size_;
};

// Writes one JSON object line: {"@caller":"file.cc:12","@level":..,"@message":..,"@module":..,
// "@timestamp":"2026-01-01T00:00:00.000000Z", tf_provider_addr, the scopes' fields, `fields`} to
// fd 2, if `level` is enabled. `file` and `line` default to the call site.
void Log(LogLevel level, std::string_view message, const LogFields& fields = {},
         const char* file = __builtin_FILE(), int line = __builtin_LINE());

// The line Log() would write (without the trailing newline), for tests. An empty `caller` is
// left out.
std::string FormatLogLine(LogLevel level, std::string_view module, std::string_view message,
                          const LogFields& fields, std::string_view timestamp,
                          std::string_view caller = "");

// A random RFC 4122 version 4 UUID, as terraform-plugin-go's tf_req_id.
std::string NewRequestId();

}  // namespace base

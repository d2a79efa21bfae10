// Provider logging in hclog's JSON line format on stderr, which Terraform re-levels and shows under
// `provider.<executable>` (docs/design/terraform-plugin.md §6). The level comes from
// TF_LOG_PROVIDER, else TF_LOG; unset or OFF means nothing is written. Thread-safe: each line is
// written with one write(2).
//
// Never pass secrets as messages or field values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "internal/base/env.h"

namespace base {

enum class LogLevel { kTrace = 0, kDebug = 1, kInfo = 2, kWarn = 3, kError = 4, kOff = 5 };

using LogFields = std::vector<std::pair<std::string, std::string>>;

// Sets the process-wide level from TF_LOG_PROVIDER / TF_LOG (TRACE, DEBUG, INFO, WARN, ERROR, OFF,
// JSON = TRACE; case-insensitive; unset, empty or OFF = off; any other value = TRACE, as
// Terraform itself treats it) and the `@module` name
// (e.g. "provider.terraform-provider-example"). Call once at start-up before any threads log.
void InitLogging(const Env& env, std::string module);

bool LogEnabled(LogLevel level);

// Writes one JSON object line: {"@level":..,"@message":..,"@module":..,"@timestamp":
// "2026-01-01T00:00:00.000000Z", <fields as string key/values>} to fd 2, if `level` is enabled.
void Log(LogLevel level, std::string_view message, const LogFields& fields = {});

// The line Log() would write (without the trailing newline), for tests.
std::string FormatLogLine(LogLevel level, std::string_view module, std::string_view message,
                          const LogFields& fields, std::string_view timestamp);

}  // namespace base

#include "internal/base/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace base {
namespace {

std::atomic<LogLevel> g_level{LogLevel::kOff};
// Written once by InitLogging before other threads log, read-only afterwards. Never destroyed, so
// logging from other threads during exit stays safe.
std::string* g_module = new std::string("provider");

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return "trace";
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
    case LogLevel::kOff:
      break;
  }
  return "off";
}

// Terraform's rule: TF_LOG_PROVIDER, else TF_LOG; JSON means TRACE.
LogLevel LevelFromEnv(const Env& env) {
  std::optional<std::string> value = env.Get("TF_LOG_PROVIDER");
  if (!value.has_value() || value->empty()) value = env.Get("TF_LOG");
  if (!value.has_value() || value->empty()) return LogLevel::kOff;
  std::string name = absl::AsciiStrToUpper(*value);
  if (name == "OFF") return LogLevel::kOff;
  if (name == "TRACE" || name == "JSON") return LogLevel::kTrace;
  if (name == "DEBUG") return LogLevel::kDebug;
  if (name == "INFO") return LogLevel::kInfo;
  if (name == "WARN") return LogLevel::kWarn;
  if (name == "ERROR") return LogLevel::kError;
  return LogLevel::kTrace;  // Terraform treats any other value (e.g. TF_LOG=1) as TRACE.
}

// hclog's timestamp: UTC, exactly six fractional digits. Terraform logs any other shape verbatim.
std::string Timestamp(absl::Time now) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E6SZ", now, absl::UTCTimeZone());
}

void WriteAll(int fd, const std::string& data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere left to report a failure to log.
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

void InitLogging(const Env& env, std::string module) {
  *g_module = std::move(module);
  g_level.store(LevelFromEnv(env));
}

bool LogEnabled(LogLevel level) {
  LogLevel threshold = g_level.load(std::memory_order_relaxed);
  return threshold != LogLevel::kOff && level != LogLevel::kOff && level >= threshold;
}

void Log(LogLevel level, std::string_view message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  std::string line = FormatLogLine(level, *g_module, message, fields, Timestamp(absl::Now()));
  line.push_back('\n');
  WriteAll(STDERR_FILENO, line);
}

std::string FormatLogLine(LogLevel level, std::string_view module, std::string_view message,
                          const LogFields& fields, std::string_view timestamp) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
  auto string = [&json](std::string_view s) {
    json.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  json.StartObject();
  string("@level");
  string(LevelName(level));
  string("@message");
  string(message);
  string("@module");
  string(module);
  string("@timestamp");
  string(timestamp);
  for (const auto& [key, value] : fields) {
    string(key);
    string(value);
  }
  json.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace base

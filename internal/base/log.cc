#include "internal/base/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <optional>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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
std::string* g_provider_address = new std::string();

// The fields of this thread's open LogScopes, outermost first.
thread_local LogFields t_scope_fields;

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

void InitLogging(const Env& env, std::string module, std::string provider_address) {
  *g_module = std::move(module);
  *g_provider_address = std::move(provider_address);
  g_level.store(LevelFromEnv(env));
}

LogScope::LogScope(LogFields fields) : previous_size_(t_scope_fields.size()) {
  for (auto& field : fields) t_scope_fields.push_back(std::move(field));
}

LogScope::~LogScope() { t_scope_fields.resize(previous_size_, {"", ""}); }

std::string NewRequestId() {
  thread_local std::mt19937_64 bits(std::random_device{}());
  const uint64_t high = bits();
  const uint64_t low = bits();
  // Version 4 (random) and the RFC 4122 variant.
  const uint64_t h = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  const uint64_t l = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", h >> 32, (h >> 16) & 0xffff, h & 0xffff,
                         l >> 48, l & 0xffffffffffffULL);
}

bool LogEnabled(LogLevel level) {
  LogLevel threshold = g_level.load(std::memory_order_relaxed);
  return threshold != LogLevel::kOff && level != LogLevel::kOff && level >= threshold;
}

void Log(LogLevel level, std::string_view message, const LogFields& fields, const char* file,
         int line_number) {
  if (!LogEnabled(level)) return;
  LogFields all;
  all.reserve(1 + t_scope_fields.size() + fields.size());
  if (!g_provider_address->empty()) all.emplace_back("tf_provider_addr", *g_provider_address);
  all.insert(all.end(), t_scope_fields.begin(), t_scope_fields.end());
  all.insert(all.end(), fields.begin(), fields.end());
  absl::string_view caller_file = file;
  if (absl::StartsWith(caller_file, "./")) caller_file.remove_prefix(2);  // -ffile-prefix-map=...=.
  std::string line = FormatLogLine(level, *g_module, message, all, Timestamp(absl::Now()),
                                   absl::StrCat(caller_file, ":", line_number));
  line.push_back('\n');
  WriteAll(STDERR_FILENO, line);
}

std::string FormatLogLine(LogLevel level, std::string_view module, std::string_view message,
                          const LogFields& fields, std::string_view timestamp,
                          std::string_view caller) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
  auto string = [&json](std::string_view s) {
    json.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  json.StartObject();
  if (!caller.empty()) {
    string("@caller");
    string(caller);
  }
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
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::string>) {
            string(v);
          } else if constexpr (std::is_same_v<T, int64_t>) {
            json.Int64(v);
          } else if constexpr (std::is_same_v<T, bool>) {
            json.Bool(v);
          } else {
            json.Double(v);
          }
        },
        value.value());
  }
  json.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace base

#include "internal/plugin/handshake.h"

#include <algorithm>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace plugin {
namespace {

// Debian's abseil is built with its own string_view type, distinct from std::string_view.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

bool HasMagicCookie(const base::Env& env) {
  std::optional<std::string> cookie = env.Get(kMagicCookieKey);
  return cookie.has_value() && *cookie == kMagicCookieValue;
}

absl::StatusOr<int> NegotiateProtocolVersion(const std::vector<int>& ours,
                                             std::optional<std::string_view> client_versions) {
  if (ours.empty()) {
    return absl::InvalidArgumentError("the plugin declares no application protocol version");
  }
  if (!client_versions.has_value() || client_versions->empty()) {
    return *std::min_element(ours.begin(), ours.end());
  }

  std::vector<int> theirs;
  for (absl::string_view field : absl::StrSplit(ToAbsl(*client_versions), ',')) {
    int version;
    if (absl::SimpleAtoi(field, &version)) theirs.push_back(version);
  }
  std::vector<int> candidates = ours;
  std::sort(candidates.begin(), candidates.end(), std::greater<>());
  for (int version : candidates) {
    if (std::find(theirs.begin(), theirs.end(), version) != theirs.end()) return version;
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "Terraform offers plugin protocol versions [", ToAbsl(*client_versions),
      "] but this provider speaks only [", absl::StrJoin(ours, ","),
      "]; use a Terraform release that supports protocol ", absl::StrJoin(ours, " or ")));
}

std::string Base64RawStd(std::string_view bytes) {
  std::string encoded;
  absl::Base64Escape(ToAbsl(bytes), &encoded);
  encoded.erase(encoded.find_last_not_of('=') + 1);
  return encoded;
}

std::string FormatHandshakeLine(int app_protocol_version, std::string_view socket_path,
                                std::string_view server_cert_der) {
  return absl::StrCat(kCoreProtocolVersion, "|", app_protocol_version, "|unix|",
                      ToAbsl(socket_path), "|grpc|", Base64RawStd(server_cert_der), "\n");
}

std::string FormatReattachInstructions(std::string_view provider_address, int app_protocol_version,
                                       int64_t pid, std::string_view socket_path) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
  auto string = [&json](std::string_view s) {
    json.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  };
  json.StartObject();
  string(provider_address);
  json.StartObject();
  json.Key("Protocol");
  json.String("grpc");
  json.Key("ProtocolVersion");
  json.Int(app_protocol_version);
  json.Key("Pid");
  json.Int64(pid);
  json.Key("Test");
  json.Bool(true);
  json.Key("Addr");
  json.StartObject();
  json.Key("Network");
  json.String("unix");
  json.Key("String");
  string(socket_path);
  json.EndObject();
  json.EndObject();
  json.EndObject();

  return absl::StrCat(
      "Provider started in debug mode. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS\n"
      "environment variable with the following, then run Terraform in another terminal.\n"
      "Stop the provider with Ctrl-C.\n\n",
      "TF_REATTACH_PROVIDERS='", buffer.GetString(), "'\n");
}

}  // namespace plugin

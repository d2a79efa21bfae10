// The text side of go-plugin's handshake: the magic-cookie guard, application protocol version
// negotiation, and the lines printed on stdout once the server listens
// (docs/design/terraform-plugin.md §1, §7). Pure functions of their inputs; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "internal/base/env.h"

namespace plugin {

// The environment variable and value Terraform sets so a provider knows it was started by
// Terraform. A usability guard, not a security measure.
inline constexpr std::string_view kMagicCookieKey = "TF_PLUGIN_MAGIC_COOKIE";
inline constexpr std::string_view kMagicCookieValue =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

// go-plugin's core protocol version: the first handshake field.
inline constexpr int kCoreProtocolVersion = 1;

// Printed on stderr, with exit status 1, when the magic cookie is missing or wrong.
inline constexpr std::string_view kNotRunByTerraformMessage =
    "This binary is a plugin. These are not meant to be executed directly.\n"
    "Please execute the program that consumes these plugins, which will\n"
    "load any plugins automatically\n";

// True when `env` carries Terraform's magic cookie.
bool HasMagicCookie(const base::Env& env);

// Picks the application protocol version to serve: the highest of `ours` that also appears in
// `client_versions`, the comma-separated PLUGIN_PROTOCOL_VERSIONS value (a set: its order is
// random). Entries that are not integers are skipped, as go-plugin does. When the client sent no
// list at all (nullopt or empty), it is a legacy client and gets our lowest version, again as
// go-plugin does.
//
// Unlike go-plugin, which then prints its lowest version and lets the client fail, no common
// version is an error (FailedPrecondition): the server refuses to start rather than announce a
// protocol the client cannot speak. `ours` must not be empty (InvalidArgument).
absl::StatusOr<int> NegotiateProtocolVersion(const std::vector<int>& ours,
                                             std::optional<std::string_view> client_versions);

// Go's base64.RawStdEncoding: standard alphabet, no '=' padding.
std::string Base64RawStd(std::string_view bytes);

// The handshake line, with its trailing newline:
//   1|<app version>|unix|<socket path>|grpc|<server cert DER, Base64RawStd>
// `server_cert_der` is empty when TLS is off, which leaves the last field empty. Never emits
// go-plugin's optional 7th (multiplexing) field: Terraform does not ask for it.
std::string FormatHandshakeLine(int app_protocol_version, std::string_view socket_path,
                                std::string_view server_cert_der);

// The debug-mode hint for a human, ending with the line
//   TF_REATTACH_PROVIDERS='{"<address>":{"Protocol":"grpc","ProtocolVersion":<v>,"Pid":<pid>,
//   "Test":true,"Addr":{"Network":"unix","String":"<socket path>"}}}'
// `Test` must be true: Terraform 1.11 panics on a protocol-6 reattach config without it.
std::string FormatReattachInstructions(std::string_view provider_address, int app_protocol_version,
                                       int64_t pid, std::string_view socket_path);

}  // namespace plugin

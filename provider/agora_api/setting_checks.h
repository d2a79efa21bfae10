// Checks of single setting values (from HCL or the environment), shared by the provider block and
// the data source. Each returns InvalidArgument with a message that says what to write instead.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace agora {

// Go duration syntax ("500ms", "10s", "1m30s"); must be positive.
absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text);
// request_timeout: a Go duration of at least 1 ms, libcurl's unit (a shorter one would be no
// timeout at all once truncated, or a request that can never succeed once rounded up).
absl::StatusOr<absl::Duration> ParseRequestTimeout(absl::string_view text);
// An Agora base URL: https://host[:port][/path], or http:// for loopback hosts only. Returns it
// without a trailing slash.
absl::StatusOr<std::string> NormaliseEndpoint(absl::string_view url);
// The Basic-auth user: not empty, no ':'.
absl::Status ValidCustomerId(absl::string_view value);
// One of Agora's regions (RegionList()).
absl::Status ValidateRegion(absl::string_view region);
std::string RegionList();  // "us-west-1, us-east-1, ..."
// An http(s):// or socks5(h):// proxy URL.
absl::Status ValidateProxyUrl(absl::string_view url);
// A proxy URL as HTTPS_PROXY/https_proxy give it: without a scheme ("proxy.corp:3128") it means
// http://, as Go's net/http (Terraform itself) and curl read it. Other values are returned as
// they are.
std::string ProxyUrlFromEnvironment(absl::string_view value);
// At least one PEM certificate.
absl::Status ValidateCaPem(absl::string_view pem);
// A readable file holding at least one PEM certificate.
absl::Status ValidateCaFile(const std::string& path);
// localhost, 127.0.0.0/8 or ::1 (IPv6 literals with or without brackets).
bool IsLoopbackHost(absl::string_view host);

}  // namespace agora

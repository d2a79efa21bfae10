// One HTTP GET, behind an interface so the Agora client can be tested with a fake.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/agora_api/cancellation.h"

namespace agora {

struct HttpRequest {
  std::string url;
  // Basic authentication; the password is handed to the HTTP library only, never logged.
  std::string username;
  std::string password;
  std::vector<std::string> headers;            // "Name: value"
  absl::Duration timeout = absl::Seconds(10);  // Connect + TLS + whole body.
  size_t max_body_bytes = 4 << 20;
  const Cancellation* cancellation = nullptr;  // Optional; aborts the transfer when set.
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // Lower-case names; last value wins.
  std::string body;
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// Transport failures map to status codes so callers can decide what to retry:
//   Unavailable       could not resolve the host or the proxy (try the next endpoint at once)
//   DeadlineExceeded  the attempt took longer than `timeout`
//   Cancelled         `cancellation` was set
//   ResourceExhausted the body exceeded `max_body_bytes`
//   FailedPrecondition TLS verification failed (a configuration problem, not transient); with
//                     a kProxyTlsPayload payload (the proxy URL, without credentials) when it
//                     was the proxy's certificate that failed
//   NotFound          no CA certificates to verify the server with (provider/agora_api/ca_store.h)
//   Internal          the request could not be sent from this machine (e.g. out of memory)
//   Unknown           anything else: the connection refused, or dropped mid-body (transient)
// Any HTTP status, including 4xx/5xx, is a successful transfer. A timeout is rounded up to whole
// milliseconds (libcurl's unit); one of zero or less fails at once with DeadlineExceeded.
inline constexpr char kProxyTlsPayload[] = "agora.provider/proxy-tls";

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual absl::StatusOr<HttpResponse> Get(const HttpRequest& request) = 0;
};

}  // namespace agora

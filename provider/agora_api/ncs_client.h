// The Agora client for GET /v{1,2}/ncs/ip: Basic auth, Agora's documented failover (each endpoint
// in order), retries of transient failures with Agora's 1 s / 3 s / 6 s backoff plus jitter,
// Retry-After, a per-attempt and a total time limit, and cancellation. Errors carry everything
// Agora support asks for (status, message, endpoint, X-Request-ID, X-Resource-ID) and never the
// secret.
//
// Thread-safe: Fetch() may run concurrently; the transport and clock must be thread-safe too.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/agora_api/cancellation.h"
#include "provider/agora_api/client_settings.h"
#include "provider/agora_api/clock.h"
#include "provider/agora_api/http_transport.h"
#include "provider/agora_api/ncs_response.h"

namespace agora {

enum class NcsService { kRtc, kMediaGateway, kCloudRecording, kCloudTranscoding };

// "rtc" → kRtc, ...; nullopt for anything else.
std::optional<NcsService> ParseNcsService(absl::string_view name);
absl::string_view NcsServicePath(NcsService service);  // "/v2/ncs/ip" or "/v1/ncs/ip"

struct NcsFetchResult {
  NcsResponse response;
  std::string url;         // The endpoint that answered.
  int attempts = 0;        // HTTP attempts made in all.
  std::string request_id;  // X-Request-ID of the answer.
  absl::Time received_at;  // When the answer arrived (the provider's clock).
};

// The backoff before retry number `retry` (0-based): 1 s, 3 s, 6 s, then 6 s, each plus up to 20 %
// jitter drawn from `jitter01` in [0, 1).
absl::Duration BackoffDelay(int retry, double jitter01);

// Parses a Retry-After value: delta seconds or an HTTP date (relative to `now`). nullopt if absent
// or unparseable; never negative.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

class NcsClient {
 public:
  // All references must outlive the client. `jitter` returns values in [0, 1).
  NcsClient(const ProviderSettings& settings, HttpTransport& transport, Clock& clock,
            const Cancellation& cancellation, std::function<double()> jitter);

  // An answer that cannot be used (a 3xx, a 4xx other than 401/403/404/429, a 200 whose body is
  // not the documented JSON, an oversized body) is not retried on its endpoint but moves to the
  // next one, as 404 does; the read fails only when every endpoint is exhausted.
  // Errors: Unauthenticated/PermissionDenied (401/403, at once), InvalidArgument (the last
  // endpoint's answer could not be used), NotFound (404 everywhere), Unavailable (every endpoint
  // failed otherwise), DeadlineExceeded (total_timeout, on the clock's monotonic time), Cancelled
  // (StopProvider), FailedPrecondition (missing credentials or TLS verification, Agora's or the
  // proxy's). The message is ready for users and valid UTF-8 whatever the answers held; it lists
  // every attempt.
  absl::StatusOr<NcsFetchResult> Fetch(NcsService service);

 private:
  const ProviderSettings& settings_;
  HttpTransport& transport_;
  Clock& clock_;
  const Cancellation& cancellation_;
  std::function<double()> jitter_;
};

}  // namespace agora

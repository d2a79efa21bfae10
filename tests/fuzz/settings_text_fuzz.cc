// libFuzzer target settings_text: the checks of single setting values (provider/agora_api/setting_checks.h:
// endpoints, proxy URLs, durations, customer IDs, regions, CA PEM, loopback hosts) and
// agora::ParseRetryAfter, each on the whole input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/agora_api/ncs_client.h"
#include "provider/agora_api/setting_checks.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  absl::StatusOr<absl::Duration> duration = agora::ParseGoDuration(text);
  if (duration.ok()) {
    FUZZ_CHECK(*duration > absl::ZeroDuration(), "durations are positive");
    FUZZ_CHECK(*duration != absl::InfiniteDuration(), "durations are finite");
  }

  absl::StatusOr<std::string> endpoint = agora::NormaliseEndpoint(text);
  if (endpoint.ok()) {
    absl::StatusOr<std::string> again = agora::NormaliseEndpoint(*endpoint);
    FUZZ_CHECK(again.ok() && *again == *endpoint, "NormaliseEndpoint is idempotent");
    FUZZ_CHECK(endpoint->empty() || endpoint->back() != '/', "no trailing slash");
    FUZZ_CHECK(agora::ValidateProxyUrl(*endpoint).ok(), "an endpoint is a valid http(s) URL");
  }

  (void)agora::ValidateProxyUrl(text);
  (void)agora::ValidCustomerId(text);
  (void)agora::ValidateRegion(text);
  (void)agora::IsLoopbackHost(text);
  (void)agora::ValidateCaPem(text);

  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  std::optional<absl::Duration> retry_after = agora::ParseRetryAfter(text, now);
  if (retry_after.has_value()) {
    FUZZ_CHECK(*retry_after >= absl::ZeroDuration(), "Retry-After is never negative");
  }
  return 0;
}

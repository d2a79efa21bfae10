#include "provider/agora_api/ncs_client.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "internal/base/log.h"
#include "internal/base/utf8.h"
#include "provider/agora_api/json_body.h"
#include "rapidjson/document.h"

namespace agora {
namespace {

// How much of an answer's text an error quotes.
constexpr size_t kMaxBodyExcerptBytes = 120;
constexpr size_t kMaxMessageBytes = 500;
constexpr size_t kMaxHeaderBytes = 200;

// At most `max_bytes` of untrusted text (a body, a header value) for a message: cut on a
// character boundary, invalid UTF-8 replaced, control characters made spaces, and "..." when cut.
std::string Excerpt(absl::string_view text, size_t max_bytes) {
  const std::string_view prefix = base::Utf8Prefix(std::string_view(text.data(), text.size()),
                                                   max_bytes);
  std::string excerpt = base::ToValidUtf8(prefix);
  for (char& c : excerpt) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return std::string(absl::StripAsciiWhitespace(excerpt)) +
         (prefix.size() < text.size() ? "..." : "");
}

// One HTTP attempt, as reported to users.
struct Attempt {
  std::string url;
  int status = 0;          // 0 when the transfer itself failed.
  absl::Status transport;  // Set when status == 0.
  std::string message;     // Agora's `message`, or a body excerpt.
  std::string request_id;
  std::string resource_id;
  std::string not_retried;  // Why a transient failure was not retried here, when that was time.
  std::string unusable;     // Why a 200 answer could not be used.
  // Set when this answer was not usable but another endpoint may do better: the error to return
  // should this be the last attempt.
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string headline;

  std::string Describe() const {
    std::string out = absl::StrCat(url, ": ");
    if (status == 0) {
      absl::StrAppend(&out, transport.message());
    } else {
      absl::StrAppend(&out, "HTTP ", status);
      if (!message.empty()) absl::StrAppend(&out, " \"", message, "\"");
      if (!unusable.empty()) absl::StrAppend(&out, ": ", unusable);
    }
    if (!request_id.empty()) absl::StrAppend(&out, " (X-Request-ID: ", request_id);
    if (!resource_id.empty()) {
      absl::StrAppend(&out, request_id.empty() ? " (" : ", ", "X-Resource-ID: ", resource_id);
    }
    if (!request_id.empty() || !resource_id.empty()) absl::StrAppend(&out, ")");
    if (!not_retried.empty()) absl::StrAppend(&out, "; ", not_retried);
    return out;
  }
};

// Agora's error `message` from a body, or a short excerpt of a body that is not JSON.
std::string ErrorMessage(const std::string& body) {
  rapidjson::Document doc;
  if (ParseJsonBody(body, &doc).ok() && doc.IsObject()) {
    for (const char* name : {"message", "reason"}) {
      auto it = doc.FindMember(name);
      if (it != doc.MemberEnd() && it->value.IsString()) {
        return Excerpt(absl::string_view(it->value.GetString(), it->value.GetStringLength()),
                       kMaxMessageBytes);
      }
    }
  }
  return Excerpt(body, kMaxBodyExcerptBytes);
}

std::string StatusText(int status) {
  switch (status) {
    case 400:
      return "400 Bad Request";
    case 401:
      return "401 Unauthorized";
    case 403:
      return "403 Forbidden";
    case 404:
      return "404 Not Found";
    case 415:
      return "415 Unsupported Media Type";
    case 429:
      return "429 Too Many Requests";
    case 500:
      return "500 Internal Server Error";
    case 502:
      return "502 Bad Gateway";
    case 503:
      return "503 Service Unavailable";
    case 504:
      return "504 Gateway Timeout";
    default:
      return absl::StrCat(status);
  }
}

bool IsTransientStatus(int status) { return status == 429 || (status >= 500 && status <= 599); }

std::string AttemptLog(const std::vector<Attempt>& attempts) {
  std::set<std::string> endpoints;
  for (const Attempt& a : attempts) endpoints.insert(a.url);
  std::string out =
      absl::StrCat(attempts.size(), attempts.size() == 1 ? " attempt" : " attempts", " on ",
                   endpoints.size(), endpoints.size() == 1 ? " endpoint:" : " endpoints:");
  for (const Attempt& a : attempts) absl::StrAppend(&out, "\n  - ", a.Describe());
  return out;
}

}  // namespace

std::optional<NcsService> ParseNcsService(absl::string_view name) {
  if (name == "rtc") return NcsService::kRtc;
  if (name == "media_gateway") return NcsService::kMediaGateway;
  if (name == "cloud_recording") return NcsService::kCloudRecording;
  if (name == "cloud_transcoding") return NcsService::kCloudTranscoding;
  return std::nullopt;
}

absl::string_view NcsServicePath(NcsService service) {
  switch (service) {
    case NcsService::kRtc:
    case NcsService::kMediaGateway:
      return "/v2/ncs/ip";
    case NcsService::kCloudRecording:
    case NcsService::kCloudTranscoding:
      return "/v1/ncs/ip";
  }
  return "/v2/ncs/ip";
}

absl::Duration BackoffDelay(int retry, double jitter01) {
  static constexpr int kScheduleSeconds[] = {1, 3, 6};
  int index = std::min<int>(retry, std::size(kScheduleSeconds) - 1);
  absl::Duration base = absl::Seconds(kScheduleSeconds[index]);
  return base + base * (0.2 * std::clamp(jitter01, 0.0, 1.0));
}

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return std::nullopt;
  int64_t seconds = 0;
  if (absl::SimpleAtoi(value, &seconds)) {
    if (seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  // HTTP-date (RFC 9110 IMF-fixdate), e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  absl::Time when;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(), &when,
                       &error)) {
    return std::nullopt;
  }
  return std::max(absl::ZeroDuration(), when - now);
}

NcsClient::NcsClient(const ProviderSettings& settings, HttpTransport& transport, Clock& clock,
                     const Cancellation& cancellation, std::function<double()> jitter)
    : settings_(settings),
      transport_(transport),
      clock_(clock),
      cancellation_(cancellation),
      jitter_(std::move(jitter)) {}

absl::StatusOr<NcsFetchResult> NcsClient::Fetch(NcsService service) {
  if (!settings_.customer_id) {
    return absl::FailedPreconditionError(
        "No customer ID is configured. Set customer_id in the provider \"agora\" block or the "
        "AGORA_CUSTOMER_ID environment variable (the \"Key\" of an Agora RESTful API key).");
  }
  if (!settings_.customer_secret) {
    return absl::FailedPreconditionError(
        "No customer secret is configured. Set customer_secret in the provider \"agora\" block "
        "or the AGORA_CUSTOMER_SECRET environment variable (the \"Secret\" of the RESTful API "
        "key).");
  }

  if (settings_.endpoints.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("No endpoint is configured (", settings_.endpoints_source, " is empty)."));
  }

  // Monotonic: a step of the wall clock neither stretches nor cuts total_timeout (provider/agora_api/clock.h).
  const absl::Duration deadline = clock_.Monotonic() + settings_.total_timeout;
  std::vector<Attempt> attempts;
  auto fail = [&](absl::StatusCode code, std::string headline) {
    return absl::Status(code, absl::StrCat(headline, "\n\n", AttemptLog(attempts)));
  };
  auto cancelled = [&] {
    return fail(absl::StatusCode::kCancelled,
                "The read was cancelled (Terraform was interrupted) before Agora answered.");
  };
  auto timed_out = [&] {
    return fail(absl::StatusCode::kDeadlineExceeded,
                absl::StrCat("Agora did not answer within total_timeout (",
                             absl::FormatDuration(settings_.total_timeout),
                             "). Raise total_timeout, or check the network path to Agora."));
  };

  for (const std::string& endpoint : settings_.endpoints) {
    const std::string url = absl::StrCat(endpoint, NcsServicePath(service));
    for (int retry = 0;; ++retry) {
      if (cancellation_.cancelled()) return cancelled();
      const absl::Duration remaining = deadline - clock_.Monotonic();
      if (remaining <= absl::ZeroDuration()) return timed_out();

      HttpRequest request;
      request.url = url;
      request.username = settings_.customer_id->value;
      request.password = settings_.customer_secret->value;
      request.headers = {"Accept: application/json", "Content-Type: application/json"};
      request.timeout = std::min(settings_.request_timeout, remaining);
      request.cancellation = &cancellation_;
      base::Log(base::LogLevel::kDebug, "Requesting Agora's Notifications IPs",
                {{"url", url}, {"attempt", attempts.size() + 1}});
      absl::StatusOr<HttpResponse> response = transport_.Get(request);

      Attempt& attempt = attempts.emplace_back();
      attempt.url = url;
      // Set for transient failures: how long Agora asked us to wait, if it did.
      std::optional<absl::Duration> retry_after;
      if (!response.ok()) {
        attempt.transport = response.status();
        base::Log(base::LogLevel::kWarn, "Agora request failed",
                  {{"url", url}, {"error", std::string(response.status().message())}});
        const absl::StatusCode code = response.status().code();
        if (code == absl::StatusCode::kCancelled) return cancelled();
        if (code == absl::StatusCode::kUnavailable) {  // DNS: the next endpoint now.
          base::Log(base::LogLevel::kDebug, "Not retrying: trying the next endpoint",
                    {{"reason", std::string(response.status().message())},
                     {"attempt", attempts.size()},
                     {"endpoint", endpoint}});
          break;
        }
        if (code == absl::StatusCode::kResourceExhausted) {  // An oversized body.
          attempt.code = absl::StatusCode::kInvalidArgument;
          attempt.headline = "Agora's answer is not a list of Notifications IPs.";
          break;  // Another endpoint may answer properly.
        }
        if (code == absl::StatusCode::kFailedPrecondition) {
          if (auto proxy = response.status().GetPayload(kProxyTlsPayload)) {
            return fail(code, absl::StrCat("Could not verify the TLS certificate of the proxy ",
                                           std::string(*proxy),
                                           ". Trust the proxy's CA with ca_cert_pem or "
                                           "ca_cert_file (they apply to the proxy too)."));
          }
          return fail(code,
                      "Could not verify Agora's TLS certificate. If a TLS-inspecting proxy is in "
                      "the way, trust its CA with ca_cert_pem or ca_cert_file.");
        }
        if (code == absl::StatusCode::kNotFound) {
          // No CA store on this machine: no endpoint or retry would fare better.
          return fail(absl::StatusCode::kFailedPrecondition,
                      "Could not verify Agora's TLS certificate: the provider found no CA "
                      "certificates on this machine.");
        }
        if (code == absl::StatusCode::kInternal) {
          // The request never left this machine (libcurl failed to start, no memory): not
          // Agora's doing, and no retry or other endpoint would fare better.
          return fail(code, "The provider could not send the request from this machine.");
        }
        if (code != absl::StatusCode::kDeadlineExceeded && code != absl::StatusCode::kUnknown) {
          return fail(code, "Could not reach Agora.");
        }
        // A timeout or a dropped connection is transient: retry this endpoint.
      } else {
        attempt.status = response->status;
        attempt.request_id = Excerpt(response->header("x-request-id"), kMaxHeaderBytes);
        attempt.resource_id = Excerpt(response->header("x-resource-id"), kMaxHeaderBytes);
        if (response->status != 200) attempt.message = ErrorMessage(response->body);
        base::Log(
            base::LogLevel::kDebug, "Agora answered",
            {{"url", url}, {"status", response->status}, {"x_request_id", attempt.request_id}});
        switch (response->status) {
          case 200: {
            absl::StatusOr<NcsResponse> parsed = ParseNcsResponse(response->body);
            if (!parsed.ok()) {
              // A captive portal's page, say: another endpoint may answer properly.
              attempt.unusable = Excerpt(parsed.status().message(), 160);
              attempt.code = absl::StatusCode::kInvalidArgument;
              attempt.headline = absl::StrCat("Agora's answer from ", url,
                                              " could not be used: ", parsed.status().message());
              break;
            }
            NcsFetchResult result;
            result.response = *std::move(parsed);
            result.url = url;
            result.attempts = static_cast<int>(attempts.size());
            result.request_id = attempt.request_id;
            return result;
          }
          case 401:
            return fail(
                absl::StatusCode::kUnauthenticated,
                absl::StrCat("Agora rejected the credentials (HTTP 401 Unauthorized): "
                             "customer ID \"",
                             settings_.customer_id->value, "\" (from ",
                             settings_.customer_id->source, ") with the customer secret from ",
                             settings_.customer_secret->source,
                             ". Check the RESTful API key in Agora Console; the secret "
                             "is shown only once, when the key is created."));
          case 403:
            return fail(absl::StatusCode::kPermissionDenied,
                        absl::StrCat("Agora refused access (HTTP 403 Forbidden) for customer ID "
                                     "\"",
                                     settings_.customer_id->value,
                                     "\". Contact Agora support with the X-Request-ID below."));
          case 404:
            break;  // Perhaps not deployed on this domain: the next endpoint, once.
          default:
            if (!IsTransientStatus(response->status)) {
              // A redirect or another client error: not retried here, but another endpoint (or
              // whatever answers in its place) may do better.
              attempt.code = absl::StatusCode::kInvalidArgument;
              attempt.headline = absl::StrCat("Agora answered HTTP ", StatusText(response->status),
                                              ", which is not retried.");
              break;
            }
            retry_after = ParseRetryAfter(response->header("retry-after"), clock_.Now());
        }
        if (response->status == 404 || !attempt.headline.empty()) {
          base::Log(base::LogLevel::kDebug, "Not retrying: trying the next endpoint",
                    {{"reason", absl::StrCat("HTTP ", response->status)},
                     {"attempt", attempts.size()},
                     {"endpoint", endpoint}});
          break;
        }
      }

      // A transient failure: back off (Retry-After if given) and retry, never past total_timeout.
      const std::string reason = attempt.status != 0
                                     ? absl::StrCat("HTTP ", StatusText(attempt.status))
                                     : std::string(attempt.transport.message());
      if (retry >= settings_.max_retries) {
        base::Log(base::LogLevel::kDebug, "Not retrying: max_retries reached",
                  {{"reason", reason},
                   {"attempt", attempts.size()},
                   {"endpoint", endpoint},
                   {"max_retries", settings_.max_retries}});
        break;
      }
      const absl::Duration delay = retry_after ? *retry_after : BackoffDelay(retry, jitter_());
      if (clock_.Monotonic() + delay >= deadline) {
        base::Log(base::LogLevel::kDebug, "Not retrying: the wait would pass total_timeout",
                  {{"reason", reason},
                   {"wait_ms", absl::ToInt64Milliseconds(delay)},
                   {"attempt", attempts.size()},
                   {"endpoint", endpoint}});
        // No time to wait here: the next endpoint. Said in the error, should all of them fail.
        attempts.back().not_retried = absl::StrCat(
            "not retried: ", retry_after ? "Agora asked to wait " : "the next retry was due in ",
            absl::FormatDuration(absl::Trunc(delay, absl::Milliseconds(1))),
            retry_after ? " (Retry-After)" : "", ", past total_timeout (",
            absl::FormatDuration(settings_.total_timeout), ")");
        break;
      }
      base::Log(base::LogLevel::kDebug, "Retrying Agora request",
                {{"reason", reason},
                 {"wait_ms", absl::ToInt64Milliseconds(delay)},
                 {"retry_after", retry_after.has_value()},
                 {"attempt", attempts.size() + 1},
                 {"endpoint", endpoint}});
      if (!clock_.SleepFor(delay, cancellation_)) return cancelled();
    }
  }

  if (clock_.Monotonic() >= deadline) return timed_out();
  const Attempt& last = attempts.back();
  // An answer that could not be used, from the last endpoint: its own error, every attempt listed.
  if (!last.headline.empty()) return fail(last.code, last.headline);
  if (last.status == 404 && std::all_of(attempts.begin(), attempts.end(),
                                        [](const Attempt& a) { return a.status == 404; })) {
    return fail(absl::StatusCode::kNotFound,
                "Agora answered HTTP 404 Not Found on every endpoint: the Notifications IP API is "
                "not available there. Check endpoints and the data source's service.");
  }
  return fail(absl::StatusCode::kUnavailable,
              absl::StrCat("Could not read Agora's Notifications IPs from any endpoint (last: ",
                           last.status == 0 ? std::string(last.transport.message())
                                            : absl::StrCat("HTTP ", StatusText(last.status)),
                           ")."));
}

}  // namespace agora

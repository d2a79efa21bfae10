#include "provider/agora_api/curl_transport.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "internal/base/log.h"
#include "provider/agora_api/setting_checks.h"

namespace agora {
namespace {

struct EasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// curl_global_init is not thread-safe: run it once, before the first transfer.
absl::Status InitialiseCurl() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) {
    return absl::InternalError(
        absl::StrCat("libcurl could not initialise: ", curl_easy_strerror(code)));
  }
  return absl::OkStatus();
}

struct Transfer {
  const HttpRequest* request;
  HttpResponse response;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->response.body.size() + bytes > transfer->request->max_body_bytes) {
    transfer->too_large = true;
    return 0;  // Makes libcurl fail the transfer with CURLE_WRITE_ERROR.
  }
  transfer->response.body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  absl::string_view line(data, size * count);
  if (absl::StartsWith(line, "HTTP/")) {
    // A new response begins (e.g. after a proxy's CONNECT reply): keep only the last one's.
    transfer->response.headers.clear();
  } else if (size_t colon = line.find(':'); colon != absl::string_view::npos) {
    std::string name = absl::AsciiStrToLower(line.substr(0, colon));
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
    transfer->response.headers[name] = std::string(value);
  }
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  const Cancellation* cancellation = transfer->request->cancellation;
  return cancellation != nullptr && cancellation->cancelled() ? 1 : 0;
}

// Never proxied, whatever the settings: a proxy cannot reach this machine's loopback, and Go's
// net/http makes the same exception.
constexpr char kLoopbackHosts[] = "localhost,127.0.0.0/8,::1";

// The host of `url`, or "" when libcurl cannot parse it (it then refuses the request itself).
std::string HostOf(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  char* host = nullptr;
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(parsed.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    return "";
  }
  std::string out(host);
  curl_free(host);
  return out;
}

// The proxy URL without its user information (a proxy password never reaches a message).
std::string RedactedProxy(const std::string& proxy_url) {
  absl::string_view url = proxy_url;
  const size_t scheme_end = url.find("://");
  const size_t authority = scheme_end == absl::string_view::npos ? 0 : scheme_end + 3;
  const size_t at = url.find('@', authority);
  const size_t path = url.find_first_of("/?#", authority);
  if (at == absl::string_view::npos || (path != absl::string_view::npos && at > path)) {
    return proxy_url;
  }
  return absl::StrCat(url.substr(0, authority), url.substr(at + 1));
}

// `proxy_note` is appended to the message: which proxy the transfer was given, if any.
absl::Status MapError(CURLcode code, const char* error_buffer, const Transfer& transfer,
                      const HttpRequest& request, const std::string& proxy_note) {
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
  absl::StrAppend(&detail, proxy_note);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return absl::UnavailableError(detail);
    case CURLE_COULDNT_CONNECT:
      // Refused or unreachable: often brief (a restarting load balancer), so it is retried like
      // any other network error; Agora's failover guidance retries the same domain first.
      return absl::UnknownError(detail);
    case CURLE_OPERATION_TIMEDOUT:
      return absl::DeadlineExceededError(
          absl::StrCat("no complete answer within ",
                       absl::FormatDuration(absl::Trunc(request.timeout, absl::Milliseconds(1))),
                       " (", detail, ")"));
    case CURLE_ABORTED_BY_CALLBACK:
      return absl::CancelledError("the request was cancelled");
    case CURLE_WRITE_ERROR:
      if (transfer.too_large) {
        return absl::ResourceExhaustedError(
            absl::StrCat("the response body is larger than ", request.max_body_bytes / 1024,
                         " KiB; an answer that large is not a list of Notifications IPs"));
      }
      return absl::UnknownError(detail);
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      return absl::FailedPreconditionError(absl::StrCat("TLS verification failed: ", detail));
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return absl::InvalidArgumentError(detail);
    default:
      return absl::UnknownError(detail);
  }
}

}  // namespace

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {}

absl::StatusOr<HttpResponse> CurlTransport::Get(const HttpRequest& request) {
  if (absl::Status status = InitialiseCurl(); !status.ok()) return status;
  if (options_.insecure || !options_.ca_cert_pem.empty() || !options_.ca_cert_file.empty()) {
    return Perform(request, Trust{options_.ca_cert_file, ""}, nullptr);
  }
  absl::StatusOr<SystemCaStore> store = FindSystemCaStore(options_.ca_cert_dir);
  if (!store.ok()) return store.status();
  if (store->hashed_directories.empty()) {
    return Perform(request, Trust{store->bundle_file, ""}, nullptr);
  }
  // The hashed directories first: OpenSSL reads only the certificates a chain needs. The bundle
  // holds the same certificates but is parsed whole, about 140 of them: 30 ms and 1.4 MiB in
  // every process that fetches (bench/README.md). Should the directories not verify the server
  // (a certificate added to the bundle by hand, without update-ca-certificates), the attempt is
  // made once more with the bundle as well, so trust is never narrower than the system store.
  CURLcode code = CURLE_OK;
  absl::StatusOr<HttpResponse> response =
      Perform(request, Trust{"", store->hashed_directories}, &code);
  if (store->bundle_file.empty() ||
      (code != CURLE_PEER_FAILED_VERIFICATION && code != CURLE_SSL_CACERT_BADFILE)) {
    return response;
  }
  base::Log(base::LogLevel::kDebug,
            "TLS verification failed with the system CA directory; "
            "retrying with the system CA bundle",
            {{"url", request.url}, {"bundle", store->bundle_file}});
  return Perform(request, Trust{store->bundle_file, store->hashed_directories}, nullptr);
}

absl::StatusOr<HttpResponse> CurlTransport::Perform(const HttpRequest& request, const Trust& trust,
                                                    CURLcode* curl_code) const {
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return absl::InternalError("libcurl could not create a handle");
  CURL* h = curl.get();

  Transfer transfer{&request, {}, false};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const std::string& header : request.headers) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  }

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (!options_.user_agent.empty())
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  if (!request.username.empty() || !request.password.empty()) {
    curl_easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
  }
  // libcurl counts whole milliseconds and takes 0 for "no timeout": round up, never down.
  if (request.timeout <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError("no time was left for the request");
  }
  const long timeout_ms =
      static_cast<long>(absl::ToInt64Milliseconds(absl::Ceil(request.timeout, absl::Milliseconds(1))));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);

  // TLS: verification stays on unless the user asked for `insecure`. The same trust applies to
  // an https:// proxy, which libcurl verifies with options of its own (CURLOPT_PROXY_*).
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
  curl_easy_setopt(h, CURLOPT_PROXY_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  curl_easy_setopt(h, CURLOPT_PROXY_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
  // libcurl has no CA location of its own (cmake/DebianCurl.cmake): exactly `trust` applies.
  curl_blob ca_blob{};
  if (!trust.bundle_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, trust.bundle_file.c_str());
    curl_easy_setopt(h, CURLOPT_PROXY_CAINFO, trust.bundle_file.c_str());
  } else if (!options_.ca_cert_pem.empty()) {
    ca_blob.data = const_cast<char*>(options_.ca_cert_pem.data());
    ca_blob.len = options_.ca_cert_pem.size();
    ca_blob.flags = CURL_BLOB_NOCOPY;
    curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
    curl_easy_setopt(h, CURLOPT_PROXY_CAINFO_BLOB, &ca_blob);
  }
  if (!trust.directories.empty()) {
    curl_easy_setopt(h, CURLOPT_CAPATH, trust.directories.c_str());
    curl_easy_setopt(h, CURLOPT_PROXY_CAPATH, trust.directories.c_str());
  }

  // An empty string disables libcurl's own reading of proxy variables: the provider has already
  // resolved them (both spellings) into options_. Loopback hosts always bypass the proxy.
  const bool proxied = !options_.proxy_url.empty() && !IsLoopbackHost(HostOf(request.url));
  const std::string no_proxy = options_.no_proxy.empty()
                                   ? std::string(kLoopbackHosts)
                                   : absl::StrCat(options_.no_proxy, ",", kLoopbackHosts);
  curl_easy_setopt(h, CURLOPT_PROXY, proxied ? options_.proxy_url.c_str() : "");
  curl_easy_setopt(h, CURLOPT_NOPROXY, no_proxy.c_str());

  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);

  CURLcode code = curl_easy_perform(h);
  if (curl_code != nullptr) *curl_code = code;
  if (code != CURLE_OK) {
    std::string proxy_note;
    if (proxied) {
      // libcurl itself decides whether NO_PROXY exempts the host, so then both are named.
      proxy_note =
          options_.no_proxy.empty()
              ? absl::StrCat(" (through the proxy ", RedactedProxy(options_.proxy_url), ")")
              : absl::StrCat(" (proxy ", RedactedProxy(options_.proxy_url), ", NO_PROXY \"",
                             options_.no_proxy, "\")");
    }
    absl::Status error = MapError(code, error_buffer, transfer, request, proxy_note);
    // The proxy's certificate, not Agora's: the caller says so (provider/agora_api/http_transport.h).
    long proxy_verify_result = 0;
    if (proxied && error.code() == absl::StatusCode::kFailedPrecondition &&
        curl_easy_getinfo(h, CURLINFO_PROXY_SSL_VERIFYRESULT, &proxy_verify_result) == CURLE_OK &&
        proxy_verify_result != 0) {
      error.SetPayload(kProxyTlsPayload, absl::Cord(RedactedProxy(options_.proxy_url)));
    }
    return error;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace agora

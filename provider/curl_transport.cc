#include "provider/curl_transport.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "internal/base/log.h"
#include "provider/curl_library.h"

namespace agora {
namespace {

struct EasyDeleter {
  const CurlApi* api;
  void operator()(CURL* curl) const { api->easy_cleanup(curl); }
};
struct SlistDeleter {
  const CurlApi* api;
  void operator()(curl_slist* list) const { api->slist_free_all(list); }
};

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

absl::Status MapError(const CurlApi& api, CURLcode code, const char* error_buffer,
                      const Transfer& transfer, const HttpRequest& request) {
  std::string detail = error_buffer[0] != '\0' ? error_buffer : api.easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
      return absl::UnavailableError(detail);
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

// libcurl's built-in CA directory (Debian: /etc/ssl/certs, hashed by update-ca-certificates), or
// null when it was built without one.
const char* BuiltInCaDirectory(const CurlApi& api) {
  const curl_version_info_data* info = api.version_info(CURLVERSION_NOW);
  if (info == nullptr || info->age < CURLVERSION_SEVENTH || info->capath == nullptr ||
      info->capath[0] == '\0') {
    return nullptr;
  }
  return info->capath;
}

}  // namespace

CurlTransport::CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {}

absl::StatusOr<HttpResponse> CurlTransport::Get(const HttpRequest& request) {
  // Loaded on the first request, not at start-up: most provider processes never fetch.
  absl::StatusOr<const CurlApi*> loaded = LoadCurl();
  if (!loaded.ok()) return loaded.status();
  const CurlApi& api = **loaded;
  if (options_.insecure || !options_.ca_cert_pem.empty() || !options_.ca_cert_file.empty()) {
    return Perform(api, request, Trust::kConfigured, nullptr);
  }
  if (BuiltInCaDirectory(api) == nullptr) {
    return Perform(api, request, Trust::kSystemBundle, nullptr);
  }
  // The system store through its hashed directory: OpenSSL reads only the certificates a chain
  // needs. The bundle holds the same certificates but is parsed whole, about 140 of them: 30 ms
  // and 1.4 MiB in every process that fetches (bench/README.md). Should the directory not verify
  // the server (a certificate added to the bundle by hand, without update-ca-certificates), the
  // attempt is made once more with the bundle, so trust is never narrower than libcurl's default.
  CURLcode code = CURLE_OK;
  absl::StatusOr<HttpResponse> response = Perform(api, request, Trust::kSystemDirectory, &code);
  if (code != CURLE_PEER_FAILED_VERIFICATION && code != CURLE_SSL_CACERT_BADFILE) return response;
  base::Log(base::LogLevel::kDebug, "TLS verification failed with the system CA directory; "
                                    "retrying with the system CA bundle",
            {{"url", request.url}});
  return Perform(api, request, Trust::kSystemBundle, nullptr);
}

absl::StatusOr<HttpResponse> CurlTransport::Perform(const CurlApi& api, const HttpRequest& request,
                                                    Trust trust, CURLcode* curl_code) const {
  std::unique_ptr<CURL, EasyDeleter> curl(api.easy_init(), EasyDeleter{&api});
  if (!curl) return absl::InternalError("libcurl could not create a handle");
  CURL* h = curl.get();

  Transfer transfer{&request, {}, false};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistDeleter> headers(nullptr, SlistDeleter{&api});
  for (const std::string& header : request.headers) {
    headers.reset(api.slist_append(headers.release(), header.c_str()));
  }

  api.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  api.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  api.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  api.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  api.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api.easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  api.easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  api.easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (!options_.user_agent.empty())
    api.easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
  if (!request.username.empty() || !request.password.empty()) {
    api.easy_setopt(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    api.easy_setopt(h, CURLOPT_USERNAME, request.username.c_str());
    api.easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
  }
  long timeout_ms = static_cast<long>(absl::ToInt64Milliseconds(request.timeout));
  api.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  api.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);

  // TLS: verification stays on unless the user asked for `insecure`.
  api.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.insecure ? 0L : 1L);
  api.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.insecure ? 0L : 2L);
  curl_blob ca_blob{};
  switch (trust) {
    case Trust::kConfigured:
      // ca_cert_pem / ca_cert_file replace the system store, so libcurl's built-in CA directory,
      // which it would consult as well, is switched off.
      api.easy_setopt(h, CURLOPT_CAPATH, nullptr);
      if (!options_.ca_cert_pem.empty()) {
        ca_blob.data = const_cast<char*>(options_.ca_cert_pem.data());
        ca_blob.len = options_.ca_cert_pem.size();
        ca_blob.flags = CURL_BLOB_NOCOPY;
        api.easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
      } else if (!options_.ca_cert_file.empty()) {
        api.easy_setopt(h, CURLOPT_CAINFO, options_.ca_cert_file.c_str());
      }
      break;
    case Trust::kSystemDirectory:
      api.easy_setopt(h, CURLOPT_CAINFO, nullptr);  // The built-in directory only.
      break;
    case Trust::kSystemBundle:
      break;  // libcurl's defaults: the built-in bundle (and directory, if any).
  }

  // An empty string disables libcurl's own reading of proxy variables: the provider has already
  // resolved them (both spellings) into options_.
  api.easy_setopt(h, CURLOPT_PROXY, options_.proxy_url.c_str());
  api.easy_setopt(h, CURLOPT_NOPROXY, options_.no_proxy.c_str());

  api.easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  api.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  api.easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
  api.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  api.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  api.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, OnProgress);
  api.easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);

  CURLcode code = api.easy_perform(h);
  if (curl_code != nullptr) *curl_code = code;
  if (code != CURLE_OK) return MapError(api, code, error_buffer, transfer, request);
  long status = 0;
  api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  transfer.response.status = static_cast<int>(status);
  return std::move(transfer.response);
}

}  // namespace agora

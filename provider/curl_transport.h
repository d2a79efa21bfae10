// HttpTransport on libcurl: TLS verification on (the system store, or only the configured CA),
// explicit proxy settings only (libcurl's own environment lookup is disabled so that the
// provider's resolution of HTTPS_PROXY/https_proxy/NO_PROXY/no_proxy is the one that applies), no
// redirects, a per-attempt timeout, a body size cap and cancellation.
//
// Thread-safe: each Get() uses its own easy handle.
#pragma once

#include <string>

#include "provider/curl_library.h"
#include "provider/http_transport.h"

namespace agora {

struct CurlTransportOptions {
  std::string ca_cert_pem;   // Trust only these PEM certificates (in addition to nothing else).
  std::string ca_cert_file;  // Or this CA bundle file.
  bool insecure = false;     // Skip certificate and host name verification.
  std::string proxy_url;     // Empty: no proxy.
  std::string no_proxy;      // Comma-separated hosts/domains/CIDRs that bypass the proxy.
  std::string user_agent;
};

class CurlTransport final : public HttpTransport {
 public:
  explicit CurlTransport(CurlTransportOptions options);
  absl::StatusOr<HttpResponse> Get(const HttpRequest& request) override;

 private:
  // Which certificates verify the server.
  enum class Trust {
    kConfigured,       // ca_cert_pem or ca_cert_file only (or none: insecure).
    kSystemDirectory,  // libcurl's built-in CA directory only.
    kSystemBundle,     // libcurl's defaults: its built-in CA bundle (and directory).
  };
  // One transfer. `curl_code`, if given, receives libcurl's result code.
  absl::StatusOr<HttpResponse> Perform(const CurlApi& api, const HttpRequest& request, Trust trust,
                                       CURLcode* curl_code) const;

  const CurlTransportOptions options_;
};

}  // namespace agora

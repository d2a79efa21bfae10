// HttpTransport on libcurl: TLS verification on (the system store found by provider/agora_api/ca_store.h,
// or only the configured CA),
// explicit proxy settings only (libcurl's own environment lookup is disabled so that the
// provider's resolution of HTTPS_PROXY/https_proxy/NO_PROXY/no_proxy is the one that applies;
// loopback hosts are never proxied, as in Go's net/http, and errors name the proxy), no
// redirects, a per-attempt timeout, a body size cap and cancellation.
//
// Thread-safe: each Get() uses its own easy handle.
#pragma once

#include <curl/curl.h>

#include <string>

#include "provider/agora_api/ca_store.h"
#include "provider/agora_api/http_transport.h"

namespace agora {

struct CurlTransportOptions {
  std::string ca_cert_pem;   // Trust only these PEM certificates (in addition to nothing else).
  std::string ca_cert_file;  // Or this CA bundle file.
  std::string ca_cert_dir;   // SSL_CERT_DIR: these hashed directories instead of the probed ones.
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
  // Which certificates verify the server: a bundle file and/or hashed directories, or, when both
  // are empty, ca_cert_pem or nothing at all (insecure).
  struct Trust {
    std::string bundle_file;
    std::string directories;
  };
  // One transfer. `curl_code`, if given, receives libcurl's result code.
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request, const Trust& trust,
                                       CURLcode* curl_code) const;

  const CurlTransportOptions options_;
};

}  // namespace agora

// Where this machine keeps its trusted CA certificates, found the way Go's crypto/x509 finds them
// (root_linux.go), so the one static binary verifies Agora on any distribution with no setting.
//
// The provider's libcurl has no CA location compiled in (cmake/DebianCurl.cmake): the transport
// always passes what FindSystemCaStore returns. ca_cert_pem, ca_cert_file and SSL_CERT_FILE
// replace the system store and are handled before this is consulted (provider/terraform/settings.h).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace agora {

struct SystemCaStore {
  // The first CA bundle file found, or empty.
  std::string bundle_file;
  // Directories in OpenSSL's hashed layout (`<subject hash>.<n>` names, as update-ca-certificates
  // and c_rehash write them), joined with ':' as OpenSSL's CApath takes them; or empty. Through
  // a directory OpenSSL reads only the certificates a chain needs, where a bundle is parsed whole
  // (bench/README.md): the transport tries it first and falls back to the bundle.
  std::string hashed_directories;
};

// The bundle files probed, in order: Debian/Ubuntu/Alpine (ca-certificates), Fedora/RHEL 6,
// openSUSE, OpenELEC, CentOS/RHEL 7+, Alpine (libressl/openssl's cert.pem).
const std::vector<std::string>& CaBundleCandidates();
// The directories probed: /etc/ssl/certs, /etc/pki/tls/certs.
const std::vector<std::string>& CaDirectoryCandidates();

// Probes the candidates under `root` (a directory prefix for tests; "/" for the machine) and
// returns what exists. `ssl_cert_dir` is the SSL_CERT_DIR variable (':'-separated, as OpenSSL and
// Go read it): when not empty, its directories replace the probed ones and are taken as given,
// and no bundle is probed. NotFound, with a message that lists what was looked for and what to
// set, when neither a bundle nor a hashed directory exists.
absl::StatusOr<SystemCaStore> FindSystemCaStore(absl::string_view ssl_cert_dir,
                                                absl::string_view root = "/");

}  // namespace agora

// AutoMTLS, the plugin's half: a fresh key and self-signed server certificate per process, shaped
// so that go-plugin's client (Go crypto/x509) accepts it when pinned as its only root
// (docs/design/terraform-plugin.md §2). Thread-safe; each call returns new, independent material.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace plugin {

struct ServerCertificate {
  std::string key_pem;   // SEC 1 "EC PRIVATE KEY", unencrypted. Secret: never log it.
  std::string cert_pem;  // The certificate as one PEM block.
  std::string cert_der;  // The same certificate, DER (what the handshake line carries).
};

// Generates an ECDSA P-256 key and a self-signed X.509 v3 certificate for it: CN=localhost,
// O=`organization` (the plugin's name, if not empty; go-plugin's is "HashiCorp"),
// SAN DNS:localhost, EKU serverAuth+clientAuth, critical basicConstraints CA:TRUE, critical KU
// digitalSignature+keyEncipherment+keyAgreement+keyCertSign, a random 128-bit serial, valid from
// `now` - 30 s to `now` + ~30 years, signed with SHA-256.
// P-256 rather than go-plugin's P-521 keeps start-up cheap; Terraform accepts both.
// Errors: Internal, carrying OpenSSL's error queue.
absl::StatusOr<ServerCertificate> GenerateServerCertificate(std::string_view organization,
                                                            absl::Time now = absl::Now());

// Checks that `pem` (PLUGIN_CLIENT_CERT) holds at least one parseable PEM certificate, so a
// mangled variable fails start-up with a clear message instead of every TLS handshake failing.
// Errors: InvalidArgument.
absl::Status ValidateClientCertificatePem(std::string_view pem);

}  // namespace plugin

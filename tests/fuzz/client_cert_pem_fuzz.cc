// libFuzzer target client_cert_pem: plugin::ValidateClientCertificatePem, the check of
// PLUGIN_CLIENT_CERT (the PEM certificate Terraform passes for AutoMTLS) at start-up.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "internal/plugin/mtls.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view pem(reinterpret_cast<const char*>(data), size);
  (void)plugin::ValidateClientCertificatePem(pem);
  return 0;
}

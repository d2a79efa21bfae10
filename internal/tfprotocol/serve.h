// The entry point a provider's main() calls: parses the command line, then serves the provider
// over the plugin protocol (go-plugin handshake + tfplugin6) until Terraform shuts it down.
#pragma once

#include <memory>
#include <string>

#include "internal/tfprotocol/provider.h"

namespace tfprotocol {

struct ServeOptions {
  std::string executable_name;   // "terraform-provider-NAME": messages, the AutoMTLS certificate.
  std::string version;           // printed by -version.
  std::string provider_address;  // "registry.terraform.io/NAMESPACE/NAME", for -debug.
  std::string log_module;        // The logs' @module; Terraform shows it after "provider.".
};

// Flags: -version prints the version; -debug serves in plaintext without the magic cookie and
// prints a TF_REATTACH_PROVIDERS line. Returns the process exit code.
int Serve(std::unique_ptr<Provider> provider, const ServeOptions& options, int argc, char** argv);

}  // namespace tfprotocol

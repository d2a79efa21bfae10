// terraform-provider-agora: Terraform starts this binary and talks to it over the plugin protocol.
#include <memory>

#include "internal/base/env.h"
#include "internal/tfprotocol/serve.h"
#include "provider/agora_provider.h"
#include "provider/clock.h"

int main(int argc, char** argv) {
  static const base::ProcessEnv env;
  static agora::RealClock clock;
  tfprotocol::ServeOptions options;
  options.executable_name = "terraform-provider-agora";
  options.version = AGORA_PROVIDER_VERSION;
  options.provider_address = "registry.terraform.io/agora/agora";
  return tfprotocol::Serve(std::make_unique<agora::AgoraProvider>(env, clock), options, argc, argv);
}

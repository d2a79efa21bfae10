// terraform-provider-agora: Terraform starts this binary and talks to it over the plugin protocol.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "internal/base/env.h"
#include "internal/base/name_services.h"
#include "internal/tfprotocol/serve.h"
#include "provider/agora_api/clock.h"
#include "provider/terraform/agora_provider.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

int main(int argc, char** argv) {
  base::UseBuiltInNameServices();  // A static binary: no NSS module of the machine's glibc.
  static const base::ProcessEnv env;
  static agora::RealClock clock;
  tfprotocol::ServeOptions options;
  options.executable_name = "terraform-provider-agora";
  options.version = AGORA_PROVIDER_VERSION;
  options.provider_address = "registry.terraform.io/agora/agora";
  options.log_module = "agora";
  const int exit_code =
      tfprotocol::Serve(std::make_unique<agora::AgoraProvider>(env, clock), options, argc, argv);
  // Serve has stopped the server, removed the socket file and destroyed the provider. A normal
  // exit would now run gRPC's global teardown, which joins its background threads one by one:
  // about 5 ms that Terraform waits for after every Shutdown call, three times per plan (15 ms of
  // a 195 ms one-data-source plan, measured with bench/run_bench.py). The kernel reclaims the
  // rest, so flush what was written and end the process here.
  std::fflush(nullptr);
#if defined(__SANITIZE_ADDRESS__)
  // The sanitize build (make sanitize): _Exit skips LeakSanitizer's check at exit, so run it here.
  // A leak ends the process with LeakSanitizer's exit code (or aborts, with abort_on_error).
  __lsan_do_leak_check();
#endif
  std::_Exit(exit_code);
}

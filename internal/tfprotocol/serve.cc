#include "internal/tfprotocol/serve.h"

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "internal/base/crash_report.h"
#include "internal/base/env.h"
#include "internal/base/log.h"
#include "internal/plugin/server.h"
#include "internal/tfprotocol/provider_service.h"

namespace tfprotocol {
namespace {

// Both %s are the executable's name.
constexpr char kUsage[] =
    "Usage: %s [-version] [-debug] [-help]\n"
    "\n"
    "A Terraform provider plugin. Terraform starts it itself after `terraform init` installs it;\n"
    "there is nothing to run by hand.\n"
    "\n"
    "  -version  print the version and exit\n"
    "  -debug    serve without Terraform starting the process (for debuggers): prints a\n"
    "            TF_REATTACH_PROVIDERS value to export in the shell that runs terraform\n"
    "  -help     print this help and exit\n"
    "\n"
    "Logs: TF_LOG_PROVIDER or TF_LOG (TRACE, DEBUG, INFO, WARN, ERROR) in the environment of\n"
    "terraform, which shows them under provider.%s.\n";

}  // namespace

int Serve(std::unique_ptr<Provider> provider, const ServeOptions& options, int argc, char** argv) {
  bool debug = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-version" || arg == "--version") {
      std::printf("%s %s\n", options.executable_name.c_str(), options.version.c_str());
      return 0;
    }
    if (arg == "-debug" || arg == "--debug") {
      debug = true;
      continue;
    }
    if (arg == "-h" || arg == "-help" || arg == "--help") {
      std::printf(kUsage, options.executable_name.c_str(), options.executable_name.c_str());
      return 0;
    }
    std::fprintf(stderr, "%s: unknown argument \"%s\"\n", options.executable_name.c_str(), argv[i]);
    std::fprintf(stderr, kUsage, options.executable_name.c_str(), options.executable_name.c_str());
    return 2;
  }

  base::InstallCrashReport(argv[0], options.executable_name, options.version);
  // gRPC serves concurrent calls on many threads, and glibc gives each new thread contending for
  // the heap an arena of its own (up to 8 per core), which it keeps. In a long-lived provider
  // (debug mode, 64 reads at once) that grew the idle footprint by 1.6 to 3 MiB over 10,000
  // reads; two arenas hold it within 1 MiB (make soak, part 3). MALLOC_ARENA_MAX still wins.
  if (getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  const base::ProcessEnv env;
  base::InitLogging(env, options.log_module, options.provider_address);

  ProviderService service(*provider);
  plugin::ServerOptions server_options;
  server_options.app_protocol_versions = {6};
  server_options.services = {&service};
  server_options.debug = debug;
  server_options.provider_address = options.provider_address;
  server_options.certificate_organization = options.executable_name;
  Provider* raw_provider = provider.get();
  server_options.on_shutdown = [raw_provider] { raw_provider->Stop(); };
  return plugin::Serve(server_options, env, stdout, stderr);
}

}  // namespace tfprotocol

#include "internal/tfprotocol/serve.h"

#include <cstdio>
#include <string_view>

#include "internal/base/env.h"
#include "internal/base/log.h"
#include "internal/plugin/server.h"
#include "internal/tfprotocol/provider_service.h"

namespace tfprotocol {

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
    std::fprintf(stderr,
                 "%s: unknown argument \"%s\"\n"
                 "Usage: %s [-version] [-debug]\n"
                 "Terraform starts this program itself; run it by hand only with -debug or "
                 "-version.\n",
                 options.executable_name.c_str(), argv[i], options.executable_name.c_str());
    return 2;
  }

  const base::ProcessEnv env;
  base::InitLogging(env, options.log_module);

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

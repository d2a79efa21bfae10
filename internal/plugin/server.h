// The go-plugin side of a Terraform provider process: magic-cookie check, protocol version
// negotiation, the listener, AutoMTLS, the handshake line, go-plugin's own services
// (GRPCController, GRPCStdio, health) and a clean exit on Shutdown. Knows nothing of tfplugin6:
// the provider service arrives as an opaque grpc::Service.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "internal/base/env.h"

namespace grpc {
class Service;
}

namespace plugin {

struct ServerOptions {
  // Application protocol versions this plugin speaks, e.g. {6}.
  std::vector<int> app_protocol_versions;
  // Registered alongside go-plugin's services; not owned, must outlive Serve().
  std::vector<grpc::Service*> services;
  // Debug (reattach) mode: no magic cookie needed, plaintext, and instead of the handshake line a
  // TF_REATTACH_PROVIDERS line for `provider_address` is printed; serves until SIGTERM/SIGINT.
  bool debug = false;
  std::string provider_address;
  // The AutoMTLS certificate's organisation (O=): the plugin's name.
  std::string certificate_organization;
  // Called (once, from a non-handler thread) when the server is about to stop, before in-flight
  // RPCs are drained, so long operations can be cancelled.
  std::function<void()> on_shutdown;
};

// Runs the plugin until GRPCController.Shutdown, SIGTERM, or (outside debug mode) the exit of the
// parent process, i.e. Terraform. `out` receives the handshake line and nothing else; `err`
// receives human messages. Returns the process exit code: 0 after a clean shutdown, 1 when run by
// hand (no magic cookie) or on a start-up failure (a message on `err`).
int Serve(const ServerOptions& options, const base::Env& env, std::FILE* out, std::FILE* err);

}  // namespace plugin

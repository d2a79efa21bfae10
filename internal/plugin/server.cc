#include "internal/plugin/server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "internal/base/log.h"
#include "internal/base/platform.h"
#include "internal/base/status_macros.h"
#include "internal/plugin/go_plugin_services.h"
#include "internal/plugin/handshake.h"
#include "internal/plugin/listener.h"
#include "internal/plugin/mtls.h"
#include "internal/plugin/stop_signal.h"

namespace plugin {
namespace {

// Terraform's configs and states can be large; gRPC's 4 MiB default receive limit is not enough.
constexpr int kMaxMessageBytes = 256 << 20;
// How long in-flight RPCs get to finish once a stop is requested before gRPC cancels them.
// Terraform SIGKILLs a plugin that has not exited 2 s after its Shutdown call.
constexpr std::chrono::milliseconds kShutdownGrace(500);
// Terraform can vanish without calling Shutdown (SIGKILL, a CI job's time limit). Nobody else
// knows the plugin's socket, so once the parent process is gone the plugin stops as if told to;
// this is how often it looks. Not in debug mode, whose parent is the developer's shell.
constexpr absl::Duration kParentCheckInterval = absl::Seconds(1);
// go-plugin's health service name.
constexpr char kHealthServiceName[] = "plugin";

struct Credentials {
  std::shared_ptr<grpc::ServerCredentials> server;
  std::string cert_der;  // Empty without TLS.
};

// AutoMTLS when Terraform sent its client certificate (it does unless TF_DISABLE_PLUGIN_TLS is
// set); plaintext otherwise, and always in debug mode, whose reattaching clients never use TLS.
absl::StatusOr<Credentials> MakeCredentials(const ServerOptions& options, const base::Env& env) {
  std::optional<std::string> client_cert = env.Get("PLUGIN_CLIENT_CERT");
  if (options.debug || !client_cert.has_value() || client_cert->empty()) {
    return Credentials{grpc::InsecureServerCredentials(), ""};
  }
  RETURN_IF_ERROR(ValidateClientCertificatePem(*client_cert));
  ASSIGN_OR_RETURN(ServerCertificate cert,
                   GenerateServerCertificate(options.certificate_organization));
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  ssl.pem_root_certs = std::move(*client_cert);
  ssl.pem_key_cert_pairs.push_back({std::move(cert.key_pem), std::move(cert.cert_pem)});
  return Credentials{grpc::SslServerCredentials(ssl), std::move(cert.cert_der)};
}

absl::StatusOr<int> ChooseProtocolVersion(const ServerOptions& options, const base::Env& env) {
  if (options.debug && !options.app_protocol_versions.empty()) {
    return *std::max_element(options.app_protocol_versions.begin(),
                             options.app_protocol_versions.end());
  }
  std::optional<std::string> offered = env.Get("PLUGIN_PROTOCOL_VERSIONS");
  return NegotiateProtocolVersion(
      options.app_protocol_versions,
      offered ? std::optional<std::string_view>(*offered) : std::nullopt);
}

// Under Terraform, a terminal Ctrl-C reaches the whole process group and is Terraform's to handle
// (it cancels through StopProvider), so only SIGTERM stops the plugin. In debug mode the plugin
// owns its terminal, and Ctrl-C is how a developer stops it.
absl::StatusOr<std::unique_ptr<StopSignal>> CreateStopSignal(bool debug) {
  if (debug) return StopSignal::Create({SIGTERM, SIGINT}, {});
  return StopSignal::Create({SIGTERM}, {SIGINT});
}

// Waits for the stop signal or, unless in debug mode, for the parent process to go away. Returns
// why the wait ended, for the log.
std::string WaitForStop(StopSignal& stop, bool debug) {
  const pid_t parent = getppid();
  while (true) {
    std::optional<int> tripped =
        stop.WaitFor(debug ? absl::InfiniteDuration() : kParentCheckInterval);
    if (tripped.has_value()) {
      return *tripped == 0 ? std::string("Shutdown RPC") : absl::StrCat("signal ", *tripped);
    }
    if (getppid() != parent) return "parent process exited";
  }
}

absl::Status WriteAndFlush(std::FILE* out, const std::string& text) {
  if (std::fputs(text.c_str(), out) < 0 || std::fflush(out) != 0) {
    return absl::ErrnoToStatus(errno, "writing the handshake to stdout");
  }
  return absl::OkStatus();
}

// Everything between the cookie check and the exit code. The declaration order of the locals is
// the teardown order in reverse: the server stops before the services it calls and before its
// socket file is removed; the stop signal outlives them all.
absl::Status RunServer(const ServerOptions& options, const base::Env& env, std::FILE* out) {
  ASSIGN_OR_RETURN(std::unique_ptr<StopSignal> stop, CreateStopSignal(options.debug));
  ASSIGN_OR_RETURN(int version, ChooseProtocolVersion(options, env));
  ASSIGN_OR_RETURN(Credentials credentials, MakeCredentials(options, env));
  ASSIGN_OR_RETURN(std::unique_ptr<UnixSocketPath> socket, UnixSocketPath::Reserve(env));

  ControllerService controller([stop = stop.get()] { stop->Request(); });
  StdioService stdio;

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(socket->GrpcUri(), credentials.server);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  for (grpc::Service* service : options.services) builder.RegisterService(service);
  builder.RegisterService(&controller);
  builder.RegisterService(&stdio);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) {
    // gRPC has printed the cause (e.g. the bind error) on stderr.
    return absl::UnavailableError(absl::StrCat("cannot listen on ", socket->GrpcUri()));
  }
  server->GetHealthCheckService()->SetServingStatus(kHealthServiceName, true);

  absl::Status status = socket->ApplyGroupPermissions(env);
  if (status.ok()) {
    status = WriteAndFlush(
        out, options.debug
                 ? FormatReattachInstructions(options.provider_address, version,
                                              static_cast<int64_t>(getpid()), socket->path())
                 : FormatHandshakeLine(version, socket->path(), credentials.cert_der));
  }
  if (status.ok()) {
    base::Log(base::LogLevel::kDebug, "plugin server listening",
              {{"address", socket->path()},
               {"protocol_version", version},
               {"tls", !credentials.cert_der.empty()},
               {"platform", base::kPlatform}});
    std::string reason = WaitForStop(*stop, options.debug);
    base::Log(base::LogLevel::kDebug, "plugin server stopping", {{"reason", reason}});
    if (options.on_shutdown) options.on_shutdown();
  }
  stdio.Stop();
  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server.reset();
  base::Log(base::LogLevel::kDebug, "plugin server stopped");
  return status;
}

}  // namespace

int Serve(const ServerOptions& options, const base::Env& env, std::FILE* out, std::FILE* err) {
  if (!options.debug && !HasMagicCookie(env)) {
    std::fwrite(kNotRunByTerraformMessage.data(), 1, kNotRunByTerraformMessage.size(), err);
    std::fflush(err);
    return 1;
  }
  if (absl::Status status = RunServer(options, env, out); !status.ok()) {
    std::fprintf(err, "Error starting the plugin server: %s\n",
                 std::string(status.message()).c_str());
    std::fflush(err);
    return 1;
  }
  return 0;
}

}  // namespace plugin

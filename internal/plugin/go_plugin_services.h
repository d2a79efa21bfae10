// go-plugin's own services, served next to the provider's (docs/design/terraform-plugin.md §3).
// They share the proto package name `plugin` with this namespace, so the generated types
// (plugin::GRPCController, plugin::Empty, ...) live here too.
#pragma once

#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "proto/plugin/grpc_controller.grpc.pb.h"
#include "proto/plugin/grpc_stdio.grpc.pb.h"

namespace plugin {

// GRPCController. Shutdown replies at once and only *asks* for the stop through `request_stop`:
// stopping the server inside a handler would deadlock, because Server::Shutdown waits for
// in-flight handlers. `request_stop` must be thread-safe and must not block.
class ControllerService final : public GRPCController::Service {
 public:
  explicit ControllerService(std::function<void()> request_stop)
      : request_stop_(std::move(request_stop)) {}

  grpc::Status Shutdown(grpc::ServerContext* context, const Empty* request,
                        Empty* response) override;

 private:
  const std::function<void()> request_stop_;
};

// GRPCStdio. This provider forwards nothing (it logs to its real stderr), so each StreamStdio
// call is held open, silent, until Stop() or until the client goes away; go-plugin's client
// treats an early end of the stream as a reason to log noise. Each open stream occupies one gRPC
// handler thread. Thread-safe.
class StdioService final : public GRPCStdio::Service {
 public:
  grpc::Status StreamStdio(grpc::ServerContext* context, const google::protobuf::Empty* request,
                           grpc::ServerWriter<StdioData>* writer) override;

  // Ends every open stream with OK and makes later calls end at once. Call before
  // grpc::Server::Shutdown, which would otherwise wait for these handlers until its deadline.
  void Stop();

 private:
  absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace plugin

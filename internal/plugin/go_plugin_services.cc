#include "internal/plugin/go_plugin_services.h"

#include "absl/time/time.h"

namespace plugin {
namespace {

// The sync API has no cancellation callback, so an open stream re-checks whether its client is
// still there this often. Only matters for clients that disconnect without calling Shutdown
// (debug mode, a crashed Terraform): it bounds how long their handler thread lingers.
constexpr absl::Duration kCancellationPollInterval = absl::Seconds(1);

}  // namespace

grpc::Status ControllerService::Shutdown(grpc::ServerContext* /*context*/, const Empty* /*request*/,
                                         Empty* /*response*/) {
  request_stop_();
  return grpc::Status::OK;
}

grpc::Status StdioService::StreamStdio(grpc::ServerContext* context,
                                       const google::protobuf::Empty* /*request*/,
                                       grpc::ServerWriter<StdioData>* /*writer*/) {
  absl::MutexLock lock(&mu_);
  while (!stopped_ && !context->IsCancelled()) {
    mu_.AwaitWithTimeout(absl::Condition(&stopped_), kCancellationPollInterval);
  }
  return grpc::Status::OK;
}

void StdioService::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
}

}  // namespace plugin

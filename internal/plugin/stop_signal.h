// The one "stop serving now" event of a plugin process, which can come from the Shutdown RPC (a
// gRPC handler thread) or from a signal. A self-pipe makes both safe: tripping it is one write(2).
#pragma once

#include <csignal>
#include <initializer_list>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace plugin {

class StopSignal {
 public:
  // While the returned object lives, each of `stop_on` (e.g. SIGTERM) trips it and each of
  // `ignore` (e.g. SIGINT, which Terraform's terminal also delivers to its plugins) is ignored;
  // the previous dispositions come back on destruction. Signal dispositions are process-wide, so
  // at most one StopSignal may exist at a time: a second Create fails with FailedPrecondition.
  // Other errors: the OS error of pipe2/sigaction.
  static absl::StatusOr<std::unique_ptr<StopSignal>> Create(std::initializer_list<int> stop_on,
                                                            std::initializer_list<int> ignore);

  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;
  ~StopSignal();

  // Trips the signal. Thread-safe, async-signal-safe and idempotent; never blocks.
  void Request();

  // Blocks until the signal has been tripped, or for at most `timeout` (which may be infinite).
  // Returns the number of the signal that tripped it, 0 when Request() did, or nullopt when the
  // time ran out first. Call from one thread only.
  std::optional<int> WaitFor(absl::Duration timeout);

 private:
  StopSignal(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}

  const int read_fd_;
  const int write_fd_;  // Non-blocking: once the pipe holds a byte, more are not needed.
  std::vector<std::pair<int, struct sigaction>> saved_actions_;
};

}  // namespace plugin

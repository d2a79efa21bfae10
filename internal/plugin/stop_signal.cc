#include "internal/plugin/stop_signal.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace plugin {
namespace {

// The write end of the live StopSignal's pipe, for the signal handler; -1 when there is none.
std::atomic<int> g_signal_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free fd");

void WriteStopByte(int fd, unsigned char byte) {
  // EAGAIN means the pipe is full of earlier requests, which is as good as success.
  while (write(fd, &byte, 1) < 0 && errno == EINTR) {
  }
}

extern "C" void HandleStopSignal(int signal_number) {
  int saved_errno = errno;
  int fd = g_signal_fd.load();
  if (fd >= 0) WriteStopByte(fd, static_cast<unsigned char>(signal_number));
  errno = saved_errno;
}

}  // namespace

absl::StatusOr<std::unique_ptr<StopSignal>> StopSignal::Create(std::initializer_list<int> stop_on,
                                                               std::initializer_list<int> ignore) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "creating the stop pipe");
  std::unique_ptr<StopSignal> stop(new StopSignal(fds[0], fds[1]));
  if (fcntl(stop->write_fd_, F_SETFL, O_NONBLOCK) != 0) {
    return absl::ErrnoToStatus(errno, "configuring the stop pipe");
  }
  int expected = -1;
  if (!g_signal_fd.compare_exchange_strong(expected, stop->write_fd_)) {
    return absl::FailedPreconditionError("a plugin server is already running in this process");
  }

  auto install = [&stop](int signal_number, void (*handler)(int)) -> absl::Status {
    struct sigaction action = {};
    action.sa_handler = handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    struct sigaction previous;
    if (sigaction(signal_number, &action, &previous) != 0) {
      return absl::ErrnoToStatus(errno,
                                 absl::StrCat("installing a handler for signal ", signal_number));
    }
    stop->saved_actions_.emplace_back(signal_number, previous);
    return absl::OkStatus();
  };
  for (int signal_number : stop_on) {
    if (absl::Status status = install(signal_number, HandleStopSignal); !status.ok()) {
      return status;
    }
  }
  for (int signal_number : ignore) {
    if (absl::Status status = install(signal_number, SIG_IGN); !status.ok()) return status;
  }
  return stop;
}

StopSignal::~StopSignal() {
  for (auto it = saved_actions_.rbegin(); it != saved_actions_.rend(); ++it) {
    sigaction(it->first, &it->second, nullptr);
  }
  int expected = write_fd_;
  g_signal_fd.compare_exchange_strong(expected, -1);
  close(read_fd_);
  close(write_fd_);
}

void StopSignal::Request() { WriteStopByte(write_fd_, 0); }

std::optional<int> StopSignal::WaitFor(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;  // InfiniteFuture() for an infinite timeout.
  while (true) {
    int wait_ms = -1;  // poll(2)'s "forever".
    if (deadline != absl::InfiniteFuture()) {
      absl::Duration left = std::max(deadline - absl::Now(), absl::ZeroDuration());
      wait_ms = static_cast<int>(std::min<int64_t>(
          absl::ToInt64Milliseconds(absl::Ceil(left, absl::Milliseconds(1))),
          std::numeric_limits<int>::max()));
    }
    struct pollfd readable = {read_fd_, POLLIN, 0};
    int ready = poll(&readable, 1, wait_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) return std::nullopt;
    // poll() or read() on our own pipe fail only if the fd were broken; treat that as a stop
    // request too.
    if (ready < 0) return 0;
    unsigned char byte = 0;
    ssize_t n;
    while ((n = read(read_fd_, &byte, 1)) < 0 && errno == EINTR) {
    }
    return n == 1 ? byte : 0;
  }
}

}  // namespace plugin

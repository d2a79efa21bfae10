// A one-way cancellation flag shared by everything a read does (transfers, backoff sleeps), set by
// Terraform's StopProvider. Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/time/time.h"

namespace agora {

// A std::mutex and condition variable rather than absl::Mutex: abseil 20220623's timed waits run
// on the wall clock (futex with FUTEX_CLOCK_REALTIME), so a clock step would stretch or cut a
// back-off; std::condition_variable::wait_for waits on steady_clock (provider/agora_api/clock.h).
class Cancellation {
 public:
  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    wake_.notify_all();
  }
  bool cancelled() const {
    std::lock_guard<std::mutex> lock(mu_);
    return cancelled_;
  }
  // Sleeps for `duration` (monotonic time) or until cancelled, whichever comes first. Returns
  // false if cancelled.
  bool SleepFor(absl::Duration duration) const {
    // Bounded so that the steady_clock arithmetic cannot overflow; callers sleep seconds.
    const absl::Duration bounded = std::clamp(duration, absl::ZeroDuration(), absl::Hours(24));
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, absl::ToChronoNanoseconds(bounded), [this] { return cancelled_; });
    return !cancelled_;
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable wake_;
  bool cancelled_ = false;  // Guarded by mu_.
};

}  // namespace agora

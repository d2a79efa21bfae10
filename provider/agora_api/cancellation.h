// A one-way cancellation flag shared by everything a read does (transfers, backoff sleeps), set by
// Terraform's StopProvider. Thread-safe.
#pragma once

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace agora {

class Cancellation {
 public:
  void Cancel() {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  bool cancelled() const {
    absl::MutexLock lock(&mu_);
    return cancelled_;
  }
  // Sleeps until `deadline` or until cancelled, whichever comes first. Returns false if
  // cancelled.
  bool SleepUntil(absl::Time deadline) const {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithDeadline(absl::Condition(&cancelled_), deadline);
    return !cancelled_;
  }

 private:
  mutable absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace agora

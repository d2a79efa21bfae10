// Time behind a seam so retry and timeout schedules can be tested without waiting. Two clocks:
// the wall clock for the times users see (received_at, read_at) and for HTTP dates, and a
// monotonic one for every deadline and sleep, which an NTP step or a manual change of the date
// neither stretches nor cuts short.
#pragma once

#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "provider/agora_api/cancellation.h"

namespace agora {

// Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // The wall clock.
  virtual absl::Time Now() = 0;
  // A monotonic reading: only differences between two readings mean anything.
  virtual absl::Duration Monotonic() = 0;
  // Sleeps for `duration` of monotonic time unless `cancellation` is set first. Returns false if
  // cancelled.
  virtual bool SleepFor(absl::Duration duration, const Cancellation& cancellation) = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  absl::Duration Monotonic() override {
    return absl::FromChrono(std::chrono::steady_clock::now().time_since_epoch());
  }
  bool SleepFor(absl::Duration duration, const Cancellation& cancellation) override {
    return cancellation.SleepFor(duration);
  }
};

}  // namespace agora

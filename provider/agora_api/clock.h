// Time behind a seam so retry and timeout schedules can be tested without waiting.
#pragma once

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "provider/agora_api/cancellation.h"

namespace agora {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() = 0;
  // Sleeps until `deadline` unless `cancellation` is set first. Returns false if cancelled.
  virtual bool SleepUntil(absl::Time deadline, const Cancellation& cancellation) = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() override { return absl::Now(); }
  bool SleepUntil(absl::Time deadline, const Cancellation& cancellation) override {
    return cancellation.SleepUntil(deadline);
  }
};

}  // namespace agora

// One fetch per key per provider process ("single flight"): the first reader of a key runs the
// fetch, concurrent readers of the same key wait for it, and every later reader gets the same
// result, failures included (re-running a failed retry schedule for each of 200 instances would
// multiply the wait and the load). Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "provider/agora_api/ncs_client.h"

namespace agora {

class SnapshotCache {
 public:
  using Result = absl::StatusOr<NcsFetchResult>;
  using Fetch = std::function<Result()>;

  // Returns the result for `key`, calling `fetch` only if no reader has started it yet. If `fetch`
  // throws, the exception propagates to its caller, and every other reader of `key`, waiting or
  // later, gets an Internal error instead of hanging.
  std::shared_ptr<const Result> Get(const std::string& key, const Fetch& fetch);

 private:
  struct Entry {
    absl::Notification done;
    std::shared_ptr<const Result> result;
  };
  absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace agora

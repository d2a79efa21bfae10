#include "provider/agora_api/snapshot_cache.h"

#include <exception>

#include "absl/strings/str_cat.h"

namespace agora {

std::shared_ptr<const SnapshotCache::Result> SnapshotCache::Get(const std::string& key,
                                                                const Fetch& fetch) {
  std::shared_ptr<Entry> entry;
  bool owner = false;
  {
    absl::MutexLock lock(&mu_);
    std::shared_ptr<Entry>& slot = entries_[key];
    if (!slot) {
      slot = std::make_shared<Entry>();
      owner = true;
    }
    entry = slot;
  }
  if (owner) {
    // Whatever happens in the fetch, the readers waiting for it are released: an exception
    // becomes every reader's result (the owner's RPC still reports it as it escapes).
    try {
      entry->result = std::make_shared<const Result>(fetch());
    } catch (const std::exception& e) {
      entry->result = std::make_shared<const Result>(absl::InternalError(
          absl::StrCat("The read of Agora's Notifications IPs failed unexpectedly: ", e.what())));
      entry->done.Notify();
      throw;
    } catch (...) {
      entry->result = std::make_shared<const Result>(
          absl::InternalError("The read of Agora's Notifications IPs failed unexpectedly."));
      entry->done.Notify();
      throw;
    }
    entry->done.Notify();
  } else {
    entry->done.WaitForNotification();
  }
  return entry->result;
}

}  // namespace agora

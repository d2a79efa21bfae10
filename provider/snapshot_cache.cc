#include "provider/snapshot_cache.h"

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
    entry->result = std::make_shared<const Result>(fetch());
    entry->done.Notify();
  } else {
    entry->done.WaitForNotification();
  }
  return entry->result;
}

}  // namespace agora

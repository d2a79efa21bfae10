#include "provider/agora_api/snapshot_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace agora {
namespace {

using ::testing::HasSubstr;

TEST(SnapshotCacheTest, OneFetchPerKeyAndEveryReaderSharesItsResult) {
  SnapshotCache cache;
  std::atomic<int> fetches{0};
  auto fetch = [&] {
    ++fetches;
    return SnapshotCache::Result(absl::UnavailableError("down"));
  };
  auto first = cache.Get("k", fetch);
  auto second = cache.Get("k", fetch);
  auto other = cache.Get("other", fetch);
  EXPECT_EQ(fetches.load(), 2);
  EXPECT_EQ(first, second);
  EXPECT_EQ(first->status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(first, other);
}

TEST(SnapshotCacheTest, AFetchThatThrowsReleasesTheReadersWaitingForIt) {
  SnapshotCache cache;
  absl::Notification fetch_started;
  absl::Notification throw_now;
  std::thread owner([&] {
    EXPECT_THROW(cache.Get("k",
                           [&]() -> SnapshotCache::Result {
                             fetch_started.Notify();
                             throw_now.WaitForNotification();
                             throw std::runtime_error("boom");
                           }),
                 std::runtime_error);
  });
  fetch_started.WaitForNotification();

  // A reader that arrives while the fetch runs waits for it. Detached: should it hang, the test
  // fails below instead of hanging with it.
  using Shared = std::shared_ptr<const SnapshotCache::Result>;
  auto waiter_result = std::make_shared<std::promise<Shared>>();
  std::future<Shared> waited = waiter_result->get_future();
  std::thread([&cache, waiter_result] {
    waiter_result->set_value(cache.Get("k", [] {
      ADD_FAILURE() << "a second fetch ran";
      return SnapshotCache::Result(absl::OkStatus());
    }));
  }).detach();
  absl::SleepFor(absl::Milliseconds(50));  // Let the reader reach its wait.
  throw_now.Notify();
  owner.join();

  ASSERT_EQ(waited.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the waiting reader was never released";
  Shared result = waited.get();
  EXPECT_EQ(result->status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(result->status().message()), HasSubstr("boom"));

  // A later reader gets the same failure without a new fetch.
  EXPECT_EQ(cache
                .Get("k",
                     [] {
                       ADD_FAILURE() << "a second fetch ran";
                       return SnapshotCache::Result(absl::OkStatus());
                     })
                ->status()
                .code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace agora

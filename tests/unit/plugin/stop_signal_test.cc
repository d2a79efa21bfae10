#include "internal/plugin/stop_signal.h"

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

namespace plugin {
namespace {

TEST(StopSignalTest, RequestFromAnotherThreadWakesWait) {
  absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({SIGTERM}, {});
  ASSERT_TRUE(stop.ok()) << stop.status();
  std::thread requester([&stop] { (*stop)->Request(); });
  EXPECT_EQ((*stop)->Wait(), 0);
  requester.join();
}

TEST(StopSignalTest, RepeatedRequestsAreHarmless) {
  absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({}, {});
  ASSERT_TRUE(stop.ok());
  for (int i = 0; i < 100000; ++i) (*stop)->Request();  // Far more than a pipe buffer holds.
  EXPECT_EQ((*stop)->Wait(), 0);
}

TEST(StopSignalTest, ASignalTripsItAndTheOldHandlerComesBack) {
  struct sigaction before;
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &before), 0);
  {
    absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({SIGTERM}, {SIGINT});
    ASSERT_TRUE(stop.ok());
    ASSERT_EQ(raise(SIGINT), 0);  // Ignored: the test survives.
    ASSERT_EQ(raise(SIGTERM), 0);
    EXPECT_EQ((*stop)->Wait(), SIGTERM);
  }
  struct sigaction after;
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &after), 0);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
}

TEST(StopSignalTest, OnlyOneMayExistAtATime) {
  absl::StatusOr<std::unique_ptr<StopSignal>> first = StopSignal::Create({SIGTERM}, {});
  ASSERT_TRUE(first.ok());
  absl::StatusOr<std::unique_ptr<StopSignal>> second = StopSignal::Create({SIGTERM}, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  first->reset();
  EXPECT_TRUE(StopSignal::Create({SIGTERM}, {}).ok());
}

}  // namespace
}  // namespace plugin

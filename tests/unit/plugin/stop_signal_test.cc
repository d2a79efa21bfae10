#include "internal/plugin/stop_signal.h"

#include <gtest/gtest.h>

#include <csignal>
#include <optional>
#include <thread>

namespace plugin {
namespace {

TEST(StopSignalTest, RequestFromAnotherThreadWakesWait) {
  absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({SIGTERM}, {});
  ASSERT_TRUE(stop.ok()) << stop.status();
  std::thread requester([&stop] { (*stop)->Request(); });
  EXPECT_EQ((*stop)->WaitFor(absl::InfiniteDuration()), 0);
  requester.join();
}

TEST(StopSignalTest, RepeatedRequestsAreHarmless) {
  absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({}, {});
  ASSERT_TRUE(stop.ok());
  for (int i = 0; i < 100000; ++i) (*stop)->Request();  // Far more than a pipe buffer holds.
  EXPECT_EQ((*stop)->WaitFor(absl::InfiniteDuration()), 0);
}

TEST(StopSignalTest, WaitForGivesUpWhenNothingTripsIt) {
  absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({}, {});
  ASSERT_TRUE(stop.ok());
  const absl::Time start = absl::Now();
  EXPECT_EQ((*stop)->WaitFor(absl::Milliseconds(30)), std::nullopt);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(30));
  EXPECT_EQ((*stop)->WaitFor(absl::ZeroDuration()), std::nullopt);

  (*stop)->Request();
  EXPECT_EQ((*stop)->WaitFor(absl::ZeroDuration()), 0);
}

TEST(StopSignalTest, ASignalTripsItAndTheOldHandlerComesBack) {
  struct sigaction before;
  ASSERT_EQ(sigaction(SIGTERM, nullptr, &before), 0);
  {
    absl::StatusOr<std::unique_ptr<StopSignal>> stop = StopSignal::Create({SIGTERM}, {SIGINT});
    ASSERT_TRUE(stop.ok());
    ASSERT_EQ(raise(SIGINT), 0);  // Ignored: the test survives.
    ASSERT_EQ(raise(SIGTERM), 0);
    EXPECT_EQ((*stop)->WaitFor(absl::InfiniteDuration()), SIGTERM);
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

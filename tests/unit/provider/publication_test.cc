// The ip set's plan arithmetic without a clock: the read time is an argument, so every expiry,
// guard and no-change case is exact.
#include "provider/addresses/publication.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace agora {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

std::vector<IpAddress> Ips(std::initializer_list<const char*> texts) {
  std::vector<IpAddress> out;
  for (const char* t : texts) out.push_back(*IpAddress::Parse(t));
  return out;
}

IpAddress Ip(const char* text) { return *IpAddress::Parse(text); }

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

PublicationPolicy Policy(int64_t max_removed_percent, absl::Duration grace) {
  return PublicationPolicy{max_removed_percent, grace};
}

const std::vector<IpAddress> kFour =
    Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"});

TEST(PublicationTest, FirstPublicationPublishesTheLiveList) {
  Publication first = FirstPublication(kFour, kT0);
  EXPECT_EQ(first.addresses, kFour);
  ASSERT_EQ(first.published_since.size(), kFour.size());
  for (const IpAddress& a : kFour) EXPECT_EQ(first.published_since.at(a), kT0);
  EXPECT_THAT(first.pending_removal, IsEmpty());
  EXPECT_EQ(first.changed_at, kT0);
}

TEST(PublicationTest, AnUnchangedAnswerChangesNothingAtAll) {
  Publication first = FirstPublication(kFour, kT0);
  absl::StatusOr<Publication> next =
      NextPublication(first, kFour, kT0 + absl::Hours(5), Policy(50, absl::ZeroDuration()));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(*next, first) << "changed_at and published_since are kept";
}

TEST(PublicationTest, AnAdditionIsPublishedAndRecorded) {
  Publication first = FirstPublication(kFour, kT0);
  std::vector<IpAddress> live = kFour;
  live.push_back(Ip("2001:db8::1"));
  absl::StatusOr<Publication> next =
      NextPublication(first, live, kT0 + absl::Minutes(1), Policy(50, absl::ZeroDuration()));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->addresses, live);
  // Only the new address gains an entry; the others keep theirs (no line changes but its own).
  ASSERT_EQ(next->published_since.size(), 5u);
  EXPECT_EQ(next->published_since.at(Ip("2001:db8::1")), kT0 + absl::Minutes(1));
  for (const IpAddress& a : kFour) EXPECT_EQ(next->published_since.at(a), kT0);
  EXPECT_EQ(next->changed_at, kT0 + absl::Minutes(1));
}

TEST(PublicationTest, WithoutGraceARemovalIsImmediate) {
  Publication first = FirstPublication(kFour, kT0);
  absl::StatusOr<Publication> next =
      NextPublication(first, Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"}), kT0,
                      Policy(50, absl::ZeroDuration()));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->addresses, Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"}));
  EXPECT_EQ(next->published_since.size(), 3u);
  EXPECT_EQ(next->published_since.count(Ip("203.0.113.4")), 0u) << "exactly the removed one goes";
  EXPECT_THAT(next->pending_removal, IsEmpty());
}

TEST(PublicationTest, GracePeriodKeepsARemovedAddressUntilItsTimeThenDropsIt) {
  const absl::Duration grace = absl::Hours(72);
  Publication first = FirstPublication(kFour, kT0);
  const std::vector<IpAddress> three = Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"});
  const absl::Time t1 = kT0 + absl::Hours(1);
  absl::StatusOr<Publication> pending = NextPublication(first, three, t1, Policy(50, grace));
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->addresses, kFour) << "still published";
  ASSERT_EQ(pending->pending_removal.size(), 1u);
  EXPECT_EQ(pending->pending_removal.at(Ip("203.0.113.4")), t1 + grace);
  EXPECT_EQ(pending->changed_at, kT0) << "the published set did not change";

  // Exactly at the expiry it leaves; one second before, it stays, with the same time.
  absl::StatusOr<Publication> before =
      NextPublication(*pending, three, t1 + grace - absl::Seconds(1), Policy(50, grace));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*before, *pending);
  absl::StatusOr<Publication> at = NextPublication(*pending, three, t1 + grace, Policy(50, grace));
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(at->addresses, three);
  EXPECT_THAT(at->pending_removal, IsEmpty());
  EXPECT_EQ(at->published_since.count(Ip("203.0.113.4")), 0u);
  EXPECT_EQ(at->changed_at, t1 + grace);
}

TEST(PublicationTest, AShorterGracePeriodBringsExpiryForwardALongerOneDoesNotExtendIt) {
  const std::vector<IpAddress> three = Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"});
  absl::StatusOr<Publication> pending =
      NextPublication(FirstPublication(kFour, kT0), three, kT0, Policy(50, absl::Hours(72)));
  ASSERT_TRUE(pending.ok());
  const absl::Time t1 = kT0 + absl::Hours(1);
  absl::StatusOr<Publication> longer =
      NextPublication(*pending, three, t1, Policy(50, absl::Hours(500)));
  ASSERT_TRUE(longer.ok());
  EXPECT_EQ(longer->pending_removal.at(Ip("203.0.113.4")), kT0 + absl::Hours(72));
  absl::StatusOr<Publication> shorter =
      NextPublication(*pending, three, t1, Policy(50, absl::Hours(2)));
  ASSERT_TRUE(shorter.ok());
  EXPECT_EQ(shorter->pending_removal.at(Ip("203.0.113.4")), t1 + absl::Hours(2));
  absl::StatusOr<Publication> zero =
      NextPublication(*pending, three, t1, Policy(50, absl::ZeroDuration()));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->addresses, three) << "a zero grace period flushes pending addresses";
}

TEST(PublicationTest, AnAddressThatComesBackStopsPending) {
  const std::vector<IpAddress> three = Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"});
  absl::StatusOr<Publication> pending =
      NextPublication(FirstPublication(kFour, kT0), three, kT0, Policy(50, absl::Hours(72)));
  ASSERT_TRUE(pending.ok());
  absl::StatusOr<Publication> back =
      NextPublication(*pending, kFour, kT0 + absl::Hours(1), Policy(50, absl::Hours(72)));
  ASSERT_TRUE(back.ok());
  EXPECT_THAT(back->pending_removal, IsEmpty());
  EXPECT_EQ(back->addresses, kFour);
}

TEST(PublicationTest, TheGuardCountsOnlyPreviouslyLiveAddresses) {
  // Two of four pending: the live two are the base. Losing one of them is 50 %, allowed at 50.
  const std::vector<IpAddress> two = Ips({"203.0.113.1", "203.0.113.2"});
  absl::StatusOr<Publication> pending =
      NextPublication(FirstPublication(kFour, kT0), two, kT0, Policy(50, absl::Hours(1)));
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->pending_removal.size(), 2u);
  EXPECT_TRUE(
      NextPublication(*pending, Ips({"203.0.113.1"}), kT0, Policy(50, absl::Hours(1))).ok());
  EXPECT_FALSE(
      NextPublication(*pending, Ips({"203.0.113.1"}), kT0, Policy(49, absl::Hours(1))).ok());
}

TEST(PublicationTest, TheGuardRefusesMoreThanTheShareAndListsTheAddresses) {
  Publication first = FirstPublication(kFour, kT0);
  // 2 of 4 = 50 %: allowed at 50, refused at 49.
  const std::vector<IpAddress> two = Ips({"203.0.113.1", "203.0.113.2"});
  EXPECT_TRUE(NextPublication(first, two, kT0, Policy(50, absl::ZeroDuration())).ok());
  absl::StatusOr<Publication> refused =
      NextPublication(first, two, kT0, Policy(49, absl::ZeroDuration()));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              AllOf(HasSubstr("203.0.113.3, 203.0.113.4"), HasSubstr("max_removed_percent = 49"),
                    Not(HasSubstr("203.0.113.1,"))));
  // 0 refuses any removal, not additions; 100 allows losing everything.
  EXPECT_FALSE(NextPublication(first, Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"}), kT0,
                               Policy(0, absl::ZeroDuration()))
                   .ok());
  std::vector<IpAddress> more = kFour;
  more.push_back(Ip("203.0.113.9"));
  EXPECT_TRUE(NextPublication(first, more, kT0, Policy(0, absl::ZeroDuration())).ok());
  absl::StatusOr<Publication> empty =
      NextPublication(first, {}, kT0, Policy(100, absl::ZeroDuration()));
  ASSERT_TRUE(empty.ok());
  EXPECT_THAT(empty->addresses, IsEmpty());
}

}  // namespace
}  // namespace agora

namespace agora {
namespace {

TEST(PublicationTest, AnAddressThatComesBackIsPublishedSinceItsReturn) {
  Publication first = FirstPublication(kFour, kT0);
  const std::vector<IpAddress> three = Ips({"203.0.113.1", "203.0.113.2", "203.0.113.3"});
  absl::StatusOr<Publication> gone =
      NextPublication(first, three, kT0 + absl::Hours(1), Policy(50, absl::ZeroDuration()));
  ASSERT_TRUE(gone.ok());
  absl::StatusOr<Publication> back =
      NextPublication(*gone, kFour, kT0 + absl::Hours(2), Policy(50, absl::ZeroDuration()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->published_since.at(Ip("203.0.113.4")), kT0 + absl::Hours(2));
  EXPECT_EQ(back->published_since.at(Ip("203.0.113.1")), kT0);
}

}  // namespace
}  // namespace agora

#include "provider/addresses/ip_set.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace agora {
namespace {

std::vector<IpAddress> Parse(std::initializer_list<const char*> texts) {
  std::vector<IpAddress> out;
  for (const char* t : texts) out.push_back(*IpAddress::Parse(t));
  return out;
}

std::vector<std::string> Texts(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> out;
  for (const Cidr& c : cidrs) out.push_back(c.ToString());
  return out;
}

TEST(IpSetTest, SortsAndRemovesDuplicates) {
  IpSet set(
      Parse({"2001:db8::1", "203.0.113.10", "198.51.100.9", "203.0.113.10", "198.51.100.10"}));
  std::vector<std::string> texts;
  for (const IpAddress& a : set.addresses()) texts.push_back(a.ToString());
  EXPECT_EQ(texts, (std::vector<std::string>{"198.51.100.9", "198.51.100.10", "203.0.113.10",
                                             "2001:db8::1"}));
  EXPECT_EQ(set.Family(IpFamily::kV6).size(), 1u);
}

TEST(IpSetTest, FingerprintDependsOnTheSetOnly) {
  IpSet a(Parse({"203.0.113.1", "198.51.100.2", "203.0.113.1"}));
  IpSet b(Parse({"198.51.100.2", "203.0.113.1"}));
  IpSet c(Parse({"198.51.100.2", "203.0.113.1", "203.0.113.2"}));
  EXPECT_EQ(a.Fingerprint(), b.Fingerprint());
  EXPECT_NE(a.Fingerprint(), c.Fingerprint());
  EXPECT_EQ(a.Fingerprint().rfind("sha256:", 0), 0u);
  EXPECT_EQ(a.Fingerprint().size(), 7u + 64u);
  // sha256("198.51.100.2\n203.0.113.1\n"), computed independently with sha256sum.
  EXPECT_EQ(b.Fingerprint(),
            "sha256:2539d8ba6f575b3cf113da414502800c0ecee8ff46258ddcc1e4e36a75b40e6a");
}

TEST(IpSetTest, HostCidrs) {
  EXPECT_EQ(Texts(HostCidrs(Parse({"203.0.113.1", "2001:db8::1"}))),
            (std::vector<std::string>{"203.0.113.1/32", "2001:db8::1/128"}));
}

TEST(IpSetTest, AggregatesIntoFewestExactBlocks) {
  IpSet set(Parse({"203.0.113.0", "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4",
                   "203.0.113.6", "198.51.100.255"}));
  EXPECT_EQ(Texts(AggregateCidrs(set.Family(IpFamily::kV4))),
            (std::vector<std::string>{"198.51.100.255/32", "203.0.113.0/30", "203.0.113.4/32",
                                      "203.0.113.6/32"}));
  // 198.51.100.255 and 198.51.101.0 are adjacent but not alignable into one block.
  EXPECT_EQ(Texts(AggregateCidrs(Parse({"198.51.100.255", "198.51.101.0"}))),
            (std::vector<std::string>{"198.51.100.255/32", "198.51.101.0/32"}));
  EXPECT_EQ(
      Texts(AggregateCidrs(Parse({"2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3"}))),
      (std::vector<std::string>{"2001:db8::/126"}));
  EXPECT_TRUE(AggregateCidrs({}).empty());
}

unsigned __int128 ToInt(const IpAddress& a) {
  unsigned __int128 v = 0;
  for (int i = 0; i < a.bit_length() / 8; ++i) v = (v << 8) | a.bytes()[i];
  return v;
}

bool Covers(const Cidr& c, const IpAddress& a) {
  if (c.network.family() != a.family()) return false;
  int bits = c.prefix_length;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - std::min(8, bits)));
    if ((c.network.bytes()[i] & mask) != (a.bytes()[i] & mask)) return false;
  }
  return true;
}

// Property: for random sets, the aggregate covers exactly the input addresses (checked over every
// address in the neighbourhood the input lives in), and no two output blocks could merge.
TEST(IpSetTest, AggregateCoversExactlyTheInputProperty) {
  std::mt19937 rng(20261128);
  for (int round = 0; round < 300; ++round) {
    const bool v6 = round % 3 == 0;
    std::set<uint32_t> offsets;
    std::uniform_int_distribution<int> count(0, 120);
    std::uniform_int_distribution<uint32_t> offset(0, 511);
    for (int i = count(rng); i > 0; --i) offsets.insert(offset(rng));
    auto make = [&](uint32_t o) {
      if (!v6) return IpAddress::V4(0xCB007100u - 256 + o);  // Around 203.0.113.0.
      std::array<uint8_t, 16> b{0x20, 0x01, 0x0d, 0xb8};
      b[14] = static_cast<uint8_t>(o >> 8);
      b[15] = static_cast<uint8_t>(o);
      return IpAddress::V6(b);
    };
    std::vector<IpAddress> input;
    for (uint32_t o : offsets) input.push_back(make(o));
    std::vector<Cidr> cidrs = AggregateCidrs(input);
    for (uint32_t o = 0; o < 512; ++o) {
      IpAddress a = make(o);
      int covering = 0;
      for (const Cidr& c : cidrs) covering += Covers(c, a) ? 1 : 0;
      ASSERT_EQ(covering, offsets.count(o) ? 1 : 0) << a.ToString() << " round " << round;
    }
    for (size_t i = 1; i < cidrs.size(); ++i) {
      const Cidr& x = cidrs[i - 1];
      const Cidr& y = cidrs[i];
      ASSERT_LT(x.network, y.network);
      // Minimality: equal-size neighbours where x is the lower half of an aligned parent block
      // and y its upper half would have been merged into the parent.
      const unsigned __int128 size = static_cast<unsigned __int128>(1)
                                     << (x.network.bit_length() - x.prefix_length);
      const bool x_is_lower_half = (ToInt(x.network) & size) == 0;
      ASSERT_FALSE(x.prefix_length == y.prefix_length && x_is_lower_half &&
                   ToInt(y.network) == ToInt(x.network) + size)
          << x.ToString() << " and " << y.ToString() << " should have merged";
    }
  }
}

TEST(IpSetTest, ChunksKeepOrderAndSize) {
  std::vector<std::string> items{"a", "b", "c", "d", "e"};
  auto chunks = Chunk(items, 2);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0], (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(chunks[2], (std::vector<std::string>{"e"}));
  EXPECT_TRUE(Chunk({}, 50).empty());
  EXPECT_EQ(Chunk(items, 50).size(), 1u);
}

using Chunks = std::vector<std::vector<std::string>>;

TEST(IpSetTest, StableChunkAddsIntoTheFirstChunkWithRoomAndMovesNothingElse) {
  const Chunks prior{{"b", "c", "d"}, {"f", "g", "h"}, {"j"}};
  // "a" sorts first: Chunk() would shift every later item; StableChunk puts it in the last chunk.
  EXPECT_EQ(StableChunk(prior, {"a", "b", "c", "d", "f", "g", "h", "j"}, 3),
            (Chunks{{"b", "c", "d"}, {"f", "g", "h"}, {"a", "j"}}));
  // No room anywhere: a new chunk at the end.
  EXPECT_EQ(StableChunk({{"b", "c"}, {"d", "e"}}, {"a", "b", "c", "d", "e"}, 2),
            (Chunks{{"b", "c"}, {"d", "e"}, {"a"}}));
}

TEST(IpSetTest, StableChunkRemovalLeavesOnlyItsChunkAndTheHoleIsRefilledFirst) {
  const Chunks prior{{"a", "b"}, {"c", "d"}, {"e", "f"}};
  const Chunks removed = StableChunk(prior, {"a", "b", "c", "e", "f"}, 2);
  EXPECT_EQ(removed, (Chunks{{"a", "b"}, {"c"}, {"e", "f"}}));
  // The address that comes back (or any new one) fills the hole, not the end.
  EXPECT_EQ(StableChunk(removed, {"a", "b", "c", "e", "f", "z"}, 2),
            (Chunks{{"a", "b"}, {"c", "z"}, {"e", "f"}}));
}

TEST(IpSetTest, StableChunkKeepsAnEmptiedChunksPlaceButDropsTrailingEmptyOnes) {
  const Chunks prior{{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g"}};
  EXPECT_EQ(StableChunk(prior, {"a", "b", "e", "f"}, 2), (Chunks{{"a", "b"}, {}, {"e", "f"}}));
  EXPECT_EQ(StableChunk(prior, {"a", "b", "c", "d"}, 2), (Chunks{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(StableChunk(Chunks{{"a"}, {"b"}}, {"b", "c"}, 2), (Chunks{{"c"}, {"b"}}))
      << "the emptied first chunk is the first refilled";
  EXPECT_TRUE(StableChunk(prior, {}, 2).empty());
}

TEST(IpSetTest, StableChunkSortsWithinAChunkAndRecutsForASmallerSize) {
  EXPECT_EQ(StableChunk(Chunks{{"b", "d"}}, {"b", "c", "d"}, 3), (Chunks{{"b", "c", "d"}}));
  EXPECT_EQ(StableChunk(Chunks{{"a", "b", "c"}}, {"a", "b", "c"}, 2), Chunk({"a", "b", "c"}, 2));
  EXPECT_EQ(StableChunk({}, {"a", "b", "c"}, 2), Chunk({"a", "b", "c"}, 2));
  EXPECT_EQ(StableChunk(Chunks{{"a", "a"}, {"a"}}, {"a"}, 2), (Chunks{{"a"}}))
      << "a duplicate in an edited state is placed once";
}

}  // namespace
}  // namespace agora

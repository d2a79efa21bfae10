// A normalised set of addresses (sorted numerically, IPv4 first, no duplicates) and the derived
// forms the data source publishes: CIDR blocks, lossless aggregates, chunks and a fingerprint.
#pragma once

#include <string>
#include <vector>

#include "provider/addresses/ip_address.h"

namespace agora {

struct Cidr {
  IpAddress network;
  int prefix_length;
  std::string ToString() const;  // "203.0.113.0/24"
  friend bool operator==(const Cidr& a, const Cidr& b) {
    return a.network == b.network && a.prefix_length == b.prefix_length;
  }
};

class IpSet {
 public:
  explicit IpSet(std::vector<IpAddress> addresses);  // Sorts and removes duplicates.

  const std::vector<IpAddress>& addresses() const { return addresses_; }
  std::vector<IpAddress> Family(IpFamily family) const;
  size_t size() const { return addresses_.size(); }

  // "sha256:<hex>" over the canonical addresses, one per line: equal exactly when the sets are.
  std::string Fingerprint() const;

 private:
  std::vector<IpAddress> addresses_;
};

// One host-length CIDR (/32 or /128) per address, in order.
std::vector<Cidr> HostCidrs(const std::vector<IpAddress>& sorted_addresses);

// The fewest CIDR blocks that cover exactly `sorted_addresses` (sorted, unique, one family): runs
// of consecutive addresses are split into maximal aligned blocks. Never covers an address that is
// not in the input.
std::vector<Cidr> AggregateCidrs(const std::vector<IpAddress>& sorted_addresses);

// `items` cut into consecutive pieces of at most `size` (> 0) elements.
std::vector<std::vector<std::string>> Chunk(const std::vector<std::string>& items, size_t size);

// `items` (in order, unique) cut into pieces of at most `size` (> 0) that move as little as
// possible from `prior`, the previous cut (docs/resources/ncs_ip_set.md, "Stable chunks"): every
// item of a prior chunk that is still in `items` stays in that chunk; prior items no longer in
// `items` leave; each new item goes into the first chunk with room, else into a new chunk at the
// end; a chunk that removals empty keeps its place (empty), and trailing empty chunks are dropped.
// Within a chunk, items keep the order of `items`. A `prior` with a chunk longer than `size` (cut
// for another size) is not followed: the result is Chunk(items, size).
std::vector<std::vector<std::string>> StableChunk(const std::vector<std::vector<std::string>>& prior,
                                                  const std::vector<std::string>& items,
                                                  size_t size);

}  // namespace agora

// libFuzzer target ncs_response: agora::ParseNcsResponse (the body of GET /v{1,2}/ncs/ip) and
// everything the data source derives from it: the IpSet, host CIDRs, aggregated CIDRs per family
// and chunks. The aggregated blocks must cover exactly the input addresses.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "provider/addresses/ip_address.h"
#include "provider/addresses/ip_set.h"
#include "provider/agora_api/ncs_response.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using U128 = unsigned __int128;

// The address as an integer (IPv4 in the low 32 bits).
U128 ToInteger(const agora::IpAddress& address) {
  U128 value = 0;
  const int bytes = address.bit_length() / 8;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | address.bytes()[i];
  return value;
}

void CheckAggregation(const std::vector<agora::IpAddress>& family) {
  const std::vector<agora::Cidr> hosts = agora::HostCidrs(family);
  FUZZ_CHECK(hosts.size() == family.size(), "one host CIDR per address");
  for (size_t i = 0; i < hosts.size(); ++i) {
    FUZZ_CHECK(hosts[i].network == family[i] && hosts[i].prefix_length == family[i].bit_length(),
               "host CIDRs are the addresses");
  }

  const std::vector<agora::Cidr> blocks = agora::AggregateCidrs(family);
  FUZZ_CHECK(blocks.size() <= family.size(), "no more blocks than addresses");
  U128 total = 0;
  U128 previous_last = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const agora::Cidr& block = blocks[i];
    const int bits = block.network.bit_length();
    FUZZ_CHECK(block.network.family() == family.front().family(), "blocks keep the family");
    FUZZ_CHECK(block.prefix_length >= 0 && block.prefix_length <= bits, "prefix in range");
    const int host_bits = bits - block.prefix_length;
    // A block of 2^64 or more addresses covers more than any input can hold.
    FUZZ_CHECK(host_bits < 64, "block no larger than the input");
    const U128 mask = (U128{1} << host_bits) - 1;
    const U128 first = ToInteger(block.network);
    FUZZ_CHECK((first & mask) == 0, "block network is aligned");
    if (i > 0) FUZZ_CHECK(first > previous_last, "blocks sorted and disjoint");
    previous_last = first + mask;
    total += mask + 1;
    FUZZ_CHECK(block.ToString().find('/') != std::string::npos, "CIDR text");
  }
  // Every input address in some block, and the blocks hold no more addresses than the input
  // (disjoint blocks, unique addresses): exactly the input.
  FUZZ_CHECK(total == family.size(), "blocks hold as many addresses as the input");
  for (const agora::IpAddress& address : family) {
    const U128 value = ToInteger(address);
    const bool covered = std::any_of(blocks.begin(), blocks.end(), [&](const agora::Cidr& b) {
      const U128 first = ToInteger(b.network);
      const U128 mask = (U128{1} << (b.network.bit_length() - b.prefix_length)) - 1;
      return value >= first && value <= first + mask;
    });
    FUZZ_CHECK(covered, "every address is covered");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<agora::NcsResponse> response = agora::ParseNcsResponse(body);
  if (!response.ok()) return 0;

  const agora::IpSet set(response->addresses);
  const std::vector<agora::IpAddress>& sorted = set.addresses();
  FUZZ_CHECK(std::is_sorted(sorted.begin(), sorted.end()), "IpSet is sorted");
  FUZZ_CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), "IpSet is unique");
  for (const agora::IpAddress& address : response->addresses) {
    FUZZ_CHECK(std::binary_search(sorted.begin(), sorted.end(), address), "IpSet keeps inputs");
  }
  FUZZ_CHECK(set.Fingerprint().rfind("sha256:", 0) == 0, "fingerprint form");

  std::vector<std::string> texts;
  size_t family_total = 0;
  for (agora::IpFamily family_kind : {agora::IpFamily::kV4, agora::IpFamily::kV6}) {
    const std::vector<agora::IpAddress> family = set.Family(family_kind);
    family_total += family.size();
    if (family.empty()) continue;
    for (const agora::IpAddress& address : family) {
      FUZZ_CHECK(address.family() == family_kind, "Family filters");
    }
    CheckAggregation(family);
    for (const agora::Cidr& block : agora::AggregateCidrs(family)) {
      texts.push_back(block.ToString());
    }
  }
  FUZZ_CHECK(family_total == set.size(), "the families partition the set");

  const size_t chunk_size = size % 7 + 1;
  const std::vector<std::vector<std::string>> chunks = agora::Chunk(texts, chunk_size);
  std::vector<std::string> joined;
  for (const std::vector<std::string>& chunk : chunks) {
    FUZZ_CHECK(!chunk.empty() && chunk.size() <= chunk_size, "chunk sizes");
    joined.insert(joined.end(), chunk.begin(), chunk.end());
  }
  FUZZ_CHECK(joined == texts, "chunks are the items in order");
  return 0;
}

// Address handling at 10,000 addresses (far more than Agora returns): strict parsing, the
// normalised set (sort and deduplicate) and lossless CIDR aggregation.
#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "provider/addresses/ip_address.h"
#include "provider/addresses/ip_set.h"

namespace {

constexpr int kAddresses = 10000;

// 80% IPv4, 20% IPv6, in shuffled order with some duplicates; most addresses come in runs of
// consecutive ones so that aggregation has blocks to merge. Deterministic (fixed seed).
std::vector<std::string> AddressTexts() {
  std::mt19937 rng(20240601);
  std::vector<agora::IpAddress> addresses;
  while (addresses.size() < kAddresses) {
    const uint32_t run = 1 + rng() % 16;
    if (rng() % 5 != 0) {
      const uint32_t start = (203u << 24) | (rng() & 0x00ffffffu);
      for (uint32_t i = 0; i < run; ++i) addresses.push_back(agora::IpAddress::V4(start + i));
    } else {
      std::array<uint8_t, 16> bytes = {0x20, 0x01, 0x0d, 0xb8};
      for (size_t i = 4; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(rng());
      for (uint32_t i = 0; i < run; ++i) {
        bytes[15] = static_cast<uint8_t>(bytes[15] + 1);
        addresses.push_back(agora::IpAddress::V6(bytes));
      }
    }
  }
  addresses.erase(addresses.begin() + kAddresses, addresses.end());
  std::shuffle(addresses.begin(), addresses.end(), rng);
  std::vector<std::string> texts;
  for (const agora::IpAddress& a : addresses) texts.push_back(a.ToString());
  return texts;
}

std::vector<agora::IpAddress> Parsed(const std::vector<std::string>& texts) {
  std::vector<agora::IpAddress> out;
  out.reserve(texts.size());
  for (const std::string& text : texts) out.push_back(agora::IpAddress::Parse(text).value());
  return out;
}

void BM_IpParse(benchmark::State& state) {
  const std::vector<std::string> texts = AddressTexts();
  for (auto _ : state) benchmark::DoNotOptimize(Parsed(texts));
  state.SetItemsProcessed(state.iterations() * kAddresses);
}

// Includes copying the unsorted input vector, which IpSet takes by value.
void BM_IpSetSortDedupe(benchmark::State& state) {
  const std::vector<agora::IpAddress> addresses = Parsed(AddressTexts());
  for (auto _ : state) benchmark::DoNotOptimize(agora::IpSet(addresses));
  state.SetItemsProcessed(state.iterations() * kAddresses);
}

void BM_AggregateCidrs(benchmark::State& state) {
  const agora::IpSet set(Parsed(AddressTexts()));
  const std::vector<agora::IpAddress> v4 = set.Family(agora::IpFamily::kV4);
  const std::vector<agora::IpAddress> v6 = set.Family(agora::IpFamily::kV6);
  for (auto _ : state) {
    benchmark::DoNotOptimize(agora::AggregateCidrs(v4));
    benchmark::DoNotOptimize(agora::AggregateCidrs(v6));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(set.size()));
}

BENCHMARK(BM_IpParse)->Name("IpParse/10000");
BENCHMARK(BM_IpSetSortDedupe)->Name("IpSetSortDedupe/10000");
BENCHMARK(BM_AggregateCidrs)->Name("AggregateCidrs/10000");

}  // namespace

#include "provider/addresses/ip_set.h"

#include <openssl/evp.h>

#include <algorithm>
#include <map>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace agora {
namespace {

using U128 = unsigned __int128;

U128 ToU128(const IpAddress& a) {
  if (a.is_v4()) return a.v4_value();
  U128 v = 0;
  for (uint8_t b : a.bytes()) v = (v << 8) | b;
  return v;
}

IpAddress FromU128(IpFamily family, U128 v) {
  if (family == IpFamily::kV4) return IpAddress::V4(static_cast<uint32_t>(v));
  std::array<uint8_t, 16> bytes{};
  for (int i = 15; i >= 0; --i) {
    bytes[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
  return IpAddress::V6(bytes);
}

// Appends the maximal aligned blocks covering [lo, hi] exactly.
void AppendRange(IpFamily family, int bits, U128 lo, U128 hi, std::vector<Cidr>& out) {
  while (true) {
    // The largest k such that lo is 2^k-aligned and lo + 2^k - 1 <= hi.
    int k = 0;
    while (k < bits) {
      U128 size = U128{1} << (k + 1);
      if (k + 1 == 128 || (lo & (size - 1)) != 0 || hi - lo < size - 1) break;
      ++k;
    }
    out.push_back(Cidr{FromU128(family, lo), bits - k});
    U128 last = lo + ((U128{1} << k) - 1);
    if (last >= hi) return;
    lo = last + 1;
  }
}

}  // namespace

std::string Cidr::ToString() const { return absl::StrCat(network.ToString(), "/", prefix_length); }

IpSet::IpSet(std::vector<IpAddress> addresses) : addresses_(std::move(addresses)) {
  std::sort(addresses_.begin(), addresses_.end());
  addresses_.erase(std::unique(addresses_.begin(), addresses_.end()), addresses_.end());
}

std::vector<IpAddress> IpSet::Family(IpFamily family) const {
  std::vector<IpAddress> out;
  for (const IpAddress& a : addresses_) {
    if (a.family() == family) out.push_back(a);
  }
  return out;
}

std::string IpSet::Fingerprint() const {
  std::string canonical;
  for (const IpAddress& a : addresses_) absl::StrAppend(&canonical, a.ToString(), "\n");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::StrCat("sha256:", absl::BytesToHexString(absl::string_view(
                                     reinterpret_cast<const char*>(digest), length)));
}

std::vector<Cidr> HostCidrs(const std::vector<IpAddress>& sorted_addresses) {
  std::vector<Cidr> out;
  out.reserve(sorted_addresses.size());
  for (const IpAddress& a : sorted_addresses) out.push_back(Cidr{a, a.bit_length()});
  return out;
}

std::vector<Cidr> AggregateCidrs(const std::vector<IpAddress>& sorted_addresses) {
  std::vector<Cidr> out;
  if (sorted_addresses.empty()) return out;
  const IpFamily family = sorted_addresses.front().family();
  const int bits = sorted_addresses.front().bit_length();
  U128 lo = ToU128(sorted_addresses.front());
  U128 hi = lo;
  for (size_t i = 1; i < sorted_addresses.size(); ++i) {
    U128 v = ToU128(sorted_addresses[i]);
    if (v == hi + 1) {
      hi = v;
      continue;
    }
    AppendRange(family, bits, lo, hi, out);
    lo = hi = v;
  }
  AppendRange(family, bits, lo, hi, out);
  return out;
}

std::vector<std::vector<std::string>> Chunk(const std::vector<std::string>& items, size_t size) {
  std::vector<std::vector<std::string>> out;
  for (size_t i = 0; i < items.size(); i += size) {
    out.emplace_back(items.begin() + i, items.begin() + std::min(items.size(), i + size));
  }
  return out;
}

std::vector<std::vector<std::string>> StableChunk(const std::vector<std::vector<std::string>>& prior,
                                                  const std::vector<std::string>& items,
                                                  size_t size) {
  for (const auto& chunk : prior) {
    if (chunk.size() > size) return Chunk(items, size);
  }
  std::map<std::string_view, size_t> rank;  // Position in `items`: the order within a chunk.
  for (size_t i = 0; i < items.size(); ++i) rank.emplace(items[i], i);
  std::vector<bool> placed(items.size(), false);
  std::vector<std::vector<size_t>> chunks;
  for (const auto& prior_chunk : prior) {
    std::vector<size_t>& chunk = chunks.emplace_back();
    for (const std::string& item : prior_chunk) {
      auto it = rank.find(item);
      if (it == rank.end() || placed[it->second]) continue;  // Gone, or a duplicate.
      placed[it->second] = true;
      chunk.push_back(it->second);
    }
  }
  size_t with_room = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (placed[i]) continue;
    while (with_room < chunks.size() && chunks[with_room].size() >= size) ++with_room;
    if (with_room == chunks.size()) chunks.emplace_back();
    chunks[with_room].push_back(i);
  }
  while (!chunks.empty() && chunks.back().empty()) chunks.pop_back();
  std::vector<std::vector<std::string>> out;
  out.reserve(chunks.size());
  for (std::vector<size_t>& chunk : chunks) {
    std::sort(chunk.begin(), chunk.end());
    std::vector<std::string>& texts = out.emplace_back();
    for (size_t i : chunk) texts.push_back(items[i]);
  }
  return out;
}

}  // namespace agora

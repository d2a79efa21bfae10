#include "provider/addresses/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace agora {
namespace {

absl::StatusOr<IpAddress> ParseV4(absl::string_view text) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, '.');
  if (parts.size() != 4) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an IPv4 address"));
  }
  uint32_t value = 0;
  for (absl::string_view part : parts) {
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), absl::ascii_isdigit)) {
      return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an IPv4 address"));
    }
    if (part.size() > 1 && part[0] == '0') {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text,
          "\" has an octet with a leading zero, which is ambiguous (octal or decimal)"));
    }
    int octet = 0;
    for (char c : part) octet = octet * 10 + (c - '0');
    if (octet > 255) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\" has an octet greater than 255"));
    }
    value = (value << 8) | static_cast<uint32_t>(octet);
  }
  return IpAddress::V4(value);
}

absl::StatusOr<IpAddress> ParseV6(absl::string_view text) {
  // inet_pton is strict for IPv6 (no zones, no prefixes, no brackets); copy for NUL termination.
  std::string copy(text);
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET6, copy.c_str(), bytes.data()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not an IPv6 address"));
  }
  return IpAddress::V6(bytes);
}

// True when the first `bits` bits of `bytes` equal those of `prefix`.
bool HasPrefix(const std::array<uint8_t, 16>& bytes, const std::array<uint8_t, 16>& prefix,
               int bits) {
  for (int i = 0; i * 8 < bits; ++i) {
    int take = std::min(8, bits - i * 8);
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - take));
    if ((bytes[i] & mask) != (prefix[i] & mask)) return false;
  }
  return true;
}

// A prefix and why addresses in it are not allowed; an empty reason marks an allowed range.
struct Range {
  std::array<uint8_t, 16> prefix;
  int bits;
  absl::string_view reason;
};

}  // namespace

absl::StatusOr<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("the address is empty");
  if (text.find(':') != absl::string_view::npos) return ParseV6(text);
  return ParseV4(text);
}

IpAddress IpAddress::V4(uint32_t host_order) {
  std::array<uint8_t, 16> bytes{};
  bytes[0] = static_cast<uint8_t>(host_order >> 24);
  bytes[1] = static_cast<uint8_t>(host_order >> 16);
  bytes[2] = static_cast<uint8_t>(host_order >> 8);
  bytes[3] = static_cast<uint8_t>(host_order);
  return IpAddress(IpFamily::kV4, bytes);
}

IpAddress IpAddress::V6(const std::array<uint8_t, 16>& bytes) {
  return IpAddress(IpFamily::kV6, bytes);
}

uint32_t IpAddress::v4_value() const {
  return (uint32_t{bytes_[0]} << 24) | (uint32_t{bytes_[1]} << 16) | (uint32_t{bytes_[2]} << 8) |
         uint32_t{bytes_[3]};
}

std::string IpAddress::ToString() const {
  if (is_v4()) {
    return absl::StrCat(bytes_[0], ".", bytes_[1], ".", bytes_[2], ".", bytes_[3]);
  }
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof(buffer));
  return buffer;
}

std::optional<absl::string_view> IpAddress::NonPublicReason() const {
  // Ordered so the most specific reason wins; documentation ranges are checked first.
  static const Range kV4Ranges[] = {
      {{192, 0, 2}, 24, ""},
      {{198, 51, 100}, 24, ""},
      {{203, 0, 113}, 24, ""},
      {{0}, 8, "unspecified (\"this network\", 0.0.0.0/8)"},
      {{10}, 8, "private (RFC 1918, 10.0.0.0/8)"},
      {{100, 64}, 10, "carrier-grade NAT (100.64.0.0/10)"},
      {{127}, 8, "loopback (127.0.0.0/8)"},
      {{169, 254}, 16, "link-local (169.254.0.0/16)"},
      {{172, 16}, 12, "private (RFC 1918, 172.16.0.0/12)"},
      {{192, 0, 0}, 24, "reserved (IETF protocol assignments, 192.0.0.0/24)"},
      {{192, 168}, 16, "private (RFC 1918, 192.168.0.0/16)"},
      {{198, 18}, 15, "reserved (benchmarking, 198.18.0.0/15)"},
      {{224}, 4, "multicast (224.0.0.0/4)"},
      {{240}, 4, "reserved (240.0.0.0/4)"},
  };
  static const Range kV6Ranges[] = {
      {{0x20, 0x01, 0x0d, 0xb8}, 32, ""},
      {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 128, "unspecified (::)"},
      {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback (::1)"},
      {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff},
       96,
       "an IPv4-mapped IPv6 address (::ffff:0:0/96); Agora should send the IPv4 form"},
      {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96, "reserved (IPv4-compatible, ::/96)"},
      {{0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64, "reserved (discard-only, 100::/64)"},
      {{0xfc}, 7, "private (unique local, fc00::/7)"},
      {{0xfe, 0x80}, 10, "link-local (fe80::/10)"},
      {{0xfe, 0xc0}, 10, "reserved (site-local, fec0::/10)"},
      {{0xff}, 8, "multicast (ff00::/8)"},
  };
  if (is_v4()) {
    if (v4_value() == 0xffffffffu) return "reserved (limited broadcast, 255.255.255.255)";
    for (const Range& range : kV4Ranges) {
      if (HasPrefix(bytes_, range.prefix, range.bits)) {
        if (range.reason.empty()) return std::nullopt;
        return range.reason;
      }
    }
    return std::nullopt;
  }
  for (const Range& range : kV6Ranges) {
    if (HasPrefix(bytes_, range.prefix, range.bits)) {
      if (range.reason.empty()) return std::nullopt;
      return range.reason;
    }
  }
  return std::nullopt;
}

bool operator<(const IpAddress& a, const IpAddress& b) {
  return std::tie(a.family_, a.bytes_) < std::tie(b.family_, b.bytes_);
}

bool operator==(const IpAddress& a, const IpAddress& b) {
  return a.family_ == b.family_ && a.bytes_ == b.bytes_;
}

}  // namespace agora

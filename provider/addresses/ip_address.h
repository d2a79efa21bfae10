// IP addresses as Agora returns them: parsed strictly, ordered numerically, classified so that
// addresses no allow-list should ever contain are refused.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace agora {

enum class IpFamily { kV4, kV6 };

class IpAddress {
 public:
  // Strict parsing: IPv4 as exactly four decimal octets without leading zeros; IPv6 in any RFC 4291
  // text form without a zone. No surrounding spaces, no hostnames, no prefixes, no ranges.
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);
  static IpAddress V4(uint32_t host_order);
  static IpAddress V6(const std::array<uint8_t, 16>& bytes);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  int bit_length() const { return is_v4() ? 32 : 128; }
  // Network-order bytes; IPv4 uses the first 4.
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  uint32_t v4_value() const;  // Host order; IPv4 only.

  // Canonical text: dotted quad, or RFC 5952 (lower case, longest zero run compressed).
  std::string ToString() const;

  // Why this address must not be allow-listed ("private (RFC 1918)", "loopback", ...), or nullopt
  // for a public address. The documentation ranges (192.0.2.0/24, 198.51.100.0/24,
  // 203.0.113.0/24, 2001:db8::/32) count as public so that tests and examples can use them.
  std::optional<absl::string_view> NonPublicReason() const;

  // IPv4 before IPv6, then numeric order.
  friend bool operator<(const IpAddress& a, const IpAddress& b);
  friend bool operator==(const IpAddress& a, const IpAddress& b);
  friend bool operator!=(const IpAddress& a, const IpAddress& b) { return !(a == b); }

 private:
  IpAddress(IpFamily family, const std::array<uint8_t, 16>& bytes)
      : family_(family), bytes_(bytes) {}
  IpFamily family_;
  std::array<uint8_t, 16> bytes_;
};

}  // namespace agora

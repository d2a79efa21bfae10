// libFuzzer target ip_text: agora::IpAddress::Parse. An address that parses must print as text
// that parses to the same address and prints the same again.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "provider/addresses/ip_address.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<agora::IpAddress> address = agora::IpAddress::Parse(text);
  if (!address.ok()) return 0;
  const std::string canonical = address->ToString();
  absl::StatusOr<agora::IpAddress> again = agora::IpAddress::Parse(canonical);
  FUZZ_CHECK(again.ok(), "ToString must parse");
  FUZZ_CHECK(*again == *address, "Parse(ToString(a)) == a");
  FUZZ_CHECK(!(*again < *address) && !(*address < *again), "ordering agrees with equality");
  FUZZ_CHECK(again->ToString() == canonical, "ToString is canonical");
  (void)address->NonPublicReason();
  return 0;
}

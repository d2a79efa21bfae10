#include "provider/addresses/ip_address.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(IpAddressTest, ParsesAndPrintsCanonicalForms) {
  EXPECT_EQ(IpAddress::Parse("203.0.113.7")->ToString(), "203.0.113.7");
  EXPECT_EQ(IpAddress::Parse("2001:DB8:0:0:0:0:0:1")->ToString(), "2001:db8::1");
  EXPECT_EQ(IpAddress::Parse("2001:db8:0:1:0:0:0:5")->ToString(), "2001:db8:0:1::5");
  // RFC 5952: a single zero group is not compressed.
  EXPECT_EQ(IpAddress::Parse("2001:db8:0:1:1:1:1:1")->ToString(), "2001:db8:0:1:1:1:1:1");
}

TEST(IpAddressTest, RejectsAnythingButOneAddress) {
  for (const char* bad :
       {"", " 203.0.113.7", "203.0.113.7 ", "203.0.113", "203.0.113.7.1", "203.0.113.256",
        "203.0.113.07", "0x7f.0.0.1", "203.0.113.7/32", "203.0.113.1-203.0.113.9", "api.agora.io",
        "2001:db8::1%eth0", "[2001:db8::1]", "2001:db8::1/128", "2001:db8:::1", "+1.2.3.4"}) {
    EXPECT_FALSE(IpAddress::Parse(bad).ok()) << bad;
  }
  EXPECT_NE(IpAddress::Parse("203.0.113.07").status().message().find("leading zero"),
            std::string::npos);
}

TEST(IpAddressTest, OrdersNumericallyWithIpv4First) {
  EXPECT_LT(*IpAddress::Parse("198.51.100.9"), *IpAddress::Parse("198.51.100.10"));
  EXPECT_LT(*IpAddress::Parse("198.51.100.100"), *IpAddress::Parse("203.0.113.1"));
  EXPECT_LT(*IpAddress::Parse("255.255.255.254"), *IpAddress::Parse("::2"));
  EXPECT_LT(*IpAddress::Parse("2001:db8::9"), *IpAddress::Parse("2001:db8::10"));
}

TEST(IpAddressTest, ClassifiesNonPublicAddresses) {
  for (const char* bad : {"0.0.0.0",
                          "10.1.2.3",
                          "100.64.0.1",
                          "127.0.0.1",
                          "169.254.1.1",
                          "172.16.0.1",
                          "172.31.255.255",
                          "192.168.1.1",
                          "192.0.0.8",
                          "198.18.0.1",
                          "224.0.0.1",
                          "240.0.0.1",
                          "255.255.255.255",
                          "::",
                          "::1",
                          "::ffff:203.0.113.1",
                          "fc00::1",
                          "fd12:3456::1",
                          "fe80::1",
                          "fec0::1",
                          "ff02::1",
                          "100::1"}) {
    EXPECT_TRUE(IpAddress::Parse(bad)->NonPublicReason().has_value()) << bad;
  }
  for (const char* good : {"192.0.2.1", "198.51.100.200", "203.0.113.255", "2001:db8::1", "8.8.8.8",
                           "172.32.0.1", "100.128.0.1", "2606:4700::1111"}) {
    EXPECT_FALSE(IpAddress::Parse(good)->NonPublicReason().has_value()) << good;
  }
  EXPECT_EQ(*IpAddress::Parse("10.0.0.1")->NonPublicReason(), "private (RFC 1918, 10.0.0.0/8)");
}

}  // namespace
}  // namespace agora

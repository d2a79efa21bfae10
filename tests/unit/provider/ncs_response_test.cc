#include "provider/agora_api/ncs_response.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal/base/utf8.h"

namespace agora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Texts(const NcsResponse& r) {
  std::vector<std::string> out;
  for (const IpAddress& a : r.addresses) out.push_back(a.ToString());
  return out;
}

TEST(NcsResponseTest, ParsesTheDocumentedShapeIgnoringUnknownFields) {
  auto r = ParseNcsResponse(R"({"data":{"service":{"hosts":[
      {"primaryIP":"203.0.113.10","region":"us","extra":{"a":[1]}},
      {"primaryIP":"2001:db8::5"},{"primaryIP":"203.0.113.10"}]},"ttl":3600},"success":true})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Texts(*r), (std::vector<std::string>{"203.0.113.10", "2001:db8::5", "203.0.113.10"}));
  EXPECT_TRUE(r->warnings.empty());
}

TEST(NcsResponseTest, EmptyHostsIsNotAParseError) {
  auto r = ParseNcsResponse(R"({"data":{"service":{"hosts":[]}}})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->addresses.empty());
}

TEST(NcsResponseTest, SkipsHostsWithoutPrimaryIpWithAWarning) {
  auto r = ParseNcsResponse(
      R"({"data":{"service":{"hosts":[{"backupIP":"x"},{"primaryIP":null},{"primaryIP":"192.0.2.1"}]}}})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Texts(*r), (std::vector<std::string>{"192.0.2.1"}));
  ASSERT_EQ(r->warnings.size(), 2u);
  EXPECT_THAT(r->warnings[0], HasSubstr("hosts[0] has no primaryIP"));
}

TEST(NcsResponseTest, RejectsBodiesThatAreNotTheDocumentedJson) {
  struct Case {
    const char* body;
    const char* expect;
  } cases[] = {
      {"<html>502 Bad Gateway</html>", "not JSON"},
      {"", "not JSON"},
      {R"([1,2])", "top-level object (found an array)"},
      {R"({"data":{}})", "\"data.service\" object (it is missing)"},
      {R"({"data":{"service":{"hosts":"203.0.113.1"}}})",
       "\"data.service.hosts\" array (found a string)"},
      {R"({"data":null})", "\"data\" object (found null)"},
      {R"({"data":{"service":{"hosts":[{"primaryIP":7}]}}})", "is a number, not a string"},
      {R"({"data":{"service":{"hosts":[{"primaryIP":"203.0.113.1/32"}]}}})", "not an IPv4 address"},
  };
  for (const Case& c : cases) {
    auto r = ParseNcsResponse(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_THAT(r.status().message(), HasSubstr(c.expect)) << c.body;
    EXPECT_THAT(r.status().message(), HasSubstr("primaryIP")) << c.body;
  }
}

// Bodies from whatever answers in Agora's place: never a crash, always a message that is UTF-8.
TEST(NcsResponseTest, HostileBodiesAreErrorsWithValidUtf8Messages) {
  struct Case {
    std::string body;
    const char* expect;
  } cases[] = {
      {std::string(200'000, '['), "nested more than 64 levels deep"},
      {std::string(200'000, '{'), "not JSON"},
      {"{\"data\":" + std::string(100, '[') + std::string(100, ']') + "}",
       "nested more than 64 levels deep"},
      {"{\"data\":{\"service\":{\"hosts\":[{\"primaryIP\":\"203.0.113.\xE9\"}]}}}",
       "not valid UTF-8"},
      {R"({"data":{"service":{"hosts":[{"primaryIP":"203.0.113.1\udc00"}]}}})",
       "escaped lone surrogate"},
      {"<html>x\xC3\xA9\xC3", "not JSON"},
  };
  for (const Case& c : cases) {
    auto r = ParseNcsResponse(c.body);
    ASSERT_FALSE(r.ok()) << c.body.substr(0, 80);
    EXPECT_THAT(r.status().message(), HasSubstr(c.expect)) << c.body.substr(0, 80);
    EXPECT_TRUE(base::IsValidUtf8(std::string(r.status().message()))) << r.status();
  }
}

TEST(NcsResponseTest, ALongPrimaryIpIsQuotedCutOnACharacterBoundary) {
  std::string text = "203.0.113.1";
  for (int i = 0; i < 100; ++i) text += "\xC3\xA9";
  auto r = ParseNcsResponse(R"({"data":{"service":{"hosts":[{"primaryIP":")" + text +
                            R"("}]}}})");
  ASSERT_FALSE(r.ok());
  const std::string message(r.status().message());
  EXPECT_TRUE(base::IsValidUtf8(message));
  EXPECT_THAT(message, HasSubstr("(211 bytes) is not an IP address"));
  EXPECT_THAT(message, Not(HasSubstr(text)));
}

TEST(NcsResponseTest, RefusesNonPublicAddressesNamingThem) {
  auto r = ParseNcsResponse(
      R"({"data":{"service":{"hosts":[{"primaryIP":"203.0.113.1"},{"primaryIP":"10.0.0.1"},{"primaryIP":"fe80::1"}]}}})");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("10.0.0.1 is private (RFC 1918, 10.0.0.0/8)"));
  EXPECT_THAT(r.status().message(), HasSubstr("fe80::1 is link-local"));
}

TEST(NcsResponseTest, AParseErrorReadsWithoutAStrayPeriod) {
  auto r = ParseNcsResponse("x");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("Invalid value at byte 0"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("Invalid value.")));
}

}  // namespace
}  // namespace agora

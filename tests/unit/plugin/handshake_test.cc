#include "internal/plugin/handshake.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "rapidjson/document.h"

namespace plugin {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Base64RawStdTest, MatchesGoRawStdEncoding) {
  EXPECT_EQ(Base64RawStd(""), "");
  EXPECT_EQ(Base64RawStd("f"), "Zg");
  EXPECT_EQ(Base64RawStd("fo"), "Zm8");
  EXPECT_EQ(Base64RawStd("foo"), "Zm9v");
  EXPECT_EQ(Base64RawStd("foob"), "Zm9vYg");
  // The standard alphabet, not the URL-safe one.
  EXPECT_EQ(Base64RawStd("\xfb\xff"), "+/8");
}

TEST(FormatHandshakeLineTest, CarriesUnpaddedBase64OfTheDer) {
  const std::string der("\x30\x82\x01\x0a\xfb\xff\x00", 7);  // 7 bytes: unpadded form needed.
  std::string line = FormatHandshakeLine(6, "/tmp/plugin123", der);

  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  std::vector<std::string> fields = absl::StrSplit(line.substr(0, line.size() - 1), '|');
  ASSERT_EQ(fields.size(), 6u) << line;
  EXPECT_THAT(std::vector<std::string>(fields.begin(), fields.begin() + 5),
              ElementsAre("1", "6", "unix", "/tmp/plugin123", "grpc"));
  EXPECT_EQ(fields[5].find('='), std::string::npos);
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(fields[5], &decoded));
  EXPECT_EQ(decoded, der);
}

TEST(FormatHandshakeLineTest, LeavesTheCertFieldEmptyWithoutTls) {
  EXPECT_EQ(FormatHandshakeLine(6, "/tmp/plugin1", ""), "1|6|unix|/tmp/plugin1|grpc|\n");
}

TEST(NegotiateProtocolVersionTest, PicksSixWhateverTheOrder) {
  EXPECT_EQ(NegotiateProtocolVersion({6}, "5,6").value(), 6);
  EXPECT_EQ(NegotiateProtocolVersion({6}, "6,5").value(), 6);
  EXPECT_EQ(NegotiateProtocolVersion({6}, "6").value(), 6);
}

TEST(NegotiateProtocolVersionTest, PrefersOurHighestCommonVersion) {
  EXPECT_EQ(NegotiateProtocolVersion({5, 6}, "6,5").value(), 6);
  EXPECT_EQ(NegotiateProtocolVersion({6, 5}, "5,6").value(), 6);
  EXPECT_EQ(NegotiateProtocolVersion({5, 6}, "5").value(), 5);
  EXPECT_EQ(NegotiateProtocolVersion({5, 6}, "4,5").value(), 5);
}

TEST(NegotiateProtocolVersionTest, RejectsAClientWithoutOurVersion) {
  absl::StatusOr<int> version = NegotiateProtocolVersion({6}, "5");
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(version.status().message()), HasSubstr("[6]"));
}

TEST(NegotiateProtocolVersionTest, SkipsGarbageEntries) {
  EXPECT_EQ(NegotiateProtocolVersion({6}, "x,,5, 6 ,7z").value(), 6);
  EXPECT_FALSE(NegotiateProtocolVersion({6}, "garbage").ok());
}

TEST(NegotiateProtocolVersionTest, GivesALegacyClientOurLowestVersion) {
  EXPECT_EQ(NegotiateProtocolVersion({5, 6}, std::nullopt).value(), 5);
  EXPECT_EQ(NegotiateProtocolVersion({6}, "").value(), 6);
}

TEST(NegotiateProtocolVersionTest, NeedsAtLeastOneVersionOfOurs) {
  EXPECT_EQ(NegotiateProtocolVersion({}, "6").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HasMagicCookieTest, NeedsTheExactValue) {
  base::MapEnv env;
  EXPECT_FALSE(HasMagicCookie(env));
  env.Set(std::string(kMagicCookieKey), "wrong");
  EXPECT_FALSE(HasMagicCookie(env));
  env.Set(std::string(kMagicCookieKey), std::string(kMagicCookieValue) + " ");
  EXPECT_FALSE(HasMagicCookie(env));
  env.Set(std::string(kMagicCookieKey), std::string(kMagicCookieValue));
  EXPECT_TRUE(HasMagicCookie(env));
}

TEST(FormatReattachInstructionsTest, EndsWithAShellReadyReattachLine) {
  std::string text =
      FormatReattachInstructions("registry.terraform.io/agora/agora", 6, 4242, "/tmp/plugin\"7");

  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  ASSERT_FALSE(lines.empty());
  const std::string& last = lines.back();
  const std::string prefix = "TF_REATTACH_PROVIDERS='";
  ASSERT_EQ(last.rfind(prefix, 0), 0u) << last;
  ASSERT_EQ(last.back(), '\'');
  std::string json = last.substr(prefix.size(), last.size() - prefix.size() - 1);

  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(json.c_str()).HasParseError()) << json;
  ASSERT_TRUE(doc.HasMember("registry.terraform.io/agora/agora"));
  const rapidjson::Value& config = doc["registry.terraform.io/agora/agora"];
  EXPECT_STREQ(config["Protocol"].GetString(), "grpc");
  EXPECT_EQ(config["ProtocolVersion"].GetInt(), 6);
  EXPECT_EQ(config["Pid"].GetInt(), 4242);
  EXPECT_TRUE(config["Test"].GetBool());
  EXPECT_STREQ(config["Addr"]["Network"].GetString(), "unix");
  EXPECT_STREQ(config["Addr"]["String"].GetString(), "/tmp/plugin\"7");
}

}  // namespace
}  // namespace plugin

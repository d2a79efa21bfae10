#include "internal/base/log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "rapidjson/document.h"

namespace base {
namespace {

// One variable; MapEnv's map constructor is ambiguous for a single pair of C strings.
MapEnv EnvWith(std::string name, std::string value) {
  MapEnv env;
  env.Set(std::move(name), std::move(value));
  return env;
}

rapidjson::Document Parse(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.c_str(), line.size());
  return doc;
}

TEST(FormatLogLineTest, WritesHclogJsonWithTypedValues) {
  std::string line =
      FormatLogLine(LogLevel::kWarn, "provider.example", "hello",
                    {{"k", "v"}, {"n", 1}, {"big", uint64_t{1} << 40}, {"ok", true}, {"s", "1"}},
                    "2026-01-01T00:00:00.000000Z", "provider/x.cc:12");
  EXPECT_EQ(line, R"({"@caller":"provider/x.cc:12","@level":"warn","@message":"hello",)"
                  R"("@module":"provider.example","@timestamp":"2026-01-01T00:00:00.000000Z",)"
                  R"("k":"v","n":1,"big":1099511627776,"ok":true,"s":"1"})");
}

TEST(FormatLogLineTest, LeavesOutAnEmptyCaller) {
  EXPECT_EQ(FormatLogLine(LogLevel::kInfo, "m", "x", {}, "t"),
            R"({"@level":"info","@message":"x","@module":"m","@timestamp":"t"})");
}

TEST(NewRequestIdTest, IsARandomVersion4Uuid) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::string a = NewRequestId();
  const std::string b = NewRequestId();
  EXPECT_TRUE(std::regex_match(a, uuid)) << a;
  EXPECT_TRUE(std::regex_match(b, uuid)) << b;
  EXPECT_NE(a, b);
}

TEST(FormatLogLineTest, EscapesEverythingJsonNeeds) {
  constexpr char kMessage[] = "quote\" backslash\\ newline\n tab\t nul\x00 bell\x07 é";
  const std::string message(kMessage, sizeof(kMessage) - 1);
  std::string line = FormatLogLine(LogLevel::kError, "m", message, {{"we\"ird", "a\nb"}}, "t");
  EXPECT_EQ(line.find('\n'), std::string::npos);

  rapidjson::Document doc = Parse(line);
  ASSERT_FALSE(doc.HasParseError()) << line;
  ASSERT_TRUE(doc["@message"].IsString());
  EXPECT_EQ(std::string(doc["@message"].GetString(), doc["@message"].GetStringLength()), message);
  EXPECT_STREQ(doc["we\"ird"].GetString(), "a\nb");
  EXPECT_STREQ(doc["@level"].GetString(), "error");
}

TEST(FormatLogLineTest, NamesEveryLevelLikeHclog) {
  const std::pair<LogLevel, const char*> cases[] = {{LogLevel::kTrace, "trace"},
                                                    {LogLevel::kDebug, "debug"},
                                                    {LogLevel::kInfo, "info"},
                                                    {LogLevel::kWarn, "warn"},
                                                    {LogLevel::kError, "error"}};
  for (const auto& [level, name] : cases) {
    rapidjson::Document doc = Parse(FormatLogLine(level, "m", "x", {}, "t"));
    EXPECT_STREQ(doc["@level"].GetString(), name);
  }
}

// Captures what Log() writes to fd 2 while alive.
class StderrCapture {
 public:
  StderrCapture() : file_(std::tmpfile()), saved_(dup(STDERR_FILENO)) {
    std::fflush(stderr);
    dup2(fileno(file_), STDERR_FILENO);
  }
  ~StderrCapture() {
    Restore();
    std::fclose(file_);
  }
  std::string Finish() {
    Restore();
    std::string text;
    std::rewind(file_);
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), file_)) > 0) text.append(buffer, n);
    return text;
  }

 private:
  void Restore() {
    if (saved_ < 0) return;
    dup2(saved_, STDERR_FILENO);
    close(saved_);
    saved_ = -1;
  }
  std::FILE* file_;
  int saved_;
};

class LogTest : public ::testing::Test {
 protected:
  void TearDown() override { InitLogging(MapEnv(), "provider"); }
};

TEST_F(LogTest, WritesOneLineWithAMicrosecondUtcTimestamp) {
  InitLogging(EnvWith("TF_LOG", "debug"), "provider.example");
  StderrCapture capture;
  Log(LogLevel::kInfo, "started", {{"version", "0.1.0"}});
  std::string out = capture.Finish();

  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << out;
  rapidjson::Document doc = Parse(out.substr(0, out.size() - 1));
  ASSERT_FALSE(doc.HasParseError()) << out;
  EXPECT_STREQ(doc["@module"].GetString(), "provider.example");
  EXPECT_STREQ(doc["@message"].GetString(), "started");
  EXPECT_STREQ(doc["version"].GetString(), "0.1.0");
  EXPECT_TRUE(std::regex_match(doc["@timestamp"].GetString(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)")))
      << doc["@timestamp"].GetString();
}

TEST_F(LogTest, ScopesAddTheirFieldsOnThisThreadOnly) {
  InitLogging(EnvWith("TF_LOG", "trace"), "m", "registry.terraform.io/example/example");
  StderrCapture capture;
  {
    LogScope rpc({{"tf_rpc", "ReadDataSource"}, {"tf_req_id", "r1"}});
    {
      LogScope inner({{"attempt", 2}});
      Log(LogLevel::kDebug, "inside");
    }
    Log(LogLevel::kDebug, "outer");
  }
  Log(LogLevel::kDebug, "after");
  std::string out = capture.Finish();
  std::vector<rapidjson::Document> lines;
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(Parse(out.substr(start, end - start)));
  }
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_STREQ(lines[0]["tf_rpc"].GetString(), "ReadDataSource");
  EXPECT_STREQ(lines[0]["tf_req_id"].GetString(), "r1");
  EXPECT_EQ(lines[0]["attempt"].GetInt(), 2);
  EXPECT_STREQ(lines[0]["tf_provider_addr"].GetString(), "registry.terraform.io/example/example");
  EXPECT_TRUE(
      std::regex_match(lines[0]["@caller"].GetString(), std::regex(R"(.*log_test\.cc:\d+)")))
      << lines[0]["@caller"].GetString();
  EXPECT_FALSE(lines[1].HasMember("attempt"));
  EXPECT_STREQ(lines[1]["tf_rpc"].GetString(), "ReadDataSource");
  EXPECT_FALSE(lines[2].HasMember("tf_rpc"));
  EXPECT_TRUE(lines[2].HasMember("tf_provider_addr"));
}

TEST_F(LogTest, WritesNothingBelowTheLevel) {
  InitLogging(EnvWith("TF_LOG", "WARN"), "m");
  StderrCapture capture;
  Log(LogLevel::kInfo, "quiet");
  Log(LogLevel::kError, "loud");
  std::string out = capture.Finish();
  EXPECT_EQ(out.find("quiet"), std::string::npos);
  EXPECT_NE(out.find("loud"), std::string::npos);
}

TEST_F(LogTest, ProviderLevelWinsOverTheGlobalOne) {
  InitLogging(MapEnv({{"TF_LOG", "ERROR"}, {"TF_LOG_PROVIDER", "trace"}}), "m");
  EXPECT_TRUE(LogEnabled(LogLevel::kTrace));
  InitLogging(MapEnv({{"TF_LOG", "TRACE"}, {"TF_LOG_PROVIDER", "error"}}), "m");
  EXPECT_FALSE(LogEnabled(LogLevel::kWarn));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
  // An empty TF_LOG_PROVIDER falls back to TF_LOG, as in Terraform.
  InitLogging(MapEnv({{"TF_LOG", "INFO"}, {"TF_LOG_PROVIDER", ""}}), "m");
  EXPECT_TRUE(LogEnabled(LogLevel::kInfo));
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
}

TEST_F(LogTest, JsonMeansTrace) {
  InitLogging(EnvWith("TF_LOG", "json"), "m");
  EXPECT_TRUE(LogEnabled(LogLevel::kTrace));
}

TEST_F(LogTest, UnknownValueMeansTraceLikeTerraform) {
  InitLogging(EnvWith("TF_LOG", "1"), "m");
  EXPECT_TRUE(LogEnabled(LogLevel::kTrace));
}

TEST_F(LogTest, UnsetEmptyOrOffMeansSilent) {
  for (const char* value : {"OFF", "off", ""}) {
    InitLogging(EnvWith("TF_LOG", value), "m");
    EXPECT_FALSE(LogEnabled(LogLevel::kError)) << value;
  }
  InitLogging(MapEnv(), "m");
  EXPECT_FALSE(LogEnabled(LogLevel::kError));
  StderrCapture capture;
  Log(LogLevel::kError, "nothing");
  EXPECT_EQ(capture.Finish(), "");
}

}  // namespace
}  // namespace base

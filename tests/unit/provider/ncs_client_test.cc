#include "provider/agora_api/ncs_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "internal/base/utf8.h"

namespace agora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBody[] = R"({"data":{"service":{"hosts":[{"primaryIP":"203.0.113.1"}]}}})";

// A clock that only moves when the client sleeps or a transfer "takes time": both its readings
// advance together, unless a test steps the wall clock alone (as NTP would).
class FakeClock final : public Clock {
 public:
  absl::Time Now() override { return wall_; }
  absl::Duration Monotonic() override { return monotonic_; }
  bool SleepFor(absl::Duration duration, const Cancellation& cancellation) override {
    if (cancellation.cancelled()) return false;
    sleeps.push_back(duration);
    Advance(std::max(duration, absl::ZeroDuration()));
    if (on_sleep) on_sleep();
    return true;
  }
  void Advance(absl::Duration d) {
    wall_ += d;
    monotonic_ += d;
  }
  void StepWallClock(absl::Duration d) { wall_ += d; }
  absl::Duration elapsed() const { return monotonic_; }
  std::vector<absl::Duration> sleeps;
  std::function<void()> on_sleep;

 private:
  absl::Time wall_ = absl::FromUnixSeconds(1'800'000'000);
  absl::Duration monotonic_ = absl::Hours(5);  // Arbitrary: only differences count.
};

struct Scripted {
  absl::StatusOr<HttpResponse> result;
  absl::Duration takes = absl::ZeroDuration();
};

class FakeTransport final : public HttpTransport {
 public:
  explicit FakeTransport(FakeClock& clock) : clock_(clock) {}
  absl::StatusOr<HttpResponse> Get(const HttpRequest& request) override {
    requests.push_back(request);
    if (on_request) on_request();
    if (script.empty()) return absl::InternalError("unexpected request");
    Scripted next = script.front();
    script.pop_front();
    clock_.Advance(std::min(next.takes, request.timeout));
    if (next.takes > request.timeout) return absl::DeadlineExceededError("timed out");
    return next.result;
  }
  std::deque<Scripted> script;
  std::vector<HttpRequest> requests;
  std::function<void()> on_request;

 private:
  FakeClock& clock_;
};

HttpResponse Response(int status, std::string body = "",
                      std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

class NcsClientTest : public ::testing::Test {
 protected:
  NcsClientTest() : transport_(clock_) {
    settings_.customer_id = Sourced{"cid-123", "AGORA_CUSTOMER_ID"};
    settings_.customer_secret = Sourced{"s3cr3t-value", "customer_secret"};
    settings_.endpoints = {"https://a.example", "https://b.example"};
  }
  absl::StatusOr<NcsFetchResult> Fetch(NcsService service = NcsService::kRtc) {
    NcsClient client(settings_, transport_, clock_, cancellation_, [] { return 0.5; });
    return client.Fetch(service);
  }
  std::vector<std::string> Urls() const {
    std::vector<std::string> out;
    for (const HttpRequest& r : transport_.requests) out.push_back(r.url);
    return out;
  }

  ProviderSettings settings_;
  FakeClock clock_;
  FakeTransport transport_;
  Cancellation cancellation_;
};

TEST(BackoffTest, FollowsAgorasScheduleWithBoundedJitter) {
  EXPECT_EQ(BackoffDelay(0, 0.0), absl::Seconds(1));
  EXPECT_EQ(BackoffDelay(1, 0.0), absl::Seconds(3));
  EXPECT_EQ(BackoffDelay(2, 0.0), absl::Seconds(6));
  EXPECT_EQ(BackoffDelay(7, 0.0), absl::Seconds(6));
  EXPECT_EQ(BackoffDelay(1, 1.0), absl::Milliseconds(3600));
  EXPECT_EQ(BackoffDelay(0, 0.5), absl::Milliseconds(1100));
}

TEST(RetryAfterTest, SecondsAndHttpDates) {
  absl::Time now = absl::FromUnixSeconds(1445412470);  // Wed, 21 Oct 2015 07:27:50 GMT
  EXPECT_EQ(ParseRetryAfter("2", now), absl::Seconds(2));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), absl::Seconds(10));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-3", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
}

TEST_F(NcsClientTest, SendsBasicAuthAndJsonAcceptToTheServicePath) {
  transport_.script.push_back({Response(200, kBody, {{"x-request-id", "rid-1"}})});
  auto r = Fetch(NcsService::kCloudRecording);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->url, "https://a.example/v1/ncs/ip");
  EXPECT_EQ(r->request_id, "rid-1");
  EXPECT_EQ(r->attempts, 1);
  const HttpRequest& req = transport_.requests[0];
  EXPECT_EQ(req.username, "cid-123");
  EXPECT_EQ(req.password, "s3cr3t-value");
  EXPECT_THAT(req.headers, ::testing::Contains("Accept: application/json"));
}

TEST_F(NcsClientTest, RetriesServerErrorsWithBackoffThenRecovers) {
  transport_.script.push_back({Response(500, R"({"message":"boom"})")});
  transport_.script.push_back({Response(503, "")});
  transport_.script.push_back({Response(200, kBody)});
  auto r = Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(clock_.sleeps,
            (std::vector<absl::Duration>{absl::Milliseconds(1100), absl::Milliseconds(3300)}));
  EXPECT_EQ(Urls(), std::vector<std::string>(3, "https://a.example/v2/ncs/ip"));
}

TEST_F(NcsClientTest, HonoursRetryAfterOn429) {
  transport_.script.push_back({Response(429, "", {{"retry-after", "2"}})});
  transport_.script.push_back({Response(200, kBody)});
  ASSERT_TRUE(Fetch().ok());
  EXPECT_EQ(clock_.sleeps, std::vector<absl::Duration>{absl::Seconds(2)});
}

TEST_F(NcsClientTest, RetryAfterNeverPassesTotalTimeout) {
  settings_.total_timeout = absl::Seconds(30);
  transport_.script.push_back({Response(429, "", {{"retry-after", "120"}})});
  transport_.script.push_back({Response(200, kBody)});  // Answered by the second endpoint.
  auto r = Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(clock_.sleeps.empty());
  EXPECT_EQ(r->url, "https://b.example/v2/ncs/ip");
}

TEST_F(NcsClientTest, ARetryAfterLongerThanTotalTimeoutIsNamedInTheError) {
  settings_.endpoints = {"https://a.example"};
  settings_.total_timeout = absl::Seconds(9);
  transport_.script.push_back({Response(429, "", {{"retry-after", "120"}})});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(clock_.sleeps.empty());
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("HTTP 429; not retried: Agora asked to wait 2m (Retry-After), past "
                        "total_timeout (9s)"));
}

TEST_F(NcsClientTest, AfterMaxRetriesFailsOverToTheNextEndpoint) {
  settings_.max_retries = 1;
  transport_.script.push_back({Response(500, "")});
  transport_.script.push_back({Response(500, "")});
  transport_.script.push_back({Response(200, kBody)});
  auto r = Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Urls(),
            (std::vector<std::string>{"https://a.example/v2/ncs/ip", "https://a.example/v2/ncs/ip",
                                      "https://b.example/v2/ncs/ip"}));
}

TEST_F(NcsClientTest, ARefusedConnectionIsRetriedWithBackoff) {
  settings_.endpoints = {"https://a.example"};
  transport_.script.push_back({absl::UnknownError("Failed to connect to a.example port 443")});
  transport_.script.push_back({Response(200, kBody)});
  auto r = Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(clock_.sleeps.size(), 1u);
  EXPECT_EQ(r->attempts, 2);
}

TEST_F(NcsClientTest, ANameThatDoesNotResolveMovesOnAtOnce) {
  transport_.script.push_back({absl::UnavailableError("Could not resolve host: a.example")});
  transport_.script.push_back({Response(200, kBody)});
  auto r = Fetch();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(clock_.sleeps.empty());
  EXPECT_EQ(r->attempts, 2);
}

TEST_F(NcsClientTest, NotFoundTriesTheNextEndpointOnce) {
  transport_.script.push_back({Response(404, R"({"message":"no route"})")});
  transport_.script.push_back({Response(200, kBody)});
  ASSERT_TRUE(Fetch().ok());
  EXPECT_EQ(transport_.requests.size(), 2u);

  transport_.requests.clear();
  transport_.script.push_back({Response(404, "")});
  transport_.script.push_back({Response(404, "")});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(transport_.requests.size(), 2u);
}

TEST_F(NcsClientTest, UnauthorizedFailsAtOnceNamingTheCustomerIdNotTheSecret) {
  transport_.script.push_back(
      {Response(401, R"({"message":"Invalid authentication credentials"})",
                {{"x-request-id", "rid-401"}, {"x-resource-id", "res-9"}})});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(transport_.requests.size(), 1u);
  const std::string message(r.status().message());
  EXPECT_THAT(message, HasSubstr("401"));
  EXPECT_THAT(message, HasSubstr("\"cid-123\" (from AGORA_CUSTOMER_ID)"));
  EXPECT_THAT(message, HasSubstr("Invalid authentication credentials"));
  EXPECT_THAT(message, HasSubstr("X-Request-ID: rid-401"));
  EXPECT_THAT(message, HasSubstr("X-Resource-ID: res-9"));
  EXPECT_THAT(message, HasSubstr("https://a.example/v2/ncs/ip"));
  EXPECT_THAT(message, Not(HasSubstr("s3cr3t-value")));
}

TEST_F(NcsClientTest, ClientErrorsAreNotRetried) {
  settings_.endpoints = {"https://a.example"};
  for (int status : {400, 403, 415}) {
    transport_.requests.clear();
    transport_.script.push_back({Response(status, R"({"message":"nope"})")});
    auto r = Fetch();
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(transport_.requests.size(), 1u) << status;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("nope"));
    EXPECT_TRUE(clock_.sleeps.empty());
  }
}

// A captive portal's page, an oversized body, a redirect or a client error from one endpoint:
// the next one is tried before the read fails.
TEST_F(NcsClientTest, AnUnusableAnswerFailsOverToTheNextEndpoint) {
  const Scripted unusable[] = {
      {Response(200, "<html>Sign in to the Wi-Fi</html>")},
      {absl::ResourceExhaustedError("the response body is larger than 4096 KiB")},
      {Response(302, "", {{"location", "https://portal.example/"}})},
      {Response(400, R"({"message":"nope"})")},
      {Response(415, "")},
  };
  for (const Scripted& first : unusable) {
    transport_.requests.clear();
    transport_.script = {first, {Response(200, kBody)}};
    auto r = Fetch();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->url, "https://b.example/v2/ncs/ip");
    EXPECT_EQ(r->attempts, 2);
    EXPECT_TRUE(clock_.sleeps.empty());
  }
}

TEST_F(NcsClientTest, WhenEveryEndpointAnswersUnusablyTheErrorListsEach) {
  transport_.script.push_back({Response(200, "<html>portal</html>", {{"x-request-id", "r1"}})});
  transport_.script.push_back({Response(302, "", {{"x-request-id", "r2"}})});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(r.status().message());
  EXPECT_THAT(message, HasSubstr("Agora answered HTTP 302, which is not retried."));
  EXPECT_THAT(message, HasSubstr("2 attempts on 2 endpoints"));
  EXPECT_THAT(message, HasSubstr("https://a.example/v2/ncs/ip: HTTP 200: The response body is "
                                 "not JSON"));
  EXPECT_THAT(message, HasSubstr("(X-Request-ID: r1)"));
  EXPECT_THAT(message, HasSubstr("https://b.example/v2/ncs/ip: HTTP 302 (X-Request-ID: r2)"));
}

TEST_F(NcsClientTest, CredentialsErrorsStillFailAtOnce) {
  for (int status : {401, 403}) {
    transport_.requests.clear();
    transport_.script = {{Response(status, "")}, {Response(200, kBody)}};
    auto r = Fetch();
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(transport_.requests.size(), 1u) << status;
  }
}

// What answers in Agora's place may send any bytes: the error quotes them as valid UTF-8, cut on
// a character boundary, so that Terraform can show it (internal/base/utf8.h).
TEST_F(NcsClientTest, ErrorsQuoteForeignTextAsValidUtf8) {
  settings_.endpoints = {"https://a.example"};
  settings_.max_retries = 0;
  std::string cut = "<html>x";
  for (int i = 0; i < 70; ++i) cut += "\xC3\xA9";
  const std::string bodies[] = {cut, R"({"message":"bad \udc00 thing"})",
                                "{\"message\":\"caf\xE9\"}", std::string(200'000, '[')};
  for (const std::string& body : bodies) {
    transport_.script = {{Response(503, body, {{"x-request-id", "rid-\xE9-1\r"}})}};
    auto r = Fetch();
    ASSERT_FALSE(r.ok());
    const std::string message(r.status().message());
    EXPECT_TRUE(base::IsValidUtf8(message)) << message;
    EXPECT_THAT(message, HasSubstr("HTTP 503"));
    EXPECT_THAT(message, HasSubstr("X-Request-ID: rid-\xEF\xBF\xBD-1)"));
  }
  transport_.script = {{Response(503, cut)}};
  std::string expected = "HTTP 503 \"<html>x";
  for (int i = 0; i < 56; ++i) expected += "\xC3\xA9";  // 119 bytes: the 57th é would pass 120.
  EXPECT_THAT(std::string(Fetch().status().message()), HasSubstr(expected + "...\""));
}

// total_timeout runs on the monotonic clock: a step of the wall clock (NTP, an operator) neither
// stretches the read past it nor ends it early.
TEST_F(NcsClientTest, WallClockStepsNeitherStretchNorCutTotalTimeout) {
  settings_.endpoints = {"https://a.example"};
  settings_.max_retries = 10;
  settings_.total_timeout = absl::Seconds(20);
  clock_.on_sleep = [this] { clock_.StepWallClock(-absl::Hours(1)); };
  for (int i = 0; i < 11; ++i) transport_.script.push_back({Response(500, "")});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_LE(clock_.elapsed() - absl::Hours(5), absl::Seconds(20));
  EXPECT_LT(transport_.requests.size(), 11u);

  transport_.requests.clear();
  transport_.script = {{Response(500, "")}, {Response(200, kBody)}};
  clock_.on_sleep = [this] { clock_.StepWallClock(absl::Hours(1)); };
  auto later = Fetch();
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->attempts, 2);
}

TEST_F(NcsClientTest, ALocalTransportFaultFailsAtOnceAndSaysSo) {
  // What CurlTransport returns when libcurl cannot start (it is linked in; this is memory).
  transport_.script.push_back({absl::InternalError("libcurl could not initialise: Out of memory")});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(r.status().message(),
              HasSubstr("The provider could not send the request from this machine."));
  EXPECT_THAT(r.status().message(), HasSubstr("libcurl could not initialise: Out of memory"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("Could not reach Agora")));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("TLS")));
  EXPECT_EQ(Urls(), std::vector<std::string>{"https://a.example/v2/ncs/ip"});
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(NcsClientTest, AttemptTimeoutIsRetriedAndTotalTimeoutBoundsEverything) {
  settings_.request_timeout = absl::Seconds(10);
  settings_.total_timeout = absl::Seconds(25);
  for (int i = 0; i < 10; ++i) transport_.script.push_back({Response(200, kBody), absl::Hours(1)});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("total_timeout"));
  // 10 s + 1.1 s backoff + 10 s + (3.3 s backoff would leave 0.6 s) ... never past 25 s.
  EXPECT_LE(clock_.elapsed() - absl::Hours(5), absl::Seconds(25));
  for (const HttpRequest& req : transport_.requests) EXPECT_LE(req.timeout, absl::Seconds(10));
}

TEST_F(NcsClientTest, CancellationStopsBackoff) {
  transport_.script.push_back({Response(500, "")});
  transport_.on_request = [this] { cancellation_.Cancel(); };  // StopProvider mid-read.
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(transport_.requests.size(), 1u);
  EXPECT_TRUE(clock_.sleeps.empty());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("cancelled"));
}

TEST_F(NcsClientTest, MissingCredentialsNameTheSettingAndVariable) {
  settings_.customer_id.reset();
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("customer_id"));
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("AGORA_CUSTOMER_ID"));
  EXPECT_TRUE(transport_.requests.empty());
}

TEST_F(NcsClientTest, MalformedBodyIsAnErrorNeverAnEmptyList) {
  settings_.endpoints = {"https://a.example"};
  transport_.script.push_back({Response(200, "<html>hi</html>")});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("data.service.hosts"));
}

}  // namespace
}  // namespace agora

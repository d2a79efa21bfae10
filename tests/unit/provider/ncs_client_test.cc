#include "provider/agora_api/ncs_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

namespace agora {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBody[] = R"({"data":{"service":{"hosts":[{"primaryIP":"203.0.113.1"}]}}})";

// A clock that only moves when the client sleeps or a transfer "takes time".
class FakeClock final : public Clock {
 public:
  absl::Time Now() override { return now_; }
  bool SleepUntil(absl::Time deadline, const Cancellation& cancellation) override {
    if (cancellation.cancelled()) return false;
    sleeps.push_back(deadline - now_);
    now_ = std::max(now_, deadline);
    return true;
  }
  void Advance(absl::Duration d) { now_ += d; }
  std::vector<absl::Duration> sleeps;

 private:
  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
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
  for (int status : {400, 403, 415}) {
    transport_.requests.clear();
    transport_.script.push_back({Response(status, R"({"message":"nope"})")});
    auto r = Fetch();
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(transport_.requests.size(), 1u) << status;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("nope"));
  }
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
  EXPECT_LE(clock_.Now() - absl::FromUnixSeconds(1'800'000'000), absl::Seconds(25));
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
  transport_.script.push_back({Response(200, "<html>hi</html>")});
  auto r = Fetch();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("data.service.hosts"));
}

}  // namespace
}  // namespace agora

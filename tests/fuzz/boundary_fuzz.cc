// libFuzzer target boundary: the network boundary as a whole. An arbitrary HTTP answer (status,
// headers, body), as Agora, a TLS-inspecting proxy, a captive portal or anyone on the path might
// send it, goes through the real provider: the client's answer handling (retries, failover,
// error messages), the data source's read, and the conversion to what Terraform receives
// (diagnostics and the msgpack state). Everything sent must be valid UTF-8 (Terraform drops a
// response otherwise) and nothing may crash or hang, deep nesting included (run with a large
// -max_len: tests/fuzz/run_fuzzers.py).
//
// Input: byte 0 picks the endpoints (one or two), max_retries (0 or 1) and whether the transfer
// fails with an oversized body instead; bytes 1-2 the status (100-599); then header lines
// ("Name: value", '\n'-separated) up to an empty line; the rest is the body.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "internal/base/env.h"
#include "internal/base/utf8.h"
#include "internal/cty/msgpack.h"
#include "internal/cty/value.h"
#include "internal/tfprotocol/convert.h"
#include "provider/terraform/agora_provider.h"
#include "provider/agora_api/clock.h"
#include "provider/agora_api/http_transport.h"
#include "provider/terraform/settings.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

constexpr char kSecret[] = "fuzz-secret";

// A clock whose sleeps return at once, so that back-offs cost no time.
class InstantClock final : public agora::Clock {
 public:
  absl::Time Now() override { return absl::FromUnixSeconds(1'800'000'000) + elapsed_; }
  absl::Duration Monotonic() override { return elapsed_; }
  bool SleepFor(absl::Duration duration, const agora::Cancellation& cancellation) override {
    if (cancellation.cancelled()) return false;
    elapsed_ += duration;
    return true;
  }

 private:
  absl::Duration elapsed_;
};

// The answer every request gets in this input.
absl::StatusOr<agora::HttpResponse> g_answer;

class AnswerTransport final : public agora::HttpTransport {
 public:
  absl::StatusOr<agora::HttpResponse> Get(const agora::HttpRequest&) override { return g_answer; }
};

agora::AgoraProvider& Provider() {
  static const base::MapEnv env;
  static InstantClock clock;
  static agora::AgoraProvider* const provider = new agora::AgoraProvider(
      env, clock, [](const agora::ProviderSettings&) -> std::unique_ptr<agora::HttpTransport> {
        return std::make_unique<AnswerTransport>();
      });
  return *provider;
}

cty::Value ProviderConfig(bool two_endpoints, int max_retries) {
  cty::Value::Elements endpoints = {cty::Value::String("https://a.example")};
  if (two_endpoints) endpoints.push_back(cty::Value::String("https://b.example"));
  return cty::Value::ObjectOf(
      agora::ProviderSchema().block.ImpliedType(),
      {{"customer_id", cty::Value::String("fuzz-customer")},
       {"customer_secret", cty::Value::String(kSecret)},
       {"endpoints", cty::Value::List(cty::Type::String(), std::move(endpoints))},
       {"max_retries", cty::Value::Int(max_retries)}});
}

// Every string in `value` is valid UTF-8.
void CheckStrings(const cty::Value& value) {
  if (value.is_null() || !value.is_known()) return;
  switch (value.type().kind()) {
    case cty::Kind::kString:
      FUZZ_CHECK(base::IsValidUtf8(value.as_string()), "state strings are UTF-8");
      return;
    case cty::Kind::kList:
    case cty::Kind::kSet:
    case cty::Kind::kTuple:
      for (const cty::Value& element : value.elements()) CheckStrings(element);
      return;
    case cty::Kind::kMap:
    case cty::Kind::kObject:
      for (const auto& [name, element] : value.attributes()) {
        FUZZ_CHECK(base::IsValidUtf8(name), "attribute names are UTF-8");
        CheckStrings(element);
      }
      return;
    default:
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The answer may quote the secret only if it holds it (the fuzzer finds the constant).
  const bool answer_holds_secret = input.find(kSecret) != std::string_view::npos;
  const uint8_t shape = static_cast<uint8_t>(input[0]);
  const int status = 100 + ((static_cast<uint8_t>(input[1]) << 8) | static_cast<uint8_t>(input[2])) % 500;
  input.remove_prefix(3);

  agora::HttpResponse response;
  response.status = status;
  // Header lines up to an empty one, as libcurl hands them over (lower-case names, trimmed).
  while (!input.empty()) {
    const size_t end = input.find('\n');
    const std::string_view line = input.substr(0, end);
    input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    response.headers[name] = std::string(value);
  }
  response.body = std::string(input);
  if ((shape & 0x4) != 0) {
    g_answer = absl::ResourceExhaustedError("the response body is larger than 4096 KiB");
  } else {
    g_answer = std::move(response);
  }

  agora::AgoraProvider& provider = Provider();
  // A fresh configuration per input: each has its own snapshot cache.
  tfprotocol::Diagnostics configured =
      provider.Configure({"1.11.4", ProviderConfig((shape & 0x1) != 0, (shape >> 1) & 0x1)});
  FUZZ_CHECK(!configured.has_errors(), "the fuzz configuration is valid");

  tfprotocol::DataSource& data_source = *provider.data_sources().front();
  const cty::Type type = data_source.schema().block.ImpliedType();
  const tfprotocol::ReadDataSourceResponse read = data_source.Read(
      tfprotocol::CallContext(), {cty::Value::ObjectOf(type, {})});

  google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic> diagnostics;
  tfprotocol::DiagnosticsToProto(read.diagnostics, &diagnostics);
  for (const tfplugin6::Diagnostic& d : diagnostics) {
    FUZZ_CHECK(base::IsValidUtf8(d.summary()), "diagnostic summaries are UTF-8");
    FUZZ_CHECK(base::IsValidUtf8(d.detail()), "diagnostic details are UTF-8");
    FUZZ_CHECK(answer_holds_secret || d.detail().find(kSecret) == std::string::npos,
               "the secret is never shown");
    for (const tfplugin6::AttributePath::Step& step : d.attribute().steps()) {
      FUZZ_CHECK(base::IsValidUtf8(step.attribute_name()), "attribute names are UTF-8");
      FUZZ_CHECK(base::IsValidUtf8(step.element_key_string()), "element keys are UTF-8");
    }
  }
  if (read.diagnostics.has_errors()) return 0;

  FUZZ_CHECK(status == 200, "only a 200 answer is a list");
  tfplugin6::DynamicValue state;
  FUZZ_CHECK(tfprotocol::EncodeDynamicValue(read.state, type, &state).ok(), "the state encodes");
  absl::StatusOr<cty::Value> sent = cty::DecodeMsgpack(state.msgpack(), type);
  FUZZ_CHECK(sent.ok(), "the state sent decodes");
  CheckStrings(*sent);
  return 0;
}

// What leaves the provider at the protocol boundary, whatever the provider put in it: diagnostics
// and values Terraform can always decode (valid UTF-8), and a crash report even when a handler
// thread overflows its stack.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "internal/base/crash_report.h"
#include "internal/base/utf8.h"
#include "internal/cty/msgpack.h"
#include "internal/tfprotocol/convert.h"
#include "internal/tfprotocol/rpc.h"

namespace tfprotocol {
namespace {

TEST(BoundaryTest, DiagnosticsAreSentAsValidUtf8) {
  Diagnostics diagnostics;
  diagnostics.AddError("Agora \xE9rror", "HTTP 503 \"<html>x\xC3\xA9\xC3\" (X-Request-ID: rid-\xE9)",
                       AttributePath::Attr("na\xFFme").Key("k\xED\xB0\x80y"));
  google::protobuf::RepeatedPtrField<tfplugin6::Diagnostic> out;
  DiagnosticsToProto(diagnostics, &out);
  ASSERT_EQ(out.size(), 1);
  EXPECT_TRUE(base::IsValidUtf8(out[0].summary()));
  EXPECT_TRUE(base::IsValidUtf8(out[0].detail()));
  EXPECT_EQ(out[0].detail(),
            "HTTP 503 \"<html>x\xC3\xA9\xEF\xBF\xBD\" (X-Request-ID: rid-\xEF\xBF\xBD)");
  for (const auto& step : out[0].attribute().steps()) {
    EXPECT_TRUE(base::IsValidUtf8(step.attribute_name()));
    EXPECT_TRUE(base::IsValidUtf8(step.element_key_string()));
  }
}

TEST(BoundaryTest, ValuesAreSentAsValidUtf8) {
  const cty::Type type = cty::Type::Object({{"message", cty::Type::String()}});
  tfplugin6::DynamicValue out;
  ASSERT_TRUE(EncodeDynamicValue(cty::Value::Object({{"message", cty::Value::String("a\xE9z")}}),
                                 type, &out)
                  .ok());
  absl::StatusOr<cty::Value> back = cty::DecodeMsgpack(out.msgpack(), type);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->GetAttr("message").as_string(), "a\xEF\xBF\xBDz");
}

// Recurses until the stack overflows (the volatile limit is never reached; it keeps the compiler
// from seeing an infinite recursion).
volatile int g_recursion_limit = 1 << 30;
__attribute__((noinline)) int Recurse(int depth) {
  volatile char frame[1024];
  frame[0] = static_cast<char>(depth);
  if (depth >= g_recursion_limit) return frame[0];
  return Recurse(depth + 1) + frame[0];
}

// A stack overflow in an RPC handler, which gRPC runs on threads of its own, still prints the
// report Terraform shows: the handler thread has an alternate signal stack.
TEST(BoundaryDeathTest, AStackOverflowOnAHandlerThreadIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        base::InstallCrashReport("/proc/self/exe", "boundary-test", "0.0.0");
        std::thread handler([] {
          tfplugin6::GetMetadataMsg::Response response;
          rpc::Run("ReadDataSource", &response, {}, [](Diagnostics&) { Recurse(0); });
        });
        handler.join();
      },
      ::testing::KilledBySignal(SIGSEGV), "panic: boundary-test 0.0.0 crashed: SIGSEGV");
}

}  // namespace
}  // namespace tfprotocol

// What leaves the provider at the protocol boundary, whatever the provider put in it: diagnostics
// and values Terraform can always decode (valid UTF-8).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "internal/base/utf8.h"
#include "internal/cty/msgpack.h"
#include "internal/tfprotocol/convert.h"

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

}  // namespace
}  // namespace tfprotocol

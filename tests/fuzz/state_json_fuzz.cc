// libFuzzer target state_json: cty::DecodeJson (resource state as Terraform stores it, read by
// UpgradeResourceState) against the agora_ncs_ip_set resource's schema type, strictly and
// ignoring unknown attributes. What decodes strictly must decode the same leniently.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "internal/base/env.h"
#include "internal/cty/json.h"
#include "internal/cty/type.h"
#include "provider/agora_api/clock.h"
#include "provider/terraform/agora_provider.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

const cty::Type& ResourceType() {
  static const cty::Type* const type = [] {
    static const base::MapEnv env;
    static agora::RealClock clock;
    static agora::AgoraProvider provider(env, clock);
    return new cty::Type(provider.resources().front()->schema().block.ImpliedType());
  }();
  return *type;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  cty::JsonDecodeOptions strict;
  strict.ignore_unknown_attributes = false;
  cty::JsonDecodeOptions lenient;
  lenient.ignore_unknown_attributes = true;
  absl::StatusOr<cty::Value> strict_value = cty::DecodeJson(input, ResourceType(), strict);
  absl::StatusOr<cty::Value> lenient_value = cty::DecodeJson(input, ResourceType(), lenient);
  if (strict_value.ok()) {
    FUZZ_CHECK(lenient_value.ok(), "strictly valid state must decode leniently");
    FUZZ_CHECK(*lenient_value == *strict_value, "both decodes agree");
  }
  return 0;
}

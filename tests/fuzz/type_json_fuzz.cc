// libFuzzer target type_json: cty::Type::FromJson (type constraints in schemas and in
// Dynamic-typed values). A type that parses must write out as JSON that parses to the same type
// and writes out the same again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "internal/cty/type.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<cty::Type> type = cty::Type::FromJson(input);
  if (!type.ok()) return 0;
  const std::string json = type->ToJson();
  absl::StatusOr<cty::Type> again = cty::Type::FromJson(json);
  FUZZ_CHECK(again.ok(), "ToJson must parse");
  FUZZ_CHECK(*again == *type, "FromJson(ToJson(t)) == t");
  FUZZ_CHECK(again->ToJson() == json, "ToJson is stable");
  (void)type->FriendlyName();
  return 0;
}

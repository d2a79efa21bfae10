// libFuzzer target msgpack_value: cty::DecodeMsgpack (DynamicValue.msgpack, what Terraform sends)
// against the provider's, the data source's and the resource's schema types and against types
// built from the input. A value that decodes must re-encode, decode again to the same value (once
// its text is valid UTF-8: EncodeMsgpack repairs what is not), and encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "internal/base/env.h"
#include "internal/base/utf8.h"
#include "internal/cty/msgpack.h"
#include "internal/cty/type.h"
#include "internal/cty/value.h"
#include "provider/agora_api/clock.h"
#include "provider/terraform/agora_provider.h"
#include "provider/terraform/settings.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

struct SchemaTypes {
  cty::Type provider;
  cty::Type data_source;
  cty::Type resource;
};

const SchemaTypes& Schemas() {
  static const SchemaTypes* const types = [] {
    static const base::MapEnv env;
    static agora::RealClock clock;
    static agora::AgoraProvider provider(env, clock);
    return new SchemaTypes{agora::ProviderSchema().block.ImpliedType(),
                           provider.data_sources().front()->schema().block.ImpliedType(),
                           provider.resources().front()->schema().block.ImpliedType()};
  }();
  return *types;
}

// Whether every string in `v` (map keys included) is valid UTF-8, so that EncodeMsgpack sends it
// as it is (internal/base/utf8.h).
bool ValidText(const cty::Value& v) {
  if (v.is_null() || !v.is_known()) return true;
  switch (v.type().kind()) {
    case cty::Kind::kString:
      return base::IsValidUtf8(v.as_string());
    case cty::Kind::kList:
    case cty::Kind::kSet:
    case cty::Kind::kTuple:
      for (const cty::Value& e : v.elements()) {
        if (!ValidText(e)) return false;
      }
      return true;
    case cty::Kind::kMap:
    case cty::Kind::kObject:
      for (const auto& [key, e] : v.attributes()) {
        if (!base::IsValidUtf8(key) || !ValidText(e)) return false;
      }
      return true;
    default:
      return true;
  }
}

// Builds a type from the front of `input`, consuming one byte per type node (and none once the
// input or the depth runs out: string).
cty::Type TypeFrom(std::string_view* input, int depth) {
  if (input->empty() || depth > 5) return cty::Type::String();
  const uint8_t byte = static_cast<uint8_t>(input->front());
  input->remove_prefix(1);
  const int count = (byte / 9) % 4;
  switch (byte % 9) {
    case 0:
      return cty::Type::String();
    case 1:
      return cty::Type::Number();
    case 2:
      return cty::Type::Bool();
    case 3:
      return cty::Type::Dynamic();
    case 4:
      return cty::Type::List(TypeFrom(input, depth + 1));
    case 5:
      return cty::Type::Set(TypeFrom(input, depth + 1));
    case 6:
      return cty::Type::Map(TypeFrom(input, depth + 1));
    case 7: {
      cty::Type::AttributeTypes attributes;
      for (int i = 0; i < count; ++i) {
        attributes.emplace(std::string(1, static_cast<char>('a' + i)), TypeFrom(input, depth + 1));
      }
      return cty::Type::Object(std::move(attributes));
    }
    default: {
      std::vector<cty::Type> elements;
      for (int i = 0; i < count; ++i) elements.push_back(TypeFrom(input, depth + 1));
      return cty::Type::Tuple(std::move(elements));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // First byte: 0-2 the provider's, the data source's or the resource's schema type; otherwise a
  // type read from the bytes that follow. The rest is the msgpack value.
  const uint8_t selector = static_cast<uint8_t>(input.front());
  input.remove_prefix(1);
  cty::Type type;
  switch (selector % 4) {
    case 0:
      type = Schemas().provider;
      break;
    case 1:
      type = Schemas().data_source;
      break;
    case 2:
      type = Schemas().resource;
      break;
    default:
      type = TypeFrom(&input, 0);
  }

  absl::StatusOr<cty::Value> decoded = cty::DecodeMsgpack(input, type);
  if (!decoded.ok()) return 0;
  absl::StatusOr<std::string> encoded = cty::EncodeMsgpack(*decoded, type);
  // Terraform's text is valid UTF-8; other text may be refused (two map keys that repair to one).
  if (!encoded.ok() && !ValidText(*decoded)) return 0;
  FUZZ_CHECK(encoded.ok(), "a decoded value must encode");
  absl::StatusOr<cty::Value> again = cty::DecodeMsgpack(*encoded, type);
  FUZZ_CHECK(again.ok(), "an encoded value must decode");
  // Refinements of unknowns are not sent and invalid UTF-8 is repaired (EncodeMsgpack), so only a
  // wholly known value with valid text must come back exactly as it was; from the second decode
  // on, the round trip is the identity.
  if (decoded->is_wholly_known() && ValidText(*decoded)) {
    FUZZ_CHECK(*again == *decoded, "decode(encode(v)) == v");
  }
  absl::StatusOr<std::string> reencoded = cty::EncodeMsgpack(*again, type);
  FUZZ_CHECK(reencoded.ok(), "a decoded value must encode");
  FUZZ_CHECK(*reencoded == *encoded, "encode(decode(e)) == e");
  absl::StatusOr<cty::Value> third = cty::DecodeMsgpack(*reencoded, type);
  FUZZ_CHECK(third.ok() && *third == *again, "decode(encode(v)) == v without refinements");
  // What Terraform gets (internal/tfprotocol/convert.cc): every number as decimal text, which must
  // read back as the same number.
  absl::StatusOr<std::string> text =
      cty::EncodeMsgpack(*again, type, cty::NumberForm::kDecimalText);
  FUZZ_CHECK(text.ok(), "a decoded value must encode with decimal-text numbers");
  absl::StatusOr<cty::Value> from_text = cty::DecodeMsgpack(*text, type);
  FUZZ_CHECK(from_text.ok() && *from_text == *again, "decimal-text numbers decode to themselves");
  return 0;
}

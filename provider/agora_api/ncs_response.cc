#include "provider/agora_api/ncs_response.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "internal/base/utf8.h"
#include "provider/agora_api/json_body.h"
#include "rapidjson/document.h"

namespace agora {
namespace {

// The longest address text is 45 bytes (IPv6 with an embedded IPv4 address).
constexpr size_t kMaxQuotedAddress = 64;

constexpr absl::string_view kExpectedShape =
    "Expected the documented JSON, with the addresses at data.service.hosts[].primaryIP: "
    "{\"data\":{\"service\":{\"hosts\":[{\"primaryIP\":\"...\"}]}}}";

absl::string_view JsonTypeName(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "a value";
}

absl::Status ShapeError(absl::string_view where, absl::string_view expected,
                        const rapidjson::Value* found) {
  return absl::InvalidArgumentError(
      absl::StrCat("The response body has no ", where, " ", expected,
                   found == nullptr ? std::string(" (it is missing)")
                                    : absl::StrCat(" (found ", JsonTypeName(*found), ")"),
                   ". ", kExpectedShape, "."));
}

const rapidjson::Value* Member(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

}  // namespace

absl::StatusOr<NcsResponse> ParseNcsResponse(absl::string_view body) {
  rapidjson::Document doc;
  if (absl::Status parsed = ParseJsonBody(body, &doc); !parsed.ok()) {
    // Escaped: the excerpt is ASCII whatever the body holds.
    absl::string_view start = body.substr(0, 64);
    return absl::InvalidArgumentError(absl::StrCat(
        "The response body is not JSON (", parsed.message(), "; it starts with \"",
        absl::CHexEscape(start), body.size() > start.size() ? "...\"" : "\"", "). ",
        kExpectedShape, "."));
  }
  if (!doc.IsObject()) return ShapeError("top-level", "object", &doc);
  const rapidjson::Value* data = Member(doc, "data");
  if (data == nullptr || !data->IsObject()) return ShapeError("\"data\"", "object", data);
  const rapidjson::Value* service = Member(*data, "service");
  if (service == nullptr || !service->IsObject()) {
    return ShapeError("\"data.service\"", "object", service);
  }
  const rapidjson::Value* hosts = Member(*service, "hosts");
  if (hosts == nullptr || !hosts->IsArray()) {
    return ShapeError("\"data.service.hosts\"", "array", hosts);
  }

  NcsResponse out;
  std::vector<std::string> invalid;
  std::vector<std::string> non_public;
  for (rapidjson::SizeType i = 0; i < hosts->Size(); ++i) {
    const rapidjson::Value& host = (*hosts)[i];
    const rapidjson::Value* ip = host.IsObject() ? Member(host, "primaryIP") : nullptr;
    if (ip == nullptr || ip->IsNull()) {
      out.warnings.push_back(absl::StrCat("data.service.hosts[", i, "] has no primaryIP",
                                          host.IsObject() ? "" : " (it is not an object)",
                                          "; it was skipped."));
      continue;
    }
    if (!ip->IsString()) {
      invalid.push_back(absl::StrCat("data.service.hosts[", i, "].primaryIP is ", JsonTypeName(*ip),
                                     ", not a string"));
      continue;
    }
    absl::string_view text(ip->GetString(), ip->GetStringLength());
    absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
    if (!address.ok()) {
      // The text is valid UTF-8 (ParseJsonBody) but of any length: a long one is quoted cut, on
      // a character boundary.
      invalid.push_back(
          text.size() <= kMaxQuotedAddress
              ? absl::StrCat("data.service.hosts[", i, "].primaryIP: ", address.status().message())
              : absl::StrCat("data.service.hosts[", i, "].primaryIP: \"",
                             std::string(base::Utf8Prefix(
                                 std::string_view(text.data(), text.size()), kMaxQuotedAddress)),
                             "...\" (", text.size(),
                             " bytes) is not an IP address"));
      continue;
    }
    if (auto reason = address->NonPublicReason()) {
      non_public.push_back(absl::StrCat(address->ToString(), " is ", *reason));
      continue;
    }
    out.addresses.push_back(*address);
  }
  if (!invalid.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("The response contains invalid addresses: ", absl::StrJoin(invalid, "; "),
                     ". Each primaryIP must be a single IPv4 or IPv6 address."));
  }
  if (!non_public.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "The response contains addresses that must never be allow-listed: ",
        absl::StrJoin(non_public, "; "),
        ". Refusing the whole answer: a firewall entry like that is a bug or an attack."));
  }
  return out;
}

}  // namespace agora

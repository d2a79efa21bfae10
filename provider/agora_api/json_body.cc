#include "provider/agora_api/json_body.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "internal/base/utf8.h"
#include "rapidjson/encodedstream.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"

namespace agora {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseStopWhenDoneFlag;

enum class Refusal { kNone, kTooDeep, kInvalidString };

// Feeds the parser's events to the document, refusing nesting past kMaxJsonBodyDepth and strings
// that are not UTF-8: RapidJSON validates the input's bytes but decodes an escaped lone low
// surrogate ("\udc00") into bytes that are not.
class Builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  Builder(rapidjson::Document& document, Refusal& refusal)
      : document_(document), refusal_(refusal) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned u) { return document_.Uint(u); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t u) { return document_.Uint64(u); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType length, bool copy) {
    return document_.RawNumber(s, length, copy);
  }
  bool String(const char* s, rapidjson::SizeType length, bool copy) {
    return Valid(s, length) && document_.String(s, length, copy);
  }
  bool Key(const char* s, rapidjson::SizeType length, bool copy) {
    return Valid(s, length) && document_.Key(s, length, copy);
  }
  bool StartObject() { return Enter() && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return Enter() && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

 private:
  bool Valid(const char* s, size_t length) {
    if (base::IsValidUtf8(std::string_view(s, length))) return true;
    refusal_ = Refusal::kInvalidString;
    return false;
  }
  bool Enter() {
    if (depth_ == kMaxJsonBodyDepth) {
      refusal_ = Refusal::kTooDeep;
      return false;
    }
    ++depth_;
    return true;
  }

  rapidjson::Document& document_;
  Refusal& refusal_;
  size_t depth_ = 0;
};

}  // namespace

absl::Status ParseJsonBody(absl::string_view body, rapidjson::Document* document) {
  Refusal refusal = Refusal::kNone;
  rapidjson::Reader reader;
  rapidjson::MemoryStream bytes(body.data(), body.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
  auto generate = [&](rapidjson::Document& target) {
    Builder builder(target, refusal);
    return !reader.Parse<kParseFlags>(stream, builder).IsError();
  };
  document->Populate(generate);
  if (!reader.HasParseError()) return absl::OkStatus();
  const size_t offset = reader.GetErrorOffset();
  switch (refusal) {
    case Refusal::kTooDeep:
      return absl::InvalidArgumentError(
          absl::StrCat("nested more than ", kMaxJsonBodyDepth, " levels deep at byte ", offset));
    case Refusal::kInvalidString:
      return absl::InvalidArgumentError(
          absl::StrCat("a string that is not valid UTF-8 (an escaped lone surrogate) before byte ",
                       offset));
    case Refusal::kNone:
      break;
  }
  if (reader.GetParseErrorCode() == rapidjson::kParseErrorStringInvalidEncoding) {
    return absl::InvalidArgumentError(
        absl::StrCat("a string that is not valid UTF-8 at byte ", offset));
  }
  // RapidJSON's texts end with a period ("Invalid value."): drop it before " at byte N".
  absl::string_view text = rapidjson::GetParseError_En(reader.GetParseErrorCode());
  absl::ConsumeSuffix(&text, ".");
  return absl::InvalidArgumentError(absl::StrCat(text, " at byte ", offset));
}

}  // namespace agora

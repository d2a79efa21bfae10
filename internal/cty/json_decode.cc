// DecodeJson: JSON as go-cty writes it (Terraform's resource state) -> cty values.

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "internal/base/status_macros.h"
#include "internal/cty/json.h"
#include "internal/cty/msgpack_path.h"
#include "rapidjson/document.h"
#include "rapidjson/encodedstream.h"
#include "rapidjson/error/en.h"
#include "rapidjson/memorystream.h"
#include "rapidjson/reader.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cty {
namespace {

using msgpack_internal::Path;
using msgpack_internal::ToAbsl;

// JSON nesting beyond this stops the parse, so the recursive decoder's stack use stays small.
// Real state nests a few levels deep.
constexpr size_t kMaxDepth = 512;

// Numbers are reported as their text, so no digit is lost; the parser does no recursion.
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag;

std::string_view AsView(const rapidjson::Value& v) {
  return std::string_view(v.GetString(), v.GetStringLength());
}

// RapidJSON 1.1.0 validates the encoding of the input's bytes but turns a \u escape of a lone low
// surrogate (\udc00-\udfff) into the bytes ED B0..BF xx, which are not UTF-8: the only way those
// bytes get into a parsed string.
bool HasEncodedSurrogate(const char* s, size_t length) {
  for (size_t i = 0; i + 1 < length; ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) {
      return true;
    }
  }
  return false;
}

absl::Status Duplicate(const Path& path, std::string_view what, std::string_view key) {
  return path.Error(
      absl::StrCat("duplicate ", ToAbsl(what), " \"", absl::CEscape(ToAbsl(key)), "\""));
}

// Feeds the parser's events to a document, with three changes: nesting deeper than kMaxDepth
// stops the parse, so does a string or key holding an escaped lone surrogate, and a number becomes
// a string value referencing its text in `numbers`. That buffer is reserved to the input's size
// before parsing, which the numbers' texts together cannot exceed, so it never moves: a string
// value pointing into it was a JSON number.
class Builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  Builder(rapidjson::Document& document, std::string& numbers, bool& too_deep, bool& lone_surrogate)
      : document_(document),
        numbers_(numbers),
        too_deep_(too_deep),
        lone_surrogate_(lone_surrogate) {}

  bool Default() { return false; }  // Events kParseFlags never produces.
  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    if (numbers_.size() + length > numbers_.capacity()) return false;  // Cannot happen.
    const char* copy = numbers_.data() + numbers_.size();
    numbers_.append(text, length);
    return document_.String(copy, length, /*copy=*/false);
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
    if (HasEncodedSurrogate(s, length)) lone_surrogate_ = true;
    return !lone_surrogate_;
  }
  bool Enter() {
    if (depth_ == kMaxDepth) {
      too_deep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  rapidjson::Document& document_;
  std::string& numbers_;
  bool& too_deep_;
  bool& lone_surrogate_;
  size_t depth_ = 0;
};

class Decoder {
 public:
  explicit Decoder(const JsonDecodeOptions& options) : options_(options) {}

  absl::Status Parse(std::string_view json) {
    numbers_.reserve(json.size());
    bool too_deep = false;
    bool lone_surrogate = false;
    rapidjson::Reader reader;
    rapidjson::MemoryStream bytes(json.data(), json.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
    auto generate = [&](rapidjson::Document& document) {
      Builder builder(document, numbers_, too_deep, lone_surrogate);
      return !reader.Parse<kParseFlags>(stream, builder).IsError();
    };
    document_.Populate(generate);
    if (too_deep) {
      return absl::InvalidArgumentError(absl::StrCat("invalid JSON: nested more than ", kMaxDepth,
                                                     " levels deep (at offset ",
                                                     reader.GetErrorOffset(), ")"));
    }
    if (lone_surrogate) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid JSON: an escaped lone UTF-16 surrogate is not a character (at offset ",
          reader.GetErrorOffset(), ")"));
    }
    if (reader.HasParseError()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid JSON: ", rapidjson::GetParseError_En(reader.GetParseErrorCode()),
                       " (at offset ", reader.GetErrorOffset(), ")"));
    }
    // The parser takes a NUL byte for the end of the input.
    if (stream.Tell() != json.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid JSON: unexpected data after the value (at offset ", stream.Tell(), ")"));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Value> Decode(const Type& type) const { return Decode(document_, type, Path()); }

 private:
  bool IsNumber(const rapidjson::Value& v) const {
    if (!v.IsString()) return false;
    const std::less<const char*> before;  // Orders unrelated pointers too.
    return !before(v.GetString(), numbers_.data()) &&
           before(v.GetString(), numbers_.data() + numbers_.size());
  }

  absl::Status Mismatch(const Path& path, std::string_view expected,
                        const rapidjson::Value& v) const {
    std::string_view found = v.IsNull()     ? "null"
                             : v.IsBool()   ? "bool"
                             : IsNumber(v)  ? "number"
                             : v.IsString() ? "string"
                             : v.IsArray()  ? "array"
                                            : "object";
    return path.Error(absl::StrCat("expected ", ToAbsl(expected), ", found JSON ", ToAbsl(found)));
  }

  absl::StatusOr<Value> Decode(const rapidjson::Value& json, const Type& type,
                               const Path& path) const {
    if (json.IsNull()) return Value::Null(type);
    switch (type.kind()) {
      case Kind::kDynamic:
        return DecodeDynamic(json, path);
      case Kind::kString:
        if (json.IsString()) return Value::String(std::string(AsView(json)));
        if (json.IsBool()) return Value::String(json.GetBool() ? "true" : "false");
        return Mismatch(path, "string", json);
      case Kind::kNumber: {
        if (!json.IsString()) return Mismatch(path, "number", json);
        absl::StatusOr<Number> n = Number::Parse(AsView(json));
        if (!n.ok()) return path.Error(n.status().message());
        return Value::Num(*std::move(n));
      }
      case Kind::kBool:
        if (json.IsBool()) return Value::Bool(json.GetBool());
        if (json.IsString() && !IsNumber(json)) {
          const std::string_view s = AsView(json);
          if (s == "true" || s == "1") return Value::Bool(true);
          if (s == "false" || s == "0") return Value::Bool(false);
          return path.Error("expected bool, found a string other than true, false, 1 or 0");
        }
        return Mismatch(path, "bool", json);
      case Kind::kList:
      case Kind::kSet:
      case Kind::kTuple:
        return DecodeSequence(json, type, path);
      case Kind::kMap:
        return DecodeMap(json, type, path);
      case Kind::kObject:
        return DecodeObject(json, type, path);
    }
    return path.Error("unsupported type");
  }

  absl::StatusOr<Value> DecodeSequence(const rapidjson::Value& json, const Type& type,
                                       const Path& path) const {
    const bool tuple = type.kind() == Kind::kTuple;
    if (!json.IsArray()) return Mismatch(path, tuple ? "tuple" : type.FriendlyName(), json);
    if (tuple && json.Size() != type.tuple_elements().size()) {
      return path.Error(absl::StrCat("a tuple of ", type.tuple_elements().size(),
                                     " elements is required (", json.Size(), " given)"));
    }
    Value::Elements elements;
    elements.reserve(json.Size());
    for (rapidjson::SizeType i = 0; i < json.Size(); ++i) {
      const Type& element_type = tuple ? type.tuple_elements()[i] : type.element();
      ASSIGN_OR_RETURN(Value element, Decode(json[i], element_type, path.Index(i)));
      elements.push_back(std::move(element));
    }
    if (tuple) return Value::Tuple(std::move(elements));
    return type.kind() == Kind::kList ? Value::List(type.element(), std::move(elements))
                                      : Value::Set(type.element(), std::move(elements));
  }

  absl::StatusOr<Value> DecodeMap(const rapidjson::Value& json, const Type& type,
                                  const Path& path) const {
    if (!json.IsObject()) return Mismatch(path, type.FriendlyName(), json);
    Value::Attributes elements;
    for (const auto& member : json.GetObject()) {
      const std::string_view key = AsView(member.name);
      auto [it, inserted] = elements.try_emplace(std::string(key));
      if (!inserted) return Duplicate(path, "map key", key);
      ASSIGN_OR_RETURN(it->second, Decode(member.value, type.element(), path.Key(key)));
    }
    return Value::Map(type.element(), std::move(elements));
  }

  absl::StatusOr<Value> DecodeObject(const rapidjson::Value& json, const Type& type,
                                     const Path& path) const {
    if (!json.IsObject()) return Mismatch(path, "object", json);
    const Type::AttributeTypes& types = type.attributes();
    Value::Attributes attributes;
    std::set<std::string_view> ignored;
    for (const auto& member : json.GetObject()) {
      const std::string_view name = AsView(member.name);
      auto type_it = types.find(name);
      if (type_it == types.end()) {
        if (!options_.ignore_unknown_attributes) {
          return path.Error(
              absl::StrCat("unsupported attribute \"", absl::CEscape(ToAbsl(name)), "\""));
        }
        if (!ignored.insert(name).second) return Duplicate(path, "attribute", name);
        continue;
      }
      auto [it, inserted] = attributes.try_emplace(type_it->first);
      if (!inserted) return Duplicate(path, "attribute", name);
      ASSIGN_OR_RETURN(it->second, Decode(member.value, type_it->second, path.Attribute(name)));
    }
    return Value::ObjectOf(type, std::move(attributes));  // Absent attributes are null.
  }

  // A known value at a Dynamic position: {"value": <value>, "type": <type JSON>}.
  absl::StatusOr<Value> DecodeDynamic(const rapidjson::Value& json, const Path& path) const {
    if (!json.IsObject()) return Mismatch(path, "a dynamic value {\"value\", \"type\"}", json);
    const rapidjson::Value* value = nullptr;
    const rapidjson::Value* type_json = nullptr;
    for (const auto& member : json.GetObject()) {
      const std::string_view key = AsView(member.name);
      const rapidjson::Value** slot = key == "value"  ? &value
                                      : key == "type" ? &type_json
                                                      : nullptr;
      if (slot == nullptr) {
        return path.Error(
            absl::StrCat("unexpected key \"", absl::CEscape(ToAbsl(key)), "\" in a dynamic value"));
      }
      if (*slot != nullptr) return Duplicate(path, "key", key);
      *slot = &member.value;
    }
    if (type_json == nullptr) return path.Error("a dynamic value has no \"type\"");
    if (value == nullptr) return path.Error("a dynamic value has no \"value\"");
    // Nesting is bounded by kMaxDepth, so writing the type back out recurses only that far.
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    type_json->Accept(writer);
    absl::StatusOr<Type> type =
        Type::FromJson(std::string_view(buffer.GetString(), buffer.GetSize()));
    if (!type.ok()) return path.Error(type.status().message());
    return Decode(*value, *type, path);
  }

  const JsonDecodeOptions& options_;
  std::string numbers_;  // Declared before document_, which references it.
  rapidjson::Document document_;
};

}  // namespace

absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type) {
  return DecodeJson(json, type, JsonDecodeOptions());
}

absl::StatusOr<Value> DecodeJson(std::string_view json, const Type& type,
                                 const JsonDecodeOptions& options) {
  Decoder decoder(options);
  RETURN_IF_ERROR(decoder.Parse(json));
  return decoder.Decode(type);
}

}  // namespace cty

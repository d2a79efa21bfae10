// The cty type JSON form (go-cty's Type.MarshalJSON / UnmarshalJSON).

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "internal/base/status_macros.h"
#include "internal/cty/type.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace cty {
namespace {

// Real schemas nest a handful of levels; the bound keeps hostile input (type tags of dynamic
// values come off the wire) from exhausting the stack.
constexpr int kMaxDepth = 100;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Write(const Type& type, Writer& w) {
  auto write_name = [&w](std::string_view name) {
    w.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
  };
  switch (type.kind()) {
    case Kind::kString:
      return write_name("string");
    case Kind::kNumber:
      return write_name("number");
    case Kind::kBool:
      return write_name("bool");
    case Kind::kDynamic:
      return write_name("dynamic");
    case Kind::kList:
    case Kind::kSet:
    case Kind::kMap:
      w.StartArray();
      write_name(type.kind() == Kind::kList ? "list" : type.kind() == Kind::kSet ? "set" : "map");
      Write(type.element(), w);
      w.EndArray();
      return;
    case Kind::kObject:
      w.StartArray();
      write_name("object");
      w.StartObject();
      for (const auto& [name, attribute_type] : type.attributes()) {
        w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
        Write(attribute_type, w);
      }
      w.EndObject();
      if (!type.optional_attributes().empty()) {
        w.StartArray();
        for (const std::string& name : type.optional_attributes()) write_name(name);
        w.EndArray();
      }
      w.EndArray();
      return;
    case Kind::kTuple:
      w.StartArray();
      write_name("tuple");
      w.StartArray();
      for (const Type& element : type.tuple_elements()) Write(element, w);
      w.EndArray();
      w.EndArray();
      return;
  }
}

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("invalid type JSON: ", message));
}

absl::string_view AsView(const rapidjson::Value& v) {
  return absl::string_view(v.GetString(), v.GetStringLength());
}

absl::StatusOr<Type> Read(const rapidjson::Value& json, int depth);

// RapidJSON 1.1.0 validates the encoding of the input's bytes but turns a \u escape of a lone low
// surrogate (\udc00-\udfff) into the bytes ED B0..BF xx, which are not UTF-8 (and which a
// validating parse of ToJson's output then refuses).
bool HasEncodedSurrogate(absl::string_view s) {
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<Type> ReadObject(const rapidjson::Value& json, int depth) {
  if (json.Size() != 2 && json.Size() != 3) {
    return Invalid("\"object\" takes an attribute map and optionally a list of optional names");
  }
  if (!json[1].IsObject()) return Invalid("object attributes must be a JSON object");
  Type::AttributeTypes attributes;
  for (const auto& member : json[1].GetObject()) {
    if (HasEncodedSurrogate(AsView(member.name))) {
      return Invalid(absl::StrCat("object attribute \"", absl::CEscape(AsView(member.name)),
                                  "\" escapes a lone UTF-16 surrogate"));
    }
    ASSIGN_OR_RETURN(Type attribute_type, Read(member.value, depth + 1));
    if (!attributes.emplace(AsView(member.name), std::move(attribute_type)).second) {
      return Invalid(
          absl::StrCat("duplicate object attribute \"", absl::CEscape(AsView(member.name)), "\""));
    }
  }
  std::set<std::string> optional;
  if (json.Size() == 3) {
    if (!json[2].IsArray()) return Invalid("optional attribute names must be a JSON array");
    for (const rapidjson::Value& name : json[2].GetArray()) {
      if (!name.IsString()) return Invalid("optional attribute names must be strings");
      if (attributes.count(AsView(name)) == 0) {
        return Invalid(absl::StrCat("optional attribute \"", absl::CEscape(AsView(name)),
                                    "\" is not declared"));
      }
      optional.emplace(AsView(name));
    }
  }
  return Type::Object(std::move(attributes), std::move(optional));
}

absl::StatusOr<Type> Read(const rapidjson::Value& json, int depth) {
  if (depth > kMaxDepth) return Invalid("types are nested too deeply");
  if (json.IsString()) {
    absl::string_view name = AsView(json);
    if (name == "string") return Type::String();
    if (name == "number") return Type::Number();
    if (name == "bool") return Type::Bool();
    if (name == "dynamic") return Type::Dynamic();
    return Invalid(absl::StrCat("unknown primitive type \"", absl::CEscape(name), "\""));
  }
  if (!json.IsArray() || json.Empty() || !json[0].IsString()) {
    return Invalid("a type must be a type name or an array starting with a type name");
  }
  absl::string_view name = AsView(json[0]);
  if (name == "list" || name == "set" || name == "map") {
    if (json.Size() != 2) {
      return Invalid(absl::StrCat("\"", name, "\" takes exactly one element type"));
    }
    ASSIGN_OR_RETURN(Type element, Read(json[1], depth + 1));
    if (name == "list") return Type::List(std::move(element));
    if (name == "set") return Type::Set(std::move(element));
    return Type::Map(std::move(element));
  }
  if (name == "object") return ReadObject(json, depth);
  if (name == "tuple") {
    if (json.Size() != 2 || !json[1].IsArray()) {
      return Invalid("\"tuple\" takes exactly one array of element types");
    }
    std::vector<Type> elements;
    for (const rapidjson::Value& element : json[1].GetArray()) {
      ASSIGN_OR_RETURN(Type element_type, Read(element, depth + 1));
      elements.push_back(std::move(element_type));
    }
    return Type::Tuple(std::move(elements));
  }
  return Invalid(absl::StrCat("unknown type \"", absl::CEscape(name), "\""));
}

}  // namespace

std::string Type::ToJson() const {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  Write(*this, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<Type> Type::FromJson(std::string_view json) {
  rapidjson::Document document;
  // Iterative parsing keeps deeply nested input off the call stack; rapidjson rejects anything
  // but whitespace after the root value.
  document.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(
      json.data(), json.size());
  if (document.HasParseError()) {
    return Invalid(absl::StrCat(rapidjson::GetParseError_En(document.GetParseError()),
                                " (at offset ", document.GetErrorOffset(), ")"));
  }
  return Read(document, 0);
}

}  // namespace cty

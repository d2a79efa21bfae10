// DecodeJson: go-cty's JSON form of values, as Terraform stores resource state.

#include <cstdint>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "internal/cty/json.h"

namespace cty {
namespace {

using ::testing::HasSubstr;

Value MustDecode(std::string_view json, const Type& type, const JsonDecodeOptions& options = {}) {
  absl::StatusOr<Value> v = DecodeJson(json, type, options);
  EXPECT_TRUE(v.ok()) << json << ": " << v.status();
  return v.ok() ? *v : Value();
}

std::string DecodeError(std::string_view json, const Type& type,
                        const JsonDecodeOptions& options = {}) {
  absl::StatusOr<Value> v = DecodeJson(json, type, options);
  EXPECT_FALSE(v.ok()) << json << " decoded as " << v->DebugString();
  if (v.ok()) return "";
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(v.status().message());
}

Value Str(std::string s) { return Value::String(std::move(s)); }

Type StateType() {
  return Type::Object({{"id", Type::String()},
                       {"min_count", Type::Number()},
                       {"ip_addresses", Type::List(Type::String())},
                       {"pending_removal", Type::Map(Type::String())},
                       {"x", Type::Bool()}});
}

TEST(JsonDecodeTest, ResourceState) {
  Value v = MustDecode(R"({"id":"rtc","min_count":1,"ip_addresses":["1.2.3.4"],)"
                       R"("pending_removal":{"1.2.3.4":"2026-01-01T00:00:00Z"},"x":null})",
                       StateType());
  EXPECT_EQ(
      v, Value::ObjectOf(StateType(),
                         {{"id", Str("rtc")},
                          {"min_count", Value::Int(1)},
                          {"ip_addresses", Value::List(Type::String(), {Str("1.2.3.4")})},
                          {"pending_removal",
                           Value::Map(Type::String(), {{"1.2.3.4", Str("2026-01-01T00:00:00Z")}})},
                          {"x", Value::Null(Type::Bool())}}));
  EXPECT_EQ(v.type(), StateType());
}

// An escaped lone low surrogate would decode to bytes that are not UTF-8 (RapidJSON 1.1.0).
TEST(JsonDecodeTest, LoneSurrogateEscapesAreErrors) {
  EXPECT_THAT(DecodeError(R"({"id":"a\udc00"})", StateType()), HasSubstr("lone UTF-16 surrogate"));
  EXPECT_THAT(DecodeError(R"({"a\udfff":1})", Type::Map(Type::Number())),
              HasSubstr("lone UTF-16 surrogate"));
  EXPECT_EQ(MustDecode(R"("\ud83d\ude00")", Type::String()), Value::String("\xF0\x9F\x98\x80"));
}

TEST(JsonDecodeTest, Primitives) {
  EXPECT_EQ(MustDecode(R"("héllo \u00e9\n")", Type::String()), Str("héllo é\n"));
  EXPECT_EQ(MustDecode(R"("")", Type::String()), Str(""));
  EXPECT_EQ(MustDecode("true", Type::Bool()), Value::Bool(true));
  EXPECT_EQ(MustDecode(" false ", Type::Bool()), Value::Bool(false));
  EXPECT_EQ(MustDecode("-42", Type::Number()), Value::Int(-42));
  EXPECT_EQ(MustDecode("2.5", Type::Number()), Value::Num(Number::Double(2.5)));
  EXPECT_EQ(MustDecode("1e3", Type::Number()), Value::Int(1000));
}

TEST(JsonDecodeTest, NullAtEveryKindIsTypedNull) {
  for (const Type& type : {Type::String(), Type::Number(), Type::Bool(), Type::Dynamic(),
                           Type::List(Type::String()), Type::Set(Type::Number()),
                           Type::Map(Type::Bool()), StateType(), Type::Tuple({Type::String()})}) {
    Value v = MustDecode("null", type);
    EXPECT_TRUE(v.is_null()) << type.ToJson();
    EXPECT_EQ(v.type(), type);
  }
  Type list = Type::List(Type::Number());
  Value v = MustDecode("[1,null]", list);
  ASSERT_EQ(v.elements().size(), 2u);
  EXPECT_EQ(v.elements()[1], Value::Null(Type::Number()));
}

TEST(JsonDecodeTest, NumbersAreExact) {
  Value big = MustDecode("12345678901234567890123", Type::Number());
  EXPECT_EQ(big.as_number().ToString(), "12345678901234567890123");
  EXPECT_EQ(MustDecode("0.1", Type::Number()).as_number().ToString(), "0.1");
  EXPECT_EQ(MustDecode("18446744073709551615", Type::Number()).as_number().uint_value(),
            18446744073709551615u);
  EXPECT_EQ(MustDecode("-9223372036854775808", Type::Number()).as_number().int_value(), INT64_MIN);
  EXPECT_EQ(MustDecode("123456789012345678901234567890.5", Type::Number()).as_number().ToString(),
            "123456789012345678901234567890.5");
  EXPECT_EQ(MustDecode("1E-3", Type::Number()).as_number().ToString(), "0.001");
}

TEST(JsonDecodeTest, LenientPrimitivesAsGoCty) {
  // A string holding a number is a number.
  EXPECT_EQ(MustDecode(R"("42")", Type::Number()), Value::Int(42));
  EXPECT_EQ(MustDecode(R"("12345678901234567890123.25")", Type::Number()).as_number().ToString(),
            "12345678901234567890123.25");
  EXPECT_THAT(DecodeError(R"("forty")", Type::Number()), HasSubstr("invalid number"));
  // A number's text and a bool's name are strings.
  EXPECT_EQ(MustDecode("1.50", Type::String()), Str("1.50"));
  EXPECT_EQ(MustDecode("true", Type::String()), Str("true"));
  // "true", "false", "1" and "0" are bools; the number 1 is not.
  EXPECT_EQ(MustDecode(R"("true")", Type::Bool()), Value::Bool(true));
  EXPECT_EQ(MustDecode(R"("0")", Type::Bool()), Value::Bool(false));
  EXPECT_EQ(DecodeError("1", Type::Bool()), "expected bool, found JSON number");
  EXPECT_THAT(DecodeError(R"("yes")", Type::Bool()), HasSubstr("expected bool"));
}

TEST(JsonDecodeTest, Collections) {
  EXPECT_EQ(MustDecode("[]", Type::List(Type::String())), Value::List(Type::String(), {}));
  EXPECT_EQ(MustDecode(R"(["b","a","b"])", Type::List(Type::String())),
            Value::List(Type::String(), {Str("b"), Str("a"), Str("b")}));
  Value set = MustDecode(R"(["b","a","b"])", Type::Set(Type::String()));
  EXPECT_EQ(set, Value::Set(Type::String(), {Str("a"), Str("b")}));
  EXPECT_EQ(set.elements().size(), 2u);
  EXPECT_EQ(MustDecode("[1, 1.0, 10e-1]", Type::Set(Type::Number())).elements().size(), 1u);
  EXPECT_EQ(MustDecode("{}", Type::Map(Type::Number())), Value::Map(Type::Number(), {}));
  EXPECT_EQ(
      MustDecode(R"({"a":[1],"b":[]})", Type::Map(Type::List(Type::Number()))),
      Value::Map(Type::List(Type::Number()), {{"a", Value::List(Type::Number(), {Value::Int(1)})},
                                              {"b", Value::List(Type::Number(), {})}}));
}

TEST(JsonDecodeTest, Tuples) {
  Type type = Type::Tuple({Type::String(), Type::Number()});
  EXPECT_EQ(MustDecode(R"(["a",1])", type), Value::Tuple({Str("a"), Value::Int(1)}));
  EXPECT_EQ(MustDecode("[]", Type::Tuple({})), Value::Tuple({}));
  EXPECT_EQ(DecodeError(R"(["a"])", type), "a tuple of 2 elements is required (1 given)");
  EXPECT_EQ(DecodeError(R"(["a",1,2])", type), "a tuple of 2 elements is required (3 given)");
}

TEST(JsonDecodeTest, MissingAttributesAreNull) {
  Value v = MustDecode(R"({"id":"rtc"})", StateType());
  EXPECT_EQ(v.type(), StateType());
  EXPECT_EQ(v.GetAttr("id"), Str("rtc"));
  EXPECT_EQ(v.GetAttr("ip_addresses"), Value::Null(Type::List(Type::String())));
  EXPECT_EQ(v.GetAttr("pending_removal"), Value::Null(Type::Map(Type::String())));
  EXPECT_EQ(MustDecode("{}", StateType()).attributes().size(), 5u);
}

TEST(JsonDecodeTest, UnknownAttributes) {
  Type inner = Type::Object({{"port", Type::Number()}});
  Type type = Type::Object({{"id", Type::String()}, {"server", inner}});
  const std::string json = R"({"id":"a","gone":[{"deep":1}],"server":{"port":1,"old":true}})";
  EXPECT_EQ(DecodeError(json, type), "unsupported attribute \"gone\"");
  EXPECT_EQ(DecodeError(R"({"server":{"port":1,"old":true}})", type),
            "at .server: unsupported attribute \"old\"");

  JsonDecodeOptions ignore;
  ignore.ignore_unknown_attributes = true;
  EXPECT_EQ(MustDecode(json, type, ignore),
            Value::ObjectOf(type, {{"id", Str("a")},
                                   {"server", Value::ObjectOf(inner, {{"port", Value::Int(1)}})}}));
  EXPECT_EQ(DecodeError(R"({"gone":1,"gone":2})", type, ignore), "duplicate attribute \"gone\"");
}

TEST(JsonDecodeTest, Dynamic) {
  EXPECT_EQ(MustDecode(R"({"value":"x","type":"string"})", Type::Dynamic()), Str("x"));
  Value v = MustDecode(R"({"type":["list","number"],"value":[1,2]})", Type::Dynamic());
  EXPECT_EQ(v.type(), Type::List(Type::Number()));
  EXPECT_EQ(v, Value::List(Type::Number(), {Value::Int(1), Value::Int(2)}));
  // A null inside the wrapper keeps its type; a bare null is a null of unknown type.
  EXPECT_EQ(MustDecode(R"({"value":null,"type":"bool"})", Type::Dynamic()),
            Value::Null(Type::Bool()));
  EXPECT_EQ(MustDecode("null", Type::Dynamic()), Value::Null(Type::Dynamic()));

  Type type = Type::Object({{"extra", Type::Dynamic()}});
  Value o = MustDecode(R"({"extra":{"value":{"a":"1","n":12345678901234567890123},)"
                       R"("type":["object",{"a":"string","n":"number"}]}})",
                       type);
  Value extra = o.GetAttr("extra");
  EXPECT_EQ(extra.GetAttr("a"), Str("1"));
  EXPECT_EQ(extra.GetAttr("n").as_number().ToString(), "12345678901234567890123");

  EXPECT_EQ(DecodeError(R"({"extra":"x"})", type),
            "at .extra: expected a dynamic value {\"value\", \"type\"}, found JSON string");
  EXPECT_EQ(DecodeError(R"({"extra":{"value":1}})", type),
            "at .extra: a dynamic value has no \"type\"");
  EXPECT_EQ(DecodeError(R"({"extra":{"type":"number"}})", type),
            "at .extra: a dynamic value has no \"value\"");
  EXPECT_EQ(DecodeError(R"({"extra":{"type":"number","value":1,"x":2}})", type),
            "at .extra: unexpected key \"x\" in a dynamic value");
  EXPECT_EQ(DecodeError(R"({"extra":{"type":"number","value":1,"value":2}})", type),
            "at .extra: duplicate key \"value\"");
  EXPECT_THAT(DecodeError(R"({"extra":{"type":"strang","value":"x"}})", type),
              HasSubstr("at .extra: invalid type JSON"));
  EXPECT_EQ(DecodeError(R"({"extra":{"type":"number","value":true}})", type),
            "at .extra: expected number, found JSON bool");
}

TEST(JsonDecodeTest, ErrorsCarryPaths) {
  Type type = Type::Object({{"servers", Type::List(Type::Object({{"port", Type::Number()}}))},
                            {"tags", Type::Map(Type::Set(Type::Bool()))}});
  EXPECT_EQ(DecodeError(R"({"servers":[{"port":1},{"port":[]}]})", type),
            "at .servers[1].port: expected number, found JSON array");
  EXPECT_EQ(DecodeError(R"({"tags":{"e\"nv":[true,{}]}})", type),
            "at .tags[\"e\\\"nv\"][1]: expected bool, found JSON object");
  EXPECT_EQ(DecodeError(R"({"servers":{}})", type),
            "at .servers: expected list of object, found JSON object");
  EXPECT_EQ(DecodeError("[]", type), "expected object, found JSON array");
  EXPECT_EQ(DecodeError("{}", Type::String()), "expected string, found JSON object");
  EXPECT_EQ(DecodeError(R"("a")", Type::Map(Type::String())),
            "expected map of string, found JSON string");
}

TEST(JsonDecodeTest, DuplicateKeys) {
  EXPECT_EQ(DecodeError(R"({"id":"a","id":"b"})", StateType()), "duplicate attribute \"id\"");
  EXPECT_EQ(DecodeError(R"({"pending_removal":{"k":"a","k":"a"}})", StateType()),
            "at .pending_removal: duplicate map key \"k\"");
}

TEST(JsonDecodeTest, MalformedJson) {
  EXPECT_THAT(DecodeError("", Type::String()), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(R"({"id":)", StateType()), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(R"({"id":"a"} x)", StateType()), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError(R"({"id":"a"}{})", StateType()), HasSubstr("invalid JSON"));
  // The parser stops at a NUL byte; what follows it is still refused.
  EXPECT_EQ(DecodeError(std::string("1\0x", 3), Type::Number()),
            "invalid JSON: unexpected data after the value (at offset 1)");
  EXPECT_THAT(DecodeError(std::string("\"a\xff\""), Type::String()), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError("NaN", Type::Number()), HasSubstr("invalid JSON"));
  EXPECT_THAT(DecodeError("01", Type::Number()), HasSubstr("invalid JSON"));
  // Beyond a double's range the parser refuses the number; a string holding it is fine.
  EXPECT_THAT(DecodeError("1e400", Type::Number()), HasSubstr("invalid JSON"));
  EXPECT_EQ(MustDecode(R"("1e400")", Type::Number()).as_number().ToString(),
            "1" + std::string(400, '0'));
}

TEST(JsonDecodeTest, NestingIsBounded) {
  Type type = Type::Dynamic();
  for (int i = 0; i < 512; ++i) type = Type::List(type);
  // 512 levels decode...
  const std::string ok = std::string(512, '[') + std::string(512, ']');
  EXPECT_TRUE(DecodeJson(ok, type).ok());
  // ...513 do not, and neither do 10,000, which must not exhaust the stack.
  EXPECT_THAT(DecodeError("[" + ok + "]", Type::List(type)), HasSubstr("nested more than 512"));
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_THAT(DecodeError(deep, Type::Dynamic()), HasSubstr("nested more than 512"));
  EXPECT_THAT(DecodeError(std::string(10000, '['), Type::Dynamic()),
              HasSubstr("nested more than 512"));
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  EXPECT_THAT(DecodeError(objects + "1" + std::string(10000, '}'), Type::Dynamic()),
              HasSubstr("nested more than 512"));
}

}  // namespace
}  // namespace cty

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "internal/cty/msgpack.h"

namespace cty {
namespace {

using ::testing::HasSubstr;

std::string Bytes(absl::string_view hex) {
  return absl::HexStringToBytes(absl::StrReplaceAll(hex, {{" ", ""}}));
}

// "\x81\xa1" -> "81 a1", so that mismatches are readable.
std::string Hex(absl::string_view bytes) {
  std::vector<std::string> octets;
  for (char c : bytes) octets.push_back(absl::BytesToHexString(absl::string_view(&c, 1)));
  return absl::StrJoin(octets, " ");
}

std::string EncodeHex(const Value& value, const Type& type) {
  absl::StatusOr<std::string> bytes = EncodeMsgpack(value, type);
  EXPECT_TRUE(bytes.ok()) << value.DebugString() << ": " << bytes.status();
  return bytes.ok() ? Hex(*bytes) : "";
}

std::string EncodeError(const Value& value, const Type& type) {
  absl::StatusOr<std::string> bytes = EncodeMsgpack(value, type);
  EXPECT_FALSE(bytes.ok()) << value.DebugString() << " encoded as " << Hex(*bytes);
  if (bytes.ok()) return "";
  EXPECT_EQ(bytes.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(bytes.status().message());
}

Value Num(std::string_view decimal) { return Value::Num(*Number::Parse(decimal)); }

Type ServerType() { return Type::Object({{"name", Type::String()}, {"port", Type::Number()}}); }

TEST(MsgpackEncodeTest, ObservedProviderConfig) {
  EXPECT_EQ(EncodeHex(Value::Object({{"prefix", Value::String("p-")}}),
                      Type::Object({{"prefix", Type::String()}})),
            "81 a6 70 72 65 66 69 78 a2 70 2d");
}

TEST(MsgpackEncodeTest, ObservedDynamicValue) {
  Value v = Value::Object(
      {{"k", Value::Tuple({Value::Int(1), Value::Num(Number::Double(2.5)), Value::String("x")})}});
  const std::string json = R"(["object",{"k":["tuple",["number","number","string"]]}])";
  EXPECT_EQ(
      EncodeHex(v, Type::Dynamic()),
      Hex(Bytes("92 c4 37") + json + Bytes("81 a1 6b 93 01 cb 40 04 00 00 00 00 00 00 a1 78")));
}

TEST(MsgpackEncodeTest, NullAndUnknown) {
  EXPECT_EQ(EncodeHex(Value::Null(Type::String()), Type::String()), "c0");
  EXPECT_EQ(EncodeHex(Value::Null(ServerType()), ServerType()), "c0");
  EXPECT_EQ(EncodeHex(Value::Unknown(Type::String()), Type::String()), "d4 00 00");
  // Refinements are never sent.
  Refinements refinements;
  refinements.is_null = false;
  refinements.string_prefix = "pre-";
  EXPECT_EQ(EncodeHex(Value::Unknown(Type::String(), refinements), Type::String()), "d4 00 00");
  // At a Dynamic position: no [type, value] wrapper.
  EXPECT_EQ(EncodeHex(Value(), Type::Dynamic()), "c0");
  EXPECT_EQ(EncodeHex(Value::Null(Type::String()), Type::Dynamic()), "c0");
  EXPECT_EQ(EncodeHex(Value::Unknown(Type::Dynamic()), Type::Dynamic()), "d4 00 00");
  // A null Dynamic value fits any position.
  EXPECT_EQ(EncodeHex(Value(), Type::Number()), "c0");
}

TEST(MsgpackEncodeTest, IntegersUseTheSmallestForm) {
  const Type n = Type::Number();
  EXPECT_EQ(EncodeHex(Value::Int(0), n), "00");
  EXPECT_EQ(EncodeHex(Value::Int(1), n), "01");
  EXPECT_EQ(EncodeHex(Value::Int(127), n), "7f");
  EXPECT_EQ(EncodeHex(Value::Int(128), n), "cc 80");
  EXPECT_EQ(EncodeHex(Value::Int(300), n), "cd 01 2c");
  EXPECT_EQ(EncodeHex(Value::Int(65536), n), "ce 00 01 00 00");
  EXPECT_EQ(EncodeHex(Value::Int(int64_t{1} << 32), n), "cf 00 00 00 01 00 00 00 00");
  EXPECT_EQ(EncodeHex(Value::Int(-1), n), "ff");
  EXPECT_EQ(EncodeHex(Value::Int(-32), n), "e0");
  EXPECT_EQ(EncodeHex(Value::Int(-33), n), "d0 df");
  EXPECT_EQ(EncodeHex(Value::Int(-200), n), "d1 ff 38");
  EXPECT_EQ(EncodeHex(Value::Int(-40000), n), "d2 ff ff 63 c0");
  EXPECT_EQ(EncodeHex(Value::Int(std::numeric_limits<int64_t>::min()), n),
            "d3 80 00 00 00 00 00 00 00");
  EXPECT_EQ(EncodeHex(Value::Num(Number::Uint(std::numeric_limits<uint64_t>::max())), n),
            "cf ff ff ff ff ff ff ff ff");
  EXPECT_EQ(EncodeHex(Value::Num(Number::Double(3.0)), n), "03");
}

TEST(MsgpackEncodeTest, NonIntegersAsFloat64OrDecimalText) {
  const Type n = Type::Number();
  EXPECT_EQ(EncodeHex(Value::Num(Number::Double(2.5)), n), "cb 40 04 00 00 00 00 00 00");
  EXPECT_EQ(EncodeHex(Value::Num(Number::Double(std::numeric_limits<double>::infinity())), n),
            "cb 7f f0 00 00 00 00 00 00");
  EXPECT_EQ(EncodeHex(Value::Num(Number::Double(-std::numeric_limits<double>::infinity())), n),
            "cb ff f0 00 00 00 00 00 00");
  EXPECT_EQ(EncodeHex(Num("0.1"), n), "a3 30 2e 31");
  EXPECT_EQ(EncodeHex(Num("123456789012345678901234567890.5"), n),
            Hex(Bytes("d9 20") + "123456789012345678901234567890.5"));
}

// What EncodeDynamicValue sends Terraform (internal/tfprotocol/convert.cc): every finite number
// as its exact decimal text, which the decoder (like go-cty's) reads back to the same number.
TEST(MsgpackEncodeTest, DecimalTextNumberForm) {
  const Type n = Type::Number();
  auto text = [&](const Value& v) {
    absl::StatusOr<std::string> bytes = EncodeMsgpack(v, n, NumberForm::kDecimalText);
    EXPECT_TRUE(bytes.ok()) << bytes.status();
    return bytes.ok() ? Hex(*bytes) : std::string();
  };
  EXPECT_EQ(text(Value::Int(0)), "a1 30");
  EXPECT_EQ(text(Value::Int(50)), "a2 35 30");
  EXPECT_EQ(text(Value::Int(-40000)), "a6 2d 34 30 30 30 30");
  EXPECT_EQ(text(Value::Num(Number::Double(2.5))), "a3 32 2e 35");
  EXPECT_EQ(text(Num("0.1")), "a3 30 2e 31");
  EXPECT_EQ(text(Value::Num(Number::Uint(std::numeric_limits<uint64_t>::max()))),
            Hex(Bytes("b4") + "18446744073709551615"));
  EXPECT_EQ(text(Num("123456789012345678901234567890.5")),
            Hex(Bytes("d9 20") + "123456789012345678901234567890.5"));
  // No decimal text names an infinity: float64, as go-cty sends it.
  EXPECT_EQ(text(Value::Num(Number::Double(std::numeric_limits<double>::infinity()))),
            "cb 7f f0 00 00 00 00 00 00");
  // Only numbers change form; and each value decodes back to itself.
  const Type object = Type::Object({{"n", n}, {"s", Type::String()}, {"l", Type::List(n)}});
  const Value v = Value::Object({{"n", Num("1e300")},
                                 {"s", Value::String("7")},
                                 {"l", Value::List(n, {Value::Int(1), Num("-0.25")})}});
  absl::StatusOr<std::string> bytes = EncodeMsgpack(v, object, NumberForm::kDecimalText);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<Value> back = DecodeMsgpack(*bytes, object);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, v);
}

// Text that is not valid UTF-8 is repaired on the way out (internal/base/utf8.h); found by the
// msgpack_value fuzz target: two such strings in a set can become one value, and two such map keys
// one key.
TEST(MsgpackEncodeTest, RepairedTextKeepsSetsAndMapsWellFormed) {
  const Type strings = Type::Set(Type::String());
  const Value set = Value::Set(Type::String(),
                               {Value::String("\x9e"), Value::String("\xa7"), Value::String("ok")});
  absl::StatusOr<std::string> bytes = EncodeMsgpack(set, strings);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<Value> back = DecodeMsgpack(*bytes, strings);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back,
            Value::Set(Type::String(), {Value::String("\xEF\xBF\xBD"), Value::String("ok")}));
  EXPECT_EQ(*EncodeMsgpack(*back, strings), *bytes);

  const Type map = Type::Map(Type::Number());
  EXPECT_EQ(
      EncodeError(Value::Map(Type::Number(), {{"\x9e", Value::Int(1)}, {"\xa7", Value::Int(2)}}),
                  map),
      "at [\"\\247\"]: map key is not valid UTF-8, and replacing its invalid bytes makes "
      "it another key");
  EXPECT_EQ(EncodeError(Value::Map(Type::Number(),
                                   {{"\xef\xbf\xbd", Value::Int(1)}, {"\xff", Value::Int(2)}}),
                        map),
            "at [\"\\377\"]: map key is not valid UTF-8, and replacing its invalid bytes makes "
            "it another key");
  // One such key alone is sent repaired.
  absl::StatusOr<std::string> one =
      EncodeMsgpack(Value::Map(Type::Number(), {{"\xff", Value::Int(2)}}), map);
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(Hex(*one), "81 a3 ef bf bd 02");
}

TEST(MsgpackEncodeTest, Primitives) {
  EXPECT_EQ(EncodeHex(Value::String("hi"), Type::String()), "a2 68 69");
  EXPECT_EQ(EncodeHex(Value::String(std::string(32, 'x')), Type::String()),
            Hex(Bytes("d9 20") + std::string(32, 'x')));
  EXPECT_EQ(EncodeHex(Value::Bool(true), Type::Bool()), "c3");
  EXPECT_EQ(EncodeHex(Value::Bool(false), Type::Bool()), "c2");
}

TEST(MsgpackEncodeTest, ObjectAndMapKeysAreSorted) {
  Type type = Type::Object({{"b", Type::Number()}, {"a", Type::Number()}});
  EXPECT_EQ(EncodeHex(Value::Object({{"b", Value::Int(2)}, {"a", Value::Int(1)}}), type),
            "82 a1 61 01 a1 62 02");
  EXPECT_EQ(EncodeHex(Value::Map(Type::Number(), {{"z", Value::Int(2)}, {"y", Value::Int(1)}}),
                      Type::Map(Type::Number())),
            "82 a1 79 01 a1 7a 02");
}

TEST(MsgpackEncodeTest, Collections) {
  EXPECT_EQ(
      EncodeHex(Value::List(Type::String(), {Value::String("a"), Value::Null(Type::String())}),
                Type::List(Type::String())),
      "92 a1 61 c0");
  EXPECT_EQ(EncodeHex(Value::List(Type::String(), {}), Type::List(Type::String())), "90");
  EXPECT_EQ(EncodeHex(Value::Set(Type::Number(), {Value::Int(2), Value::Int(1), Value::Int(2)}),
                      Type::Set(Type::Number())),
            "92 01 02");
  EXPECT_EQ(EncodeHex(Value::Tuple({Value::String("a"), Value::Unknown(Type::Bool())}),
                      Type::Tuple({Type::String(), Type::Bool()})),
            "92 a1 61 d4 00 00");
}

TEST(MsgpackEncodeTest, DynamicPositionsInsideValues) {
  Type type = Type::Object({{"any", Type::Dynamic()}});
  Value v = Value::ObjectOf(type, {{"any", Value::Int(5)}});
  EXPECT_EQ(EncodeHex(v, type), Hex(Bytes("81 a3 61 6e 79 92 c4 08") + "\"number\"" + Bytes("05")));
  EXPECT_EQ(EncodeHex(Value::List(Type::Dynamic(), {Value::Bool(true), Value()}),
                      Type::List(Type::Dynamic())),
            Hex(Bytes("92 92 c4 06") + "\"bool\"" + Bytes("c3 c0")));
}

TEST(MsgpackEncodeTest, ObjectsMustMatchTheirType) {
  EXPECT_EQ(EncodeError(Value::Object({{"name", Value::String("a")}}), ServerType()),
            "attribute \"port\" is missing");
  EXPECT_EQ(EncodeError(Value::Object({{"name", Value::String("a")},
                                       {"port", Value::Int(1)},
                                       {"x", Value::Bool(true)}}),
                        ServerType()),
            "unsupported attribute \"x\"");
}

TEST(MsgpackEncodeTest, WrongTypesAreRejectedWithThePath) {
  EXPECT_EQ(EncodeError(Value::String("x"), Type::Number()), "expected number, got string");
  Type type = Type::Object({{"servers", Type::List(ServerType())}});
  // A list(dynamic) value is checked element by element against the list's element type.
  Value v = Value::Object(
      {{"servers",
        Value::List(Type::Dynamic(),
                    {Value::Object({{"name", Value::String("a")}, {"port", Value::Int(1)}}),
                     Value::Object({{"name", Value::Int(2)}, {"port", Value::Int(1)}})})}});
  EXPECT_EQ(EncodeError(v, type), "at .servers[1].name: expected string, got number");
  EXPECT_EQ(EncodeError(Value::List(Type::String(), {}), Type::List(Type::Number())),
            "expected list of number, got list of string");
  EXPECT_EQ(EncodeError(Value::Null(Type::String()), Type::Number()),
            "expected number, got string");
  EXPECT_THAT(EncodeError(Value::Null(Type::Object({{"a", Type::String()}})), ServerType()),
              HasSubstr(R"(["object",{"a":"string"}])"));
  EXPECT_EQ(EncodeError(Value::Map(Type::String(), {{"env", Value::String("x")}}),
                        Type::Map(Type::Bool())),
            "expected map of bool, got map of string");
  EXPECT_EQ(EncodeError(Value::Tuple({Value::String("a")}), Type::Tuple({})),
            R"(expected ["tuple",[]], got ["tuple",["string"]])");
}

// decode(encode(v)) == v, for values of every kind.
class MsgpackRoundTripTest : public ::testing::TestWithParam<std::pair<Value, Type>> {};

TEST_P(MsgpackRoundTripTest, DecodeOfEncodeIsIdentity) {
  const auto& [value, type] = GetParam();
  absl::StatusOr<std::string> bytes = EncodeMsgpack(value, type);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<Value> decoded = DecodeMsgpack(*bytes, type);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, value) << decoded->DebugString() << " != " << value.DebugString();
  // And the bytes are stable: encoding the decoded value again gives the same bytes.
  EXPECT_EQ(Hex(*EncodeMsgpack(*decoded, type)), Hex(*bytes));
}

Type Everything() {
  return Type::Object({
      {"s", Type::String()},
      {"n", Type::Number()},
      {"b", Type::Bool()},
      {"l", Type::List(Type::String())},
      {"st", Type::Set(Type::Number())},
      {"m", Type::Map(Type::Bool())},
      {"o", Type::Object({{"x", Type::String()}, {"y", Type::List(Type::Number())}})},
      {"t", Type::Tuple({Type::String(), Type::Number()})},
      {"d", Type::Dynamic()},
      {"null", Type::String()},
      {"unknown", Type::Number()},
  });
}

Value EverythingValue() {
  return Value::ObjectOf(
      Everything(),
      {
          {"s", Value::String("héllo \"world\"")},
          {"n", Num("-123456789012345678901234567890.25")},
          {"b", Value::Bool(true)},
          {"l", Value::List(Type::String(), {Value::String("a"), Value::Unknown(Type::String())})},
          {"st", Value::Set(Type::Number(), {Value::Int(3), Num("0.1"), Value::Int(-7)})},
          {"m", Value::Map(Type::Bool(), {{"k", Value::Bool(false)}, {"", Value::Bool(true)}})},
          {"o", Value::Object({{"x", Value::String("x")}, {"y", Value::List(Type::Number(), {})}})},
          {"t", Value::Tuple({Value::String("a"), Value::Num(Number::Double(1e300))})},
          {"d", Value::Map(Type::List(Type::String()),
                           {{"k", Value::List(Type::String(), {Value::String("v")})}})},
          {"unknown", Value::Unknown(Type::Number())},
      });
}

INSTANTIATE_TEST_SUITE_P(
    EveryKind, MsgpackRoundTripTest,
    ::testing::Values(
        std::make_pair(Value::String(""), Type::String()),
        std::make_pair(Value::String(std::string(70000, 'x')), Type::String()),
        std::make_pair(Value::Int(std::numeric_limits<int64_t>::min()), Type::Number()),
        std::make_pair(Value::Num(Number::Uint(std::numeric_limits<uint64_t>::max())),
                       Type::Number()),
        std::make_pair(Value::Num(Number::Double(-0.3)), Type::Number()),
        std::make_pair(Num("1e-30"), Type::Number()),
        std::make_pair(Value::Bool(false), Type::Bool()),
        std::make_pair(Value::Null(Type::Number()), Type::Number()),
        std::make_pair(Value::Unknown(Type::List(Type::String())), Type::List(Type::String())),
        std::make_pair(Value::List(Type::String(), {}), Type::List(Type::String())),
        std::make_pair(Value::Set(Type::List(Type::String()),
                                  {Value::List(Type::String(), {Value::String("b")}),
                                   Value::List(Type::String(), {Value::String("a")})}),
                       Type::Set(Type::List(Type::String()))),
        std::make_pair(Value::Map(Type::Number(), {}), Type::Map(Type::Number())),
        std::make_pair(Value::Tuple({}), Type::Tuple({})),
        std::make_pair(Value::Object({}), Type::Object({})),
        std::make_pair(EverythingValue(), Everything()),
        std::make_pair(Value::List(Everything(), {EverythingValue(), Value::Null(Everything())}),
                       Type::List(Everything())),
        std::make_pair(EverythingValue(), Type::Dynamic()),
        std::make_pair(Value::Set(Type::Dynamic(), {Value::String("a"), Value::Int(1)}),
                       Type::Set(Type::Dynamic())),
        std::make_pair(Value(), Type::Dynamic()),
        std::make_pair(Value::Unknown(Type::Dynamic()), Type::Dynamic())));

TEST(MsgpackRoundTripTest, WireNumbersKeepTheirExactForm) {
  for (const char* hex : {
           "d9 20 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 "
           "37 38 39 30 2e 35",           // "123456789012345678901234567890.5"
           "a3 30 2e 31",                 // "0.1"
           "cf ff ff ff ff ff ff ff ff",  // uint64 max
           "d3 80 00 00 00 00 00 00 00",  // int64 min
           "cb 3f b9 99 99 99 99 99 9a",  // the double nearest 0.1
           "cd 01 2c",
       }) {
    absl::StatusOr<Value> v = DecodeMsgpack(Bytes(hex), Type::Number());
    ASSERT_TRUE(v.ok()) << hex << ": " << v.status();
    EXPECT_EQ(EncodeHex(*v, Type::Number()), Hex(Bytes(hex)));
  }
}

TEST(MsgpackRoundTripTest, WireFormsThatNormalise) {
  // Decoding accepts wider forms than the encoder writes; the value is what counts.
  EXPECT_EQ(EncodeHex(*DecodeMsgpack(Bytes("d3 00 00 00 00 00 00 00 01"), Type::Number()),
                      Type::Number()),
            "01");
  EXPECT_EQ(EncodeHex(*DecodeMsgpack(Bytes("a3 31 65 33"), Type::Number()), Type::Number()),
            "cd 03 e8");
  EXPECT_EQ(EncodeHex(*DecodeMsgpack(Bytes("ca 3f c0 00 00"), Type::Number()), Type::Number()),
            "cb 3f f8 00 00 00 00 00 00");
}

}  // namespace
}  // namespace cty

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "internal/cty/msgpack.h"

namespace cty {
namespace {

using ::testing::HasSubstr;

// "c7 09 0c" -> the three bytes.
std::string Bytes(absl::string_view hex) {
  return absl::HexStringToBytes(absl::StrReplaceAll(hex, {{" ", ""}}));
}

Value MustDecode(absl::string_view hex, const Type& type) {
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes(hex), type);
  EXPECT_TRUE(v.ok()) << hex << ": " << v.status();
  return v.ok() ? *v : Value();
}

std::string DecodeError(absl::string_view hex, const Type& type) {
  absl::StatusOr<Value> v = DecodeMsgpack(Bytes(hex), type);
  EXPECT_FALSE(v.ok()) << hex << " decoded as " << v->DebugString();
  if (v.ok()) return "";
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(v.status().message());
}

Type ServerType() { return Type::Object({{"name", Type::String()}, {"port", Type::Number()}}); }

TEST(MsgpackDecodeTest, ObservedProviderConfig) {
  Type type = Type::Object({{"prefix", Type::String()}});
  EXPECT_EQ(MustDecode("81 a6 70 72 65 66 69 78 a2 70 2d", type),
            Value::Object({{"prefix", Value::String("p-")}}));
}

TEST(MsgpackDecodeTest, ObservedDynamicValue) {
  const std::string json = R"(["object",{"k":["tuple",["number","number","string"]]}])";
  ASSERT_EQ(json.size(), 0x37u);
  const std::string bytes =
      Bytes("92 c4 37") + json + Bytes("81 a1 6b 93 01 cb 40 04 00 00 00 00 00 00 a1 78");
  absl::StatusOr<Value> v = DecodeMsgpack(bytes, Type::Dynamic());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->type(), *Type::FromJson(json));
  EXPECT_EQ(*v, Value::Object({{"k", Value::Tuple({Value::Int(1), Value::Num(Number::Double(2.5)),
                                                   Value::String("x")})}}));
}

TEST(MsgpackDecodeTest, DynamicTypeTagMayBeAString) {
  EXPECT_EQ(MustDecode("92 a8 22 73 74 72 69 6e 67 22 a1 78", Type::Dynamic()), Value::String("x"));
}

TEST(MsgpackDecodeTest, DynamicNullAndUnknown) {
  EXPECT_EQ(MustDecode("c0", Type::Dynamic()), Value());
  EXPECT_EQ(MustDecode("d4 00 00", Type::Dynamic()), Value::Unknown(Type::Dynamic()));
  // A null or unknown with a concrete type: [type, nil] / [type, unknown].
  EXPECT_EQ(MustDecode("92 c4 08 22 73 74 72 69 6e 67 22 c0", Type::Dynamic()),
            Value::Null(Type::String()));
  EXPECT_EQ(MustDecode("92 c4 08 22 73 74 72 69 6e 67 22 d4 00 00", Type::Dynamic()),
            Value::Unknown(Type::String()));
}

TEST(MsgpackDecodeTest, DynamicErrors) {
  EXPECT_THAT(DecodeError("a1 78", Type::Dynamic()), HasSubstr("dynamic value [type, value]"));
  EXPECT_THAT(DecodeError("91 c4 08 22 73 74 72 69 6e 67 22", Type::Dynamic()),
              HasSubstr("dynamic value [type, value]"));
  EXPECT_THAT(DecodeError("92 01 a1 78", Type::Dynamic()), HasSubstr("type JSON"));
  EXPECT_THAT(DecodeError("92 c4 07 22 73 74 72 6e 67 22 a1 78", Type::Dynamic()),
              HasSubstr("strng"));
  EXPECT_THAT(DecodeError("92 c4 08 22 73 74 72 69 6e 67 22 01", Type::Dynamic()),
              HasSubstr("expected string"));
}

TEST(MsgpackDecodeTest, DynamicPositionInsideAnObject) {
  Type type = Type::Object({{"any", Type::Dynamic()}});
  Value v = MustDecode("81 a3 61 6e 79 92 c4 08 22 6e 75 6d 62 65 72 22 05", type);
  EXPECT_EQ(v.type(), type);
  EXPECT_EQ(v.GetAttr("any"), Value::Int(5));
}

TEST(MsgpackDecodeTest, Unknowns) {
  EXPECT_EQ(MustDecode("d4 00 00", Type::String()), Value::Unknown(Type::String()));
  // Any ext with a payload of at most one byte, whatever its type code.
  EXPECT_EQ(MustDecode("d4 05 07", Type::Number()), Value::Unknown(Type::Number()));
  EXPECT_EQ(MustDecode("c7 00 0c", Type::Bool()), Value::Unknown(Type::Bool()));
  // Other ext types are unknown too; their payload is not looked at.
  EXPECT_EQ(MustDecode("d6 05 ff ff ff ff", ServerType()), Value::Unknown(ServerType()));
}

TEST(MsgpackDecodeTest, NullIsNotUnknown) {
  Value null = MustDecode("c0", Type::String());
  EXPECT_TRUE(null.is_null());
  EXPECT_TRUE(null.is_known());
  Value unknown = MustDecode("d4 00 00", Type::String());
  EXPECT_FALSE(unknown.is_null());
  EXPECT_FALSE(unknown.is_known());
}

TEST(MsgpackDecodeTest, ObservedRefinedUnknown) {
  Value v = MustDecode("c7 09 0c 82 01 c2 02 a4 70 72 65 2d", Type::String());
  EXPECT_FALSE(v.is_known());
  EXPECT_EQ(v.type(), Type::String());
  EXPECT_EQ(v.refinements().is_null, false);
  EXPECT_EQ(v.refinements().string_prefix, "pre-");
  EXPECT_FALSE(v.refinements().number_lower.has_value());
}

TEST(MsgpackDecodeTest, RefinedNumberBounds) {
  // {3: [1, true], 4: [10.5, false]}
  Value v =
      MustDecode("c7 11 0c 82 03 92 01 c3 04 92 cb 40 25 00 00 00 00 00 00 c2", Type::Number());
  ASSERT_TRUE(v.refinements().number_lower.has_value());
  EXPECT_EQ(v.refinements().number_lower->value, Number::Int(1));
  EXPECT_TRUE(v.refinements().number_lower->inclusive);
  ASSERT_TRUE(v.refinements().number_upper.has_value());
  EXPECT_EQ(v.refinements().number_upper->value, Number::Double(10.5));
  EXPECT_FALSE(v.refinements().number_upper->inclusive);
}

TEST(MsgpackDecodeTest, RefinedCollectionLength) {
  // {5: 1, 6: 3}
  Value v = MustDecode("c7 05 0c 82 05 01 06 03", Type::List(Type::String()));
  EXPECT_EQ(v.refinements().collection_length_lower, 1);
  EXPECT_EQ(v.refinements().collection_length_upper, 3);
}

TEST(MsgpackDecodeTest, UnknownRefinementKeysAreIgnored) {
  // {9: "x", 1: false, 40: [1, 2]}
  Value v = MustDecode("c7 0a 0c 83 09 a1 78 01 c2 28 92 01 02", Type::String());
  Refinements expected;
  expected.is_null = false;
  EXPECT_EQ(v.refinements(), expected);
}

TEST(MsgpackDecodeTest, MalformedRefinementsAreRejected) {
  EXPECT_EQ(DecodeError("c7 04 0c 81 a1 78 01", Type::String()),
            "invalid refinements of an unknown value: expected integer keys, found msgpack string");
  EXPECT_EQ(DecodeError("c7 03 0c 81 01 01", Type::String()),
            "invalid refinements of an unknown value: expected a bool for nullness, found msgpack "
            "integer");
  EXPECT_EQ(DecodeError("c7 03 0c 92 01 02", Type::String()),
            "invalid refinements of an unknown value: expected a map, found msgpack array");
  EXPECT_THAT(DecodeError("c7 03 0c 81 05 ff", Type::List(Type::String())),
              HasSubstr("non-negative"));
  EXPECT_THAT(DecodeError("c7 05 0c 81 03 92 01 02", Type::Number()),
              HasSubstr("[number, inclusive]"));
  EXPECT_THAT(DecodeError("c7 03 0c 81 01", Type::String()), HasSubstr("truncated"));
  Type type = Type::Object({{"id", Type::String()}});
  EXPECT_THAT(DecodeError("81 a2 69 64 c7 03 0c 81 01 01", type),
              HasSubstr("at .id: invalid refinements"));
}

TEST(MsgpackDecodeTest, EveryIntegerWidth) {
  const Type n = Type::Number();
  EXPECT_EQ(MustDecode("05", n), Value::Int(5));
  EXPECT_EQ(MustDecode("e0", n), Value::Int(-32));
  EXPECT_EQ(MustDecode("cc ff", n), Value::Int(255));
  EXPECT_EQ(MustDecode("cd ff ff", n), Value::Int(65535));
  EXPECT_EQ(MustDecode("ce ff ff ff ff", n), Value::Int(4294967295));
  EXPECT_EQ(MustDecode("cf 00 00 00 00 00 00 00 01", n), Value::Int(1));
  EXPECT_EQ(MustDecode("cf ff ff ff ff ff ff ff ff", n),
            Value::Num(Number::Uint(18446744073709551615u)));
  EXPECT_EQ(MustDecode("d0 80", n), Value::Int(-128));
  EXPECT_EQ(MustDecode("d0 05", n), Value::Int(5));
  EXPECT_EQ(MustDecode("d1 80 00", n), Value::Int(-32768));
  EXPECT_EQ(MustDecode("d2 80 00 00 00", n), Value::Int(-2147483648));
  EXPECT_EQ(MustDecode("d3 80 00 00 00 00 00 00 00", n),
            Value::Int(std::numeric_limits<int64_t>::min()));
}

TEST(MsgpackDecodeTest, Floats) {
  const Type n = Type::Number();
  EXPECT_EQ(MustDecode("ca 3f c0 00 00", n), Value::Num(Number::Double(1.5)));
  EXPECT_EQ(MustDecode("cb 40 04 00 00 00 00 00 00", n), Value::Num(Number::Double(2.5)));
  EXPECT_EQ(MustDecode("cb 40 59 00 00 00 00 00 00", n), Value::Int(100));
  EXPECT_EQ(MustDecode("cb 7f f0 00 00 00 00 00 00", n),
            Value::Num(Number::Double(std::numeric_limits<double>::infinity())));
  EXPECT_THAT(DecodeError("cb 7f f8 00 00 00 00 00 00", n), HasSubstr("NaN"));
}

TEST(MsgpackDecodeTest, DecimalStrings) {
  const Type n = Type::Number();
  EXPECT_EQ(MustDecode("a3 31 65 33", n), Value::Int(1000));  // "1e3"
  Value big = MustDecode(
      "d9 20 31 32 33 34 35 36 37 38 39 30 31 32 33 34 35 36 37 38 39 30 31 32 "
      "33 34 35 36 37 38 39 30 2e 35",
      n);
  ASSERT_TRUE(big.as_number().is_decimal());
  EXPECT_EQ(big.as_number().decimal_value(), "123456789012345678901234567890.5");
  EXPECT_THAT(DecodeError("a3 61 62 63", n), HasSubstr("invalid number \"abc\""));
}

TEST(MsgpackDecodeTest, Primitives) {
  EXPECT_EQ(MustDecode("a2 68 69", Type::String()), Value::String("hi"));
  EXPECT_EQ(MustDecode("d9 02 68 69", Type::String()), Value::String("hi"));
  EXPECT_EQ(MustDecode("da 00 02 68 69", Type::String()), Value::String("hi"));
  EXPECT_EQ(MustDecode("db 00 00 00 02 68 69", Type::String()), Value::String("hi"));
  EXPECT_EQ(MustDecode("a0", Type::String()), Value::String(""));
  EXPECT_EQ(MustDecode("c3", Type::Bool()), Value::Bool(true));
  EXPECT_EQ(MustDecode("c2", Type::Bool()), Value::Bool(false));
}

TEST(MsgpackDecodeTest, WrongTypesAreRejectedWithThePath) {
  EXPECT_EQ(DecodeError("c3", Type::Number()), "expected number, found msgpack bool");
  // Numbers may arrive as decimal strings, so a string is only rejected for its content.
  EXPECT_EQ(DecodeError("a1 78", Type::Number()), "invalid number \"x\"");
  EXPECT_EQ(DecodeError("91 01", Type::Number()), "expected number, found msgpack array");
  EXPECT_EQ(DecodeError("01", Type::String()), "expected string, found msgpack integer");
  EXPECT_EQ(DecodeError("a4 74 72 75 65", Type::Bool()), "expected bool, found msgpack string");
  EXPECT_EQ(DecodeError("82 a4 6e 61 6d 65 a1 61 a4 70 6f 72 74 c3", ServerType()),
            "at .port: expected number, found msgpack bool");
  EXPECT_EQ(DecodeError("91 01", Type::List(Type::String())),
            "at [0]: expected string, found msgpack integer");
}

TEST(MsgpackDecodeTest, CollectionsAreTyped) {
  Value list = MustDecode("92 a1 61 c0", Type::List(Type::String()));
  EXPECT_EQ(list.type(), Type::List(Type::String()));
  EXPECT_EQ(list, Value::List(Type::String(), {Value::String("a"), Value::Null(Type::String())}));
  Value empty = MustDecode("90", Type::Set(Type::Number()));
  EXPECT_EQ(empty, Value::Set(Type::Number(), {}));
  Value map = MustDecode("82 a1 62 02 a1 61 01", Type::Map(Type::Number()));
  EXPECT_EQ(map, Value::Map(Type::Number(), {{"a", Value::Int(1)}, {"b", Value::Int(2)}}));
  Value tuple = MustDecode("92 a1 61 01", Type::Tuple({Type::String(), Type::Number()}));
  EXPECT_EQ(tuple, Value::Tuple({Value::String("a"), Value::Int(1)}));
}

TEST(MsgpackDecodeTest, SetsCollapseDuplicates) {
  Value set = MustDecode("93 a1 62 a1 61 a1 62", Type::Set(Type::String()));
  EXPECT_EQ(set.elements().size(), 2u);
  EXPECT_EQ(set, Value::Set(Type::String(), {Value::String("a"), Value::String("b")}));
}

TEST(MsgpackDecodeTest, ObjectKeysInAnyOrder) {
  EXPECT_EQ(MustDecode("82 a4 70 6f 72 74 01 a4 6e 61 6d 65 a1 61", ServerType()),
            Value::Object({{"name", Value::String("a")}, {"port", Value::Int(1)}}));
}

TEST(MsgpackDecodeTest, ObjectsMustHaveExactlyTheirAttributes) {
  EXPECT_EQ(DecodeError("81 a4 6e 61 6d 65 a1 61", ServerType()),
            "an object with 2 attributes is required (1 given): attribute \"port\" is missing");
  EXPECT_EQ(DecodeError("83 a4 6e 61 6d 65 a1 61 a4 70 6f 72 74 01 a1 78 c0", ServerType()),
            "unsupported attribute \"x\"");
  EXPECT_EQ(DecodeError("82 a4 6e 61 6d 65 a1 61 a4 6e 61 6d 65 a1 62", ServerType()),
            "duplicate attribute \"name\"");
  EXPECT_EQ(DecodeError("92 a1 61 01", ServerType()), "expected object, found msgpack array");
}

TEST(MsgpackDecodeTest, ErrorPathsPointIntoNestedValues) {
  Type type = Type::Object({{"endpoints", Type::List(ServerType())},
                            {"tags", Type::Map(Type::Number())},
                            {"pair", Type::Tuple({Type::String(), Type::Bool()})}});
  // {endpoints: [{name: "a", port: 1}, {name: "b", port: "x"}], tags: {}, pair: ["a", true]}
  const std::string endpoints =
      "a9 65 6e 64 70 6f 69 6e 74 73 92"
      " 82 a4 6e 61 6d 65 a1 61 a4 70 6f 72 74 01"
      " 82 a4 6e 61 6d 65 a1 62 a4 70 6f 72 74 a1 78";
  EXPECT_EQ(DecodeError("83 " + endpoints + " a4 74 61 67 73 80 a4 70 61 69 72 92 a1 61 c3", type),
            "at .endpoints[1].port: invalid number \"x\"");
  EXPECT_EQ(DecodeError("81 a4 74 61 67 73 81 a3 65 6e 76 c3", type),
            "at .tags[\"env\"]: expected number, found msgpack bool");
  EXPECT_EQ(DecodeError("81 a4 70 61 69 72 93 a1 61 c3 c3", type),
            "at .pair: a tuple of 2 elements is required (3 given)");
}

TEST(MsgpackDecodeTest, MalformedInput) {
  EXPECT_THAT(DecodeError("", Type::String()), HasSubstr("truncated"));
  EXPECT_THAT(DecodeError("a5 68 69", Type::String()), HasSubstr("truncated"));
  EXPECT_THAT(DecodeError("a1 78 00", Type::String()), HasSubstr("after the value"));
  EXPECT_THAT(DecodeError("c1", Type::String()), HasSubstr("malformed"));
  // Headers claiming far more entries than there are bytes: rejected, not allocated.
  EXPECT_THAT(DecodeError("dd ff ff ff ff", Type::List(Type::String())), HasSubstr("malformed"));
  EXPECT_THAT(DecodeError("df ff ff ff ff", Type::Map(Type::String())), HasSubstr("malformed"));
}

TEST(MsgpackDecodeTest, DeepNestingIsRejected) {
  std::string bytes(100000, '\x91');
  bytes.push_back('\xc0');
  Type type = Type::String();
  for (int i = 0; i < 20; ++i) type = Type::List(type);
  absl::StatusOr<Value> v = DecodeMsgpack(bytes, type);
  EXPECT_FALSE(v.ok());
}

// Corrupted input must come back as an error or a value, never a crash (run under ASan to see
// memory errors too).
TEST(MsgpackDecodeTest, CorruptedInputNeverCrashes) {
  const Type type = Type::Object({{"endpoints", Type::List(ServerType())},
                                  {"any", Type::Dynamic()},
                                  {"tags", Type::Map(Type::Number())}});
  const std::string valid = Bytes(
      "83 a9 65 6e 64 70 6f 69 6e 74 73 91 82 a4 6e 61 6d 65 a1 61 a4 70 6f 72 74 cd 01 2c"
      " a3 61 6e 79 92 c4 08 22 6e 75 6d 62 65 72 22 a3 31 65 33"
      " a4 74 61 67 73 81 a1 6b c7 09 0c 82 01 c2 02 a4 70 72 65 2d");
  ASSERT_TRUE(DecodeMsgpack(valid, type).ok());
  std::mt19937 random(42);
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = valid;
    for (int flips = 1 + static_cast<int>(random() % 3); flips > 0; --flips) {
      bytes[random() % bytes.size()] = static_cast<char>(random());
    }
    if (random() % 4 == 0) bytes.resize(random() % bytes.size());
    if (DecodeMsgpack(bytes, type).ok()) ++decoded;
  }
  // Nearly every corruption is detected; a few land in string contents and stay valid.
  EXPECT_LT(decoded, 5000);
}

}  // namespace
}  // namespace cty

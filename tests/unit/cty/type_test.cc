#include "internal/cty/type.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cty {
namespace {

using ::testing::HasSubstr;

Type NestedObject() {
  return Type::Object(
      {{"name", Type::String()},
       {"ports", Type::List(Type::Number())},
       {"tags", Type::Map(Type::String())},
       {"rules", Type::Set(Type::Object({{"cidr", Type::String()}, {"allow", Type::Bool()}}))},
       {"pair", Type::Tuple({Type::String(), Type::Dynamic()})},
       {"any", Type::Dynamic()}},
      {"tags", "any"});
}

TEST(TypeTest, DefaultIsDynamic) {
  EXPECT_EQ(Type().kind(), Kind::kDynamic);
  EXPECT_EQ(Type(), Type::Dynamic());
}

TEST(TypeTest, Classification) {
  EXPECT_TRUE(Type::String().is_primitive());
  EXPECT_TRUE(Type::Bool().is_primitive());
  EXPECT_FALSE(Type::Dynamic().is_primitive());
  EXPECT_TRUE(Type::Set(Type::String()).is_collection());
  EXPECT_FALSE(Type::Tuple({}).is_collection());
  EXPECT_FALSE(Type::Object({}).is_collection());
}

TEST(TypeTest, StructuralEquality) {
  EXPECT_EQ(NestedObject(), NestedObject());
  EXPECT_NE(Type::List(Type::String()), Type::Set(Type::String()));
  EXPECT_NE(Type::List(Type::String()), Type::List(Type::Number()));
  EXPECT_NE(Type::Object({{"a", Type::String()}}), Type::Object({{"b", Type::String()}}));
  EXPECT_NE(Type::Object({{"a", Type::String()}}), Type::Object({{"a", Type::String()}}, {"a"}));
  EXPECT_NE(Type::Tuple({Type::String()}), Type::Tuple({Type::String(), Type::String()}));
}

TEST(TypeTest, ToJsonPrimitives) {
  EXPECT_EQ(Type::String().ToJson(), R"("string")");
  EXPECT_EQ(Type::Number().ToJson(), R"("number")");
  EXPECT_EQ(Type::Bool().ToJson(), R"("bool")");
  EXPECT_EQ(Type::Dynamic().ToJson(), R"("dynamic")");
}

TEST(TypeTest, ToJsonComposites) {
  EXPECT_EQ(Type::List(Type::String()).ToJson(), R"(["list","string"])");
  EXPECT_EQ(Type::Set(Type::Number()).ToJson(), R"(["set","number"])");
  EXPECT_EQ(Type::Map(Type::Bool()).ToJson(), R"(["map","bool"])");
  EXPECT_EQ(Type::Tuple({Type::Number(), Type::String()}).ToJson(),
            R"(["tuple",["number","string"]])");
  EXPECT_EQ(Type::Tuple({}).ToJson(), R"(["tuple",[]])");
  // Attributes sorted; optional names only when there are some.
  EXPECT_EQ(Type::Object({{"z", Type::String()}, {"a", Type::Number()}}).ToJson(),
            R"(["object",{"a":"number","z":"string"}])");
  EXPECT_EQ(Type::Object({{"a", Type::String()}}, {"a"}).ToJson(),
            R"(["object",{"a":"string"},["a"]])");
  EXPECT_EQ(Type::Object({{"say \"hi\"", Type::String()}}).ToJson(),
            R"(["object",{"say \"hi\"":"string"}])");
}

TEST(TypeTest, JsonRoundTripsForEveryKind) {
  for (const Type& type :
       {Type::String(), Type::Number(), Type::Bool(), Type::Dynamic(), Type::List(Type::String()),
        Type::Set(Type::List(Type::Number())), Type::Map(Type::Dynamic()), Type::Tuple({}),
        Type::Object({}), NestedObject(), Type::List(NestedObject())}) {
    absl::StatusOr<Type> parsed = Type::FromJson(type.ToJson());
    ASSERT_TRUE(parsed.ok()) << type.ToJson() << ": " << parsed.status();
    EXPECT_EQ(*parsed, type) << type.ToJson();
  }
}

TEST(TypeTest, FromJsonAcceptsWhitespaceAndOptionalAttributes) {
  absl::StatusOr<Type> parsed = Type::FromJson(
      " [ \"object\" , {\"b\": \"bool\", \"a\": [\"list\", \"string\"]}, [\"a\"] ] ");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, Type::Object({{"a", Type::List(Type::String())}, {"b", Type::Bool()}}, {"a"}));
  EXPECT_EQ(parsed->optional_attributes(), std::set<std::string>{"a"});
}

// Found by tests/fuzz/type_json_fuzz.cc: RapidJSON decodes an escaped lone low surrogate into
// bytes that are not UTF-8, which ToJson then wrote and FromJson refused.
TEST(TypeTest, FromJsonRefusesLoneSurrogateNames) {
  absl::StatusOr<Type> lone = Type::FromJson(R"(["object",{"a\udea0":"number"}])");
  ASSERT_FALSE(lone.ok());
  EXPECT_THAT(std::string(lone.status().message()), ::testing::HasSubstr("lone UTF-16 surrogate"));
  absl::StatusOr<Type> pair = Type::FromJson(R"(["object",{"a\uda00\udea0":"number"}])");
  ASSERT_TRUE(pair.ok()) << pair.status();
  EXPECT_EQ(Type::FromJson(pair->ToJson()).value(), *pair);
}

TEST(TypeTest, FromJsonIsStrict) {
  for (const char* json : {
           R"("strng")",
           R"(string)",
           R"("String")",
           R"(["list"])",
           R"(["list","string","x"])",
           R"(["lst","string"])",
           R"(["map"])",
           R"(["set",["list"]])",
           R"(["object"])",
           R"(["object",["a"]])",
           R"(["object",{"a":"string"},["b"]])",
           R"(["object",{"a":"string"},"a"])",
           R"(["object",{"a":"string"},[1]])",
           R"(["object",{"a":"string"},["a"],"x"])",
           R"(["object",{"a":"string","a":"number"}])",
           R"(["tuple"])",
           R"(["tuple","string"])",
           R"(["tuple",["string"],["string"]])",
           R"(["capsule","x"])",
           R"([])",
           R"(42)",
           R"(null)",
           R"("string" x)",
           R"("string""number")",
           R"(["list","string"]])",
           R"(["list","string")",
           "",
       }) {
    absl::StatusOr<Type> parsed = Type::FromJson(json);
    EXPECT_FALSE(parsed.ok()) << json;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << json;
  }
}

TEST(TypeTest, FromJsonNamesTheProblem) {
  EXPECT_THAT(std::string(Type::FromJson(R"("strng")").status().message()),
              HasSubstr(R"(unknown primitive type "strng")"));
  EXPECT_THAT(std::string(Type::FromJson(R"(["list"])").status().message()),
              HasSubstr(R"("list" takes exactly one element type)"));
  EXPECT_THAT(std::string(Type::FromJson(R"("string" x)").status().message()),
              HasSubstr("offset 9"));
}

TEST(TypeTest, FromJsonRejectsDeepNesting) {
  std::string json;
  for (int i = 0; i < 1000; ++i) json += R"(["list",)";
  json += R"("string")";
  for (int i = 0; i < 1000; ++i) json += "]";
  EXPECT_FALSE(Type::FromJson(json).ok());
}

TEST(TypeTest, FriendlyName) {
  EXPECT_EQ(Type::String().FriendlyName(), "string");
  EXPECT_EQ(Type::Dynamic().FriendlyName(), "dynamic");
  EXPECT_EQ(Type::List(Type::String()).FriendlyName(), "list of string");
  EXPECT_EQ(Type::Set(Type::Map(Type::Number())).FriendlyName(), "set of map of number");
  EXPECT_EQ(NestedObject().FriendlyName(), "object");
  EXPECT_EQ(Type::Tuple({}).FriendlyName(), "tuple");
}

}  // namespace
}  // namespace cty

#include "internal/cty/transform.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"

namespace cty {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const Type kRule = Type::Object({{"cidr", Type::String()}, {"port", Type::Number()}});

Value Rule(const std::string& cidr, int64_t port) {
  return Value::ObjectOf(kRule, {{"cidr", Value::String(cidr)}, {"port", Value::Int(port)}});
}

Value State() {
  return Value::Object({
      {"id", Value::Null(Type::String())},
      {"name", Value::String("web")},
      {"rules", Value::List(kRule, {Rule("192.0.2.1/32", 443), Rule("198.51.100.0/24", 80)})},
      {"tags", Value::Map(Type::String(), {{"env", Value::String("prod")}})},
  });
}

TEST(TransformTest, ComputedNullAttributesBecomeUnknown) {
  // What a plan does: a computed attribute the configuration leaves null is "known after apply".
  absl::StatusOr<Value> planned = Transform(State(), [](const Path& path, const Value& v) {
    if (path.size() == 1 && path[0].name == "id" && v.is_null()) return Value::Unknown(v.type());
    return v;
  });
  ASSERT_TRUE(planned.ok()) << planned.status();
  EXPECT_FALSE(planned->GetAttr("id").is_known());
  EXPECT_EQ(planned->GetAttr("rules"), State().GetAttr("rules"));
  EXPECT_EQ(planned->type(), State().type());
}

TEST(TransformTest, VisitsInnermostFirstWithPaths) {
  std::vector<std::string> visited;
  absl::StatusOr<Value> same = Transform(State(), [&](const Path& path, const Value& v) {
    visited.push_back(PathString(path));
    return v;
  });
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, State());
  EXPECT_THAT(visited, ElementsAre("id", "name", "rules[0].cidr", "rules[0].port", "rules[0]",
                                   "rules[1].cidr", "rules[1].port", "rules[1]", "rules",
                                   "tags[\"env\"]", "tags", ""));
}

TEST(TransformTest, ReplacesNestedValuesAndRebuildsTheirParents) {
  absl::StatusOr<Value> upper = Transform(State(), [](const Path& path, const Value& v) {
    if (!path.empty() && path.back().name == "cidr") {
      return Value::String(absl::AsciiStrToUpper(v.as_string()) + "!");
    }
    return v;
  });
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(upper->GetAttr("rules").elements()[1].GetAttr("cidr").as_string(), "198.51.100.0/24!");
  EXPECT_EQ(upper->GetAttr("name").as_string(), "web");
}

TEST(TransformTest, UnknownAndNullValuesAreLeaves) {
  Value value = Value::Object({{"list", Value::Unknown(Type::List(Type::String()))},
                               {"map", Value::Null(Type::Map(Type::String()))}});
  std::vector<std::string> visited;
  ASSERT_TRUE(Transform(value, [&](const Path& path, const Value& v) {
                visited.push_back(PathString(path));
                return v;
              }).ok());
  EXPECT_THAT(visited, ElementsAre("list", "map", ""));
}

TEST(TransformTest, AReplacementOfTheWrongTypeIsAnErrorNamingThePath) {
  absl::StatusOr<Value> bad = Transform(State(), [](const Path& path, const Value& v) {
    if (PathString(path) == "rules[1].port") return Value::String("eighty");
    return v;
  });
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("at rules[1].port"));
}

TEST(TransformTest, DynamicPositionsTakeAnyTypeAndSetsStayDeduplicated) {
  Value value = Value::ObjectOf(
      Type::Object({{"any", Type::Dynamic()}, {"set", Type::Set(Type::String())}}),
      {{"any", Value::String("x")},
       {"set", Value::Set(Type::String(), {Value::String("a"), Value::String("b")})}});
  absl::StatusOr<Value> result = Transform(value, [](const Path& path, const Value& v) {
    if (PathString(path) == "any") return Value::Int(1);
    if (path.size() == 2) return Value::String("same");  // Both set elements.
    return v;
  });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->GetAttr("any"), Value::Int(1));
  EXPECT_EQ(result->GetAttr("set").elements().size(), 1u);
}

}  // namespace
}  // namespace cty

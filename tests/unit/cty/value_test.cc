#include "internal/cty/value.h"

#include <string>

#include "gtest/gtest.h"

namespace cty {
namespace {

Type ServerType() { return Type::Object({{"name", Type::String()}, {"port", Type::Number()}}); }

TEST(ValueTest, DefaultIsNullDynamic) {
  Value v;
  EXPECT_TRUE(v.is_null());
  EXPECT_TRUE(v.is_known());
  EXPECT_EQ(v.type(), Type::Dynamic());
}

TEST(ValueTest, NullAndUnknownAreDistinctStates) {
  Value null = Value::Null(Type::String());
  Value unknown = Value::Unknown(Type::String());
  EXPECT_TRUE(null.is_null());
  EXPECT_TRUE(null.is_known());
  EXPECT_FALSE(unknown.is_null());
  EXPECT_FALSE(unknown.is_known());
  EXPECT_NE(null, unknown);
  EXPECT_NE(null, Value::Null(Type::Number()));
  EXPECT_EQ(null, Value::Null(Type::String()));
}

TEST(ValueTest, Primitives) {
  EXPECT_EQ(Value::String("x").as_string(), "x");
  EXPECT_EQ(Value::String("x").type(), Type::String());
  EXPECT_EQ(Value::Int(3).as_number(), Number::Int(3));
  EXPECT_EQ(Value::Int(3).type(), Type::Number());
  EXPECT_TRUE(Value::Bool(true).as_bool());
  EXPECT_EQ(Value::Num(Number::Double(3.0)), Value::Int(3));
  EXPECT_NE(Value::String("3"), Value::Int(3));
}

TEST(ValueTest, RefinementsArePartOfAnUnknown) {
  Refinements not_null;
  not_null.is_null = false;
  Value refined = Value::Unknown(Type::String(), not_null);
  EXPECT_EQ(refined.refinements(), not_null);
  EXPECT_TRUE(Value::Unknown(Type::String()).refinements().empty());
  EXPECT_TRUE(Value::String("x").refinements().empty());
  EXPECT_NE(refined, Value::Unknown(Type::String()));
  EXPECT_EQ(refined, Value::Unknown(Type::String(), not_null));
}

TEST(ValueTest, CollectionsAreTypedEvenWhenEmpty) {
  EXPECT_EQ(Value::List(Type::String(), {}).type(), Type::List(Type::String()));
  EXPECT_EQ(Value::Set(Type::Number(), {}).type(), Type::Set(Type::Number()));
  EXPECT_EQ(Value::Map(Type::Bool(), {}).type(), Type::Map(Type::Bool()));
  EXPECT_NE(Value::List(Type::String(), {}), Value::List(Type::Number(), {}));
  EXPECT_NE(Value::List(Type::String(), {}), Value::Set(Type::String(), {}));
}

TEST(ValueTest, NullDynamicElementsTakeTheElementType) {
  Value list = Value::List(Type::String(), {Value(), Value::Unknown(Type::Dynamic())});
  EXPECT_EQ(list.elements()[0], Value::Null(Type::String()));
  EXPECT_EQ(list.elements()[1], Value::Unknown(Type::String()));
}

TEST(ValueTest, SetsCollapseDuplicatesAndIgnoreOrder) {
  Value a =
      Value::Set(Type::String(), {Value::String("b"), Value::String("a"), Value::String("b")});
  Value b = Value::Set(Type::String(), {Value::String("a"), Value::String("b")});
  ASSERT_EQ(a.elements().size(), 2u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, Value::Set(Type::String(), {Value::String("a")}));
}

// As go-cty: an unknown element may turn out to be anything, so two of them are two elements, and
// an element holding an unknown never merges with a known one.
TEST(ValueTest, SetsKeepDistinctUnknownElementsApart) {
  Value unknowns = Value::Set(Type::String(), {Value::Unknown(Type::String()),
                                               Value::Unknown(Type::String()),
                                               Value::String("a"), Value::String("a")});
  EXPECT_EQ(unknowns.elements().size(), 3u);
  Value partly = Value::Set(
      ServerType(),
      {Value::Object({{"name", Value::String("a")}, {"port", Value::Unknown(Type::Number())}}),
       Value::Object({{"name", Value::String("a")}, {"port", Value::Unknown(Type::Number())}}),
       Value::Object({{"name", Value::String("a")}, {"port", Value::Int(1)}}),
       Value::Object({{"name", Value::String("a")}, {"port", Value::Int(1)}})});
  EXPECT_EQ(partly.elements().size(), 3u);
}

TEST(ValueTest, SetsOrderElementsNaturally) {
  Value numbers = Value::Set(Type::Number(), {Value::Int(10), Value::Num(Number::Double(2.5)),
                                              Value::Int(-1), Value::Int(10)});
  EXPECT_EQ(numbers.elements(),
            (Value::Elements{Value::Int(-1), Value::Num(Number::Double(2.5)), Value::Int(10)}));
  Value objects = Value::Set(
      ServerType(), {Value::Object({{"name", Value::String("b")}, {"port", Value::Int(1)}}),
                     Value::Object({{"name", Value::String("a")}, {"port", Value::Int(2)}}),
                     Value::Object({{"name", Value::String("b")}, {"port", Value::Int(1)}})});
  ASSERT_EQ(objects.elements().size(), 2u);
  EXPECT_EQ(objects.elements()[0].GetAttr("name"), Value::String("a"));
}

TEST(ValueTest, ObjectDerivesItsType) {
  Value v = Value::Object({{"name", Value::String("a")}, {"port", Value::Int(1)}});
  EXPECT_EQ(v.type(), ServerType());
  EXPECT_EQ(v.GetAttr("port"), Value::Int(1));
  EXPECT_EQ(v.GetAttr("missing"), Value());
}

TEST(ValueTest, ObjectOfFillsMissingAttributesWithNulls) {
  Value v = Value::ObjectOf(ServerType(), {{"name", Value::String("a")}});
  EXPECT_EQ(v.type(), ServerType());
  EXPECT_EQ(v.GetAttr("port"), Value::Null(Type::Number()));
  EXPECT_EQ(v,
            Value::Object({{"name", Value::String("a")}, {"port", Value::Null(Type::Number())}}));
}

TEST(ValueTest, GetAttrOfNullOrUnknownObject) {
  EXPECT_EQ(Value::Null(ServerType()).GetAttr("port"), Value::Null(Type::Number()));
  EXPECT_EQ(Value::Unknown(ServerType()).GetAttr("port"), Value::Unknown(Type::Number()));
  EXPECT_EQ(Value::Null(ServerType()).GetAttr("missing"), Value());
  EXPECT_EQ(Value().GetAttr("anything"), Value());
}

TEST(ValueTest, TupleDerivesItsType) {
  Value v = Value::Tuple({Value::String("a"), Value::Int(1)});
  EXPECT_EQ(v.type(), Type::Tuple({Type::String(), Type::Number()}));
  EXPECT_EQ(v.elements().size(), 2u);
}

TEST(ValueTest, MapAttributes) {
  Value v = Value::Map(Type::String(), {{"env", Value::String("prod")}});
  EXPECT_EQ(v.attributes().at("env"), Value::String("prod"));
  EXPECT_NE(v, Value::Map(Type::String(), {{"env", Value::String("dev")}}));
}

TEST(ValueTest, IsWhollyKnownLooksInside) {
  EXPECT_TRUE(Value::Null(Type::String()).is_wholly_known());
  EXPECT_FALSE(Value::Unknown(Type::String()).is_wholly_known());
  Value nested = Value::Object(
      {{"list", Value::List(Type::Map(Type::String()),
                            {Value::Map(Type::String(), {{"k", Value::String("v")}})})}});
  EXPECT_TRUE(nested.is_wholly_known());
  Value deep_unknown = Value::Object(
      {{"list",
        Value::List(Type::Map(Type::String()),
                    {Value::Map(Type::String(), {{"k", Value::Unknown(Type::String())}})})}});
  EXPECT_TRUE(deep_unknown.is_known());
  EXPECT_FALSE(deep_unknown.is_wholly_known());
  EXPECT_FALSE(Value::Tuple({Value::Int(1), Value::Unknown(Type::Bool())}).is_wholly_known());
}

TEST(ValueTest, DebugString) {
  Refinements refinements;
  refinements.is_null = false;
  refinements.string_prefix = "pre-";
  Value v = Value::Object(
      {{"name", Value::String("a\"b")},
       {"ports", Value::List(Type::Number(), {Value::Int(1), Value::Num(Number::Double(2.5))})},
       {"tags", Value::Map(Type::String(), {{"k", Value::Null(Type::String())}})},
       {"ids", Value::Set(Type::Bool(), {Value::Bool(true)})},
       {"id", Value::Unknown(Type::String(), refinements)}});
  EXPECT_EQ(v.DebugString(),
            R"({id = (unknown, not null, prefix "pre-"), ids = toset([true]), name = "a\"b", )"
            R"(ports = [1, 2.5], tags = {"k" = null}})");
}

}  // namespace
}  // namespace cty

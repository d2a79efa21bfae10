// Schemas as Terraform receives them: value types implied by attributes and nested attributes, and
// their protobuf form.
#include "internal/tfprotocol/schema.h"

#include <gtest/gtest.h>

#include <memory>

#include "internal/tfprotocol/convert.h"

namespace tfprotocol {
namespace {

Attribute Rules(ObjectNesting nesting) {
  auto nested = std::make_shared<NestedAttributes>();
  nested->nesting = nesting;
  nested->attributes = {Attribute::Optional("cidr", cty::Type::String(), "A CIDR block."),
                        Attribute::Computed("port", cty::Type::Number(), "A port.")};
  Attribute rules = Attribute::Optional("rules", cty::Type::String(), "Rules.");
  rules.nested = std::move(nested);
  return rules;
}

cty::Type RuleObject() {
  return cty::Type::Object({{"cidr", cty::Type::String()}, {"port", cty::Type::Number()}});
}

TEST(SchemaTest, NestedAttributesImplyObjectsInTheirNesting) {
  EXPECT_EQ(Rules(ObjectNesting::kSingle).ValueType(), RuleObject());
  EXPECT_EQ(Rules(ObjectNesting::kList).ValueType(), cty::Type::List(RuleObject()));
  EXPECT_EQ(Rules(ObjectNesting::kSet).ValueType(), cty::Type::Set(RuleObject()));
  EXPECT_EQ(Rules(ObjectNesting::kMap).ValueType(), cty::Type::Map(RuleObject()));

  Block block;
  block.attributes = {Attribute::Optional("name", cty::Type::String(), "A name."),
                      Rules(ObjectNesting::kList)};
  EXPECT_EQ(block.ImpliedType(), cty::Type::Object({{"name", cty::Type::String()},
                                                    {"rules", cty::Type::List(RuleObject())}}));
}

TEST(SchemaTest, NestedAttributesGoOutAsNestedTypeWithoutAType) {
  Schema schema;
  Attribute secret = Attribute::Optional("token", cty::Type::String(), "A token.");
  secret.write_only = true;
  schema.block.attributes = {Rules(ObjectNesting::kSet), std::move(secret)};
  tfplugin6::Schema proto;
  SchemaToProto(schema, &proto);

  ASSERT_EQ(proto.block().attributes_size(), 2);
  const tfplugin6::Schema::Attribute& rules = proto.block().attributes(0);
  EXPECT_TRUE(rules.type().empty());
  ASSERT_TRUE(rules.has_nested_type());
  EXPECT_EQ(rules.nested_type().nesting(), tfplugin6::Schema::Object::SET);
  ASSERT_EQ(rules.nested_type().attributes_size(), 2);
  EXPECT_EQ(rules.nested_type().attributes(0).name(), "cidr");
  EXPECT_EQ(rules.nested_type().attributes(0).type(), "\"string\"");
  EXPECT_TRUE(rules.nested_type().attributes(1).computed());

  const tfplugin6::Schema::Attribute& token = proto.block().attributes(1);
  EXPECT_FALSE(token.has_nested_type());
  EXPECT_EQ(token.type(), "\"string\"");
  EXPECT_TRUE(token.write_only());
  EXPECT_FALSE(rules.write_only());
}

}  // namespace
}  // namespace tfprotocol

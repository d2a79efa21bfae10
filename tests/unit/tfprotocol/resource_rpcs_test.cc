// The managed resource RPCs of the tfplugin6 adapter, called as gRPC would call them, with a fake
// resource behind them: destroy plans, the checks that catch an invalid plan or an inconsistent
// apply before Terraform does, requires_replace, private state, state upgrades and import.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "internal/cty/msgpack.h"
#include "internal/tfprotocol/provider_service.h"

namespace tfprotocol {
namespace {

using ::testing::HasSubstr;

Schema ThingSchema() {
  Schema schema;
  schema.block.attributes = {
      Attribute::Optional("name", cty::Type::String(), "Required in practice."),
      Attribute::OptionalComputed("size", cty::Type::Number(), "Defaults to 1."),
      Attribute::Computed("id", cty::Type::String(), "Computed."),
  };
  return schema;
}

const cty::Type kThing = ThingSchema().block.ImpliedType();

cty::Value Thing(const char* name, int64_t size, const char* id) {
  return cty::Value::ObjectOf(kThing, {{"name", cty::Value::String(name)},
                                       {"size", cty::Value::Int(size)},
                                       {"id", cty::Value::String(id)}});
}

// A resource whose answers the test sets.
class FakeResource final : public Resource {
 public:
  std::string_view type_name() const override { return "fake_thing"; }
  const Schema& schema() const override { return schema_; }
  Diagnostics Validate(const cty::Value&) const override { return {}; }
  ReadResourceResponse Read(const CallContext&, const ReadResourceRequest& request) override {
    read_private = request.private_state;
    ReadResourceResponse r;
    r.new_state = read_gone ? cty::Value::Null(kThing) : request.current_state;
    r.private_state = "refreshed";
    return r;
  }
  PlanResourceResponse Plan(const CallContext&, const PlanResourceRequest& request) override {
    ++plan_calls;
    PlanResourceResponse r;
    r.planned_state = planned.is_null() ? request.proposed_new_state : planned;
    r.requires_replace = replace;
    r.planned_private = request.prior_private + "+planned";
    return r;
  }
  ApplyResourceResponse Apply(const CallContext&, const ApplyResourceRequest& request) override {
    ApplyResourceResponse r;
    r.new_state =
        applied.is_null() && !request.planned_state.is_null() ? request.planned_state : applied;
    r.private_state = request.planned_private + "+applied";
    return r;
  }
  ImportResourceResponse Import(const CallContext&, const ImportResourceRequest& request) override {
    ImportResourceResponse r;
    r.state = cty::Value::ObjectOf(kThing, {{"id", cty::Value::String(request.id)}});
    r.private_state = "imported";
    return r;
  }

  cty::Value planned;
  cty::Value applied;
  std::vector<AttributePath> replace;
  bool read_gone = false;
  int plan_calls = 0;
  std::string read_private;

 private:
  const Schema schema_ = ThingSchema();
};

class FakeProvider final : public Provider {
 public:
  const Schema& schema() const override { return schema_; }
  std::vector<DataSource*> data_sources() override { return {}; }
  std::vector<Resource*> resources() override { return {&resource}; }
  Diagnostics ValidateConfig(const cty::Value&) const override { return {}; }
  Diagnostics Configure(const ConfigureRequest&) override { return {}; }
  void Stop() override {}

  FakeResource resource;

 private:
  const Schema schema_;
};

tfplugin6::DynamicValue Msgpack(const cty::Value& value) {
  tfplugin6::DynamicValue out;
  out.set_msgpack(*cty::EncodeMsgpack(value, kThing));
  return out;
}

cty::Value Decode(const tfplugin6::DynamicValue& value) {
  return *cty::DecodeMsgpack(value.msgpack(), kThing);
}

class ResourceRpcsTest : public ::testing::Test {
 protected:
  tfplugin6::PlanResourceChange::Response Plan(const cty::Value& prior, const cty::Value& proposed,
                                               const cty::Value& config) {
    tfplugin6::PlanResourceChange::Request request;
    request.set_type_name("fake_thing");
    *request.mutable_prior_state() = Msgpack(prior);
    *request.mutable_proposed_new_state() = Msgpack(proposed);
    *request.mutable_config() = Msgpack(config);
    request.set_prior_private("p");
    tfplugin6::PlanResourceChange::Response response;
    EXPECT_TRUE(service_.PlanResourceChange(nullptr, &request, &response).ok());
    return response;
  }

  FakeProvider provider_;
  ProviderService service_{provider_};
};

TEST_F(ResourceRpcsTest, SchemaAndMetadataListTheResource) {
  tfplugin6::GetProviderSchema::Response schema;
  ASSERT_TRUE(service_.GetProviderSchema(nullptr, nullptr, &schema).ok());
  ASSERT_EQ(schema.resource_schemas().count("fake_thing"), 1u);
  EXPECT_EQ(schema.resource_schemas().at("fake_thing").block().attributes_size(), 3);
  tfplugin6::GetMetadataMsg::Response metadata;
  ASSERT_TRUE(service_.GetMetadata(nullptr, nullptr, &metadata).ok());
  ASSERT_EQ(metadata.resources_size(), 1);
  EXPECT_EQ(metadata.resources(0).type_name(), "fake_thing");
}

TEST_F(ResourceRpcsTest, UnknownResourceTypeIsADiagnostic) {
  tfplugin6::ReadResource::Request request;
  request.set_type_name("fake_other");
  tfplugin6::ReadResource::Response response;
  ASSERT_TRUE(service_.ReadResource(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).summary(), "Unknown resource type");
}

TEST_F(ResourceRpcsTest, ADestroyPlanIsNullWithoutAskingTheResource) {
  auto response = Plan(Thing("a", 1, "x"), cty::Value::Null(kThing), cty::Value::Null(kThing));
  EXPECT_EQ(response.diagnostics_size(), 0);
  EXPECT_TRUE(Decode(response.planned_state()).is_null());
  EXPECT_EQ(response.planned_private(), "p");
  EXPECT_EQ(provider_.resource.plan_calls, 0);
}

TEST_F(ResourceRpcsTest, APlanKeepsPrivateAndReplacePaths) {
  provider_.resource.replace = {AttributePath::Attr("name")};
  const cty::Value config = cty::Value::ObjectOf(kThing, {{"name", cty::Value::String("b")}});
  const cty::Value proposed =
      cty::Value::ObjectOf(kThing, {{"name", cty::Value::String("b")},
                                    {"size", cty::Value::Int(1)},
                                    {"id", cty::Value::Unknown(cty::Type::String())}});
  auto response = Plan(Thing("a", 1, "x"), proposed, config);
  ASSERT_EQ(response.diagnostics_size(), 0) << response.diagnostics(0).detail();
  ASSERT_EQ(response.requires_replace_size(), 1);
  EXPECT_EQ(response.requires_replace(0).steps(0).attribute_name(), "name");
  EXPECT_EQ(response.planned_private(), "p+planned");
  EXPECT_FALSE(Decode(response.planned_state()).GetAttr("id").is_known());
}

TEST_F(ResourceRpcsTest, APlanThatChangesAConfiguredValueIsRefusedOnThatAttribute) {
  const cty::Value config = cty::Value::ObjectOf(
      kThing, {{"name", cty::Value::String("b")}, {"size", cty::Value::Int(3)}});
  provider_.resource.planned = Thing("b", 4, "x");  // size 3 was configured
  auto response = Plan(Thing("a", 1, "x"), Thing("b", 3, "x"), config);
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).summary(), "Provider produced an invalid plan");
  EXPECT_EQ(response.diagnostics(0).attribute().steps(0).attribute_name(), "size");
  EXPECT_FALSE(response.has_planned_state());
}

TEST_F(ResourceRpcsTest, AnApplyThatChangesAKnownPlannedValueIsRefused) {
  provider_.resource.applied = Thing("a", 1, "other");
  tfplugin6::ApplyResourceChange::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_prior_state() = Msgpack(Thing("a", 1, "x"));
  *request.mutable_planned_state() = Msgpack(Thing("a", 1, "x"));
  *request.mutable_config() = Msgpack(Thing("a", 1, "x"));
  tfplugin6::ApplyResourceChange::Response response;
  ASSERT_TRUE(service_.ApplyResourceChange(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).summary(), "Provider produced an inconsistent result");
  EXPECT_EQ(response.diagnostics(0).attribute().steps(0).attribute_name(), "id");
}

TEST_F(ResourceRpcsTest, AnApplyFillsUnknownsAndCarriesPrivate) {
  provider_.resource.applied = Thing("a", 1, "new-id");
  tfplugin6::ApplyResourceChange::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_planned_state() =
      Msgpack(cty::Value::ObjectOf(kThing, {{"name", cty::Value::String("a")},
                                            {"size", cty::Value::Int(1)},
                                            {"id", cty::Value::Unknown(cty::Type::String())}}));
  *request.mutable_config() =
      Msgpack(cty::Value::ObjectOf(kThing, {{"name", cty::Value::String("a")}}));
  request.set_planned_private("q");
  // prior_state left unset, as on create.
  tfplugin6::ApplyResourceChange::Response response;
  ASSERT_TRUE(service_.ApplyResourceChange(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 0) << response.diagnostics(0).detail();
  EXPECT_EQ(Decode(response.new_state()), Thing("a", 1, "new-id"));
  EXPECT_EQ(response.private_(), "q+applied");
}

TEST_F(ResourceRpcsTest, ReadPassesPrivateAndAGoneObjectIsNull) {
  tfplugin6::ReadResource::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_current_state() = Msgpack(Thing("a", 1, "x"));
  request.set_private_("stored");
  tfplugin6::ReadResource::Response response;
  ASSERT_TRUE(service_.ReadResource(nullptr, &request, &response).ok());
  EXPECT_EQ(provider_.resource.read_private, "stored");
  EXPECT_EQ(response.private_(), "refreshed");
  EXPECT_EQ(Decode(response.new_state()), Thing("a", 1, "x"));

  provider_.resource.read_gone = true;
  tfplugin6::ReadResource::Response gone;
  ASSERT_TRUE(service_.ReadResource(nullptr, &request, &gone).ok());
  EXPECT_EQ(gone.diagnostics_size(), 0);
  EXPECT_TRUE(Decode(gone.new_state()).is_null());
}

TEST_F(ResourceRpcsTest, UpgradeDecodesTheCurrentVersionsJsonDroppingRemovedAttributes) {
  tfplugin6::UpgradeResourceState::Request request;
  request.set_type_name("fake_thing");
  request.set_version(0);
  request.mutable_raw_state()->set_json(
      R"({"name":"a","size":1,"id":"x","removed_in_a_later_version":true})");
  tfplugin6::UpgradeResourceState::Response response;
  ASSERT_TRUE(service_.UpgradeResourceState(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 0) << response.diagnostics(0).detail();
  EXPECT_EQ(Decode(response.upgraded_state()), Thing("a", 1, "x"));
}

TEST_F(ResourceRpcsTest, UpgradeRefusesNewerVersionsFlatmapAndBadJson) {
  tfplugin6::UpgradeResourceState::Request request;
  request.set_type_name("fake_thing");
  request.set_version(1);
  request.mutable_raw_state()->set_json(R"({"name":"a"})");
  tfplugin6::UpgradeResourceState::Response newer;
  ASSERT_TRUE(service_.UpgradeResourceState(nullptr, &request, &newer).ok());
  ASSERT_EQ(newer.diagnostics_size(), 1);
  EXPECT_EQ(newer.diagnostics(0).summary(), "State written by a newer provider");

  request.set_version(0);
  request.mutable_raw_state()->clear_json();
  (*request.mutable_raw_state()->mutable_flatmap())["name"] = "a";
  tfplugin6::UpgradeResourceState::Response flatmap;
  ASSERT_TRUE(service_.UpgradeResourceState(nullptr, &request, &flatmap).ok());
  ASSERT_EQ(flatmap.diagnostics_size(), 1);
  EXPECT_EQ(flatmap.diagnostics(0).summary(), "Unsupported state format");

  request.mutable_raw_state()->set_json(R"({"size":"not a number"})");
  tfplugin6::UpgradeResourceState::Response bad;
  ASSERT_TRUE(service_.UpgradeResourceState(nullptr, &request, &bad).ok());
  ASSERT_EQ(bad.diagnostics_size(), 1);
  EXPECT_EQ(bad.diagnostics(0).summary(), "Unreadable state");
  EXPECT_THAT(bad.diagnostics(0).detail(), HasSubstr("size"));
}

TEST_F(ResourceRpcsTest, ImportReturnsTheTypedStateAndPrivate) {
  tfplugin6::ImportResourceState::Request request;
  request.set_type_name("fake_thing");
  request.set_id("abc");
  tfplugin6::ImportResourceState::Response response;
  ASSERT_TRUE(service_.ImportResourceState(nullptr, &request, &response).ok());
  ASSERT_EQ(response.imported_resources_size(), 1);
  const auto& imported = response.imported_resources(0);
  EXPECT_EQ(imported.type_name(), "fake_thing");
  EXPECT_EQ(imported.private_(), "imported");
  EXPECT_EQ(Decode(imported.state()).GetAttr("id"), cty::Value::String("abc"));
  EXPECT_TRUE(Decode(imported.state()).GetAttr("name").is_null());
}

TEST(CallContextTest, ReportsCancellationAndAPassedDeadline) {
  EXPECT_FALSE(CallContext().cancelled());
  bool cancelled = false;
  CallContext context("Rpc", absl::InfiniteFuture(), [&] { return cancelled; });
  EXPECT_FALSE(context.cancelled());
  cancelled = true;
  EXPECT_TRUE(context.cancelled());
  EXPECT_TRUE(CallContext("Rpc", absl::Now() - absl::Seconds(1), nullptr).cancelled());
  EXPECT_EQ(context.rpc(), "Rpc");
}

}  // namespace
}  // namespace tfprotocol

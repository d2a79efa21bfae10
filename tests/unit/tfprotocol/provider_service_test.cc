// The tfplugin6 adapter called directly, as gRPC would call it, with a fake provider behind it:
// what Terraform receives for unknown types, undecodable values, provider exceptions, incomplete
// results, and that the schema is built once.
#include "internal/tfprotocol/provider_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "internal/cty/msgpack.h"

namespace tfprotocol {
namespace {

using ::testing::HasSubstr;

Schema OneStringSchema(const std::string& name) {
  Schema schema;
  schema.block.attributes = {Attribute::Optional(name, cty::Type::String(), "An argument.")};
  return schema;
}

// A data source whose Read returns what the test sets, or throws.
class FakeDataSource final : public DataSource {
 public:
  std::string_view type_name() const override { return "fake_thing"; }
  const Schema& schema() const override {
    ++schema_calls;
    return schema_;
  }
  Diagnostics Validate(const cty::Value& config) const override {
    validated.push_back(config);
    Diagnostics d;
    if (config.GetAttr("input").is_known() && !config.GetAttr("input").is_null() &&
        config.GetAttr("input").as_string() == "bad") {
      d.AddError("Invalid input", "input must not be \"bad\".", AttributePath::Attr("input"));
    }
    return d;
  }
  ReadDataSourceResponse Read(const CallContext&, const ReadDataSourceRequest& request) override {
    if (throw_on_read) throw std::runtime_error("boom");
    ReadDataSourceResponse result;
    result.state = next_state.is_null() ? request.config : next_state;
    return result;
  }

  mutable std::atomic<int> schema_calls{0};
  mutable std::vector<cty::Value> validated;
  bool throw_on_read = false;
  cty::Value next_state;

 private:
  const Schema schema_ = OneStringSchema("input");
};

class FakeProvider final : public Provider {
 public:
  const Schema& schema() const override { return schema_; }
  std::vector<DataSource*> data_sources() override { return {&data_source}; }
  Diagnostics ValidateConfig(const cty::Value&) const override { return {}; }
  Diagnostics Configure(const ConfigureRequest& request) override {
    configured_with = request.terraform_version;
    return {};
  }
  void Stop() override { ++stops; }

  FakeDataSource data_source;
  std::string configured_with;
  std::atomic<int> stops{0};

 private:
  const Schema schema_ = OneStringSchema("region");
};

tfplugin6::DynamicValue Msgpack(const cty::Value& value) {
  tfplugin6::DynamicValue out;
  out.set_msgpack(*cty::EncodeMsgpack(value, value.type()));
  return out;
}

cty::Value Input(const std::string& text) {
  return cty::Value::Object({{"input", cty::Value::String(text)}});
}

class ProviderServiceTest : public ::testing::Test {
 protected:
  FakeProvider provider_;
  ProviderService service_{provider_};
};

TEST_F(ProviderServiceTest, MetadataListsTheDataSourcesAndOptionalSchema) {
  tfplugin6::GetMetadataMsg::Request request;
  tfplugin6::GetMetadataMsg::Response response;
  ASSERT_TRUE(service_.GetMetadata(nullptr, &request, &response).ok());
  ASSERT_EQ(response.data_sources_size(), 1);
  EXPECT_EQ(response.data_sources(0).type_name(), "fake_thing");
  EXPECT_TRUE(response.server_capabilities().get_provider_schema_optional());
  EXPECT_EQ(response.diagnostics_size(), 0);
}

TEST_F(ProviderServiceTest, SchemaIsBuiltOnceAndSetsEveryBlock) {
  const int calls_before = provider_.data_source.schema_calls.load();
  tfplugin6::GetProviderSchema::Request request;
  tfplugin6::GetProviderSchema::Response first;
  tfplugin6::GetProviderSchema::Response second;
  ASSERT_TRUE(service_.GetProviderSchema(nullptr, &request, &first).ok());
  ASSERT_TRUE(service_.GetProviderSchema(nullptr, &request, &second).ok());
  EXPECT_EQ(provider_.data_source.schema_calls.load() - calls_before, 1);
  EXPECT_EQ(first.SerializeAsString(), second.SerializeAsString());
  // Terraform crashes on a schema whose block is unset (the provider's, or any data source's).
  EXPECT_TRUE(first.provider().has_block());
  ASSERT_EQ(first.data_source_schemas().count("fake_thing"), 1u);
  EXPECT_TRUE(first.data_source_schemas().at("fake_thing").has_block());
  EXPECT_EQ(first.data_source_schemas().at("fake_thing").block().attributes(0).name(), "input");
}

TEST_F(ProviderServiceTest, UnknownDataSourceTypeIsADiagnosticNotAnRpcError) {
  tfplugin6::ReadDataSource::Request request;
  request.set_type_name("fake_other");
  *request.mutable_config() = Msgpack(Input("x"));
  tfplugin6::ReadDataSource::Response response;
  ASSERT_TRUE(service_.ReadDataSource(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).severity(), tfplugin6::Diagnostic::ERROR);
  EXPECT_EQ(response.diagnostics(0).summary(), "Unknown data source type");
  EXPECT_THAT(response.diagnostics(0).detail(), HasSubstr("\"fake_other\""));
}

TEST_F(ProviderServiceTest, UndecodableConfigIsADiagnostic) {
  tfplugin6::ValidateDataResourceConfig::Request request;
  request.set_type_name("fake_thing");
  request.mutable_config()->set_msgpack("\xc1");  // Never used in msgpack.
  tfplugin6::ValidateDataResourceConfig::Response response;
  ASSERT_TRUE(service_.ValidateDataResourceConfig(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).summary(), "Invalid data source configuration");
  EXPECT_TRUE(provider_.data_source.validated.empty());
}

TEST_F(ProviderServiceTest, ValidationDiagnosticsKeepTheirAttributePath) {
  tfplugin6::ValidateDataResourceConfig::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_config() = Msgpack(Input("bad"));
  tfplugin6::ValidateDataResourceConfig::Response response;
  ASSERT_TRUE(service_.ValidateDataResourceConfig(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  const tfplugin6::Diagnostic& d = response.diagnostics(0);
  EXPECT_EQ(d.summary(), "Invalid input");
  ASSERT_EQ(d.attribute().steps_size(), 1);
  EXPECT_EQ(d.attribute().steps(0).attribute_name(), "input");
}

TEST_F(ProviderServiceTest, UnknownValuesReachValidation) {
  tfplugin6::ValidateDataResourceConfig::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_config() =
      Msgpack(cty::Value::Object({{"input", cty::Value::Unknown(cty::Type::String())}}));
  tfplugin6::ValidateDataResourceConfig::Response response;
  ASSERT_TRUE(service_.ValidateDataResourceConfig(nullptr, &request, &response).ok());
  EXPECT_EQ(response.diagnostics_size(), 0);
  ASSERT_EQ(provider_.data_source.validated.size(), 1u);
  EXPECT_FALSE(provider_.data_source.validated[0].GetAttr("input").is_known());
}

TEST_F(ProviderServiceTest, ReadEncodesTheState) {
  tfplugin6::ReadDataSource::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_config() = Msgpack(Input("hello"));
  tfplugin6::ReadDataSource::Response response;
  ASSERT_TRUE(service_.ReadDataSource(nullptr, &request, &response).ok());
  EXPECT_EQ(response.diagnostics_size(), 0);
  absl::StatusOr<cty::Value> state =
      cty::DecodeMsgpack(response.state().msgpack(), Input("").type());
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, Input("hello"));
}

TEST_F(ProviderServiceTest, AnExceptionBecomesAnErrorDiagnostic) {
  provider_.data_source.throw_on_read = true;
  tfplugin6::ReadDataSource::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_config() = Msgpack(Input("x"));
  tfplugin6::ReadDataSource::Response response;
  ASSERT_TRUE(service_.ReadDataSource(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).summary(), "Internal error in the provider");
  EXPECT_THAT(response.diagnostics(0).detail(),
              HasSubstr("ReadDataSource failed unexpectedly: boom"));
  EXPECT_FALSE(response.has_state());
}

TEST_F(ProviderServiceTest, AnIncompleteStateIsRefusedWithAClearError) {
  provider_.data_source.next_state =
      cty::Value::Object({{"input", cty::Value::Unknown(cty::Type::String())}});
  tfplugin6::ReadDataSource::Request request;
  request.set_type_name("fake_thing");
  *request.mutable_config() = Msgpack(Input("x"));
  tfplugin6::ReadDataSource::Response response;
  ASSERT_TRUE(service_.ReadDataSource(nullptr, &request, &response).ok());
  ASSERT_EQ(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).summary(), "Provider produced an incomplete result");
  EXPECT_FALSE(response.has_state());
}

TEST_F(ProviderServiceTest, ConfigureAndStopReachTheProvider) {
  tfplugin6::ConfigureProvider::Request configure;
  configure.set_terraform_version("1.11.4");
  *configure.mutable_config() =
      Msgpack(cty::Value::Object({{"region", cty::Value::Null(cty::Type::String())}}));
  tfplugin6::ConfigureProvider::Response configured;
  ASSERT_TRUE(service_.ConfigureProvider(nullptr, &configure, &configured).ok());
  EXPECT_EQ(configured.diagnostics_size(), 0);
  EXPECT_EQ(provider_.configured_with, "1.11.4");

  tfplugin6::StopProvider::Request stop;
  tfplugin6::StopProvider::Response stopped;
  ASSERT_TRUE(service_.StopProvider(nullptr, &stop, &stopped).ok());
  EXPECT_EQ(provider_.stops.load(), 1);
}

TEST_F(ProviderServiceTest, UnsupportedRpcsAnswerUnimplemented) {
  tfplugin6::MoveResourceState::Request request;
  tfplugin6::MoveResourceState::Response response;
  EXPECT_EQ(service_.MoveResourceState(nullptr, &request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace tfprotocol

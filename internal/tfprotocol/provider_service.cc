#include "internal/tfprotocol/provider_service.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/base/log.h"
#include "internal/tfprotocol/convert.h"
#include "internal/tfprotocol/rpc.h"

namespace tfprotocol {

ProviderService::ProviderService(Provider& provider)
    : provider_(provider), provider_type_(provider.schema().block.ImpliedType()) {
  for (DataSource* ds : provider_.data_sources()) {
    data_sources_.emplace(std::string(ds->type_name()),
                          DataSourceEntry{ds, ds->schema().block.ImpliedType()});
  }
  for (Resource* r : provider_.resources()) {
    resources_.emplace(std::string(r->type_name()),
                       ResourceEntry{r, r->schema().block.ImpliedType()});
  }
}

const ProviderService::DataSourceEntry* ProviderService::FindDataSource(
    const std::string& type_name, Diagnostics& diagnostics) const {
  auto it = data_sources_.find(type_name);
  if (it == data_sources_.end()) {
    diagnostics.AddError("Unknown data source type",
                         absl::StrCat("This provider has no data source \"", type_name, "\"."));
    return nullptr;
  }
  return &it->second;
}

const ProviderService::ResourceEntry* ProviderService::FindResource(
    const std::string& type_name, Diagnostics& diagnostics) const {
  auto it = resources_.find(type_name);
  if (it == resources_.end()) {
    diagnostics.AddError("Unknown resource type",
                         absl::StrCat("This provider has no resource \"", type_name, "\"."));
    return nullptr;
  }
  return &it->second;
}

grpc::Status ProviderService::GetMetadata(grpc::ServerContext*,
                                          const tfplugin6::GetMetadataMsg::Request*,
                                          tfplugin6::GetMetadataMsg::Response* response) {
  return rpc::Run("GetMetadata", response, {}, [&](Diagnostics&) {
    response->mutable_server_capabilities()->set_get_provider_schema_optional(true);
    for (const auto& [name, entry] : data_sources_) {
      response->add_data_sources()->set_type_name(name);
    }
    for (const auto& [name, entry] : resources_) {
      response->add_resources()->set_type_name(name);
    }
  });
}

grpc::Status ProviderService::GetProviderSchema(grpc::ServerContext*,
                                                const tfplugin6::GetProviderSchema::Request*,
                                                tfplugin6::GetProviderSchema::Response* response) {
  base::EnsureAlternateSignalStack();
  std::optional<base::LogScope> scope;
  rpc::OpenLogScope(scope, "GetProviderSchema", {});
  base::Log(base::LogLevel::kTrace, "Received request");
  // Built once, on first use: most provider processes of a run never ask (see
  // get_provider_schema_optional), so start-up does not pay for it.
  std::call_once(schema_once_, [this] {
    SchemaToProto(provider_.schema(), schema_response_.mutable_provider());
    for (const auto& [name, entry] : data_sources_) {
      SchemaToProto(entry.data_source->schema(),
                    &(*schema_response_.mutable_data_source_schemas())[name]);
    }
    for (const auto& [name, entry] : resources_) {
      SchemaToProto(entry.resource->schema(),
                    &(*schema_response_.mutable_resource_schemas())[name]);
    }
    schema_response_.mutable_server_capabilities()->set_get_provider_schema_optional(true);
  });
  *response = schema_response_;
  base::Log(base::LogLevel::kTrace, "Served request");
  return grpc::Status::OK;
}

grpc::Status ProviderService::ValidateProviderConfig(
    grpc::ServerContext*, const tfplugin6::ValidateProviderConfig::Request* request,
    tfplugin6::ValidateProviderConfig::Response* response) {
  return rpc::Run("ValidateProviderConfig", response, {}, [&](Diagnostics& diagnostics) {
    std::optional<cty::Value> config = rpc::Decode(request->config(), provider_type_,
                                                   "Invalid provider configuration", diagnostics);
    if (!config) return;
    diagnostics.Append(provider_.ValidateConfig(*config));
  });
}

grpc::Status ProviderService::ConfigureProvider(
    grpc::ServerContext*, const tfplugin6::ConfigureProvider::Request* request,
    tfplugin6::ConfigureProvider::Response* response) {
  return rpc::Run("ConfigureProvider", response, {}, [&](Diagnostics& diagnostics) {
    std::optional<cty::Value> config = rpc::Decode(request->config(), provider_type_,
                                                   "Invalid provider configuration", diagnostics);
    if (!config) return;
    diagnostics.Append(provider_.Configure({request->terraform_version(), *std::move(config)}));
  });
}

grpc::Status ProviderService::StopProvider(grpc::ServerContext*,
                                           const tfplugin6::StopProvider::Request*,
                                           tfplugin6::StopProvider::Response*) {
  base::EnsureAlternateSignalStack();
  std::optional<base::LogScope> scope;
  rpc::OpenLogScope(scope, "StopProvider", {});
  base::Log(base::LogLevel::kInfo, "Stop requested by Terraform");
  provider_.Stop();
  return grpc::Status::OK;
}

}  // namespace tfprotocol

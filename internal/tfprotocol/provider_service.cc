#include "internal/tfprotocol/provider_service.h"

#include <exception>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/base/log.h"
#include "internal/tfprotocol/convert.h"

namespace tfprotocol {
namespace {

// Runs one RPC body with a fresh Diagnostics, turning any escaped exception into an error
// diagnostic (a provider crash would lose the user's whole run), and copies the diagnostics into
// the response. Domain failures always travel as diagnostics with status OK.
template <typename Response, typename Body>
grpc::Status RunRpc(const char* rpc, Response* response, Body&& body) {
  base::Log(base::LogLevel::kTrace, "Received request", {{"tf_rpc", rpc}});
  Diagnostics diagnostics;
  try {
    body(diagnostics);
  } catch (const std::exception& e) {
    diagnostics.AddError("Internal error in the provider",
                         absl::StrCat(rpc, " failed unexpectedly: ", e.what(),
                                      ". Please report this issue with the provider's logs."));
  }
  DiagnosticsToProto(diagnostics, response->mutable_diagnostics());
  base::Log(base::LogLevel::kTrace, "Served request",
            {{"tf_rpc", rpc}, {"diagnostic_count", absl::StrCat(diagnostics.items().size())}});
  return grpc::Status::OK;
}

// The decoded request config, or nullopt after adding an error diagnostic with `summary`.
std::optional<cty::Value> DecodeConfig(const tfplugin6::DynamicValue& config, const cty::Type& type,
                                       const char* summary, Diagnostics& diagnostics) {
  absl::StatusOr<cty::Value> value = DecodeDynamicValue(config, type);
  if (!value.ok()) {
    diagnostics.AddStatusError(summary, value.status());
    return std::nullopt;
  }
  return *std::move(value);
}

}  // namespace

ProviderService::ProviderService(Provider& provider)
    : provider_(provider), provider_type_(provider.schema().block.ImpliedType()) {
  for (DataSource* ds : provider_.data_sources()) {
    data_sources_.emplace(std::string(ds->type_name()),
                          DataSourceEntry{ds, ds->schema().block.ImpliedType()});
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

grpc::Status ProviderService::GetMetadata(grpc::ServerContext*,
                                          const tfplugin6::GetMetadataMsg::Request*,
                                          tfplugin6::GetMetadataMsg::Response* response) {
  return RunRpc("GetMetadata", response, [&](Diagnostics&) {
    response->mutable_server_capabilities()->set_get_provider_schema_optional(true);
    for (const auto& [name, entry] : data_sources_) {
      response->add_data_sources()->set_type_name(name);
    }
  });
}

grpc::Status ProviderService::GetProviderSchema(grpc::ServerContext*,
                                                const tfplugin6::GetProviderSchema::Request*,
                                                tfplugin6::GetProviderSchema::Response* response) {
  // Built once, on first use: most provider processes of a run never ask (see
  // get_provider_schema_optional), so start-up does not pay for it.
  std::call_once(schema_once_, [this] {
    SchemaToProto(provider_.schema(), schema_response_.mutable_provider());
    for (const auto& [name, entry] : data_sources_) {
      SchemaToProto(entry.data_source->schema(),
                    &(*schema_response_.mutable_data_source_schemas())[name]);
    }
    schema_response_.mutable_server_capabilities()->set_get_provider_schema_optional(true);
  });
  *response = schema_response_;
  return grpc::Status::OK;
}

grpc::Status ProviderService::ValidateProviderConfig(
    grpc::ServerContext*, const tfplugin6::ValidateProviderConfig::Request* request,
    tfplugin6::ValidateProviderConfig::Response* response) {
  return RunRpc("ValidateProviderConfig", response, [&](Diagnostics& diagnostics) {
    std::optional<cty::Value> config = DecodeConfig(request->config(), provider_type_,
                                                    "Invalid provider configuration", diagnostics);
    if (!config) return;
    diagnostics.Append(provider_.ValidateConfig(*config));
  });
}

grpc::Status ProviderService::ConfigureProvider(
    grpc::ServerContext*, const tfplugin6::ConfigureProvider::Request* request,
    tfplugin6::ConfigureProvider::Response* response) {
  return RunRpc("ConfigureProvider", response, [&](Diagnostics& diagnostics) {
    std::optional<cty::Value> config = DecodeConfig(request->config(), provider_type_,
                                                    "Invalid provider configuration", diagnostics);
    if (!config) return;
    diagnostics.Append(provider_.Configure({request->terraform_version(), *std::move(config)}));
  });
}

grpc::Status ProviderService::ValidateDataResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateDataResourceConfig::Request* request,
    tfplugin6::ValidateDataResourceConfig::Response* response) {
  return RunRpc("ValidateDataResourceConfig", response, [&](Diagnostics& diagnostics) {
    const DataSourceEntry* entry = FindDataSource(request->type_name(), diagnostics);
    if (entry == nullptr) return;
    std::optional<cty::Value> config = DecodeConfig(
        request->config(), entry->type, "Invalid data source configuration", diagnostics);
    if (!config) return;
    diagnostics.Append(entry->data_source->Validate(*config));
  });
}

grpc::Status ProviderService::ReadDataSource(grpc::ServerContext*,
                                             const tfplugin6::ReadDataSource::Request* request,
                                             tfplugin6::ReadDataSource::Response* response) {
  return RunRpc("ReadDataSource", response, [&](Diagnostics& diagnostics) {
    const DataSourceEntry* entry = FindDataSource(request->type_name(), diagnostics);
    if (entry == nullptr) return;
    std::optional<cty::Value> config = DecodeConfig(
        request->config(), entry->type, "Invalid data source configuration", diagnostics);
    if (!config) return;
    ReadResult result = entry->data_source->Read(*config);
    diagnostics.Append(result.diagnostics);
    if (diagnostics.has_errors()) return;
    // Terraform rejects a state that is null, partial or not wholly known with a message that
    // blames the provider; catch that here with a clearer one.
    if (result.state.is_null() || !result.state.is_wholly_known()) {
      diagnostics.AddError("Provider produced an incomplete result",
                           absl::StrCat("The ", request->type_name(),
                                        " data source returned no complete state. Please report "
                                        "this issue with the provider's logs."));
      return;
    }
    absl::Status encoded = EncodeDynamicValue(result.state, entry->type, response->mutable_state());
    if (!encoded.ok()) {
      diagnostics.AddStatusError("Provider produced an invalid result", encoded);
    }
  });
}

grpc::Status ProviderService::StopProvider(grpc::ServerContext*,
                                           const tfplugin6::StopProvider::Request*,
                                           tfplugin6::StopProvider::Response*) {
  base::Log(base::LogLevel::kInfo, "Stop requested by Terraform", {{"tf_rpc", "StopProvider"}});
  provider_.Stop();
  return grpc::Status::OK;
}

}  // namespace tfprotocol

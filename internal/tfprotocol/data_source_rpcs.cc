// ProviderService's data source handlers (provider_service.h).
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "internal/tfprotocol/provider_service.h"
#include "internal/tfprotocol/rpc.h"

namespace tfprotocol {

grpc::Status ProviderService::ValidateDataResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateDataResourceConfig::Request* request,
    tfplugin6::ValidateDataResourceConfig::Response* response) {
  return rpc::Run(
      "ValidateDataResourceConfig", response, {{"tf_data_source_type", request->type_name()}},
      [&](Diagnostics& diagnostics) {
        const DataSourceEntry* entry = FindDataSource(request->type_name(), diagnostics);
        if (entry == nullptr) return;
        std::optional<cty::Value> config = rpc::Decode(
            request->config(), entry->type, "Invalid data source configuration", diagnostics);
        if (!config) return;
        diagnostics.Append(entry->data_source->Validate(*config));
      });
}

grpc::Status ProviderService::ReadDataSource(grpc::ServerContext* context,
                                             const tfplugin6::ReadDataSource::Request* request,
                                             tfplugin6::ReadDataSource::Response* response) {
  return rpc::Run(
      "ReadDataSource", response, {{"tf_data_source_type", request->type_name()}},
      [&](Diagnostics& diagnostics) {
        const DataSourceEntry* entry = FindDataSource(request->type_name(), diagnostics);
        if (entry == nullptr) return;
        std::optional<cty::Value> config = rpc::Decode(
            request->config(), entry->type, "Invalid data source configuration", diagnostics);
        if (!config) return;
        ReadDataSourceResponse result = entry->data_source->Read(
            rpc::ContextOf("ReadDataSource", context), ReadDataSourceRequest{*std::move(config)});
        diagnostics.Append(result.diagnostics);
        if (diagnostics.has_errors()) return;
        // Terraform rejects a state that is null, partial or not wholly known with a message that
        // blames the provider; catch that here with a clearer one.
        if (auto state = rpc::EncodeResult(
                result.state, entry->type, /*allow_null=*/false, /*require_known=*/true,
                absl::StrCat("The state the ", request->type_name(), " data source returned"),
                diagnostics)) {
          *response->mutable_state() = *std::move(state);
        }
      });
}

}  // namespace tfprotocol

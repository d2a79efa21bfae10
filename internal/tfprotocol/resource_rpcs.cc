// ProviderService's managed resource handlers (provider_service.h), and the checks that turn a
// provider bug Terraform would report obscurely ("Provider produced invalid plan") into a clear
// error naming the attribute.
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "internal/cty/json.h"
#include "internal/tfprotocol/provider_service.h"
#include "internal/tfprotocol/rpc.h"

namespace tfprotocol {
namespace {

// Like rpc::Decode, but an absent value (Terraform leaves some unset on create and destroy) is a
// null of `type`.
std::optional<cty::Value> DecodeOrNull(const tfplugin6::DynamicValue& value, const cty::Type& type,
                                       const char* summary, Diagnostics& diagnostics) {
  if (value.msgpack().empty() && value.json().empty()) return cty::Value::Null(type);
  return rpc::Decode(value, type, summary, diagnostics);
}

// Terraform requires a plan to keep every configured value: a non-computed attribute is exactly
// its configuration, and a computed one the configuration sets is that value.
void CheckPlanKeepsConfig(const Block& block, const cty::Value& planned, const cty::Value& config,
                          absl::string_view type_name, Diagnostics& diagnostics) {
  for (const Attribute& attribute : block.attributes) {
    const cty::Value configured = config.GetAttr(attribute.name);
    if (attribute.computed && configured.is_null()) continue;
    if (planned.GetAttr(attribute.name) != configured) {
      diagnostics.AddError(
          "Provider produced an invalid plan",
          absl::StrCat("The ", type_name, " plan changed the configured value of ", attribute.name,
                       ". Please report this issue with the provider's logs."),
          AttributePath::Attr(attribute.name));
    }
  }
}

// Terraform requires an applied state to keep every value the plan knew.
void CheckApplyKeepsPlan(const Block& block, const cty::Value& planned, const cty::Value& applied,
                         absl::string_view type_name, Diagnostics& diagnostics) {
  for (const Attribute& attribute : block.attributes) {
    const cty::Value promised = planned.GetAttr(attribute.name);
    if (!promised.is_wholly_known()) continue;
    if (applied.GetAttr(attribute.name) != promised) {
      diagnostics.AddError(
          "Provider produced an inconsistent result",
          absl::StrCat("The ", type_name, " apply changed ", attribute.name,
                       ", which the plan already knew. Please report this issue with the "
                       "provider's logs."),
          AttributePath::Attr(attribute.name));
    }
  }
}

}  // namespace

grpc::Status ProviderService::ValidateResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateResourceConfig::Request* request,
    tfplugin6::ValidateResourceConfig::Response* response) {
  return rpc::Run("ValidateResourceConfig", response, {{"tf_resource_type", request->type_name()}},
                  [&](Diagnostics& diagnostics) {
                    const ResourceEntry* entry = FindResource(request->type_name(), diagnostics);
                    if (entry == nullptr) return;
                    std::optional<cty::Value> config =
                        rpc::Decode(request->config(), entry->type,
                                    "Invalid resource configuration", diagnostics);
                    if (!config) return;
                    diagnostics.Append(entry->resource->Validate(*config));
                  });
}

grpc::Status ProviderService::UpgradeResourceState(
    grpc::ServerContext*, const tfplugin6::UpgradeResourceState::Request* request,
    tfplugin6::UpgradeResourceState::Response* response) {
  return rpc::Run(
      "UpgradeResourceState", response, {{"tf_resource_type", request->type_name()}},
      [&](Diagnostics& diagnostics) {
        const ResourceEntry* entry = FindResource(request->type_name(), diagnostics);
        if (entry == nullptr) return;
        const int64_t current = entry->resource->schema().version;
        if (request->version() > current) {
          diagnostics.AddError(
              "State written by a newer provider",
              absl::StrCat("This ", request->type_name(), " state has schema version ",
                           request->version(), ", but this provider version knows versions up to ",
                           current, ". Use the provider version that wrote it, or a newer one."));
          return;
        }
        const std::string& json = request->raw_state().json();
        if (json.empty()) {
          diagnostics.AddError(
              "Unsupported state format",
              absl::StrCat("This ", request->type_name(),
                           " state is not stored as JSON (a pre-0.12 flatmap state?)."
                           " Refresh it with the Terraform version that wrote it."));
          return;
        }
        cty::Value upgraded;
        if (request->version() == current) {
          // Attributes a later provider version removed are dropped, as the Go SDKs do.
          absl::StatusOr<cty::Value> decoded =
              cty::DecodeJson(json, entry->type, {.ignore_unknown_attributes = true});
          if (!decoded.ok()) {
            diagnostics.AddStatusError("Unreadable state", decoded.status());
            return;
          }
          upgraded = *std::move(decoded);
        } else {
          UpgradeResourceStateResponse result =
              entry->resource->UpgradeState({request->version(), json});
          diagnostics.Append(result.diagnostics);
          if (diagnostics.has_errors()) return;
          upgraded = std::move(result.upgraded_state);
        }
        if (auto state =
                rpc::EncodeResult(upgraded, entry->type, /*allow_null=*/false,
                                  /*require_known=*/true, "The upgraded state", diagnostics)) {
          *response->mutable_upgraded_state() = *std::move(state);
        }
      });
}

grpc::Status ProviderService::ReadResource(grpc::ServerContext* context,
                                           const tfplugin6::ReadResource::Request* request,
                                           tfplugin6::ReadResource::Response* response) {
  return rpc::Run(
      "ReadResource", response, {{"tf_resource_type", request->type_name()}},
      [&](Diagnostics& diagnostics) {
        const ResourceEntry* entry = FindResource(request->type_name(), diagnostics);
        if (entry == nullptr) return;
        std::optional<cty::Value> state = rpc::Decode(request->current_state(), entry->type,
                                                      "Invalid resource state", diagnostics);
        if (!state) return;
        ReadResourceResponse result = entry->resource->Read(
            rpc::ContextOf("ReadResource", context), {*std::move(state), request->private_()});
        diagnostics.Append(result.diagnostics);
        if (diagnostics.has_errors()) return;
        if (auto state =
                rpc::EncodeResult(result.new_state, entry->type, /*allow_null=*/true,
                                  /*require_known=*/true, "The refreshed state", diagnostics)) {
          *response->mutable_new_state() = *std::move(state);
          response->set_private_(std::move(result.private_state));
        }
      });
}

grpc::Status ProviderService::PlanResourceChange(
    grpc::ServerContext* context, const tfplugin6::PlanResourceChange::Request* request,
    tfplugin6::PlanResourceChange::Response* response) {
  return rpc::Run(
      "PlanResourceChange", response, {{"tf_resource_type", request->type_name()}},
      [&](Diagnostics& diagnostics) {
        const ResourceEntry* entry = FindResource(request->type_name(), diagnostics);
        if (entry == nullptr) return;
        const cty::Type& type = entry->type;
        std::optional<cty::Value> prior =
            DecodeOrNull(request->prior_state(), type, "Invalid prior state", diagnostics);
        std::optional<cty::Value> proposed = DecodeOrNull(request->proposed_new_state(), type,
                                                          "Invalid proposed state", diagnostics);
        std::optional<cty::Value> config =
            DecodeOrNull(request->config(), type, "Invalid resource configuration", diagnostics);
        if (!prior || !proposed || !config) return;
        if (proposed->is_null()) {
          // Destroy: nothing to decide.
          *response->mutable_planned_state() =
              *rpc::EncodeResult(*proposed, type, true, false, "", diagnostics);
          response->set_planned_private(request->prior_private());
          return;
        }
        PlanResourceResponse result = entry->resource->Plan(
            rpc::ContextOf("PlanResourceChange", context),
            {*std::move(prior), *proposed, *config, request->prior_private()});
        diagnostics.Append(result.diagnostics);
        if (diagnostics.has_errors()) return;
        CheckPlanKeepsConfig(entry->resource->schema().block, result.planned_state, *config,
                             request->type_name(), diagnostics);
        if (diagnostics.has_errors()) return;
        auto planned = rpc::EncodeResult(result.planned_state, type, /*allow_null=*/false,
                                         /*require_known=*/false, "The planned state", diagnostics);
        if (!planned) return;
        *response->mutable_planned_state() = *std::move(planned);
        for (const AttributePath& path : result.requires_replace) {
          PathToProto(path, response->add_requires_replace());
        }
        response->set_planned_private(std::move(result.planned_private));
      });
}

grpc::Status ProviderService::ApplyResourceChange(
    grpc::ServerContext* context, const tfplugin6::ApplyResourceChange::Request* request,
    tfplugin6::ApplyResourceChange::Response* response) {
  return rpc::Run(
      "ApplyResourceChange", response, {{"tf_resource_type", request->type_name()}},
      [&](Diagnostics& diagnostics) {
        const ResourceEntry* entry = FindResource(request->type_name(), diagnostics);
        if (entry == nullptr) return;
        const cty::Type& type = entry->type;
        std::optional<cty::Value> prior =
            DecodeOrNull(request->prior_state(), type, "Invalid prior state", diagnostics);
        std::optional<cty::Value> planned =
            DecodeOrNull(request->planned_state(), type, "Invalid planned state", diagnostics);
        std::optional<cty::Value> config =
            DecodeOrNull(request->config(), type, "Invalid resource configuration", diagnostics);
        if (!prior || !planned || !config) return;
        const bool destroy = planned->is_null();
        ApplyResourceResponse result = entry->resource->Apply(
            rpc::ContextOf("ApplyResourceChange", context),
            {*std::move(prior), *planned, *config, request->planned_private()});
        diagnostics.Append(result.diagnostics);
        if (diagnostics.has_errors()) return;
        if (destroy && !result.new_state.is_null()) {
          diagnostics.AddError(
              "Provider produced an inconsistent result",
              absl::StrCat("The ", request->type_name(),
                           " destroy returned a state. Please report this issue."));
          return;
        }
        if (!destroy) {
          CheckApplyKeepsPlan(entry->resource->schema().block, *planned, result.new_state,
                              request->type_name(), diagnostics);
          if (diagnostics.has_errors()) return;
        }
        if (auto state =
                rpc::EncodeResult(result.new_state, type, /*allow_null=*/destroy,
                                  /*require_known=*/true, "The applied state", diagnostics)) {
          *response->mutable_new_state() = *std::move(state);
          response->set_private_(std::move(result.private_state));
        }
      });
}

grpc::Status ProviderService::ImportResourceState(
    grpc::ServerContext* context, const tfplugin6::ImportResourceState::Request* request,
    tfplugin6::ImportResourceState::Response* response) {
  return rpc::Run("ImportResourceState", response, {{"tf_resource_type", request->type_name()}},
                  [&](Diagnostics& diagnostics) {
                    const ResourceEntry* entry = FindResource(request->type_name(), diagnostics);
                    if (entry == nullptr) return;
                    ImportResourceResponse result = entry->resource->Import(
                        rpc::ContextOf("ImportResourceState", context), {request->id()});
                    diagnostics.Append(result.diagnostics);
                    if (diagnostics.has_errors()) return;
                    tfplugin6::ImportResourceState::ImportedResource imported;
                    imported.set_type_name(request->type_name());
                    if (auto state = rpc::EncodeResult(
                            result.state, entry->type, /*allow_null=*/false,
                            /*require_known=*/true, "The imported state", diagnostics)) {
                      *imported.mutable_state() = *std::move(state);
                      imported.set_private_(std::move(result.private_state));
                      *response->add_imported_resources() = std::move(imported);
                    }
                  });
}

UpgradeResourceStateResponse Resource::UpgradeState(const UpgradeResourceStateRequest& request) {
  UpgradeResourceStateResponse response;
  response.diagnostics.AddError(
      "Cannot upgrade the state",
      absl::StrCat("This ", std::string(type_name()), " state has schema version ", request.version,
                   ", and this provider has no upgrade from it to version ", schema().version,
                   ". Please report this issue."));
  return response;
}

}  // namespace tfprotocol

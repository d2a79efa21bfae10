// The tfplugin6 gRPC service: decodes requests into cty values, calls the Provider, its data
// sources and its resources, and encodes their results and diagnostics. The handlers live in one
// file per concept: provider_service.cc (the provider), data_source_rpcs.cc, resource_rpcs.cc.
// RPCs this service does not support are left to the generated base class, which answers
// UNIMPLEMENTED.
//
// Thread-safety: handlers run concurrently on gRPC's threads; the service's own state is immutable
// after construction (the schema response is built once, on first use).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "internal/tfprotocol/provider.h"
#include "proto/tfplugin6.grpc.pb.h"

namespace tfprotocol {

class ProviderService final : public tfplugin6::Provider::Service {
 public:
  // `provider` must outlive the service.
  explicit ProviderService(Provider& provider);
  ProviderService(const ProviderService&) = delete;
  ProviderService& operator=(const ProviderService&) = delete;

  grpc::Status GetMetadata(grpc::ServerContext* context,
                           const tfplugin6::GetMetadataMsg::Request* request,
                           tfplugin6::GetMetadataMsg::Response* response) override;
  grpc::Status GetProviderSchema(grpc::ServerContext* context,
                                 const tfplugin6::GetProviderSchema::Request* request,
                                 tfplugin6::GetProviderSchema::Response* response) override;
  grpc::Status ValidateProviderConfig(
      grpc::ServerContext* context, const tfplugin6::ValidateProviderConfig::Request* request,
      tfplugin6::ValidateProviderConfig::Response* response) override;
  grpc::Status ConfigureProvider(grpc::ServerContext* context,
                                 const tfplugin6::ConfigureProvider::Request* request,
                                 tfplugin6::ConfigureProvider::Response* response) override;
  grpc::Status ValidateDataResourceConfig(
      grpc::ServerContext* context, const tfplugin6::ValidateDataResourceConfig::Request* request,
      tfplugin6::ValidateDataResourceConfig::Response* response) override;
  grpc::Status ReadDataSource(grpc::ServerContext* context,
                              const tfplugin6::ReadDataSource::Request* request,
                              tfplugin6::ReadDataSource::Response* response) override;
  grpc::Status ValidateResourceConfig(
      grpc::ServerContext* context, const tfplugin6::ValidateResourceConfig::Request* request,
      tfplugin6::ValidateResourceConfig::Response* response) override;
  grpc::Status UpgradeResourceState(grpc::ServerContext* context,
                                    const tfplugin6::UpgradeResourceState::Request* request,
                                    tfplugin6::UpgradeResourceState::Response* response) override;
  grpc::Status ReadResource(grpc::ServerContext* context,
                            const tfplugin6::ReadResource::Request* request,
                            tfplugin6::ReadResource::Response* response) override;
  grpc::Status PlanResourceChange(grpc::ServerContext* context,
                                  const tfplugin6::PlanResourceChange::Request* request,
                                  tfplugin6::PlanResourceChange::Response* response) override;
  grpc::Status ApplyResourceChange(grpc::ServerContext* context,
                                   const tfplugin6::ApplyResourceChange::Request* request,
                                   tfplugin6::ApplyResourceChange::Response* response) override;
  grpc::Status ImportResourceState(grpc::ServerContext* context,
                                   const tfplugin6::ImportResourceState::Request* request,
                                   tfplugin6::ImportResourceState::Response* response) override;
  grpc::Status StopProvider(grpc::ServerContext* context,
                            const tfplugin6::StopProvider::Request* request,
                            tfplugin6::StopProvider::Response* response) override;

 private:
  struct DataSourceEntry {
    DataSource* data_source;
    cty::Type type;  // The schema's implied type, derived once.
  };

  struct ResourceEntry {
    Resource* resource;
    cty::Type type;
  };

  // Return nullptr and add an error diagnostic when `type_name` is not ours.
  const DataSourceEntry* FindDataSource(const std::string& type_name,
                                        Diagnostics& diagnostics) const;
  const ResourceEntry* FindResource(const std::string& type_name, Diagnostics& diagnostics) const;

  Provider& provider_;
  const cty::Type provider_type_;
  std::map<std::string, DataSourceEntry, std::less<>> data_sources_;
  std::map<std::string, ResourceEntry, std::less<>> resources_;

  std::once_flag schema_once_;
  tfplugin6::GetProviderSchema::Response schema_response_;
};

}  // namespace tfprotocol

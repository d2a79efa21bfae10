// data "agora_ncs_ips": Agora's Notifications server IPs as sorted, de-duplicated address and
// CIDR lists (optionally aggregated and chunked), with a content fingerprint. Never publishes
// fewer than min_count addresses.
#pragma once

#include "internal/tfprotocol/provider.h"

namespace agora {

class AgoraProvider;

class NcsIpsDataSource final : public tfprotocol::DataSource {
 public:
  // `provider` must outlive the data source.
  explicit NcsIpsDataSource(AgoraProvider& provider);

  std::string_view type_name() const override { return "agora_ncs_ips"; }
  const tfprotocol::Schema& schema() const override { return schema_; }
  tfprotocol::Diagnostics Validate(const cty::Value& config) const override;
  tfprotocol::ReadDataSourceResponse Read(
      const tfprotocol::CallContext& context,
      const tfprotocol::ReadDataSourceRequest& request) override;

 private:
  AgoraProvider& provider_;
  const tfprotocol::Schema schema_;
};

}  // namespace agora

// resource "agora_ncs_ip_set": Agora's Notifications IPs kept in Terraform state as a reviewed
// allow-list, with a shrink guard (max_removed_percent), a last-known-good fallback
// (on_fetch_error = "keep") and a grace period for removed addresses. Refresh reads Agora into
// private state; plans are computed from state alone (provider/addresses/publication.h), so a saved plan
// applies exactly what was reviewed and apply makes no request except on create.
// docs/resources/ncs_ip_set.md is the user's guide.
#pragma once

#include "internal/tfprotocol/provider.h"

namespace agora {

class AgoraProvider;

class NcsIpSetResource final : public tfprotocol::Resource {
 public:
  // `provider` must outlive the resource.
  explicit NcsIpSetResource(AgoraProvider& provider);

  std::string_view type_name() const override { return "agora_ncs_ip_set"; }
  const tfprotocol::Schema& schema() const override { return schema_; }
  tfprotocol::Diagnostics Validate(const cty::Value& config) const override;
  tfprotocol::ReadResourceResponse Read(const tfprotocol::CallContext& context,
                                        const tfprotocol::ReadResourceRequest& request) override;
  tfprotocol::PlanResourceResponse Plan(const tfprotocol::CallContext& context,
                                        const tfprotocol::PlanResourceRequest& request) override;
  tfprotocol::ApplyResourceResponse Apply(const tfprotocol::CallContext& context,
                                          const tfprotocol::ApplyResourceRequest& request) override;
  tfprotocol::ImportResourceResponse Import(
      const tfprotocol::CallContext& context,
      const tfprotocol::ImportResourceRequest& request) override;
  // Version 0 (provider 0.1.x) to 1: ip_set::UpgradeV0.
  tfprotocol::UpgradeResourceStateResponse UpgradeState(
      const tfprotocol::UpgradeResourceStateRequest& request) override;

 private:
  // False, with an error, when a stored state's arguments are not ones Validate accepts (a state
  // edited by hand): every later step relies on them.
  bool StoredArgumentsUsable(const cty::Value& state, tfprotocol::Diagnostics& d) const;

  AgoraProvider& provider_;
  const tfprotocol::Schema schema_;
  const cty::Type type_;
};

}  // namespace agora

// The Agora provider: the provider block's settings, the configured HTTP stack every data source
// and resource share, the per-process snapshot cache and cancellation.
//
// Thread-safety: Configure() may run again (reattach mode) while reads are in flight; readers take
// a shared_ptr to the configuration current at their start.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "internal/base/env.h"
#include "internal/tfprotocol/provider.h"
#include "provider/agora_api/cancellation.h"
#include "provider/agora_api/clock.h"
#include "provider/agora_api/http_transport.h"
#include "provider/agora_api/ncs_client.h"
#include "provider/agora_api/snapshot_cache.h"
#include "provider/terraform/settings.h"

namespace agora {

class AgoraProvider final : public tfprotocol::Provider {
 public:
  using TransportFactory =
      std::function<std::unique_ptr<HttpTransport>(const ProviderSettings& settings)>;

  // `env` and `clock` must outlive the provider. The factory builds the HTTP stack from the
  // settings at configure time (libcurl by default).
  AgoraProvider(const base::Env& env, Clock& clock, TransportFactory transport_factory = nullptr);
  ~AgoraProvider() override;
  AgoraProvider(const AgoraProvider&) = delete;
  AgoraProvider& operator=(const AgoraProvider&) = delete;

  const tfprotocol::Schema& schema() const override { return schema_; }
  std::vector<tfprotocol::DataSource*> data_sources() override;
  std::vector<tfprotocol::Resource*> resources() override;
  tfprotocol::Diagnostics ValidateConfig(const cty::Value& config) const override;
  tfprotocol::Diagnostics Configure(const tfprotocol::ConfigureRequest& request) override;
  void Stop() override;

  // What data sources use: one per ConfigureProvider call, i.e. per Terraform command (a provider
  // process serves one command, except in debug mode, where one process serves many).
  struct Configured {
    ProviderSettings settings;
    std::unique_ptr<HttpTransport> transport;
    std::string terraform_version;
    // This command's reads and StopProvider, so that in debug mode a later command reads Agora
    // afresh and is not cancelled by an earlier command's interrupt.
    mutable SnapshotCache cache;
    mutable Cancellation cancellation;
  };
  // The current configuration; an error diagnostic if Configure has not succeeded.
  std::shared_ptr<const Configured> configured() const;
  // Reads the service's IPs once per (service, credentials, endpoint chain) per command.
  std::shared_ptr<const SnapshotCache::Result> FetchSnapshot(const Configured& configured,
                                                             NcsService service);
  Clock& clock() const { return clock_; }

 private:
  const base::Env& env_;
  Clock& clock_;
  TransportFactory transport_factory_;
  const tfprotocol::Schema schema_;
  std::vector<std::unique_ptr<tfprotocol::DataSource>> data_sources_;
  std::vector<std::unique_ptr<tfprotocol::Resource>> resources_;

  mutable absl::Mutex mu_;
  std::shared_ptr<const Configured> configured_ ABSL_GUARDED_BY(mu_);
};

}  // namespace agora

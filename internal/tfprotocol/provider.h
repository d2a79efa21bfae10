// The interfaces a provider implements; the tfplugin6 service (provider_service.h) adapts gRPC
// calls to them. Implementations see cty values, schemas and diagnostics only. Each call takes a
// request struct and the call's context, and returns a response struct, so that fields can be
// added without touching every implementation (terraform-plugin-go is shaped the same way).
//
// Thread-safety: Terraform calls RPCs concurrently, so every method may run on several threads at
// once, and Stop() may arrive while Read() is in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "internal/cty/value.h"
#include "internal/tfprotocol/diagnostics.h"
#include "internal/tfprotocol/schema.h"

namespace tfprotocol {

// What a provider may know about the RPC it is serving: its name (for logs), the caller's
// deadline, and whether the caller has gone away (Terraform cancelled the call or exited). Cheap
// to copy. A default-constructed context has no deadline and is never cancelled (unit tests).
class CallContext {
 public:
  CallContext() = default;
  CallContext(std::string rpc, absl::Time deadline, std::function<bool()> cancelled)
      : rpc_(std::move(rpc)), deadline_(deadline), cancelled_(std::move(cancelled)) {}

  const std::string& rpc() const { return rpc_; }
  // absl::InfiniteFuture() when the caller set none (Terraform sets none today).
  absl::Time deadline() const { return deadline_; }
  // True once the caller cancelled the call or its deadline passed.
  bool cancelled() const { return (cancelled_ && cancelled_()) || absl::Now() >= deadline_; }

 private:
  std::string rpc_;
  absl::Time deadline_ = absl::InfiniteFuture();
  std::function<bool()> cancelled_;
};

// --- Data sources
// ---------------------------------------------------------------------------------

struct ReadDataSourceRequest {
  cty::Value config;  // Wholly known, of the schema's implied type.
};

struct ReadDataSourceResponse {
  // A known, non-null object of the schema's implied type (every attribute present, no unknowns).
  // Ignored when diagnostics has errors.
  cty::Value state;
  Diagnostics diagnostics;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  // E.g. "example_thing": the provider's name, an underscore, the data source's.
  virtual std::string_view type_name() const = 0;
  virtual const Schema& schema() const = 0;
  // `config` is an object of the schema's implied type and may contain unknown values, which must
  // pass (they are checked once known, at read time).
  virtual Diagnostics Validate(const cty::Value& config) const = 0;
  virtual ReadDataSourceResponse Read(const CallContext& context,
                                      const ReadDataSourceRequest& request) = 0;
};

// --- Managed resources
// ----------------------------------------------------------------------------
//
// Terraform's life cycle of a resource instance (docs/design/terraform-plugin.md §10):
// refresh = Read(prior state, prior private) → plan = Plan(refreshed state, config) → apply =
// Plan again in a new process with the same inputs (its known values must not change) then
// Apply(planned state, planned private). Private state is opaque bytes Terraform stores beside
// the state and hands back; it never appears in plans or `terraform show`.

struct ReadResourceRequest {
  cty::Value current_state;  // Known, non-null, of the schema's implied type.
  std::string private_state;
};

struct ReadResourceResponse {
  // The refreshed state, or a null value when the remote object is gone (Terraform then plans to
  // create it again).
  cty::Value new_state;
  std::string private_state;
  Diagnostics diagnostics;
};

struct PlanResourceRequest {
  cty::Value prior_state;  // Null on create.
  // Terraform's merge of config and prior state: config values where set, prior values for
  // computed attributes the config leaves null. Never null here (destroy plans are answered by the
  // service without calling the resource).
  cty::Value proposed_new_state;
  cty::Value config;  // May contain unknowns.
  std::string prior_private;
};

struct PlanResourceResponse {
  // Of the schema's implied type. Values known here must not change at apply; unknown ones are
  // "(known after apply)".
  cty::Value planned_state;
  // Attributes whose change destroys and re-creates the object.
  std::vector<AttributePath> requires_replace;
  std::string planned_private;
  Diagnostics diagnostics;
};

struct ApplyResourceRequest {
  cty::Value prior_state;    // Null on create.
  cty::Value planned_state;  // Null on destroy.
  cty::Value config;         // Null on destroy.
  std::string planned_private;
};

struct ApplyResourceResponse {
  // Wholly known and consistent with every known planned value; null after a destroy.
  cty::Value new_state;
  std::string private_state;
  Diagnostics diagnostics;
};

struct ImportResourceRequest {
  std::string id;  // What the user typed after the address, or the import block's id.
};

struct ImportResourceResponse {
  // Of the schema's implied type; attributes may be null: Terraform reads the resource next.
  cty::Value state;
  std::string private_state;
  Diagnostics diagnostics;
};

struct UpgradeResourceStateRequest {
  int64_t version = 0;  // The schema version the state was written with (< schema().version).
  std::string json;     // The stored state, as Terraform keeps it in the state file.
};

struct UpgradeResourceStateResponse {
  cty::Value upgraded_state;  // Of the current schema's implied type.
  Diagnostics diagnostics;
};

class Resource {
 public:
  virtual ~Resource() = default;
  virtual std::string_view type_name() const = 0;
  virtual const Schema& schema() const = 0;
  // As DataSource::Validate: unknowns must pass.
  virtual Diagnostics Validate(const cty::Value& config) const = 0;
  virtual ReadResourceResponse Read(const CallContext& context,
                                    const ReadResourceRequest& request) = 0;
  virtual PlanResourceResponse Plan(const CallContext& context,
                                    const PlanResourceRequest& request) = 0;
  virtual ApplyResourceResponse Apply(const CallContext& context,
                                      const ApplyResourceRequest& request) = 0;
  virtual ImportResourceResponse Import(const CallContext& context,
                                        const ImportResourceRequest& request) = 0;
  // Only called for states older than schema().version; states of the current version are decoded
  // by the service. The default refuses: a resource that bumps its version overrides this.
  virtual UpgradeResourceStateResponse UpgradeState(const UpgradeResourceStateRequest& request);
};

// --- The provider
// ---------------------------------------------------------------------------------

struct ConfigureRequest {
  std::string terraform_version;
  cty::Value config;  // Object of the provider schema's implied type; may be all-null.
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const Schema& schema() const = 0;
  // Data sources and resources by type name; the provider keeps ownership for its whole lifetime.
  virtual std::vector<DataSource*> data_sources() = 0;
  virtual std::vector<Resource*> resources() { return {}; }
  virtual Diagnostics ValidateConfig(const cty::Value& config) const = 0;
  // May be called more than once (reattach mode serves several Terraform runs).
  virtual Diagnostics Configure(const ConfigureRequest& request) = 0;
  // Terraform's StopProvider (Ctrl-C): cancel in-flight work promptly. Returns at once.
  virtual void Stop() = 0;
};

}  // namespace tfprotocol

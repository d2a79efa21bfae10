// The interfaces a provider implements; the tfplugin6 service (provider_service.h) adapts gRPC
// calls to them. Implementations see cty values, schemas and diagnostics only.
//
// Thread-safety: Terraform calls RPCs concurrently, so every method may run on several threads at
// once, and Stop() may arrive while Read() is in flight.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "internal/cty/value.h"
#include "internal/tfprotocol/diagnostics.h"
#include "internal/tfprotocol/schema.h"

namespace tfprotocol {

struct ReadResult {
  // A known, non-null object of the data source schema's implied type (every attribute present,
  // no unknowns). Ignored when diagnostics has errors.
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
  // `config` is wholly known.
  virtual ReadResult Read(const cty::Value& config) = 0;
};

struct ConfigureRequest {
  std::string terraform_version;
  cty::Value config;  // Object of the provider schema's implied type; may be all-null.
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual const Schema& schema() const = 0;
  // Data sources by type name; the provider keeps ownership for its whole lifetime.
  virtual std::vector<DataSource*> data_sources() = 0;
  virtual Diagnostics ValidateConfig(const cty::Value& config) const = 0;
  // May be called more than once (reattach mode serves several Terraform runs).
  virtual Diagnostics Configure(const ConfigureRequest& request) = 0;
  // Terraform's StopProvider (Ctrl-C): cancel in-flight work promptly. Returns at once.
  virtual void Stop() = 0;
};

}  // namespace tfprotocol

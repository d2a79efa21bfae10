// The provider block: its schema, validation of known values (at validate time, each error on its
// attribute), and resolution into ProviderSettings with the environment fallbacks
// docs/design/product-contract.md §3 lists. Credentials are not required here: only a read needs
// them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "internal/base/env.h"
#include "internal/cty/value.h"
#include "internal/tfprotocol/diagnostics.h"
#include "internal/tfprotocol/schema.h"
#include "provider/setting_checks.h"

namespace agora {

// A setting's value and where it came from ("customer_id" or "AGORA_CUSTOMER_ID"), for messages.
struct Sourced {
  std::string value;
  std::string source;
};

struct ProviderSettings {
  std::optional<Sourced> customer_id;
  std::optional<Sourced> customer_secret;  // Never logged or put in a message.
  std::vector<std::string> endpoints;      // Base URLs in failover order, no trailing slash.
  std::string endpoints_source;
  absl::Duration request_timeout = absl::Seconds(10);
  absl::Duration total_timeout = absl::Seconds(60);
  int max_retries = 3;
  std::string proxy_url;
  std::string no_proxy;
  std::string ca_cert_pem;
  std::string ca_cert_file;
  std::string ca_cert_dir;  // SSL_CERT_DIR, when neither of the above nor SSL_CERT_FILE is set.
  bool insecure = false;
  // Names of provider attributes whose values were unknown at configure time; a read cannot
  // proceed until they are known.
  std::vector<std::string> unknown_attributes;
};

tfprotocol::Schema ProviderSchema();

// Checks every known value in `config` (an object of ProviderSchema's type). Unknown values pass.
tfprotocol::Diagnostics ValidateProviderConfig(const cty::Value& config);

// Resolves `config` plus the environment into settings; environment values are validated here
// (their diagnostics name the variable). Errors leave `out` unspecified.
tfprotocol::Diagnostics ResolveProviderSettings(const cty::Value& config, const base::Env& env,
                                                ProviderSettings* out);

}  // namespace agora

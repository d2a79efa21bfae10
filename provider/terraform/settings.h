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
#include "provider/agora_api/client_settings.h"
#include "provider/agora_api/setting_checks.h"

namespace agora {

tfprotocol::Schema ProviderSchema();

// Checks every known value in `config` (an object of ProviderSchema's type). Unknown values pass.
tfprotocol::Diagnostics ValidateProviderConfig(const cty::Value& config);

// Resolves `config` plus the environment into settings; environment values are validated here
// (their diagnostics name the variable). Errors leave `out` unspecified.
tfprotocol::Diagnostics ResolveProviderSettings(const cty::Value& config, const base::Env& env,
                                                ProviderSettings* out);

}  // namespace agora

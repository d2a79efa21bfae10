// What the Agora API client runs with: the provider block and its environment fallbacks, resolved
// (provider/terraform/settings.h does that, with a diagnostic per attribute). Plain values: this
// layer never sees cty or a schema (ARCHITECTURE.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

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

}  // namespace agora

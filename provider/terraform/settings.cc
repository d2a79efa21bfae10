#include "provider/terraform/settings.h"

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "provider/agora_api/setting_checks.h"

namespace agora {
namespace {

using tfprotocol::AttributePath;
using tfprotocol::Diagnostics;

constexpr const char* kDefaultEndpoints[] = {"https://api.agora.io", "https://api.sd-rtn.com"};
constexpr int64_t kMaxRetriesLimit = 10;

// Calls `check` on a known, non-null string attribute and reports its error on the attribute.
template <typename Check>
void CheckString(const cty::Value& config, const char* name, const char* summary, Check check,
                 Diagnostics& diagnostics) {
  cty::Value v = config.GetAttr(name);
  if (v.is_null() || !v.is_known()) return;
  absl::Status status = check(v.as_string());
  if (!status.ok()) diagnostics.AddStatusError(summary, status, AttributePath::Attr(name));
}

absl::Status NonEmpty(absl::string_view value) {
  if (absl::StripAsciiWhitespace(value).empty())
    return absl::InvalidArgumentError("The value is empty.");
  return absl::OkStatus();
}

absl::Status ValidDuration(absl::string_view value) { return ParseGoDuration(value).status(); }
absl::Status ValidRequestTimeout(absl::string_view value) {
  return ParseRequestTimeout(value).status();
}

// The attribute's string value, else the first set environment variable, else nullopt.
std::optional<Sourced> StringWithFallback(const cty::Value& config, const char* name,
                                          const base::Env& env,
                                          std::initializer_list<const char*> variables) {
  cty::Value v = config.GetAttr(name);
  if (!v.is_null() && v.is_known()) return Sourced{v.as_string(), name};
  for (const char* variable : variables) {
    if (std::optional<std::string> value = env.Get(variable); value && !value->empty()) {
      return Sourced{*value, variable};
    }
  }
  return std::nullopt;
}

}  // namespace

tfprotocol::Schema ProviderSchema() {
  tfprotocol::Schema schema;
  tfprotocol::Block& b = schema.block;
  b.description =
      "The Agora provider reads Agora's RESTful API, starting with the IP addresses of Agora's "
      "Notifications servers, for firewall allow-lists.";
  b.attributes = {
      tfprotocol::Attribute::Optional(
          "customer_id", cty::Type::String(),
          "Customer ID of an Agora RESTful API key (the Basic-auth user). Falls back to "
          "`AGORA_CUSTOMER_ID`. Needed only when Agora is read (a data source, or the resource's "
          "refresh and create), so `terraform validate` works without it."),
      tfprotocol::Attribute::Optional(
          "customer_secret", cty::Type::String(),
          "Customer secret of the RESTful API key. Falls back to `AGORA_CUSTOMER_SECRET`. "
          "Never logged, never stored in state.")
          .AsSensitive(),
      tfprotocol::Attribute::Optional(
          "endpoints", cty::Type::List(cty::Type::String()),
          "Base URLs tried in order. Defaults to `[\"https://api.agora.io\", "
          "\"https://api.sd-rtn.com\"]`; falls back to `AGORA_ENDPOINTS` "
          "(comma-separated). Not empty; `http://` is refused unless the host is loopback."),
      tfprotocol::Attribute::Optional(
          "region", cty::Type::String(),
          "Agora region whose regional domains are appended to the endpoint chain "
          "(`https://api-<region>.agora.io`, `https://api-<region>.sd-rtn.com`). One of `" +
              absl::StrReplaceAll(RegionList(), {{", ", "`, `"}}) +
              "`. Falls back to `AGORA_REGION`."),
      tfprotocol::Attribute::Optional(
          "request_timeout", cty::Type::String(),
          "Time limit of one attempt (connect, TLS and the whole body), as a Go duration "
          "of at least 1ms. Default `\"10s\"`."),
      tfprotocol::Attribute::Optional(
          "total_timeout", cty::Type::String(),
          "Time limit of a whole read over every retry and endpoint, as a Go duration no "
          "shorter than `request_timeout`. Default `\"60s\"`."),
      tfprotocol::Attribute::Optional(
          "max_retries", cty::Type::Number(),
          "Retries per endpoint for transient failures (network errors, timeouts, 429, 5xx), "
          "with Agora's 1 s, 3 s, 6 s backoff. 0 to 10, default `3`."),
      tfprotocol::Attribute::Optional(
          "proxy_url", cty::Type::String(),
          "HTTP(S) or SOCKS5 proxy. Falls back to `HTTPS_PROXY`/`https_proxy` (a value without a "
          "scheme, `host:port`, means `http://`); `NO_PROXY`/`no_proxy` lists hosts that bypass "
          "it. `ca_cert_pem`, `ca_cert_file` and `insecure` apply to an `https://` proxy too."),
      tfprotocol::Attribute::Optional(
          "ca_cert_pem", cty::Type::String(),
          "PEM certificates to trust instead of the system store (e.g. a TLS-inspecting "
          "proxy's CA)."),
      tfprotocol::Attribute::Optional(
          "ca_cert_file", cty::Type::String(),
          "Path of a PEM CA bundle to trust instead of the system store. Falls back to "
          "`SSL_CERT_FILE`. Without either, the system store is found as Go programs find it "
          "(the distribution's CA bundle and hashed directories, or `SSL_CERT_DIR`)."),
      tfprotocol::Attribute::Optional(
          "insecure", cty::Type::Bool(),
          "Skip TLS certificate verification. Every read then carries a warning. Default "
          "`false`."),
  };
  return schema;
}

Diagnostics ValidateProviderConfig(const cty::Value& config) {
  Diagnostics d;
  CheckString(config, "customer_id", "Invalid customer_id", ValidCustomerId, d);
  CheckString(config, "customer_secret", "Invalid customer_secret", NonEmpty, d);
  CheckString(config, "region", "Invalid region", ValidateRegion, d);
  CheckString(config, "request_timeout", "Invalid request_timeout", ValidRequestTimeout, d);
  CheckString(config, "total_timeout", "Invalid total_timeout", ValidDuration, d);
  CheckString(config, "proxy_url", "Invalid proxy_url", ValidateProxyUrl, d);
  CheckString(config, "ca_cert_pem", "Invalid ca_cert_pem", ValidateCaPem, d);

  cty::Value endpoints = config.GetAttr("endpoints");
  if (!endpoints.is_null() && endpoints.is_known()) {
    if (endpoints.elements().empty()) {
      d.AddError("Invalid endpoints", "The list is empty; give at least one base URL or omit it.",
                 AttributePath::Attr("endpoints"));
    }
    for (size_t i = 0; i < endpoints.elements().size(); ++i) {
      const cty::Value& e = endpoints.elements()[i];
      AttributePath path = AttributePath::Attr("endpoints").Index(static_cast<int64_t>(i));
      if (e.is_null()) {
        d.AddError("Invalid endpoints", "An endpoint is null.", path);
      } else if (e.is_known()) {
        absl::StatusOr<std::string> normalised = NormaliseEndpoint(e.as_string());
        if (!normalised.ok()) d.AddStatusError("Invalid endpoints", normalised.status(), path);
      }
    }
  }

  cty::Value retries = config.GetAttr("max_retries");
  if (!retries.is_null() && retries.is_known()) {
    std::optional<int64_t> n = retries.as_number().ToInt64();
    if (!n || *n < 0 || *n > kMaxRetriesLimit) {
      d.AddError("Invalid max_retries",
                 absl::StrCat("max_retries must be a whole number from 0 to ", kMaxRetriesLimit,
                              "; got ", retries.as_number().ToShortString(), "."),
                 AttributePath::Attr("max_retries"));
    }
  }

  cty::Value request_timeout = config.GetAttr("request_timeout");
  cty::Value total_timeout = config.GetAttr("total_timeout");
  if (!request_timeout.is_null() && request_timeout.is_known() && !total_timeout.is_null() &&
      total_timeout.is_known()) {
    auto r = ParseGoDuration(request_timeout.as_string());
    auto t = ParseGoDuration(total_timeout.as_string());
    if (r.ok() && t.ok() && *r > *t) {
      d.AddError("Invalid total_timeout",
                 absl::StrCat("total_timeout (", total_timeout.as_string(),
                              ") is shorter than request_timeout (", request_timeout.as_string(),
                              "), so no attempt could use its full time."),
                 AttributePath::Attr("total_timeout"));
    }
  }

  cty::Value pem = config.GetAttr("ca_cert_pem");
  cty::Value file = config.GetAttr("ca_cert_file");
  if (!pem.is_null() && !file.is_null()) {
    d.AddError("Conflicting CA settings", "Set either ca_cert_pem or ca_cert_file, not both.",
               AttributePath::Attr("ca_cert_file"));
  }
  return d;
}

Diagnostics ResolveProviderSettings(const cty::Value& config, const base::Env& env,
                                    ProviderSettings* out) {
  Diagnostics d = ValidateProviderConfig(config);
  if (d.has_errors()) return d;
  ProviderSettings s;
  for (const auto& [name, value] : config.attributes()) {
    if (!value.is_wholly_known()) s.unknown_attributes.push_back(name);
  }

  s.customer_id = StringWithFallback(config, "customer_id", env, {"AGORA_CUSTOMER_ID"});
  if (s.customer_id && s.customer_id->source != "customer_id") {
    absl::Status status = ValidCustomerId(s.customer_id->value);
    if (!status.ok()) d.AddStatusError("Invalid AGORA_CUSTOMER_ID", status);
  }
  s.customer_secret = StringWithFallback(config, "customer_secret", env, {"AGORA_CUSTOMER_SECRET"});

  // The endpoint chain: configured (or AGORA_ENDPOINTS, or the defaults), then the region's.
  cty::Value endpoints = config.GetAttr("endpoints");
  std::vector<std::string> raw;
  if (!endpoints.is_null() && endpoints.is_wholly_known()) {
    for (const cty::Value& e : endpoints.elements()) raw.push_back(e.as_string());
    s.endpoints_source = "endpoints";
  } else if (std::optional<std::string> value = env.Get("AGORA_ENDPOINTS");
             value && !absl::StripAsciiWhitespace(*value).empty()) {
    for (absl::string_view part : absl::StrSplit(*value, ',', absl::SkipWhitespace())) {
      raw.emplace_back(absl::StripAsciiWhitespace(part));
    }
    s.endpoints_source = "AGORA_ENDPOINTS";
  } else {
    raw.assign(std::begin(kDefaultEndpoints), std::end(kDefaultEndpoints));
    s.endpoints_source = "the default endpoints";
  }
  for (const std::string& e : raw) {
    absl::StatusOr<std::string> normalised = NormaliseEndpoint(e);
    if (!normalised.ok()) {
      d.AddStatusError(absl::StrCat("Invalid endpoint in ", s.endpoints_source),
                       normalised.status());
    } else {
      s.endpoints.push_back(*normalised);
    }
  }
  if (std::optional<Sourced> region = StringWithFallback(config, "region", env, {"AGORA_REGION"})) {
    absl::Status status = ValidateRegion(region->value);
    if (!status.ok()) {
      d.AddStatusError(absl::StrCat("Invalid ", region->source), status);
    } else {
      s.endpoints.push_back(absl::StrCat("https://api-", region->value, ".agora.io"));
      s.endpoints.push_back(absl::StrCat("https://api-", region->value, ".sd-rtn.com"));
    }
  }

  if (cty::Value v = config.GetAttr("request_timeout"); !v.is_null() && v.is_known()) {
    s.request_timeout = *ParseRequestTimeout(v.as_string());
  }
  if (cty::Value v = config.GetAttr("total_timeout"); !v.is_null() && v.is_known()) {
    s.total_timeout = *ParseGoDuration(v.as_string());
  }
  if (cty::Value v = config.GetAttr("max_retries"); !v.is_null() && v.is_known()) {
    s.max_retries = static_cast<int>(*v.as_number().ToInt64());
  }
  if (cty::Value v = config.GetAttr("insecure"); !v.is_null() && v.is_known()) {
    s.insecure = v.as_bool();
  }

  if (std::optional<Sourced> proxy =
          StringWithFallback(config, "proxy_url", env, {"HTTPS_PROXY", "https_proxy"})) {
    if (proxy->source != "proxy_url") proxy->value = ProxyUrlFromEnvironment(proxy->value);
    absl::Status status = ValidateProxyUrl(proxy->value);
    if (!status.ok()) {
      d.AddStatusError(absl::StrCat("Invalid ", proxy->source), status);
    } else {
      s.proxy_url = proxy->value;
    }
  }
  for (const char* variable : {"NO_PROXY", "no_proxy"}) {
    if (std::optional<std::string> value = env.Get(variable); value && !value->empty()) {
      s.no_proxy = *value;
      break;
    }
  }

  if (cty::Value v = config.GetAttr("ca_cert_pem"); !v.is_null() && v.is_known()) {
    s.ca_cert_pem = v.as_string();
  } else if (std::optional<Sourced> file =
                 StringWithFallback(config, "ca_cert_file", env, {"SSL_CERT_FILE"})) {
    // Checked here rather than at the first TLS handshake, where it would look like a
    // verification failure of Agora's certificate.
    absl::Status status = ValidateCaFile(file->value);
    if (!status.ok()) {
      d.AddStatusError(absl::StrCat("Invalid ", file->source), status,
                       file->source == "ca_cert_file"
                           ? std::optional<AttributePath>(AttributePath::Attr("ca_cert_file"))
                           : std::nullopt);
    }
    s.ca_cert_file = file->value;
  } else if (std::optional<std::string> dir = env.Get("SSL_CERT_DIR"); dir && !dir->empty()) {
    s.ca_cert_dir = *dir;  // Replaces the probed system directories (provider/agora_api/ca_store.h).
  }
  *out = std::move(s);
  return d;
}

}  // namespace agora

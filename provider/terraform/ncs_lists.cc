#include "provider/terraform/ncs_lists.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "provider/terraform/agora_provider.h"

namespace agora {
namespace {

using tfprotocol::Attribute;
using tfprotocol::AttributePath;
using tfprotocol::Diagnostic;
using tfprotocol::Diagnostics;

constexpr int64_t kMaxMinCount = 100000;
constexpr int64_t kMaxChunkSize = 1000;

const cty::Type kStringList = cty::Type::List(cty::Type::String());

constexpr const char* kOutputNames[] = {
    "fingerprint", "ip_addresses",     "ipv4_addresses",    "ipv6_addresses",
    "cidr_blocks", "ipv6_cidr_blocks", "cidr_block_chunks", "ipv6_cidr_block_chunks"};

template <typename T>
std::vector<std::string> Strings(const std::vector<T>& items) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const T& item : items) out.push_back(item.ToString());
  return out;
}

cty::Value ChunkList(const std::vector<std::vector<std::string>>& cut) {
  cty::Value::Elements chunks;
  for (const auto& chunk : cut) chunks.push_back(StringList(chunk));
  return cty::Value::List(kStringList, std::move(chunks));
}

std::vector<std::vector<std::string>> ChunksIn(const cty::Value& list) {
  std::vector<std::vector<std::string>> out;
  if (list.is_null() || !list.is_known()) return out;
  for (const cty::Value& chunk : list.elements()) {
    std::vector<std::string>& items = out.emplace_back();
    if (chunk.is_null() || !chunk.is_known()) continue;
    for (const cty::Value& item : chunk.elements()) {
      if (item.is_known() && !item.is_null()) items.push_back(item.as_string());
    }
  }
  return out;
}

absl::string_view SummaryFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kUnauthenticated:
      return "Agora rejected the credentials";
    case absl::StatusCode::kPermissionDenied:
      return "Agora refused access";
    case absl::StatusCode::kFailedPrecondition:
      return "Cannot read Agora's Notifications IPs";
    case absl::StatusCode::kCancelled:
      return "Read of Agora's Notifications IPs cancelled";
    case absl::StatusCode::kDeadlineExceeded:
      return "Agora did not answer in time";
    case absl::StatusCode::kInvalidArgument:
      return "Unusable answer from Agora";
    default:
      return "Could not read Agora's Notifications IPs";
  }
}

Diagnostic Error(std::string summary, std::string detail) {
  return Diagnostic{tfprotocol::Severity::kError, std::move(summary), std::move(detail), {}};
}

}  // namespace

std::vector<Attribute> ListArgumentSchema() {
  return {
      Attribute::OptionalComputed(
          "service", cty::Type::String(),
          "Which product's Notifications IPs: `rtc` (default) and `media_gateway` read "
          "`/v2/ncs/ip`; `cloud_recording` and `cloud_transcoding` read `/v1/ncs/ip`."),
      Attribute::OptionalComputed(
          "min_count", cty::Type::Number(),
          "Fewer addresses than this is an error, never a shorter allow-list. 1 to 100000, "
          "default `1`."),
      Attribute::OptionalComputed(
          "chunk_size", cty::Type::Number(),
          "Size of the `*_chunks` pieces (AWS allows 60 rules per security group, GCP 256 "
          "ranges per rule). 1 to 1000, default `50`."),
      Attribute::OptionalComputed(
          "aggregate", cty::Type::Bool(),
          "Merge adjacent addresses into the fewest CIDR blocks covering exactly the same "
          "addresses (never wider). Default `false`."),
  };
}

std::vector<Attribute> ListOutputSchema(const std::string& what) {
  return {
      Attribute::Computed("fingerprint", cty::Type::String(),
                          "`sha256:<hex>` of the normalised address set: changes exactly when "
                          "the set changes."),
      Attribute::Computed(
          "ip_addresses", kStringList,
          absl::StrCat(what, ", IPv4 first, each family sorted numerically, without duplicates.")),
      Attribute::Computed("ipv4_addresses", kStringList, "The IPv4 addresses."),
      Attribute::Computed("ipv6_addresses", kStringList, "The IPv6 addresses."),
      Attribute::Computed(
          "cidr_blocks", kStringList,
          "IPv4 addresses as `/32` blocks (or aggregated), as `aws_security_group` takes them."),
      Attribute::Computed("ipv6_cidr_blocks", kStringList,
                          "IPv6 addresses as `/128` blocks (or aggregated)."),
      Attribute::Computed(
          "cidr_block_chunks", cty::Type::List(kStringList),
          "`cidr_blocks` cut into pieces of at most `chunk_size`, one rule or group each."),
      Attribute::Computed("ipv6_cidr_block_chunks", cty::Type::List(kStringList),
                          "`ipv6_cidr_blocks` cut into pieces of at most `chunk_size`."),
  };
}

void CheckWholeNumber(const cty::Value& config, const char* name, int64_t min, int64_t max,
                      Diagnostics& d) {
  cty::Value v = config.GetAttr(name);
  if (v.is_null() || !v.is_known()) return;
  std::optional<int64_t> n = v.as_number().ToInt64();
  if (!n || *n < min || *n > max) {
    d.AddError(absl::StrCat("Invalid ", name),
               absl::StrCat(name, " must be a whole number from ", min, " to ", max, "; got ",
                            v.as_number().ToShortString(), "."),
               AttributePath::Attr(name));
  }
}

void ValidateListArguments(const cty::Value& config, Diagnostics& d) {
  cty::Value service = config.GetAttr("service");
  if (!service.is_null() && service.is_known() && !ParseNcsService(service.as_string())) {
    d.AddError("Invalid service",
               absl::StrCat("\"", service.as_string(),
                            "\" is not a service with Notifications IPs. Use one of: rtc, "
                            "media_gateway, cloud_recording, cloud_transcoding."),
               AttributePath::Attr("service"));
  }
  CheckWholeNumber(config, "min_count", 1, kMaxMinCount, d);
  CheckWholeNumber(config, "chunk_size", 1, kMaxChunkSize, d);
}

ListArguments ListArgumentsOf(const cty::Value& config) {
  ListArguments out;
  if (cty::Value v = config.GetAttr("service"); !v.is_null()) {
    out.service_name = v.as_string();
    out.service = *ParseNcsService(out.service_name);
  }
  if (cty::Value v = config.GetAttr("min_count"); !v.is_null()) {
    out.min_count = *v.as_number().ToInt64();
  }
  if (cty::Value v = config.GetAttr("chunk_size"); !v.is_null()) {
    out.chunk_size = *v.as_number().ToInt64();
  }
  if (cty::Value v = config.GetAttr("aggregate"); !v.is_null()) out.aggregate = v.as_bool();
  return out;
}

void PutListArguments(const ListArguments& arguments, cty::Value::Attributes& state) {
  state["service"] = cty::Value::String(arguments.service_name);
  state["min_count"] = cty::Value::Int(arguments.min_count);
  state["chunk_size"] = cty::Value::Int(arguments.chunk_size);
  state["aggregate"] = cty::Value::Bool(arguments.aggregate);
}

PriorChunks PriorChunksOf(const cty::Value& state) {
  return {ChunksIn(state.GetAttr("cidr_block_chunks")),
          ChunksIn(state.GetAttr("ipv6_cidr_block_chunks"))};
}

void PutListOutputs(const IpSet& set, const ListArguments& arguments, cty::Value::Attributes& state,
                    const PriorChunks* stable_from) {
  const std::vector<IpAddress> v4 = set.Family(IpFamily::kV4);
  const std::vector<IpAddress> v6 = set.Family(IpFamily::kV6);
  const std::vector<std::string> v4_cidrs =
      Strings(arguments.aggregate ? AggregateCidrs(v4) : HostCidrs(v4));
  const std::vector<std::string> v6_cidrs =
      Strings(arguments.aggregate ? AggregateCidrs(v6) : HostCidrs(v6));
  const size_t chunk_size = static_cast<size_t>(arguments.chunk_size);
  state["fingerprint"] = cty::Value::String(set.Fingerprint());
  state["ip_addresses"] = StringList(Strings(set.addresses()));
  state["ipv4_addresses"] = StringList(Strings(v4));
  state["ipv6_addresses"] = StringList(Strings(v6));
  state["cidr_blocks"] = StringList(v4_cidrs);
  state["ipv6_cidr_blocks"] = StringList(v6_cidrs);
  state["cidr_block_chunks"] = ChunkList(stable_from ? StableChunk(stable_from->v4, v4_cidrs, chunk_size)
                                                  : Chunk(v4_cidrs, chunk_size));
  state["ipv6_cidr_block_chunks"] =
      ChunkList(stable_from ? StableChunk(stable_from->v6, v6_cidrs, chunk_size)
                            : Chunk(v6_cidrs, chunk_size));
}

void PutUnknownListOutputs(cty::Value::Attributes& state) {
  for (const char* name : kOutputNames) {
    const bool chunks = absl::string_view(name).find("chunks") != absl::string_view::npos;
    state[name] = cty::Value::Unknown(name == absl::string_view("fingerprint") ? cty::Type::String()
                                      : chunks ? cty::Type::List(kStringList)
                                               : kStringList);
  }
}

cty::Value StringList(const std::vector<std::string>& items) {
  cty::Value::Elements elements;
  elements.reserve(items.size());
  for (const std::string& s : items) elements.push_back(cty::Value::String(s));
  return cty::Value::List(cty::Type::String(), std::move(elements));
}

std::vector<std::string> AddressStrings(const std::vector<IpAddress>& addresses) {
  return Strings(addresses);
}

std::optional<Diagnostic> MinCountError(size_t count, const std::string& url,
                                        const std::string& request_id, int64_t min_count) {
  if (static_cast<int64_t>(count) >= min_count) return std::nullopt;
  return Diagnostic{
      tfprotocol::Severity::kError, "Too few Notifications IPs",
      absl::StrCat("Agora returned ", count, count == 1 ? " address" : " addresses", " from ", url,
                   " (X-Request-ID: ", request_id, "), fewer than min_count = ", min_count,
                   ". Refusing to publish a shorter allow-list, which would drop Agora's "
                   "notifications. If the smaller list is expected, lower min_count."),
      AttributePath::Attr("min_count")};
}

LiveRead ReadLive(AgoraProvider& provider, const tfprotocol::CallContext& context,
                  NcsService service) {
  LiveRead read;
  std::shared_ptr<const AgoraProvider::Configured> configured = provider.configured();
  if (!configured) {
    read.failure = Error("Provider not configured",
                         "The agora provider was not configured before the read. Please report "
                         "this issue.");
    return read;
  }
  const ProviderSettings& settings = configured->settings;
  if (!settings.unknown_attributes.empty()) {
    read.failure =
        Error("Provider configuration not known yet",
              absl::StrCat("The provider \"agora\" block's ",
                           absl::StrJoin(settings.unknown_attributes, ", "),
                           " will only be known after apply, so Agora cannot be read now. Give the "
                           "provider values known at plan time."));
    return read;
  }
  // insecure only matters where TLS is used: not for an http:// endpoint (a local test double).
  const bool uses_tls = std::any_of(settings.endpoints.begin(), settings.endpoints.end(),
                                    [](const std::string& url) {
                                      return !absl::StartsWithIgnoreCase(url, "http://");
                                    });
  if (settings.insecure && uses_tls) {
    read.warnings.AddWarning(
        "TLS verification is disabled",
        "The provider \"agora\" block sets insecure = true: Agora's certificate is not checked, "
        "so anyone on the network path could change this allow-list. Use ca_cert_pem or "
        "ca_cert_file instead.");
  }
  if (context.cancelled()) {
    read.failure = Error(std::string(SummaryFor(absl::StatusCode::kCancelled)),
                         "Terraform cancelled the request before Agora was read.");
    return read;
  }
  read.fetched = provider.FetchSnapshot(*configured, service);
  if (!read.fetched->ok()) {
    const absl::StatusCode code = read.fetched->status().code();
    read.credentials = code == absl::StatusCode::kUnauthenticated ||
                       code == absl::StatusCode::kPermissionDenied || !settings.customer_id ||
                       !settings.customer_secret;
    read.failure = Error(std::string(SummaryFor(read.fetched->status().code())),
                         std::string(read.fetched->status().message()));
    return read;
  }
  for (const std::string& warning : (*read.fetched)->response.warnings) {
    read.warnings.AddWarning("Agora returned a host without an address", warning);
  }
  return read;
}

}  // namespace agora

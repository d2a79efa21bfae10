#include "provider/ncs_ips_data_source.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "provider/agora_provider.h"
#include "provider/ip_set.h"

namespace agora {
namespace {

using tfprotocol::AttributePath;
using tfprotocol::Diagnostics;

constexpr char kDefaultService[] = "rtc";
constexpr int64_t kDefaultMinCount = 1;
constexpr int64_t kMaxMinCount = 100000;
constexpr int64_t kDefaultChunkSize = 50;
constexpr int64_t kMaxChunkSize = 1000;

const cty::Type kStringList = cty::Type::List(cty::Type::String());

tfprotocol::Schema MakeSchema() {
  tfprotocol::Schema schema;
  schema.block.description =
      "The IP addresses of Agora's Notifications servers (`GET /v2/ncs/ip`), ready for firewall "
      "allow-lists. Agora changes them from time to time: re-read at least every 24 hours.";
  schema.block.attributes = {
      tfprotocol::Attribute::OptionalComputed(
          "service", cty::Type::String(),
          "Which product's Notifications IPs: `rtc` (default) and `media_gateway` read "
          "`/v2/ncs/ip`; `cloud_recording` and `cloud_transcoding` read `/v1/ncs/ip`."),
      tfprotocol::Attribute::OptionalComputed(
          "min_count", cty::Type::Number(),
          "Fewer addresses than this is an error, never a shorter allow-list. Default `1`."),
      tfprotocol::Attribute::OptionalComputed(
          "chunk_size", cty::Type::Number(),
          "Size of the `*_chunks` pieces (AWS allows 60 rules per security group, GCP 256 "
          "ranges per rule). 1 to 1000, default `50`."),
      tfprotocol::Attribute::OptionalComputed(
          "aggregate", cty::Type::Bool(),
          "Merge adjacent addresses into the fewest CIDR blocks covering exactly the same "
          "addresses (never wider). Default `false`."),
      tfprotocol::Attribute::Computed("id", cty::Type::String(), "Same as `fingerprint`."),
      tfprotocol::Attribute::Computed(
          "fingerprint", cty::Type::String(),
          "`sha256:<hex>` of the normalised address set: changes exactly when the set "
          "changes."),
      tfprotocol::Attribute::Computed(
          "ip_addresses", kStringList,
          "All addresses, IPv4 first, each family sorted numerically, without duplicates."),
      tfprotocol::Attribute::Computed("ipv4_addresses", kStringList, "The IPv4 addresses."),
      tfprotocol::Attribute::Computed("ipv6_addresses", kStringList, "The IPv6 addresses."),
      tfprotocol::Attribute::Computed(
          "cidr_blocks", kStringList,
          "IPv4 addresses as `/32` blocks (or aggregated), as `aws_security_group` takes them."),
      tfprotocol::Attribute::Computed("ipv6_cidr_blocks", kStringList,
                                      "IPv6 addresses as `/128` blocks (or aggregated)."),
      tfprotocol::Attribute::Computed(
          "cidr_block_chunks", cty::Type::List(kStringList),
          "`cidr_blocks` cut into pieces of at most `chunk_size`, one rule or group each."),
      tfprotocol::Attribute::Computed(
          "ipv6_cidr_block_chunks", cty::Type::List(kStringList),
          "`ipv6_cidr_blocks` cut into pieces of at most `chunk_size`."),
  };
  return schema;
}

// Checks a known whole-number argument against [min, max].
void CheckRange(const cty::Value& config, const char* name, int64_t min, int64_t max,
                Diagnostics& d) {
  cty::Value v = config.GetAttr(name);
  if (v.is_null() || !v.is_known()) return;
  std::optional<int64_t> n = v.as_number().ToInt64();
  if (!n || *n < min || *n > max) {
    d.AddError(absl::StrCat("Invalid ", name),
               absl::StrCat(name, " must be a whole number from ", min, " to ", max, "; got ",
                            v.as_number().ToString(), "."),
               AttributePath::Attr(name));
  }
}

int64_t IntOr(const cty::Value& config, const char* name, int64_t fallback) {
  cty::Value v = config.GetAttr(name);
  return v.is_null() ? fallback : *v.as_number().ToInt64();
}

std::vector<std::string> Strings(const std::vector<IpAddress>& addresses) {
  std::vector<std::string> out;
  out.reserve(addresses.size());
  for (const IpAddress& a : addresses) out.push_back(a.ToString());
  return out;
}

std::vector<std::string> Strings(const std::vector<Cidr>& cidrs) {
  std::vector<std::string> out;
  out.reserve(cidrs.size());
  for (const Cidr& c : cidrs) out.push_back(c.ToString());
  return out;
}

cty::Value StringList(const std::vector<std::string>& items) {
  cty::Value::Elements elements;
  elements.reserve(items.size());
  for (const std::string& s : items) elements.push_back(cty::Value::String(s));
  return cty::Value::List(cty::Type::String(), std::move(elements));
}

cty::Value ChunkList(const std::vector<std::string>& items, size_t size) {
  cty::Value::Elements chunks;
  for (const auto& chunk : Chunk(items, size)) chunks.push_back(StringList(chunk));
  return cty::Value::List(kStringList, std::move(chunks));
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

}  // namespace

NcsIpsDataSource::NcsIpsDataSource(AgoraProvider& provider)
    : provider_(provider), schema_(MakeSchema()) {}

Diagnostics NcsIpsDataSource::Validate(const cty::Value& config) const {
  Diagnostics d;
  cty::Value service = config.GetAttr("service");
  if (!service.is_null() && service.is_known() && !ParseNcsService(service.as_string())) {
    d.AddError("Invalid service",
               absl::StrCat("\"", service.as_string(),
                            "\" is not a service with Notifications IPs. Use one of: rtc, "
                            "media_gateway, cloud_recording, cloud_transcoding."),
               AttributePath::Attr("service"));
  }
  CheckRange(config, "min_count", 1, kMaxMinCount, d);
  CheckRange(config, "chunk_size", 1, kMaxChunkSize, d);
  return d;
}

tfprotocol::ReadResult NcsIpsDataSource::Read(const cty::Value& config) {
  tfprotocol::ReadResult result;
  Diagnostics& d = result.diagnostics;
  d = Validate(config);
  if (d.has_errors()) return result;

  std::shared_ptr<const AgoraProvider::Configured> configured = provider_.configured();
  if (!configured) {
    d.AddError("Provider not configured",
               "The agora provider was not configured before the read. Please report this issue.");
    return result;
  }
  const ProviderSettings& settings = configured->settings;
  if (!settings.unknown_attributes.empty()) {
    d.AddError("Provider configuration not known yet",
               absl::StrCat("The provider \"agora\" block's ",
                            absl::StrJoin(settings.unknown_attributes, ", "),
                            " will only be known after apply, so this data source cannot be "
                            "read now. Give the provider values known at plan time."));
    return result;
  }
  if (settings.insecure) {
    d.AddWarning("TLS verification is disabled",
                 "The provider \"agora\" block sets insecure = true: Agora's certificate is not "
                 "checked, so anyone on the network path could change this allow-list. Use "
                 "ca_cert_pem or ca_cert_file instead.",
                 AttributePath::Attr("insecure"));
  }

  cty::Value service_value = config.GetAttr("service");
  NcsService service =
      *ParseNcsService(service_value.is_null() ? kDefaultService : service_value.as_string());
  std::shared_ptr<const SnapshotCache::Result> fetched =
      provider_.FetchSnapshot(*configured, service);
  if (!fetched->ok()) {
    d.AddError(std::string(SummaryFor(fetched->status().code())),
               std::string(fetched->status().message()));
    return result;
  }
  const NcsFetchResult& snapshot = **fetched;
  for (const std::string& warning : snapshot.response.warnings) {
    d.AddWarning("Agora returned a host without an address", warning);
  }

  const IpSet set(snapshot.response.addresses);
  const int64_t min_count = IntOr(config, "min_count", kDefaultMinCount);
  if (static_cast<int64_t>(set.size()) < min_count) {
    d.AddError(
        "Too few Notifications IPs",
        absl::StrCat("Agora returned ", set.size(), set.size() == 1 ? " address" : " addresses",
                     " from ", snapshot.url, " (X-Request-ID: ", snapshot.request_id,
                     "), fewer than min_count = ", min_count,
                     ". Refusing to publish a shorter allow-list, which would drop Agora's "
                     "notifications. If the smaller list is expected, lower min_count."),
        AttributePath::Attr("min_count"));
    return result;
  }

  const bool aggregate = [&] {
    cty::Value v = config.GetAttr("aggregate");
    return !v.is_null() && v.as_bool();
  }();
  const size_t chunk_size = static_cast<size_t>(IntOr(config, "chunk_size", kDefaultChunkSize));
  const std::vector<IpAddress> v4 = set.Family(IpFamily::kV4);
  const std::vector<IpAddress> v6 = set.Family(IpFamily::kV6);
  const std::vector<std::string> v4_cidrs = Strings(aggregate ? AggregateCidrs(v4) : HostCidrs(v4));
  const std::vector<std::string> v6_cidrs = Strings(aggregate ? AggregateCidrs(v6) : HostCidrs(v6));
  const std::string fingerprint = set.Fingerprint();

  // The arguments as they took effect, defaults included (Optional + Computed).
  cty::Value::Attributes state;
  state["service"] = service_value.is_null() ? cty::Value::String(kDefaultService) : service_value;
  state["min_count"] = cty::Value::Int(min_count);
  state["chunk_size"] = cty::Value::Int(static_cast<int64_t>(chunk_size));
  state["aggregate"] = cty::Value::Bool(aggregate);
  state["id"] = cty::Value::String(fingerprint);
  state["fingerprint"] = cty::Value::String(fingerprint);
  state["ip_addresses"] = StringList(Strings(set.addresses()));
  state["ipv4_addresses"] = StringList(Strings(v4));
  state["ipv6_addresses"] = StringList(Strings(v6));
  state["cidr_blocks"] = StringList(v4_cidrs);
  state["ipv6_cidr_blocks"] = StringList(v6_cidrs);
  state["cidr_block_chunks"] = ChunkList(v4_cidrs, chunk_size);
  state["ipv6_cidr_block_chunks"] = ChunkList(v6_cidrs, chunk_size);
  result.state = cty::Value::ObjectOf(schema_.block.ImpliedType(), std::move(state));
  return result;
}

}  // namespace agora

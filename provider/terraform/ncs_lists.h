// What data "agora_ncs_ips" and resource "agora_ncs_ip_set" share: the arguments that choose and
// shape the list (service, min_count, chunk_size, aggregate), the attributes that publish it, and
// the read of Agora's live answer with its warnings and user-facing errors.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "internal/cty/value.h"
#include "internal/tfprotocol/diagnostics.h"
#include "internal/tfprotocol/provider.h"
#include "internal/tfprotocol/schema.h"
#include "provider/addresses/ip_set.h"
#include "provider/agora_api/ncs_client.h"
#include "provider/agora_api/snapshot_cache.h"

namespace agora {

class AgoraProvider;

inline constexpr char kDefaultService[] = "rtc";

// The shaping arguments with their defaults applied.
struct ListArguments {
  std::string service_name = kDefaultService;
  NcsService service = NcsService::kRtc;
  int64_t min_count = 1;
  int64_t chunk_size = 50;
  bool aggregate = false;
};

// Schema of service, min_count, chunk_size and aggregate (Optional + Computed: state holds the
// effective value).
std::vector<tfprotocol::Attribute> ListArgumentSchema();
// Schema of fingerprint, ip_addresses, ipv4/ipv6_addresses, (ipv6_)cidr_blocks and their chunks.
// `what` names the addresses: "All addresses", "All published addresses".
std::vector<tfprotocol::Attribute> ListOutputSchema(const std::string& what);

// Checks the known shaping arguments of `config`, each error on its attribute.
void ValidateListArguments(const cty::Value& config, tfprotocol::Diagnostics& diagnostics);
// Checks a known whole-number argument against [min, max].
void CheckWholeNumber(const cty::Value& config, const char* name, int64_t min, int64_t max,
                      tfprotocol::Diagnostics& diagnostics);
// The shaping arguments of `config` (known and valid), defaults for nulls.
ListArguments ListArgumentsOf(const cty::Value& config);
// Sets the four argument attributes to their effective values.
void PutListArguments(const ListArguments& arguments, cty::Value::Attributes& state);
// The previous cut of cidr_block_chunks and ipv6_cidr_block_chunks, which the resource keeps
// stable (StableChunk in provider/addresses/ip_set.h).
struct PriorChunks {
  std::vector<std::vector<std::string>> v4;
  std::vector<std::vector<std::string>> v6;
};
// The chunk attributes of a state (empty when null).
PriorChunks PriorChunksOf(const cty::Value& state);
// Sets the output attributes for `set`: the chunks cut afresh (Chunk), or, with `stable_from`,
// moved as little as possible from it (StableChunk).
void PutListOutputs(const IpSet& set, const ListArguments& arguments, cty::Value::Attributes& state,
                    const PriorChunks* stable_from = nullptr);
// Sets the output attributes to unknown ("known after apply").
void PutUnknownListOutputs(cty::Value::Attributes& state);

cty::Value StringList(const std::vector<std::string>& items);

// The "Too few Notifications IPs" error on min_count, or nullopt when `count` is enough.
// `url` and `request_id` name the answer.
std::optional<tfprotocol::Diagnostic> MinCountError(size_t count, const std::string& url,
                                                    const std::string& request_id,
                                                    int64_t min_count);
// Canonical text of each address, in order.
std::vector<std::string> AddressStrings(const std::vector<IpAddress>& addresses);

// One read of Agora's answer for `service`, shared by every reader of this command (the provider's
// snapshot cache).
struct LiveRead {
  // The answer; null when the read failed or could not start.
  std::shared_ptr<const SnapshotCache::Result> fetched;
  const NcsFetchResult* answer() const { return fetched && fetched->ok() ? &**fetched : nullptr; }
  // Warnings worth showing whatever the outcome (insecure TLS, hosts without an address).
  tfprotocol::Diagnostics warnings;
  // Why there is no answer, ready for users, when there is none.
  std::optional<tfprotocol::Diagnostic> failure;
  // The failure is about credentials (rejected with 401/403, or missing): not an outage, and
  // waiting does not fix it.
  bool credentials = false;
};
LiveRead ReadLive(AgoraProvider& provider, const tfprotocol::CallContext& context,
                  NcsService service);

}  // namespace agora

// What resource "agora_ncs_ip_set" keeps in Terraform's state, and how it reads and writes it:
// its schema and arguments (the policy), the publication (provider/addresses/publication.h) as
// state attributes, and the last read of Agora as private state (JSON). The resource's RPCs
// (provider/terraform/ncs_ip_set_resource.cc) decide when each is read or written; nothing here
// makes a request or reads a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "internal/cty/type.h"
#include "internal/cty/value.h"
#include "internal/tfprotocol/diagnostics.h"
#include "internal/tfprotocol/schema.h"
#include "provider/addresses/ip_address.h"
#include "provider/addresses/publication.h"
#include "provider/agora_api/ncs_client.h"

namespace agora::ip_set {

inline constexpr int64_t kDefaultMaxRemovedPercent = 50;
inline constexpr char kDefaultOnFetchError[] = "fail";
inline constexpr char kDefaultGracePeriod[] = "0s";
inline constexpr char kDefaultMaxStaleness[] = "24h";
// Version 1 added max_staleness and last_read_at, replaced added/removed by published_since, and
// keeps the chunks stable; UpgradeV0 upgrades states of version 0.
inline constexpr int64_t kSchemaVersion = 1;

// The arguments of this resource only; ListArguments (provider/terraform/ncs_lists.h) has the
// ones it shares with the data source.
struct Policy {
  int64_t max_removed_percent = kDefaultMaxRemovedPercent;
  std::string on_fetch_error = kDefaultOnFetchError;
  std::string grace_period_text = kDefaultGracePeriod;
  absl::Duration grace_period = absl::ZeroDuration();
  std::string max_staleness_text = kDefaultMaxStaleness;
  absl::Duration max_staleness = absl::Hours(24);
};

tfprotocol::Schema IpSetSchema();

// Whole seconds, as state and plans show times.
absl::Time Seconds(absl::Time t);

// "0s" to "8760h", whole seconds; InvalidArgument says what to write instead.
absl::StatusOr<absl::Duration> ParseGracePeriod(const std::string& text);
// "1s" to "8760h", whole seconds.
absl::StatusOr<absl::Duration> ParseMaxStaleness(const std::string& text);
// RFC 3339 UTC, whole seconds; and back (nullopt when not a time).
std::string Rfc3339(absl::Time t);
std::optional<absl::Time> ParseTime(const std::string& text);
// An age as users read it: "3h12m5s".
std::string Age(absl::Duration age);

// The policy of a wholly known, valid configuration (or state), defaults for nulls.
Policy PolicyOf(const cty::Value& config);

// True when every argument of `config` is known.
bool ArgumentsKnown(const cty::Value& config);

// The publication a state holds; InvalidArgument (telling how to recover) when the state was
// edited into something that is not one.
absl::StatusOr<Publication> PublicationOf(const cty::Value& state);

// The planned or applied state: the arguments' effective values (defaults for nulls), and the
// publication with its outputs and `last_read_at` (null when unknown to the state), or unknown
// outputs ("known after apply") when `publication` is null or an argument they depend on is
// unknown. With a `prior` state cut for the same chunk_size and aggregate, the chunks move as
// little as possible from its chunks (StableChunk); otherwise they are cut afresh.
cty::Value BuildState(const cty::Type& type, const cty::Value& config,
                      const Publication* publication, const cty::Value* prior = nullptr,
                      std::optional<absl::Time> last_read_at = std::nullopt);
// True when `prior`'s chunks were cut for the chunk_size and aggregate of `config` (both known).
bool SameCut(const cty::Value& prior, const cty::Value& config);
// `state` with last_read_at set.
cty::Value WithLastReadAt(const cty::Type& type, const cty::Value& state, absl::Time read_at);
// The state's last_read_at, when set.
std::optional<absl::Time> LastReadAtOf(const cty::Value& state);

// A state of schema version 0 (JSON, as Terraform stores it) as version 1: max_staleness gets its
// default, last_read_at is null until the first successful read (its stand-in until then:
// LastGoodReadAt), published_since is changed_at for every published address (the last change
// is the latest they can have joined), and the chunks are version 0's cut, which version 1 keeps.
absl::StatusOr<cty::Value> UpgradeV0(const cty::Type& type, const std::string& json);

// How many addresses a state has pending removal.
size_t PendingCount(const cty::Value& state);

// Private state: the last successful read of Agora. Terraform compares it, with the state, to
// decide whether a refresh-only plan has anything to apply, so a refresh rewrites it only when it
// has news (NcsIpSetResource::Read). Earlier versions also recorded failed reads: those records
// still decode, with `failure` set.
struct LastRead {
  absl::Time read_at;
  std::vector<IpAddress> addresses;  // Sorted, unique; empty when the read failed.
  std::string url;
  std::string request_id;
  std::optional<tfprotocol::Diagnostic> failure;  // Summary and detail of the failed read.
  bool credentials = false;  // The failure is rejected or missing credentials.
  // A failed read: the time of the last successful read recorded before it, if any.
  std::optional<absl::Time> last_good_read_at;
};

std::string EncodeLastRead(const LastRead& read);
// nullopt when there is no usable record (none yet, or written by something else).
std::optional<LastRead> DecodeLastRead(const std::string& bytes);
LastRead LastReadOf(const NcsFetchResult& answer);
// The time of the last successful read the published set reflects: the state's last_read_at, else
// (a state upgraded from version 0 before its first successful read) the last successful read in
// private state, else changed_at.
absl::Time LastGoodReadAt(const cty::Value& state, const std::optional<LastRead>& read);
// The min_count check against a recorded read.
std::optional<tfprotocol::Diagnostic> MinCountErrorOf(const LastRead& read, int64_t min_count);

}  // namespace agora::ip_set

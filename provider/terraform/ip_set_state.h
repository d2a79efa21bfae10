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

// The arguments of this resource only; ListArguments (provider/terraform/ncs_lists.h) has the
// ones it shares with the data source.
struct Policy {
  int64_t max_removed_percent = kDefaultMaxRemovedPercent;
  std::string on_fetch_error = kDefaultOnFetchError;
  std::string grace_period_text = kDefaultGracePeriod;
  absl::Duration grace_period = absl::ZeroDuration();
};

tfprotocol::Schema IpSetSchema();

// Whole seconds, as state and plans show times.
absl::Time Seconds(absl::Time t);

// "0s" to "8760h", whole seconds; InvalidArgument says what to write instead.
absl::StatusOr<absl::Duration> ParseGracePeriod(const std::string& text);

// The policy of a wholly known, valid configuration (or state), defaults for nulls.
Policy PolicyOf(const cty::Value& config);

// True when every argument of `config` is known.
bool ArgumentsKnown(const cty::Value& config);

// The publication a state holds; InvalidArgument (telling how to recover) when the state was
// edited into something that is not one.
absl::StatusOr<Publication> PublicationOf(const cty::Value& state);

// The planned or applied state: the arguments' effective values (defaults for nulls), and the
// publication with its outputs, or unknown outputs ("known after apply") when `publication` is
// null or an argument they depend on is unknown.
cty::Value BuildState(const cty::Type& type, const cty::Value& config,
                      const Publication* publication);

// How many addresses a state has pending removal.
size_t PendingCount(const cty::Value& state);

// Private state: the last read of Agora, successful or not.
struct LastRead {
  absl::Time read_at;
  std::vector<IpAddress> addresses;  // Sorted, unique; empty when the read failed.
  std::string url;
  std::string request_id;
  std::optional<tfprotocol::Diagnostic> failure;  // Summary and detail of the failed read.
};

std::string EncodeLastRead(const LastRead& read);
// nullopt when there is no usable record (none yet, or written by something else).
std::optional<LastRead> DecodeLastRead(const std::string& bytes);
LastRead LastReadOf(const NcsFetchResult& answer);
// The min_count check against a recorded read.
std::optional<tfprotocol::Diagnostic> MinCountErrorOf(const LastRead& read, int64_t min_count);

}  // namespace agora::ip_set

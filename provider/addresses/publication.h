// The published allow-list of resource "agora_ncs_ip_set" and how one plan moves it: a pure
// function of the prior publication, Agora's live answer with the time it was read, and the
// policy from the configuration, so that Terraform's second plan at apply time (in a new process,
// perhaps hours later) computes exactly what the first one showed. docs/resources/ncs_ip_set.md
// explains the behaviour to users.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/addresses/ip_address.h"

namespace agora {

struct Publication {
  // What firewalls get: the live addresses plus those still in their grace period. Sorted (IPv4
  // first, numerically), without duplicates.
  std::vector<IpAddress> addresses;
  // Addresses Agora no longer publishes, with the time they leave `addresses`. Every key is in
  // `addresses`.
  std::map<IpAddress, absl::Time> pending_removal;
  // Each address of `addresses` with the time it was first published (since it last joined): a
  // plan adds exactly the addresses that join and drops exactly those that leave, so a reviewer
  // sees one line per address that really changes. Same keys as `addresses`.
  std::map<IpAddress, absl::Time> published_since;
  // The read time of the answer that last changed `addresses`.
  absl::Time changed_at;

  friend bool operator==(const Publication& a, const Publication& b);
};

struct PublicationPolicy {
  // Refuse a plan whose live answer lacks more than this percentage of the previously live
  // addresses (those published and not pending removal). 100 turns the guard off.
  int64_t max_removed_percent = 50;
  // How long an address Agora stopped publishing stays published. Whole seconds.
  absl::Duration grace_period = absl::ZeroDuration();
};

// The first publication: the live answer as it is.
Publication FirstPublication(const std::vector<IpAddress>& live, absl::Time read_at);

// The next publication, given the live answer (sorted and unique) read at `read_at`, which stands
// for "now" in every expiry:
// - pending addresses that are live again stop pending; those whose time is not after `read_at`
//   leave; a shorter grace period than when they started pending brings their time forward;
// - previously live addresses missing from the answer start pending for the grace period (or
//   leave at once when it is zero);
// - addresses that stay keep their `published_since`; those that join get `read_at`;
// - when `addresses` changes, `changed_at` is `read_at`; otherwise it is kept.
// FailedPrecondition when the answer lacks more than max_removed_percent of the previously live
// addresses; the message lists them.
absl::StatusOr<Publication> NextPublication(const Publication& prior,
                                            const std::vector<IpAddress>& live, absl::Time read_at,
                                            const PublicationPolicy& policy);

}  // namespace agora

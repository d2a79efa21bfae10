#include "provider/addresses/publication.h"

#include <algorithm>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace agora {
namespace {

// a \ b, both sorted.
std::vector<IpAddress> Difference(const std::vector<IpAddress>& a,
                                  const std::vector<IpAddress>& b) {
  std::vector<IpAddress> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

std::string List(const std::vector<IpAddress>& addresses) {
  return absl::StrJoin(addresses, ", ", [](std::string* out, const IpAddress& a) {
    absl::StrAppend(out, a.ToString());
  });
}

}  // namespace

bool operator==(const Publication& a, const Publication& b) {
  return a.addresses == b.addresses && a.pending_removal == b.pending_removal &&
         a.published_since == b.published_since && a.changed_at == b.changed_at;
}

Publication FirstPublication(const std::vector<IpAddress>& live, absl::Time read_at) {
  Publication first;
  first.addresses = live;
  for (const IpAddress& address : live) first.published_since.emplace(address, read_at);
  first.changed_at = read_at;
  return first;
}

absl::StatusOr<Publication> NextPublication(const Publication& prior,
                                            const std::vector<IpAddress>& live, absl::Time read_at,
                                            const PublicationPolicy& policy) {
  std::vector<IpAddress> pending_keys;
  for (const auto& [address, until] : prior.pending_removal) pending_keys.push_back(address);
  const std::vector<IpAddress> prior_live = Difference(prior.addresses, pending_keys);
  const std::vector<IpAddress> gone = Difference(prior_live, live);

  // The shrink guard, in integers: gone / prior_live > max% ⇔ gone·100 > max·prior_live.
  if (!gone.empty() && static_cast<int64_t>(gone.size()) * 100 >
                           policy.max_removed_percent * static_cast<int64_t>(prior_live.size())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "Agora's answer lacks ", gone.size(), " of the ", prior_live.size(),
        " live addresses in state (more than max_removed_percent = ", policy.max_removed_percent,
        "%), so this plan would stop publishing them (at once, or after grace_period): ",
        List(gone),
        ". If the removal is expected, raise max_removed_percent for this run (100 turns the "
        "guard off), e.g. max_removed_percent = var.max_removed_percent in the configuration and "
        "terraform plan -var max_removed_percent=100 -out=tfplan, then terraform apply tfplan."));
  }

  Publication next;
  const absl::Time latest = read_at + policy.grace_period;
  for (const auto& [address, until] : prior.pending_removal) {
    if (std::binary_search(live.begin(), live.end(), address)) continue;
    const absl::Time leaves = std::min(until, latest);
    if (leaves > read_at) next.pending_removal.emplace(address, leaves);
  }
  if (policy.grace_period > absl::ZeroDuration()) {
    for (const IpAddress& address : gone) next.pending_removal.emplace(address, latest);
  }
  next.addresses = live;
  for (const auto& [address, until] : next.pending_removal) next.addresses.push_back(address);
  std::sort(next.addresses.begin(), next.addresses.end());

  for (const IpAddress& address : next.addresses) {
    auto since = prior.published_since.find(address);
    const bool stays = since != prior.published_since.end() &&
                       std::binary_search(prior.addresses.begin(), prior.addresses.end(), address);
    next.published_since.emplace(address, stays ? since->second : read_at);
  }
  next.changed_at = next.addresses == prior.addresses ? prior.changed_at : read_at;
  return next;
}

}  // namespace agora

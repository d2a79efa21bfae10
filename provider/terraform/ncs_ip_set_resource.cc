#include "provider/terraform/ncs_ip_set_resource.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "internal/base/log.h"
#include "provider/addresses/ip_set.h"
#include "provider/addresses/publication.h"
#include "provider/terraform/agora_provider.h"
#include "provider/terraform/ip_set_state.h"
#include "provider/terraform/ncs_lists.h"

namespace agora {
namespace {

using ip_set::Age;
using ip_set::ArgumentsKnown;
using ip_set::BuildState;
using ip_set::DecodeLastRead;
using ip_set::EncodeLastRead;
using ip_set::LastRead;
using ip_set::LastReadOf;
using ip_set::MinCountErrorOf;
using ip_set::ParseGracePeriod;
using ip_set::ParseMaxStaleness;
using ip_set::Policy;
using ip_set::PolicyOf;
using ip_set::PublicationOf;
using ip_set::Seconds;
using tfprotocol::AttributePath;
using tfprotocol::Diagnostic;
using tfprotocol::Diagnostics;

Diagnostic ToError(Diagnostic d) {
  d.severity = tfprotocol::Severity::kError;
  return d;
}

// A failed read that waiting does not fix: "keep" does not apply to it.
Diagnostic CredentialsError(const Diagnostic& failure) {
  return Diagnostic{
      tfprotocol::Severity::kError, failure.summary,
      absl::StrCat(failure.detail,
                   "\n\nRejected or missing credentials are not an outage: waiting does not fix "
                   "them, so they fail the run even with on_fetch_error = \"keep\". Check the "
                   "RESTful API key (customer_id and customer_secret, or AGORA_CUSTOMER_ID and "
                   "AGORA_CUSTOMER_SECRET)."),
      {}};
}

// The plan's error once the last good list is older than max_staleness.
Diagnostic StalenessError(absl::Duration age, absl::Time last_good, const Policy& policy) {
  return Diagnostic{
      tfprotocol::Severity::kError, "Agora's Notifications IPs are too old to keep",
      absl::StrCat(
          "The published list was last confirmed by Agora ", Age(age), " ago (last_read_at ",
          ip_set::Rfc3339(last_good), "), longer than max_staleness (", policy.max_staleness_text,
          "), and no newer read is at hand: the refresh could not read Agora (its warning "
          "says why), or the plan did not refresh (-refresh=false).\n\nAgora adjusts these "
          "addresses from time to time and asks for a read at least every 24 hours, so this list may no longer be the one Agora sends from. Restore access to "
          "Agora (network, endpoints), then plan again. To keep the old list for longer on "
          "purpose, raise max_staleness in the configuration and plan with -refresh=false."),
      AttributePath::Attr("max_staleness")};
}

void LogRead(const LastRead& read, const std::string& service) {
  base::Log(base::LogLevel::kInfo, "Read Agora's Notifications IPs",
            {{"service", service},
             {"count", read.addresses.size()},
             {"fingerprint", IpSet(read.addresses).Fingerprint()},
             {"request_id", read.request_id}});
}

}  // namespace

NcsIpSetResource::NcsIpSetResource(AgoraProvider& provider)
    : provider_(provider), schema_(ip_set::IpSetSchema()), type_(schema_.block.ImpliedType()) {}

Diagnostics NcsIpSetResource::Validate(const cty::Value& config) const {
  Diagnostics d;
  ValidateListArguments(config, d);
  CheckWholeNumber(config, "max_removed_percent", 0, 100, d);
  cty::Value on_error = config.GetAttr("on_fetch_error");
  if (on_error.is_known() && !on_error.is_null() && on_error.as_string() != "fail" &&
      on_error.as_string() != "keep") {
    d.AddError("Invalid on_fetch_error",
               absl::StrCat("on_fetch_error must be \"fail\" or \"keep\"; got \"",
                            on_error.as_string(), "\"."),
               AttributePath::Attr("on_fetch_error"));
  }
  cty::Value grace = config.GetAttr("grace_period");
  if (grace.is_known() && !grace.is_null()) {
    absl::StatusOr<absl::Duration> parsed = ParseGracePeriod(grace.as_string());
    if (!parsed.ok()) {
      d.AddStatusError("Invalid grace_period", parsed.status(),
                       AttributePath::Attr("grace_period"));
    }
  }
  cty::Value staleness = config.GetAttr("max_staleness");
  if (staleness.is_known() && !staleness.is_null()) {
    absl::StatusOr<absl::Duration> parsed = ParseMaxStaleness(staleness.as_string());
    if (!parsed.ok()) {
      d.AddStatusError("Invalid max_staleness", parsed.status(),
                       AttributePath::Attr("max_staleness"));
    }
  }
  return d;
}

bool NcsIpSetResource::StoredArgumentsUsable(const cty::Value& state, Diagnostics& d) const {
  const Diagnostics checked = Validate(state);
  for (const Diagnostic& problem : checked.items()) {
    d.AddError("Unreadable agora_ncs_ip_set state",
               absl::StrCat("The stored state does not hold valid arguments: ", problem.detail,
                            " Remove the resource from state (terraform state rm) and import it "
                            "again."));
  }
  return !checked.has_errors();
}

tfprotocol::ReadResourceResponse NcsIpSetResource::Read(
    const tfprotocol::CallContext& context, const tfprotocol::ReadResourceRequest& request) {
  tfprotocol::ReadResourceResponse response;
  Diagnostics& d = response.diagnostics;
  const cty::Value& state = request.current_state;
  if (!StoredArgumentsUsable(state, d)) return response;
  const ListArguments list = ListArgumentsOf(state);
  const Policy policy = PolicyOf(state);
  const bool imported = state.GetAttr("ip_addresses").is_null();

  LiveRead live = ReadLive(provider_, context, list.service);
  d.Append(live.warnings);
  if (live.failure) {
    if (imported) {
      d.Add(*live.failure);
      return response;
    }
    if (live.credentials) {
      d.Add(CredentialsError(*live.failure));
      return response;
    }
    if (policy.on_fetch_error != "keep") {
      Diagnostic failure = *live.failure;
      absl::StrAppend(&failure.detail,
                      "\n\nThe refresh uses the on_fetch_error stored in state (\"",
                      policy.on_fetch_error,
                      "\"). To switch to \"keep\" while Agora cannot be read, plan and apply the "
                      "change with -refresh=false.");
      d.Add(std::move(failure));
      return response;
    }
    // Nothing is stored: the state and the record of the last good read stay as they are, so
    // each failed refresh of an outage leaves Terraform's copy unchanged (a refresh-only plan has
    // nothing to apply), and the plan keeps the list and checks its age (max_staleness).
    const absl::Time last_good =
        ip_set::LastGoodReadAt(state, DecodeLastRead(request.private_state));
    const absl::Duration age = Seconds(provider_.clock().Now()) - last_good;
    d.AddWarning(
        absl::StrCat(live.failure->summary, ": keeping the last good list"),
        absl::StrCat(live.failure->detail, "\n\non_fetch_error = \"keep\": the ",
                     list.service_name, " addresses in state stay published, unchanged. They "
                     "were confirmed by Agora ", Age(age), " ago (last_read_at ",
                     ip_set::Rfc3339(last_good), "); plans fail once it is older than "
                     "max_staleness (", policy.max_staleness_text, ")."));
    if (age <= policy.max_staleness) {
      // Past max_staleness, Plan logs and fails on max_staleness instead.
      base::Log(base::LogLevel::kInfo, "Agora cannot be read: keeping the last good list",
                {{"service", list.service_name},
                 {"age", Age(age)},
                 {"max_staleness", policy.max_staleness_text},
                 {"error", live.failure->summary}});
    }
    response.private_state = request.private_state;
    response.new_state = state;
    return response;
  }
  const LastRead read = LastReadOf(*live.answer());
  LogRead(read, list.service_name);
  if (imported) {
    // After an import: publish the live list as it is.
    response.private_state = EncodeLastRead(read);
    if (std::optional<Diagnostic> error = MinCountErrorOf(read, list.min_count)) {
      d.Add(*std::move(error));
      return response;
    }
    const Publication first = FirstPublication(read.addresses, read.read_at);
    response.new_state = BuildState(type_, state, &first, nullptr, read.read_at);
    return response;
  }
  // A refresh changes what Terraform stores only when it has news, so that `terraform plan
  // -refresh-only -detailed-exitcode` exits 0 when nothing changed (docs/resources/ncs_ip_set.md,
  // "Which command detects what"):
  // - the stored record of the read stays as it is while Agora answers the list it holds and no
  //   address is pending removal (an expiry needs the time of this read);
  // - last_read_at moves with each read only under "keep", whose max_staleness measures its age,
  //   or when a state from version 0 gets its first.
  const std::optional<LastRead> last = DecodeLastRead(request.private_state);
  const bool same_read = last && !last->failure && last->addresses == read.addresses &&
                         ip_set::PendingCount(state) == 0;
  response.private_state = same_read ? request.private_state : EncodeLastRead(read);
  response.new_state = policy.on_fetch_error == "keep" || !ip_set::LastReadAtOf(state)
                           ? ip_set::WithLastReadAt(type_, state, read.read_at)
                           : state;
  return response;
}

tfprotocol::PlanResourceResponse NcsIpSetResource::Plan(
    const tfprotocol::CallContext&, const tfprotocol::PlanResourceRequest& request) {
  tfprotocol::PlanResourceResponse response;
  Diagnostics& d = response.diagnostics;
  const cty::Value& config = request.config;
  const cty::Value& prior = request.prior_state;
  d = Validate(config);
  if (d.has_errors()) return response;
  if (!prior.is_null() && !StoredArgumentsUsable(prior, d)) return response;
  response.planned_private = request.prior_private;

  if (prior.is_null()) {
    response.planned_state = BuildState(type_, config, nullptr);
    return response;
  }
  const cty::Value service = config.GetAttr("service");
  const std::string prior_service = ListArgumentsOf(prior).service_name;
  if (!service.is_known() ||
      (service.is_null() ? std::string(kDefaultService) : service.as_string()) != prior_service) {
    response.requires_replace.push_back(AttributePath::Attr("service"));
    response.planned_state = BuildState(type_, config, nullptr);
    return response;
  }

  absl::StatusOr<Publication> publication = PublicationOf(prior);
  if (!publication.ok()) {
    d.AddStatusError("Unreadable agora_ncs_ip_set state", publication.status());
    return response;
  }
  if (!ArgumentsKnown(config)) {
    // Known once applied: Apply computes it from the same inputs.
    response.planned_state = BuildState(type_, config, nullptr);
    return response;
  }
  const ListArguments list = ListArgumentsOf(config);
  const Policy policy = PolicyOf(config);
  std::optional<LastRead> read = DecodeLastRead(request.prior_private);
  std::optional<absl::Time> last_read_at = ip_set::LastReadAtOf(prior);
  if (read && read->failure) {
    // A failed read recorded by an earlier version of this provider.
    if (read->credentials) {
      d.Add(CredentialsError(*read->failure));
      return response;
    }
    if (policy.on_fetch_error != "keep") {
      d.Add(ToError(*read->failure));
      return response;
    }
  }
  if (policy.on_fetch_error == "keep") {
    // A successful refresh has just moved last_read_at; when it has not (the refresh failed, or
    // -refresh=false), the list is kept while it is young enough. The age is measured with the
    // clock: it decides whether the plan fails, not what it plans, and Terraform's second plan at
    // apply time checks it again.
    const absl::Time last_good = ip_set::LastGoodReadAt(prior, read);
    const absl::Duration age = Seconds(provider_.clock().Now()) - last_good;
    if (age > policy.max_staleness) {
      base::Log(base::LogLevel::kInfo, "The last good list is older than max_staleness",
                {{"service", list.service_name},
                 {"age", Age(age)},
                 {"max_staleness", policy.max_staleness_text}});
      d.Add(StalenessError(age, last_good, policy));
      return response;
    }
  }
  if (read && read->failure) read.reset();  // Keep the last good list; the refresh warned.
  if (read) {
    if (std::optional<Diagnostic> error = MinCountErrorOf(*read, list.min_count)) {
      d.Add(*std::move(error));
      return response;
    }
    absl::StatusOr<Publication> next =
        NextPublication(*publication, read->addresses, read->read_at,
                        {policy.max_removed_percent, policy.grace_period});
    if (!next.ok()) {
      base::Log(base::LogLevel::kInfo, "The shrink guard refused the plan",
                {{"service", list.service_name},
                 {"max_removed_percent", policy.max_removed_percent}});
      d.AddError("Too many Notifications IPs would be removed",
                 std::string(next.status().message()), AttributePath::Attr("max_removed_percent"));
      return response;
    }
    if (!(*next == *publication) || !last_read_at) {
      // The published set now reflects this read (unless the refresh already recorded a later
      // one, under "keep").
      last_read_at = last_read_at ? std::max(*last_read_at, read->read_at) : read->read_at;
    }
    publication = *std::move(next);
  }
  if (!ip_set::SameCut(prior, config)) {
    d.AddWarning("The chunks are cut afresh",
                 "chunk_size or aggregate changes, so cidr_block_chunks and "
                 "ipv6_cidr_block_chunks are cut again from the sorted lists: this once, blocks "
                 "may move between chunks. Later changes keep them in place again.");
  }
  response.planned_state = BuildState(type_, config, &*publication, &prior, last_read_at);
  return response;
}

tfprotocol::ApplyResourceResponse NcsIpSetResource::Apply(
    const tfprotocol::CallContext& context, const tfprotocol::ApplyResourceRequest& request) {
  tfprotocol::ApplyResourceResponse response;
  Diagnostics& d = response.diagnostics;
  if (request.planned_state.is_null()) return response;  // Destroy: nothing outside Terraform.

  if (request.prior_state.is_null()) {
    // Create: the one read of this resource's life that happens at apply.
    const ListArguments list = ListArgumentsOf(request.config);
    LiveRead live = ReadLive(provider_, context, list.service);
    d.Append(live.warnings);
    if (live.failure) {
      d.Add(*live.failure);
      return response;
    }
    const LastRead read = LastReadOf(*live.answer());
    if (std::optional<Diagnostic> error = MinCountErrorOf(read, list.min_count)) {
      d.Add(*std::move(error));
      return response;
    }
    LogRead(read, list.service_name);
    const Publication first = FirstPublication(read.addresses, read.read_at);
    response.new_state = BuildState(type_, request.config, &first, nullptr, read.read_at);
    response.private_state = EncodeLastRead(read);
    return response;
  }

  response.private_state = request.planned_private;
  if (request.planned_state.is_wholly_known()) {
    response.new_state = request.planned_state;
    return response;
  }
  // Arguments unknown at plan time are known now: plan again from the same inputs.
  tfprotocol::PlanResourceResponse replanned =
      Plan(context,
           {request.prior_state, request.planned_state, request.config, request.planned_private});
  d.Append(replanned.diagnostics);
  response.new_state = std::move(replanned.planned_state);
  return response;
}

tfprotocol::UpgradeResourceStateResponse NcsIpSetResource::UpgradeState(
    const tfprotocol::UpgradeResourceStateRequest& request) {
  tfprotocol::UpgradeResourceStateResponse response;
  if (request.version != 0) return Resource::UpgradeState(request);
  absl::StatusOr<cty::Value> upgraded = ip_set::UpgradeV0(type_, request.json);
  if (!upgraded.ok()) {
    response.diagnostics.AddStatusError("Cannot upgrade the agora_ncs_ip_set state",
                                        upgraded.status());
    return response;
  }
  response.upgraded_state = *std::move(upgraded);
  return response;
}

tfprotocol::ImportResourceResponse NcsIpSetResource::Import(
    const tfprotocol::CallContext&, const tfprotocol::ImportResourceRequest& request) {
  tfprotocol::ImportResourceResponse response;
  if (!ParseNcsService(request.id)) {
    response.diagnostics.AddError(
        "Invalid import ID",
        absl::StrCat("The ID of an agora_ncs_ip_set is its service: one of rtc, media_gateway, "
                     "cloud_recording, cloud_transcoding; got \"",
                     request.id, "\"."));
    return response;
  }
  // Terraform refreshes the imported object next, which publishes Agora's live list.
  response.state = cty::Value::ObjectOf(
      type_, {{"service", cty::Value::String(request.id)}, {"id", cty::Value::String(request.id)}});
  return response;
}

}  // namespace agora

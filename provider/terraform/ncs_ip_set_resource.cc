#include "provider/terraform/ncs_ip_set_resource.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "provider/addresses/publication.h"
#include "provider/terraform/agora_provider.h"
#include "provider/terraform/ip_set_state.h"
#include "provider/terraform/ncs_lists.h"

namespace agora {
namespace {

using ip_set::ArgumentsKnown;
using ip_set::BuildState;
using ip_set::DecodeLastRead;
using ip_set::EncodeLastRead;
using ip_set::LastRead;
using ip_set::LastReadOf;
using ip_set::MinCountErrorOf;
using ip_set::ParseGracePeriod;
using ip_set::PendingCount;
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
    if (policy.on_fetch_error != "keep" || imported) {
      d.Add(*live.failure);
      return response;
    }
    d.AddWarning(
        absl::StrCat(live.failure->summary, ": keeping the last good list"),
        absl::StrCat(live.failure->detail, "\n\non_fetch_error = \"keep\": the ", list.service_name,
                     " addresses in state stay published, unchanged, until Agora can be read "
                     "again."));
    LastRead failed;
    failed.read_at = Seconds(provider_.clock().Now());
    failed.failure = live.failure;
    response.private_state = EncodeLastRead(failed);
    response.new_state = state;
    return response;
  }
  const LastRead read = LastReadOf(*live.answer());
  response.private_state = EncodeLastRead(read);
  // An answer equal to the last one keeps the last record, read time included, so that a
  // refresh that finds nothing new changes nothing Terraform stores (`plan -refresh-only
  // -detailed-exitcode` exits 0). Pending removals need the new time: it is their clock.
  const std::optional<LastRead> last = DecodeLastRead(request.private_state);
  if (last && !last->failure && last->addresses == read.addresses && PendingCount(state) == 0) {
    response.private_state = request.private_state;
  }
  if (!imported) {
    // The refreshed state is the state: what changes is planned, and shown, by Plan.
    response.new_state = state;
    return response;
  }
  // After an import: publish the live list as it is.
  if (std::optional<Diagnostic> error = MinCountErrorOf(read, list.min_count)) {
    d.Add(*std::move(error));
    return response;
  }
  const Publication first = FirstPublication(read.addresses, read.read_at);
  response.new_state = BuildState(type_, state, &first);
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
  if (read && read->failure) {
    if (policy.on_fetch_error != "keep") {
      d.Add(ToError(*read->failure));
      return response;
    }
    read.reset();  // Keep the last good list; the refresh already warned.
  }
  if (read) {
    if (std::optional<Diagnostic> error = MinCountErrorOf(*read, list.min_count)) {
      d.Add(*std::move(error));
      return response;
    }
    absl::StatusOr<Publication> next =
        NextPublication(*publication, read->addresses, read->read_at,
                        {policy.max_removed_percent, policy.grace_period});
    if (!next.ok()) {
      d.AddError("Too many Notifications IPs would be removed",
                 std::string(next.status().message()), AttributePath::Attr("max_removed_percent"));
      return response;
    }
    publication = *std::move(next);
  }
  response.planned_state = BuildState(type_, config, &*publication);
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
    const Publication first = FirstPublication(read.addresses, read.read_at);
    response.new_state = BuildState(type_, request.config, &first);
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

#include "provider/ncs_ip_set_resource.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "provider/agora_provider.h"
#include "provider/ncs_lists.h"
#include "provider/publication.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace agora {
namespace {

using tfprotocol::Attribute;
using tfprotocol::AttributePath;
using tfprotocol::Diagnostic;
using tfprotocol::Diagnostics;

constexpr int64_t kDefaultMaxRemovedPercent = 50;
constexpr char kDefaultOnFetchError[] = "fail";
constexpr char kDefaultGracePeriod[] = "0s";
const absl::Duration kMaxGracePeriod = absl::Hours(8760);

const cty::Type kStringList = cty::Type::List(cty::Type::String());
const cty::Type kStringMap = cty::Type::Map(cty::Type::String());

// The arguments of this resource only; ListArguments has the shared ones.
struct Policy {
  int64_t max_removed_percent = kDefaultMaxRemovedPercent;
  std::string on_fetch_error = kDefaultOnFetchError;
  std::string grace_period_text = kDefaultGracePeriod;
  absl::Duration grace_period = absl::ZeroDuration();
};

tfprotocol::Schema MakeSchema() {
  tfprotocol::Schema schema;
  schema.block.description =
      "Agora's Notifications IPs as a reviewed allow-list kept in state: every change shows in "
      "the plan, a large shrink needs review (`max_removed_percent`), the last good list stays "
      "published while Agora cannot be read (`on_fetch_error = \"keep\"`), and removed "
      "addresses can stay published for a `grace_period` so rotations overlap.";
  schema.block.attributes = ListArgumentSchema();
  schema.block.attributes[0].description += " Changing it replaces the resource.";
  std::vector<Attribute> own = {
      Attribute::OptionalComputed(
          "max_removed_percent", cty::Type::Number(),
          "The shrink guard: a plan fails, listing the addresses, when Agora's answer lacks more "
          "than this percentage of the live addresses in state (those not already pending "
          "removal). 0 to 100, default `50`; `100` turns the guard off, `0` makes every removal "
          "need review."),
      Attribute::OptionalComputed(
          "on_fetch_error", cty::Type::String(),
          "`fail` (default) or `keep`. With `keep`, when Agora cannot be read (after retries and "
          "failover) the refresh warns with the error and the plan keeps the published list as it "
          "is. The refresh uses the value in state. The first create always needs a successful "
          "read."),
      Attribute::OptionalComputed(
          "grace_period", cty::Type::String(),
          "How long an address Agora stops publishing stays in the published lists, so that "
          "rotations overlap: a duration such as `\"90m\"` or `\"72h\"`, from `\"0s\"` (default) "
          "to `\"8760h\"`, in whole seconds."),
      Attribute::Computed("id", cty::Type::String(), "The service name."),
      Attribute::Computed("added", kStringList,
                          "Addresses the last change added to the published set."),
      Attribute::Computed("removed", kStringList,
                          "Addresses the last change removed from the published set."),
      Attribute::Computed("pending_removal", kStringMap,
                          "Addresses Agora no longer publishes that are still published for "
                          "their grace period: address → RFC 3339 UTC time they leave."),
      Attribute::Computed("changed_at", cty::Type::String(),
                          "RFC 3339 UTC time of the last change of the published set (the time "
                          "of the read that caused it)."),
  };
  for (Attribute& a : own) schema.block.attributes.push_back(std::move(a));
  for (Attribute& a :
       ListOutputSchema("All published addresses (live ones and those pending removal)")) {
    schema.block.attributes.push_back(std::move(a));
  }
  return schema;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return std::nullopt;
  return t;
}

// Whole seconds, as state and plans show times.
absl::Time Seconds(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t)); }

absl::StatusOr<absl::Duration> ParseGracePeriod(const std::string& text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grace_period must be a duration such as \"90m\" or \"72h\"; got \"", text, "\"."));
  }
  if (d < absl::ZeroDuration() || d > kMaxGracePeriod || d != absl::Trunc(d, absl::Seconds(1))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "grace_period must be whole seconds from \"0s\" to \"8760h\"; got \"", text, "\"."));
  }
  return d;
}

// Policy of a wholly known, valid configuration (or state), defaults for nulls.
Policy PolicyOf(const cty::Value& config) {
  Policy p;
  if (cty::Value v = config.GetAttr("max_removed_percent"); !v.is_null()) {
    p.max_removed_percent = *v.as_number().ToInt64();
  }
  if (cty::Value v = config.GetAttr("on_fetch_error"); !v.is_null())
    p.on_fetch_error = v.as_string();
  if (cty::Value v = config.GetAttr("grace_period"); !v.is_null()) {
    p.grace_period_text = v.as_string();
    p.grace_period = *ParseGracePeriod(p.grace_period_text);
  }
  return p;
}

constexpr const char* kArgumentNames[] = {"service",     "min_count",           "chunk_size",
                                          "aggregate",   "max_removed_percent", "on_fetch_error",
                                          "grace_period"};

bool ArgumentsKnown(const cty::Value& config) {
  return std::all_of(std::begin(kArgumentNames), std::end(kArgumentNames),
                     [&](const char* name) { return config.GetAttr(name).is_known(); });
}

// --- State <-> Publication ---------------------------------------------------------------------

absl::StatusOr<std::vector<IpAddress>> Addresses(const cty::Value& list, const char* name) {
  std::vector<IpAddress> out;
  if (list.is_null()) return out;
  for (const cty::Value& item : list.elements()) {
    absl::StatusOr<IpAddress> a = IpAddress::Parse(item.as_string());
    if (!a.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("The state's ", name, " holds \"", item.as_string(),
                       "\", which is not an IP address. Remove the resource from state "
                       "(terraform state rm) and import it again."));
    }
    out.push_back(*a);
  }
  return out;
}

absl::StatusOr<Publication> PublicationOf(const cty::Value& state) {
  Publication p;
  absl::StatusOr<std::vector<IpAddress>> addresses =
      Addresses(state.GetAttr("ip_addresses"), "ip_addresses");
  if (!addresses.ok()) return addresses.status();
  p.addresses = *std::move(addresses);
  std::sort(p.addresses.begin(), p.addresses.end());
  p.addresses.erase(std::unique(p.addresses.begin(), p.addresses.end()), p.addresses.end());
  for (const char* name : {"added", "removed"}) {
    absl::StatusOr<std::vector<IpAddress>> list = Addresses(state.GetAttr(name), name);
    if (!list.ok()) return list.status();
    (name == std::string_view("added") ? p.added : p.removed) = *std::move(list);
  }
  if (cty::Value pending = state.GetAttr("pending_removal"); !pending.is_null()) {
    for (const auto& [text, until] : pending.attributes()) {
      absl::StatusOr<IpAddress> a = IpAddress::Parse(text);
      std::optional<absl::Time> t = until.is_null() ? std::nullopt : ParseTime(until.as_string());
      if (!a.ok() || !t || !std::binary_search(p.addresses.begin(), p.addresses.end(), *a)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "The state's pending_removal entry \"", text,
            "\" is not a published address with an RFC 3339 time. Remove the resource from state "
            "(terraform state rm) and import it again."));
      }
      p.pending_removal.emplace(*a, *t);
    }
  }
  if (cty::Value changed = state.GetAttr("changed_at"); !changed.is_null()) {
    if (std::optional<absl::Time> t = ParseTime(changed.as_string())) p.changed_at = *t;
  }
  return p;
}

void PutPublication(const Publication& p, cty::Value::Attributes& state) {
  state["added"] = StringList(AddressStrings(p.added));
  state["removed"] = StringList(AddressStrings(p.removed));
  cty::Value::Attributes pending;
  for (const auto& [address, until] : p.pending_removal) {
    pending.emplace(address.ToString(), cty::Value::String(Rfc3339(until)));
  }
  state["pending_removal"] = cty::Value::Map(cty::Type::String(), std::move(pending));
  state["changed_at"] = cty::Value::String(Rfc3339(p.changed_at));
}

void PutUnknownPublication(cty::Value::Attributes& state) {
  state["added"] = cty::Value::Unknown(kStringList);
  state["removed"] = cty::Value::Unknown(kStringList);
  state["pending_removal"] = cty::Value::Unknown(kStringMap);
  state["changed_at"] = cty::Value::Unknown(cty::Type::String());
  PutUnknownListOutputs(state);
}

// --- Private state: the last read of Agora ------------------------------------------------------

struct LastRead {
  absl::Time read_at;
  std::vector<IpAddress> addresses;  // Sorted, unique; empty when the read failed.
  std::string url;
  std::string request_id;
  std::optional<Diagnostic> failure;  // Summary and detail of the failed read.
};

std::string EncodeLastRead(const LastRead& read) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("read_at");
  w.String(Rfc3339(read.read_at).c_str());
  if (read.failure) {
    w.Key("error_summary");
    w.String(read.failure->summary.c_str());
    w.Key("error");
    w.String(read.failure->detail.c_str());
  } else {
    w.Key("url");
    w.String(read.url.c_str());
    w.Key("request_id");
    w.String(read.request_id.c_str());
    w.Key("addresses");
    w.StartArray();
    for (const IpAddress& a : read.addresses) w.String(a.ToString().c_str());
    w.EndArray();
  }
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// nullopt when there is no usable record (none yet, or written by something else).
std::optional<LastRead> DecodeLastRead(const std::string& bytes) {
  if (bytes.empty()) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(bytes.data(), bytes.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || !it->value.IsString()) return std::nullopt;
    return std::string(it->value.GetString(), it->value.GetStringLength());
  };
  LastRead read;
  std::optional<std::string> read_at = text("read_at");
  std::optional<absl::Time> t = read_at ? ParseTime(*read_at) : std::nullopt;
  if (!t) return std::nullopt;
  read.read_at = *t;
  if (std::optional<std::string> error = text("error")) {
    read.failure = Diagnostic{tfprotocol::Severity::kError,
                              text("error_summary").value_or("Could not read Agora's IPs"),
                              *error,
                              {}};
    return read;
  }
  auto list = doc.FindMember("addresses");
  if (list == doc.MemberEnd() || !list->value.IsArray()) return std::nullopt;
  for (const auto& item : list->value.GetArray()) {
    if (!item.IsString()) return std::nullopt;
    absl::StatusOr<IpAddress> a = IpAddress::Parse(item.GetString());
    if (!a.ok()) return std::nullopt;
    read.addresses.push_back(*a);
  }
  std::sort(read.addresses.begin(), read.addresses.end());
  read.addresses.erase(std::unique(read.addresses.begin(), read.addresses.end()),
                       read.addresses.end());
  read.url = text("url").value_or("");
  read.request_id = text("request_id").value_or("");
  return read;
}

LastRead LastReadOf(const NcsFetchResult& answer) {
  LastRead read;
  read.read_at = Seconds(answer.received_at);
  read.addresses = IpSet(answer.response.addresses).addresses();
  read.url = answer.url;
  read.request_id = answer.request_id;
  return read;
}

// The min_count check against a recorded read.
std::optional<Diagnostic> MinCountErrorOf(const LastRead& read, int64_t min_count) {
  return MinCountError(read.addresses.size(), read.url, read.request_id, min_count);
}

// An argument's value as state holds it: the configured value (unknown if it is), or its
// default when the configuration leaves it null.
cty::Value EffectiveArgument(const cty::Value& config, const char* name) {
  cty::Value v = config.GetAttr(name);
  if (!v.is_null()) return v;
  const ListArguments list;
  const Policy policy;
  const std::string_view n = name;
  if (n == "service") return cty::Value::String(list.service_name);
  if (n == "min_count") return cty::Value::Int(list.min_count);
  if (n == "chunk_size") return cty::Value::Int(list.chunk_size);
  if (n == "aggregate") return cty::Value::Bool(list.aggregate);
  if (n == "max_removed_percent") return cty::Value::Int(policy.max_removed_percent);
  if (n == "on_fetch_error") return cty::Value::String(policy.on_fetch_error);
  return cty::Value::String(policy.grace_period_text);
}

// The planned or applied state: the arguments' effective values, and the publication with its
// outputs, or unknown outputs ("known after apply") when `publication` is null or an argument
// they depend on is unknown.
cty::Value BuildState(const cty::Type& type, const cty::Value& config,
                      const Publication* publication) {
  cty::Value::Attributes state;
  for (const char* name : kArgumentNames) state[name] = EffectiveArgument(config, name);
  if (publication != nullptr && ArgumentsKnown(config)) {
    PutPublication(*publication, state);
    PutListOutputs(IpSet(publication->addresses), ListArgumentsOf(config), state);
  } else {
    PutUnknownPublication(state);
  }
  state["id"] = state["service"];
  return cty::Value::ObjectOf(type, std::move(state));
}

size_t PendingCount(const cty::Value& state) {
  const cty::Value pending = state.GetAttr("pending_removal");
  return pending.is_null() ? 0 : pending.attributes().size();
}

Diagnostic ToError(Diagnostic d) {
  d.severity = tfprotocol::Severity::kError;
  return d;
}

}  // namespace

NcsIpSetResource::NcsIpSetResource(AgoraProvider& provider)
    : provider_(provider), schema_(MakeSchema()), type_(schema_.block.ImpliedType()) {}

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

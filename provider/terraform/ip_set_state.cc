#include "provider/terraform/ip_set_state.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "internal/cty/json.h"
#include "provider/addresses/ip_set.h"
#include "provider/terraform/ncs_lists.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace agora::ip_set {
namespace {

using tfprotocol::Attribute;
using tfprotocol::Diagnostic;

const absl::Duration kMaxDuration = absl::Hours(8760);

const cty::Type kStringList = cty::Type::List(cty::Type::String());
const cty::Type kStringMap = cty::Type::Map(cty::Type::String());

constexpr const char* kArgumentNames[] = {
    "service",        "min_count",    "chunk_size",   "aggregate", "max_removed_percent",
    "on_fetch_error", "grace_period", "max_staleness"};

// A duration argument: whole seconds from `min` to 8760h.
absl::StatusOr<absl::Duration> ParseDurationArgument(const char* name, const std::string& text,
                                                     absl::Duration min, const char* min_text) {
  absl::Duration d;
  if (!absl::ParseDuration(text, &d) || d == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        name, " must be a duration such as \"90m\" or \"72h\"; got \"", text, "\"."));
  }
  if (d < min || d > kMaxDuration || d != absl::Trunc(d, absl::Seconds(1))) {
    return absl::InvalidArgumentError(absl::StrCat(name, " must be whole seconds from \"", min_text,
                                                   "\" to \"8760h\"; got \"", text, "\"."));
  }
  return d;
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

void PutPublication(const Publication& p, cty::Value::Attributes& state) {
  cty::Value::Attributes since;
  for (const auto& [address, t] : p.published_since) {
    since.emplace(address.ToString(), cty::Value::String(Rfc3339(t)));
  }
  state["published_since"] = cty::Value::Map(cty::Type::String(), std::move(since));
  cty::Value::Attributes pending;
  for (const auto& [address, until] : p.pending_removal) {
    pending.emplace(address.ToString(), cty::Value::String(Rfc3339(until)));
  }
  state["pending_removal"] = cty::Value::Map(cty::Type::String(), std::move(pending));
  state["changed_at"] = cty::Value::String(Rfc3339(p.changed_at));
}

void PutUnknownPublication(cty::Value::Attributes& state) {
  state["published_since"] = cty::Value::Unknown(kStringMap);
  state["last_read_at"] = cty::Value::Unknown(cty::Type::String());
  state["pending_removal"] = cty::Value::Unknown(kStringMap);
  state["changed_at"] = cty::Value::Unknown(cty::Type::String());
  PutUnknownListOutputs(state);
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
  if (n == "max_staleness") return cty::Value::String(policy.max_staleness_text);
  return cty::Value::String(policy.grace_period_text);
}

}  // namespace

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return std::nullopt;
  return t;
}

std::string Age(absl::Duration age) {
  const absl::Duration whole = absl::Trunc(std::max(age, absl::ZeroDuration()), absl::Seconds(1));
  // FormatDuration writes a zero duration as "0", which reads badly after "confirmed by Agora".
  return whole == absl::ZeroDuration() ? "0s" : absl::FormatDuration(whole);
}

bool ArgumentsKnown(const cty::Value& config) {
  return std::all_of(std::begin(kArgumentNames), std::end(kArgumentNames),
                     [&](const char* name) { return config.GetAttr(name).is_known(); });
}

tfprotocol::Schema IpSetSchema() {
  tfprotocol::Schema schema;
  schema.version = kSchemaVersion;
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
          "removal). A whole number from 0 to 100, default `50`; `100` turns the guard off, `0` makes every removal "
          "need review."),
      Attribute::OptionalComputed(
          "on_fetch_error", cty::Type::String(),
          "`fail` (default) or `keep`. With `keep`, when Agora cannot be read (after retries and "
          "failover) the refresh warns with the error and the plan keeps the published list as it "
          "is, for at most `max_staleness`. Rejected or missing credentials (401, 403) fail even "
          "with `keep`. The refresh uses the value in state. The first create always needs a "
          "successful read."),
      Attribute::OptionalComputed(
          "max_staleness", cty::Type::String(),
          "With `on_fetch_error = \"keep\"`: how old the last successful read (`last_read_at`) "
          "may be while Agora cannot be read. Younger, the plan keeps the list with a warning "
          "giving its age; older, the plan fails. A duration from `\"1s\"` to `\"8760h\"`, in "
          "whole seconds, default `\"24h\"` (Agora asks for a read at least every 24 hours). No "
          "effect with `fail`."),
      Attribute::OptionalComputed(
          "grace_period", cty::Type::String(),
          "How long an address Agora stops publishing stays in the published lists, so that "
          "rotations overlap: a duration such as `\"90m\"` or `\"72h\"`, from `\"0s\"` (default) "
          "to `\"8760h\"`, in whole seconds."),
      Attribute::Computed("id", cty::Type::String(), "The service name."),
      Attribute::Computed(
          "published_since", kStringMap,
          "Every published address → RFC 3339 UTC time it was first published (since it last "
          "joined the set). A plan adds exactly the addresses that join and removes exactly "
          "those that leave."),
      Attribute::Computed(
          "last_read_at", cty::Type::String(),
          "RFC 3339 UTC time of the last successful read of Agora's list that the published "
          "set reflects. With `keep` every successful refresh moves it (`max_staleness` "
          "measures its age); with `fail` it moves when a read changes the published set. A "
          "failed read never changes it. Null only in a state from provider version 0.1.x "
          "until its first successful read."),
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

// Whole seconds, as state and plans show times.
absl::Time Seconds(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t)); }

absl::StatusOr<absl::Duration> ParseGracePeriod(const std::string& text) {
  return ParseDurationArgument("grace_period", text, absl::ZeroDuration(), "0s");
}

absl::StatusOr<absl::Duration> ParseMaxStaleness(const std::string& text) {
  return ParseDurationArgument("max_staleness", text, absl::Seconds(1), "1s");
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
  if (cty::Value v = config.GetAttr("max_staleness"); !v.is_null()) {
    p.max_staleness_text = v.as_string();
    p.max_staleness = *ParseMaxStaleness(p.max_staleness_text);
  }
  return p;
}

absl::StatusOr<Publication> PublicationOf(const cty::Value& state) {
  Publication p;
  absl::StatusOr<std::vector<IpAddress>> addresses =
      Addresses(state.GetAttr("ip_addresses"), "ip_addresses");
  if (!addresses.ok()) return addresses.status();
  p.addresses = *std::move(addresses);
  std::sort(p.addresses.begin(), p.addresses.end());
  p.addresses.erase(std::unique(p.addresses.begin(), p.addresses.end()), p.addresses.end());
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
  std::map<std::string, absl::Time> since_text;
  if (cty::Value since = state.GetAttr("published_since"); !since.is_null()) {
    for (const auto& [text, t] : since.attributes()) {
      std::optional<absl::Time> parsed = t.is_null() ? std::nullopt : ParseTime(t.as_string());
      if (parsed) since_text.emplace(text, *parsed);
    }
  }
  // An address without an entry (a state edited by hand) joined at the last change at the latest.
  for (const IpAddress& a : p.addresses) {
    auto it = since_text.find(a.ToString());
    p.published_since.emplace(a, it == since_text.end() ? p.changed_at : it->second);
  }
  return p;
}

std::string EncodeLastRead(const LastRead& read) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("read_at");
  w.String(Rfc3339(read.read_at).c_str());
  w.Key("url");
  w.String(read.url.c_str());
  w.Key("request_id");
  w.String(read.request_id.c_str());
  w.Key("addresses");
  w.StartArray();
  for (const IpAddress& a : read.addresses) w.String(a.ToString().c_str());
  w.EndArray();
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
  if (std::optional<std::string> error = text("error")) {  // A failure, by an earlier version.
    read.failure = Diagnostic{tfprotocol::Severity::kError,
                              text("error_summary").value_or("Could not read Agora's IPs"),
                              *error,
                              {}};
    auto credentials = doc.FindMember("credentials");
    read.credentials = credentials != doc.MemberEnd() && credentials->value.IsBool() &&
                       credentials->value.GetBool();
    if (std::optional<std::string> good = text("last_good_read_at")) {
      read.last_good_read_at = ParseTime(*good);
    }
    return read;
  }
  std::optional<std::string> read_at = text("read_at");
  std::optional<absl::Time> t = read_at ? ParseTime(*read_at) : std::nullopt;
  if (!t) return std::nullopt;
  read.read_at = *t;
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

absl::Time LastGoodReadAt(const cty::Value& state, const std::optional<LastRead>& read) {
  if (std::optional<absl::Time> t = LastReadAtOf(state)) return *t;
  if (read && !read->failure) return read->read_at;
  if (read && read->last_good_read_at) return *read->last_good_read_at;
  absl::StatusOr<Publication> p = PublicationOf(state);
  return p.ok() ? p->changed_at : absl::UnixEpoch();
}

// The min_count check against a recorded read.
std::optional<Diagnostic> MinCountErrorOf(const LastRead& read, int64_t min_count) {
  return MinCountError(read.addresses.size(), read.url, read.request_id, min_count);
}

// The planned or applied state: the arguments' effective values, and the publication with its
// outputs, or unknown outputs ("known after apply") when `publication` is null or an argument
// they depend on is unknown.
bool SameCut(const cty::Value& prior, const cty::Value& config) {
  if (!ArgumentsKnown(config)) return false;
  const ListArguments before = ListArgumentsOf(prior);
  const ListArguments after = ListArgumentsOf(config);
  return before.chunk_size == after.chunk_size && before.aggregate == after.aggregate;
}

cty::Value BuildState(const cty::Type& type, const cty::Value& config,
                      const Publication* publication, const cty::Value* prior,
                      std::optional<absl::Time> last_read_at) {
  cty::Value::Attributes state;
  for (const char* name : kArgumentNames) state[name] = EffectiveArgument(config, name);
  if (publication != nullptr && ArgumentsKnown(config)) {
    PutPublication(*publication, state);
    state["last_read_at"] = last_read_at ? cty::Value::String(Rfc3339(*last_read_at))
                                         : cty::Value::Null(cty::Type::String());
    if (prior != nullptr && !prior->is_null() && SameCut(*prior, config)) {
      const PriorChunks chunks = PriorChunksOf(*prior);
      PutListOutputs(IpSet(publication->addresses), ListArgumentsOf(config), state, &chunks);
    } else {
      PutListOutputs(IpSet(publication->addresses), ListArgumentsOf(config), state);
    }
  } else {
    PutUnknownPublication(state);
  }
  state["id"] = state["service"];
  return cty::Value::ObjectOf(type, std::move(state));
}

cty::Value WithLastReadAt(const cty::Type& type, const cty::Value& state, absl::Time read_at) {
  cty::Value::Attributes attributes = state.attributes();
  attributes["last_read_at"] = cty::Value::String(Rfc3339(read_at));
  return cty::Value::ObjectOf(type, std::move(attributes));
}

std::optional<absl::Time> LastReadAtOf(const cty::Value& state) {
  const cty::Value v = state.GetAttr("last_read_at");
  if (v.is_null() || !v.is_known()) return std::nullopt;
  return ParseTime(v.as_string());
}

absl::StatusOr<cty::Value> UpgradeV0(const cty::Type& type, const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError("The stored version 0 state is not a JSON object.");
  }
  auto& alloc = doc.GetAllocator();
  rapidjson::Value since(rapidjson::kObjectType);
  auto changed = doc.FindMember("changed_at");
  auto addresses = doc.FindMember("ip_addresses");
  if (changed != doc.MemberEnd() && changed->value.IsString() && addresses != doc.MemberEnd() &&
      addresses->value.IsArray()) {
    for (const auto& a : addresses->value.GetArray()) {
      if (!a.IsString() || since.HasMember(a)) continue;
      since.AddMember(rapidjson::Value(a, alloc), rapidjson::Value(changed->value, alloc), alloc);
    }
  }
  for (const char* gone : {"added", "removed", "published_since", "last_read_at"}) {
    doc.RemoveMember(gone);
  }
  doc.AddMember("published_since", since, alloc);
  doc.AddMember("last_read_at", rapidjson::Value(rapidjson::kNullType), alloc);
  doc.RemoveMember("max_staleness");
  doc.AddMember("max_staleness", rapidjson::Value(kDefaultMaxStaleness, alloc), alloc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  doc.Accept(w);
  return cty::DecodeJson(std::string_view(buffer.GetString(), buffer.GetSize()), type,
                         {.ignore_unknown_attributes = true});
}

size_t PendingCount(const cty::Value& state) {
  const cty::Value pending = state.GetAttr("pending_removal");
  return pending.is_null() ? 0 : pending.attributes().size();
}

}  // namespace agora::ip_set

#include "provider/terraform/ip_set_state.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "provider/addresses/ip_set.h"
#include "provider/terraform/ncs_lists.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace agora::ip_set {
namespace {

using tfprotocol::Attribute;
using tfprotocol::Diagnostic;

const absl::Duration kMaxGracePeriod = absl::Hours(8760);

const cty::Type kStringList = cty::Type::List(cty::Type::String());
const cty::Type kStringMap = cty::Type::Map(cty::Type::String());

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::optional<absl::Time> ParseTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return std::nullopt;
  return t;
}

constexpr const char* kArgumentNames[] = {"service",     "min_count",           "chunk_size",
                                          "aggregate",   "max_removed_percent", "on_fetch_error",
                                          "grace_period"};

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

}  // namespace

bool ArgumentsKnown(const cty::Value& config) {
  return std::all_of(std::begin(kArgumentNames), std::end(kArgumentNames),
                     [&](const char* name) { return config.GetAttr(name).is_known(); });
}

tfprotocol::Schema IpSetSchema() {
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

}  // namespace agora::ip_set

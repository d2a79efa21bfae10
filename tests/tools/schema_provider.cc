// A schema-only stand-in provider for offline `terraform validate` of the examples: it serves,
// over the real plugin protocol and on internal/, the schema of another provider (hashicorp/aws,
// google, azurerm, kubernetes, local) read from a JSON file in `terraform providers schema -json`
// form, and answers the validate RPCs. It cannot plan, apply or read: anything beyond validation
// is an error saying so. It is also the second provider built on internal/, which keeps the core
// honest about being provider-neutral.
//
// The schema file is `schema.json` beside the executable (the test installs both into a
// filesystem mirror); the provider's type name comes from the executable's name,
// terraform-provider-<type>_v<version>.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "internal/cty/type.h"
#include "internal/tfprotocol/provider.h"
#include "internal/tfprotocol/serve.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace {

using tfprotocol::Diagnostics;

// --- The schema JSON -----------------------------------------------------------------------------

std::string ToJson(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool Flag(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

std::string Text(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

absl::StatusOr<tfprotocol::Block> ParseBlock(const rapidjson::Value& json);

absl::StatusOr<std::vector<tfprotocol::Attribute>> ParseAttributes(const rapidjson::Value& json) {
  std::vector<tfprotocol::Attribute> out;
  auto attributes = json.FindMember("attributes");
  if (attributes == json.MemberEnd()) return out;
  for (const auto& [name_json, a] : attributes->value.GetObject()) {
    tfprotocol::Attribute attribute;
    attribute.name = name_json.GetString();
    attribute.description = Text(a, "description");
    attribute.required = Flag(a, "required");
    attribute.optional = Flag(a, "optional");
    attribute.computed = Flag(a, "computed");
    attribute.sensitive = Flag(a, "sensitive");
    attribute.deprecated = Flag(a, "deprecated");
    if (auto nested = a.FindMember("nested_type"); nested != a.MemberEnd()) {
      auto inner = ParseAttributes(nested->value);
      if (!inner.ok()) return inner.status();
      auto object = std::make_shared<tfprotocol::NestedAttributes>();
      object->attributes = *std::move(inner);
      const std::string mode = Text(nested->value, "nesting_mode");
      object->nesting = mode == "list"  ? tfprotocol::ObjectNesting::kList
                        : mode == "set" ? tfprotocol::ObjectNesting::kSet
                        : mode == "map" ? tfprotocol::ObjectNesting::kMap
                                        : tfprotocol::ObjectNesting::kSingle;
      attribute.nested = std::move(object);
    } else {
      auto type_json = a.FindMember("type");
      if (type_json == a.MemberEnd()) {
        return absl::InvalidArgumentError(
            absl::StrCat("attribute ", attribute.name, " has neither type nor nested_type"));
      }
      absl::StatusOr<cty::Type> type = cty::Type::FromJson(ToJson(type_json->value));
      if (!type.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("attribute ", attribute.name, ": ", type.status().message()));
      }
      attribute.type = *std::move(type);
    }
    out.push_back(std::move(attribute));
  }
  return out;
}

absl::StatusOr<tfprotocol::Block> ParseBlock(const rapidjson::Value& json) {
  tfprotocol::Block block;
  if (!json.IsObject()) return absl::InvalidArgumentError("a block must be a JSON object");
  block.description = Text(json, "description");
  auto attributes = ParseAttributes(json);
  if (!attributes.ok()) return attributes.status();
  block.attributes = *std::move(attributes);
  auto types = json.FindMember("block_types");
  if (types == json.MemberEnd()) return block;
  for (const auto& [name, b] : types->value.GetObject()) {
    tfprotocol::NestedBlock nested;
    nested.type_name = name.GetString();
    const std::string mode = Text(b, "nesting_mode");
    nested.nesting = mode == "single"  ? tfprotocol::Nesting::kSingle
                     : mode == "group" ? tfprotocol::Nesting::kGroup
                     : mode == "set"   ? tfprotocol::Nesting::kSet
                     : mode == "map"   ? tfprotocol::Nesting::kMap
                                       : tfprotocol::Nesting::kList;
    if (auto it = b.FindMember("min_items"); it != b.MemberEnd())
      nested.min_items = it->value.GetInt64();
    if (auto it = b.FindMember("max_items"); it != b.MemberEnd())
      nested.max_items = it->value.GetInt64();
    auto inner = b.FindMember("block");
    if (inner == b.MemberEnd()) {
      return absl::InvalidArgumentError(
          absl::StrCat("block type ", nested.type_name, " has no block"));
    }
    auto parsed = ParseBlock(inner->value);
    if (!parsed.ok()) return parsed.status();
    nested.block = *std::move(parsed);
    block.block_types.push_back(std::move(nested));
  }
  return block;
}

absl::StatusOr<tfprotocol::Schema> ParseSchema(const rapidjson::Value& json) {
  tfprotocol::Schema schema;
  if (auto it = json.FindMember("version"); it != json.MemberEnd())
    schema.version = it->value.GetInt64();
  auto block = json.FindMember("block");
  if (block == json.MemberEnd()) return schema;  // An empty block, as for a provider with none.
  auto parsed = ParseBlock(block->value);
  if (!parsed.ok()) return parsed.status();
  schema.block = *std::move(parsed);
  return schema;
}

// --- The stand-in
// ---------------------------------------------------------------------------------

Diagnostics NotServed(const std::string& what) {
  Diagnostics d;
  d.AddError("Schema-only stand-in provider",
             absl::StrCat(what,
                          ": this provider only serves a schema for `terraform validate`; it "
                          "cannot plan, apply or read."));
  return d;
}

class StandInDataSource final : public tfprotocol::DataSource {
 public:
  StandInDataSource(std::string name, tfprotocol::Schema schema)
      : name_(std::move(name)), schema_(std::move(schema)) {}
  std::string_view type_name() const override { return name_; }
  const tfprotocol::Schema& schema() const override { return schema_; }
  Diagnostics Validate(const cty::Value&) const override { return {}; }
  tfprotocol::ReadDataSourceResponse Read(const tfprotocol::CallContext&,
                                          const tfprotocol::ReadDataSourceRequest&) override {
    return {cty::Value(), NotServed(name_)};
  }

 private:
  std::string name_;
  tfprotocol::Schema schema_;
};

class StandInResource final : public tfprotocol::Resource {
 public:
  StandInResource(std::string name, tfprotocol::Schema schema)
      : name_(std::move(name)), schema_(std::move(schema)) {}
  std::string_view type_name() const override { return name_; }
  const tfprotocol::Schema& schema() const override { return schema_; }
  Diagnostics Validate(const cty::Value&) const override { return {}; }
  tfprotocol::ReadResourceResponse Read(const tfprotocol::CallContext&,
                                        const tfprotocol::ReadResourceRequest&) override {
    return {cty::Value(), "", NotServed(name_)};
  }
  tfprotocol::PlanResourceResponse Plan(const tfprotocol::CallContext&,
                                        const tfprotocol::PlanResourceRequest&) override {
    return {cty::Value(), {}, "", NotServed(name_)};
  }
  tfprotocol::ApplyResourceResponse Apply(const tfprotocol::CallContext&,
                                          const tfprotocol::ApplyResourceRequest&) override {
    return {cty::Value(), "", NotServed(name_)};
  }
  tfprotocol::ImportResourceResponse Import(const tfprotocol::CallContext&,
                                            const tfprotocol::ImportResourceRequest&) override {
    return {cty::Value(), "", NotServed(name_)};
  }

 private:
  std::string name_;
  tfprotocol::Schema schema_;
};

class StandInProvider final : public tfprotocol::Provider {
 public:
  const tfprotocol::Schema& schema() const override { return schema_; }
  std::vector<tfprotocol::DataSource*> data_sources() override {
    std::vector<tfprotocol::DataSource*> out;
    for (auto& d : data_sources_) out.push_back(d.get());
    return out;
  }
  std::vector<tfprotocol::Resource*> resources() override {
    std::vector<tfprotocol::Resource*> out;
    for (auto& r : resources_) out.push_back(r.get());
    return out;
  }
  Diagnostics ValidateConfig(const cty::Value&) const override { return {}; }
  Diagnostics Configure(const tfprotocol::ConfigureRequest&) override { return {}; }
  void Stop() override {}

  // Reads one provider's entry of `terraform providers schema -json`.
  absl::Status Load(const std::string& text) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError() || !doc.IsObject()) {
      return absl::InvalidArgumentError("the schema file is not a JSON object");
    }
    if (auto it = doc.FindMember("provider"); it != doc.MemberEnd()) {
      auto parsed = ParseSchema(it->value);
      if (!parsed.ok()) return parsed.status();
      schema_ = *std::move(parsed);
    }
    for (const char* key : {"resource_schemas", "data_source_schemas"}) {
      auto it = doc.FindMember(key);
      if (it == doc.MemberEnd()) continue;
      for (const auto& [name, schema_json] : it->value.GetObject()) {
        auto parsed = ParseSchema(schema_json);
        if (!parsed.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(name.GetString(), ": ", parsed.status().message()));
        }
        if (key[0] == 'r') {
          resources_.push_back(std::make_unique<StandInResource>(name.GetString(), *parsed));
        } else {
          data_sources_.push_back(std::make_unique<StandInDataSource>(name.GetString(), *parsed));
        }
      }
    }
    return absl::OkStatus();
  }

 private:
  tfprotocol::Schema schema_;
  std::vector<std::unique_ptr<StandInDataSource>> data_sources_;
  std::vector<std::unique_ptr<StandInResource>> resources_;
};

std::string ExecutablePath() {
  char buffer[4096];
  const ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string exe = ExecutablePath();
  const std::string dir = exe.substr(0, exe.rfind('/'));
  std::string name = exe.substr(exe.rfind('/') + 1);  // terraform-provider-aws_v5.0.0
  name = name.substr(0, name.find("_v"));
  std::ifstream file(dir + "/schema.json");
  std::stringstream text;
  text << file.rdbuf();
  auto provider = std::make_unique<StandInProvider>();
  if (absl::Status loaded = provider->Load(text.str()); !file || !loaded.ok()) {
    std::fprintf(stderr, "%s: cannot load %s/schema.json: %s\n", name.c_str(), dir.c_str(),
                 file ? std::string(loaded.message()).c_str() : "not readable");
    return 1;
  }
  const std::string type = name.substr(std::string("terraform-provider-").size());
  tfprotocol::ServeOptions options;
  options.executable_name = name;
  options.version = "stand-in";
  options.provider_address = "registry.terraform.io/hashicorp/" + type;
  options.log_module = type;
  return tfprotocol::Serve(std::move(provider), options, argc, argv);
}

#include "provider/terraform/ncs_ips_data_source.h"

#include "provider/terraform/agora_provider.h"
#include "provider/terraform/ncs_lists.h"

namespace agora {
namespace {

tfprotocol::Schema MakeSchema() {
  tfprotocol::Schema schema;
  schema.block.description =
      "The IP addresses of Agora's Notifications servers (`GET /v2/ncs/ip`, or `/v1/ncs/ip` for "
      "cloud recording and transcoding), ready for firewall allow-lists. Agora changes them "
      "from time to time: re-read at least every 24 hours.";
  schema.block.attributes = ListArgumentSchema();
  schema.block.attributes.push_back(
      tfprotocol::Attribute::Computed("id", cty::Type::String(), "Same as `fingerprint`."));
  for (tfprotocol::Attribute& output : ListOutputSchema("All addresses")) {
    schema.block.attributes.push_back(std::move(output));
  }
  return schema;
}

}  // namespace

NcsIpsDataSource::NcsIpsDataSource(AgoraProvider& provider)
    : provider_(provider), schema_(MakeSchema()) {}

tfprotocol::Diagnostics NcsIpsDataSource::Validate(const cty::Value& config) const {
  tfprotocol::Diagnostics d;
  ValidateListArguments(config, d);
  return d;
}

tfprotocol::ReadDataSourceResponse NcsIpsDataSource::Read(
    const tfprotocol::CallContext& context, const tfprotocol::ReadDataSourceRequest& request) {
  tfprotocol::ReadDataSourceResponse result;
  tfprotocol::Diagnostics& d = result.diagnostics;
  d = Validate(request.config);
  if (d.has_errors()) return result;

  const ListArguments arguments = ListArgumentsOf(request.config);
  LiveRead live = ReadLive(provider_, context, arguments.service);
  d.Append(live.warnings);
  if (live.failure) {
    d.Add(*live.failure);
    return result;
  }
  const NcsFetchResult& answer = *live.answer();
  const IpSet set(answer.response.addresses);
  if (std::optional<tfprotocol::Diagnostic> error =
          MinCountError(set.size(), answer.url, answer.request_id, arguments.min_count)) {
    d.Add(*std::move(error));
    return result;
  }

  // The arguments as they took effect, defaults included (Optional + Computed).
  cty::Value::Attributes state;
  PutListArguments(arguments, state);
  PutListOutputs(set, arguments, state);
  state["id"] = state["fingerprint"];
  result.state = cty::Value::ObjectOf(schema_.block.ImpliedType(), std::move(state));
  return result;
}

}  // namespace agora

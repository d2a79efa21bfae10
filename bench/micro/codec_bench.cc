// The cty codecs on the provider's real shapes: the provider block's config object and the state
// of an agora_ncs_ips data source holding 50 addresses, in msgpack (every RPC carries them) and
// the type JSON of that state's object type.
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "internal/base/env.h"
#include "internal/cty/msgpack.h"
#include "internal/cty/type.h"
#include "internal/cty/value.h"
#include "provider/addresses/ip_set.h"
#include "provider/agora_api/clock.h"
#include "provider/terraform/agora_provider.h"
#include "provider/terraform/settings.h"

namespace {

cty::Value StringList(const std::vector<std::string>& items) {
  cty::Value::Elements elements;
  for (const std::string& s : items) elements.push_back(cty::Value::String(s));
  return cty::Value::List(cty::Type::String(), std::move(elements));
}

// A provider block as a CI pipeline writes it: credentials, two endpoints, a region and timeouts;
// the other attributes null.
struct ConfigFixture {
  cty::Type type = agora::ProviderSchema().block.ImpliedType();
  cty::Value value = cty::Value::ObjectOf(
      type, {
                {"customer_id", cty::Value::String("0123456789abcdef0123456789abcdef")},
                {"customer_secret", cty::Value::String("fedcba9876543210fedcba9876543210")},
                {"endpoints", StringList({"https://api.agora.io", "https://api.sd-rtn.com"})},
                {"region", cty::Value::String("eu")},
                {"request_timeout", cty::Value::String("10s")},
                {"total_timeout", cty::Value::String("60s")},
                {"max_retries", cty::Value::Int(3)},
            });
};

// 40 IPv4 and 10 IPv6 addresses, with every derived attribute filled the way Read fills them.
struct StateFixture {
  StateFixture() {
    base::MapEnv env;
    agora::RealClock clock;
    agora::AgoraProvider provider(env, clock);
    type = provider.data_sources().front()->schema().block.ImpliedType();

    std::vector<agora::IpAddress> addresses;
    for (uint32_t i = 0; i < 40; ++i) {
      addresses.push_back(agora::IpAddress::V4((203u << 24) | (113u << 8) | (i * 5 + 1)));
    }
    for (uint8_t i = 0; i < 10; ++i) {
      addresses.push_back(agora::IpAddress::V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, i, 0, 0, 0, 0,
                                                0, 0, 0, static_cast<uint8_t>(i + 1)}));
    }
    const agora::IpSet set(std::move(addresses));
    const std::vector<agora::IpAddress> v4 = set.Family(agora::IpFamily::kV4);
    const std::vector<agora::IpAddress> v6 = set.Family(agora::IpFamily::kV6);
    const std::vector<std::string> v4_cidrs = Texts(agora::HostCidrs(v4));
    const std::vector<std::string> v6_cidrs = Texts(agora::HostCidrs(v6));
    const std::string fingerprint = set.Fingerprint();

    value = cty::Value::ObjectOf(
        type, {
                  {"service", cty::Value::String("rtc")},
                  {"id", cty::Value::String(fingerprint)},
                  {"fingerprint", cty::Value::String(fingerprint)},
                  {"ip_addresses", StringList(Texts(set.addresses()))},
                  {"ipv4_addresses", StringList(Texts(v4))},
                  {"ipv6_addresses", StringList(Texts(v6))},
                  {"cidr_blocks", StringList(v4_cidrs)},
                  {"ipv6_cidr_blocks", StringList(v6_cidrs)},
                  {"cidr_block_chunks", Chunks(v4_cidrs)},
                  {"ipv6_cidr_block_chunks", Chunks(v6_cidrs)},
              });
  }

  template <typename T>
  static std::vector<std::string> Texts(const std::vector<T>& items) {
    std::vector<std::string> out;
    for (const T& item : items) out.push_back(item.ToString());
    return out;
  }

  static cty::Value Chunks(const std::vector<std::string>& items) {
    cty::Value::Elements chunks;
    for (const std::vector<std::string>& chunk : agora::Chunk(items, 50)) {
      chunks.push_back(StringList(chunk));
    }
    return cty::Value::List(cty::Type::List(cty::Type::String()), std::move(chunks));
  }

  cty::Type type;
  cty::Value value;
};

template <typename Fixture>
void BM_MsgpackEncode(benchmark::State& state) {
  const Fixture fixture;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cty::EncodeMsgpack(fixture.value, fixture.type));
  }
}

template <typename Fixture>
void BM_MsgpackDecode(benchmark::State& state) {
  const Fixture fixture;
  const std::string bytes = cty::EncodeMsgpack(fixture.value, fixture.type).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(cty::DecodeMsgpack(bytes, fixture.type));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

void BM_TypeJsonRoundTrip(benchmark::State& state) {
  const StateFixture fixture;
  for (auto _ : state) {
    benchmark::DoNotOptimize(cty::Type::FromJson(fixture.type.ToJson()));
  }
}

BENCHMARK_TEMPLATE(BM_MsgpackEncode, ConfigFixture)->Name("MsgpackEncode/provider_config");
BENCHMARK_TEMPLATE(BM_MsgpackDecode, ConfigFixture)->Name("MsgpackDecode/provider_config");
BENCHMARK_TEMPLATE(BM_MsgpackEncode, StateFixture)->Name("MsgpackEncode/ncs_ips_state_50");
BENCHMARK_TEMPLATE(BM_MsgpackDecode, StateFixture)->Name("MsgpackDecode/ncs_ips_state_50");
BENCHMARK(BM_TypeJsonRoundTrip)->Name("TypeJsonRoundTrip/ncs_ips_state_type");

}  // namespace

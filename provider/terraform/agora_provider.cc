#include "provider/terraform/agora_provider.h"

#include <openssl/evp.h>

#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "internal/base/log.h"
#include "provider/agora_api/curl_transport.h"
#include "provider/terraform/ncs_ip_set_resource.h"
#include "provider/terraform/ncs_ips_data_source.h"

namespace agora {
namespace {

std::unique_ptr<HttpTransport> MakeCurlTransport(const ProviderSettings& settings,
                                                 const std::string& terraform_version) {
  CurlTransportOptions options;
  options.ca_cert_pem = settings.ca_cert_pem;
  options.ca_cert_file = settings.ca_cert_file;
  options.ca_cert_dir = settings.ca_cert_dir;
  options.insecure = settings.insecure;
  options.proxy_url = settings.proxy_url;
  options.no_proxy = settings.no_proxy;
  options.user_agent = absl::StrCat("terraform-provider-agora/", AGORA_PROVIDER_VERSION,
                                    " (+https://www.terraform.io) Terraform/", terraform_version);
  return std::make_unique<CurlTransport>(std::move(options));
}

// The secret enters the cache key only as a digest.
std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

AgoraProvider::AgoraProvider(const base::Env& env, Clock& clock, TransportFactory transport_factory)
    : env_(env),
      clock_(clock),
      transport_factory_(std::move(transport_factory)),
      schema_(ProviderSchema()) {
  data_sources_.push_back(std::make_unique<NcsIpsDataSource>(*this));
  resources_.push_back(std::make_unique<NcsIpSetResource>(*this));
}

AgoraProvider::~AgoraProvider() = default;

std::vector<tfprotocol::DataSource*> AgoraProvider::data_sources() {
  std::vector<tfprotocol::DataSource*> out;
  for (auto& ds : data_sources_) out.push_back(ds.get());
  return out;
}

std::vector<tfprotocol::Resource*> AgoraProvider::resources() {
  std::vector<tfprotocol::Resource*> out;
  for (auto& r : resources_) out.push_back(r.get());
  return out;
}

tfprotocol::Diagnostics AgoraProvider::ValidateConfig(const cty::Value& config) const {
  return ValidateProviderConfig(config);
}

tfprotocol::Diagnostics AgoraProvider::Configure(const tfprotocol::ConfigureRequest& request) {
  auto configured = std::make_shared<Configured>();
  tfprotocol::Diagnostics d = ResolveProviderSettings(request.config, env_, &configured->settings);
  if (d.has_errors()) return d;
  configured->terraform_version = request.terraform_version;
  configured->transport = transport_factory_
                              ? transport_factory_(configured->settings)
                              : MakeCurlTransport(configured->settings, request.terraform_version);
  base::Log(base::LogLevel::kDebug, "Provider configured",
            {{"endpoints", absl::StrJoin(configured->settings.endpoints, ",")},
             {"customer_id_source",
              configured->settings.customer_id ? configured->settings.customer_id->source : ""}});
  absl::MutexLock lock(&mu_);
  configured_ = std::move(configured);
  return d;
}

void AgoraProvider::Stop() {
  // Reads only happen once configured; a stop before that has nothing to cancel.
  if (std::shared_ptr<const Configured> current = configured()) current->cancellation.Cancel();
}

std::shared_ptr<const AgoraProvider::Configured> AgoraProvider::configured() const {
  absl::MutexLock lock(&mu_);
  return configured_;
}

std::shared_ptr<const SnapshotCache::Result> AgoraProvider::FetchSnapshot(
    const Configured& configured, NcsService service) {
  const ProviderSettings& s = configured.settings;
  std::string key =
      absl::StrCat(NcsServicePath(service), "\n", s.customer_id ? s.customer_id->value : "", "\n",
                   s.customer_secret ? Sha256Hex(s.customer_secret->value) : "", "\n",
                   absl::StrJoin(s.endpoints, ","));
  return configured.cache.Get(key, [&]() -> SnapshotCache::Result {
    std::mt19937_64 rng(std::random_device{}());
    std::uniform_real_distribution<double> jitter(0.0, 1.0);
    NcsClient client(s, *configured.transport, clock_, configured.cancellation,
                     [&] { return jitter(rng); });
    absl::StatusOr<NcsFetchResult> result = client.Fetch(service);
    if (result.ok()) result->received_at = clock_.Now();
    return result;
  });
}

}  // namespace agora

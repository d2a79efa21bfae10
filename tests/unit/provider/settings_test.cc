#include "provider/terraform/settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <string>

namespace agora {
namespace {

using ::testing::HasSubstr;
using tfprotocol::AttributePath;

// A provider config object with the given attributes set, all others null.
cty::Value Config(cty::Value::Attributes attributes = {}) {
  return cty::Value::ObjectOf(ProviderSchema().block.ImpliedType(), std::move(attributes));
}

cty::Value Strings(std::vector<std::string> items) {
  cty::Value::Elements elements;
  for (auto& s : items) elements.push_back(cty::Value::String(s));
  return cty::Value::List(cty::Type::String(), std::move(elements));
}

TEST(ParseGoDurationTest, AcceptsGoSyntaxOnly) {
  EXPECT_EQ(*ParseGoDuration("500ms"), absl::Milliseconds(500));
  EXPECT_EQ(*ParseGoDuration("1m30s"), absl::Seconds(90));
  EXPECT_EQ(*ParseGoDuration("1.5s"), absl::Milliseconds(1500));
  for (const char* bad : {"", "10", "10 seconds", "inf", "-1s", "0s", "1d"}) {
    EXPECT_FALSE(ParseGoDuration(bad).ok()) << bad;
  }
}

// libcurl counts whole milliseconds: "999us" would have been 0, which libcurl takes for "never".
TEST(ParseRequestTimeoutTest, RefusesLessThanOneMillisecond) {
  EXPECT_EQ(*ParseRequestTimeout("1ms"), absl::Milliseconds(1));
  EXPECT_EQ(*ParseRequestTimeout("1500us"), absl::Microseconds(1500));
  for (const char* bad : {"999us", "1ns", "0.5ms"}) {
    absl::StatusOr<absl::Duration> d = ParseRequestTimeout(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_THAT(std::string(d.status().message()), HasSubstr("shorter than 1ms")) << bad;
  }
  auto diagnostics = ValidateProviderConfig(Config({{"request_timeout", cty::Value::String("999us")},
                                                    {"total_timeout", cty::Value::String("2s")}}));
  ASSERT_EQ(diagnostics.items().size(), 1u);
  EXPECT_EQ(diagnostics.items()[0].attribute->ToString(), "request_timeout");
}

// As Go's net/http (Terraform itself) and curl read it.
TEST(ResolveProviderSettingsTest, AnHttpsProxyVariableWithoutASchemeMeansHttp) {
  for (const char* variable : {"HTTPS_PROXY", "https_proxy"}) {
    base::MapEnv env(std::map<std::string, std::string, std::less<>>{
        {variable, "proxy.corp.example:3128"}});
    ProviderSettings s;
    auto d = ResolveProviderSettings(Config(), env, &s);
    ASSERT_FALSE(d.has_errors()) << variable;
    EXPECT_EQ(s.proxy_url, "http://proxy.corp.example:3128") << variable;
  }
  EXPECT_EQ(ProxyUrlFromEnvironment("127.0.0.1:3128"), "http://127.0.0.1:3128");
  EXPECT_EQ(ProxyUrlFromEnvironment("https://proxy:443"), "https://proxy:443");
  // proxy_url itself is written by hand and stays strict.
  EXPECT_FALSE(ValidateProviderConfig(Config({{"proxy_url", cty::Value::String("proxy:3128")}}))
                   .items()
                   .empty());
}

TEST(NormaliseEndpointTest, HttpsEverywhereHttpOnLoopback) {
  EXPECT_EQ(*NormaliseEndpoint("https://api.agora.io/"), "https://api.agora.io");
  EXPECT_EQ(*NormaliseEndpoint("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(*NormaliseEndpoint("http://localhost:1"), "http://localhost:1");
  EXPECT_EQ(*NormaliseEndpoint("http://[::1]:1"), "http://[::1]:1");
  EXPECT_THAT(std::string(NormaliseEndpoint("http://api.agora.io").status().message()),
              HasSubstr("clear text"));
  for (const char* bad : {"api.agora.io", "ftp://api.agora.io", "https://u:p@api.agora.io",
                          "https://api.agora.io/?x=1", ""}) {
    EXPECT_FALSE(NormaliseEndpoint(bad).ok()) << bad;
  }
}

TEST(NormaliseEndpointTest, ChecksHostPortAndPathStrictly) {
  EXPECT_EQ(*NormaliseEndpoint("  https://API.agora.io:8443/base/path/ "),
            "https://API.agora.io:8443/base/path");
  EXPECT_EQ(*NormaliseEndpoint("HTTPS://api-eu_1.example.com"), "HTTPS://api-eu_1.example.com");
  EXPECT_EQ(*NormaliseEndpoint("https://[2001:db8::1]:443"), "https://[2001:db8::1]:443");
  EXPECT_EQ(*NormaliseEndpoint("https://203.0.113.7"), "https://203.0.113.7");
  for (const char* bad :
       {"https://", "https://:443", "https://api.agora.io:", "https://api.agora.io:0",
        "https://api.agora.io:65536", "https://api.agora.io:12a", "https://api.agora.io:+80",
        "https://api agora.io", "https://api.agora.io/a b", "https://api.agora.io#x",
        "https://[::1", "https://[::1]x", "https://[::1]:", "https://[1.2.3.4]",
        "https://[zz::1]", "https://-api.agora.io", "https://api.ag@ra.io@x",
        "https://api.agora.io/\tx", "://api.agora.io", "1https://api.agora.io", "https:/x",
        "https://api$.agora.io"}) {
    EXPECT_FALSE(NormaliseEndpoint(bad).ok()) << bad;
  }
}

TEST(NormaliseEndpointTest, InternationalisedHostNamesMustBeInTheirAsciiForm) {
  // libcurl is built without IDN (cmake/DebianCurl.cmake): the xn-- form is what works.
  EXPECT_EQ(*NormaliseEndpoint("https://xn--bcher-kva.example"), "https://xn--bcher-kva.example");
  absl::StatusOr<std::string> endpoint = NormaliseEndpoint("https://b\xc3\xbc" "cher.example");
  ASSERT_FALSE(endpoint.ok());
  EXPECT_THAT(std::string(endpoint.status().message()), HasSubstr("ASCII form (xn--...)"));
  absl::Status proxy = ValidateProxyUrl("http://pr\xc3\xb6xy.example:3128");
  EXPECT_THAT(std::string(proxy.message()), HasSubstr("ASCII form (xn--...)"));
  EXPECT_THAT(std::string(ValidateProxyUrl("http://pro xy").message()),
              ::testing::Not(HasSubstr("xn--")));
}

TEST(ValidateProxyUrlTest, AcceptsHttpHttpsAndSocksProxiesOnly) {
  for (const char* good : {"http://proxy:3128", "https://proxy.corp.example:8443",
                           "socks5://127.0.0.1:1080", "socks5h://[::1]:1080",
                           "http://user:pass@proxy:3128"}) {
    EXPECT_TRUE(ValidateProxyUrl(good).ok()) << good;
  }
  EXPECT_THAT(std::string(ValidateProxyUrl("ftp://proxy:21").message()), HasSubstr("scheme"));
  for (const char* bad : {"proxy:3128", "http://", "http://proxy:99999", "http://pro xy"}) {
    EXPECT_EQ(ValidateProxyUrl(bad).code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ValidateProviderConfigTest, NullAndUnknownValuesPass) {
  EXPECT_TRUE(ValidateProviderConfig(Config()).empty());
  EXPECT_TRUE(
      ValidateProviderConfig(
          Config({{"region", cty::Value::Unknown(cty::Type::String())},
                  {"endpoints", cty::Value::List(cty::Type::String(),
                                                 {cty::Value::Unknown(cty::Type::String())})}}))
          .empty());
}

TEST(ValidateProviderConfigTest, EachErrorPointsAtItsAttribute) {
  auto d = ValidateProviderConfig(
      Config({{"region", cty::Value::String("mars-1")},
              {"endpoints", Strings({"https://ok.example", "http://bad.example"})},
              {"max_retries", cty::Value::Int(11)},
              {"request_timeout", cty::Value::String("2m")},
              {"total_timeout", cty::Value::String("1m")}}));
  std::vector<std::string> paths;
  for (const auto& item : d.items()) paths.push_back(item.attribute->ToString());
  EXPECT_THAT(paths, ::testing::UnorderedElementsAre("region", "endpoints[1]", "max_retries",
                                                     "total_timeout"));
}

TEST(ResolveProviderSettingsTest, DefaultsAndEnvironmentFallbacks) {
  base::MapEnv env({{"AGORA_CUSTOMER_ID", "cid"},
                    {"AGORA_CUSTOMER_SECRET", "sec"},
                    {"https_proxy", "http://127.0.0.1:3128"},
                    {"no_proxy", "internal.example"}});
  ProviderSettings s;
  auto d = ResolveProviderSettings(Config(), env, &s);
  ASSERT_FALSE(d.has_errors());
  EXPECT_EQ(s.customer_id->value, "cid");
  EXPECT_EQ(s.customer_id->source, "AGORA_CUSTOMER_ID");
  EXPECT_EQ(s.endpoints,
            (std::vector<std::string>{"https://api.agora.io", "https://api.sd-rtn.com"}));
  EXPECT_EQ(s.request_timeout, absl::Seconds(10));
  EXPECT_EQ(s.total_timeout, absl::Seconds(60));
  EXPECT_EQ(s.max_retries, 3);
  EXPECT_EQ(s.proxy_url, "http://127.0.0.1:3128");
  EXPECT_EQ(s.no_proxy, "internal.example");
}

TEST(ResolveProviderSettingsTest, ConfigWinsAndRegionExtendsTheChain) {
  base::MapEnv env({{"AGORA_CUSTOMER_ID", "env-cid"},
                    {"AGORA_ENDPOINTS", "https://env.example"},
                    {"HTTPS_PROXY", "http://upper:1"},
                    {"https_proxy", "http://lower:1"}});
  ProviderSettings s;
  auto d = ResolveProviderSettings(Config({{"customer_id", cty::Value::String("hcl-cid")},
                                           {"endpoints", Strings({"https://a.example/"})},
                                           {"region", cty::Value::String("eu-west-1")}}),
                                   env, &s);
  ASSERT_FALSE(d.has_errors());
  EXPECT_EQ(s.customer_id->source, "customer_id");
  EXPECT_EQ(s.endpoints,
            (std::vector<std::string>{"https://a.example", "https://api-eu-west-1.agora.io",
                                      "https://api-eu-west-1.sd-rtn.com"}));
  EXPECT_EQ(s.proxy_url, "http://upper:1");
}

TEST(ResolveProviderSettingsTest, EnvironmentEndpointsAreCommaSeparatedAndValidated) {
  base::MapEnv env;
  env.Set("AGORA_ENDPOINTS", " https://a.example , https://b.example ");
  ProviderSettings s;
  ASSERT_FALSE(ResolveProviderSettings(Config(), env, &s).has_errors());
  EXPECT_EQ(s.endpoints, (std::vector<std::string>{"https://a.example", "https://b.example"}));

  base::MapEnv bad;
  bad.Set("AGORA_ENDPOINTS", "http://evil.example");
  auto d = ResolveProviderSettings(Config(), bad, &s);
  ASSERT_TRUE(d.has_errors());
  EXPECT_THAT(d.items()[0].summary, HasSubstr("AGORA_ENDPOINTS"));
}

TEST(ResolveProviderSettingsTest, UnknownAttributesAreRecorded) {
  ProviderSettings s;
  base::MapEnv env;
  ASSERT_FALSE(ResolveProviderSettings(
                   Config({{"customer_id", cty::Value::Unknown(cty::Type::String())}}), env, &s)
                   .has_errors());
  EXPECT_EQ(s.unknown_attributes, std::vector<std::string>{"customer_id"});
}

TEST(ResolveProviderSettingsTest, UnreadableCaFileIsAnErrorOnTheAttribute) {
  ProviderSettings s;
  base::MapEnv env;
  auto d = ResolveProviderSettings(
      Config({{"ca_cert_file", cty::Value::String("/nonexistent/ca.pem")}}), env, &s);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.items()[0].attribute->ToString(), "ca_cert_file");
  EXPECT_THAT(d.items()[0].detail, HasSubstr("Cannot read \"/nonexistent/ca.pem\""));

  base::MapEnv bad_env;
  bad_env.Set("SSL_CERT_FILE", "/dev/null");
  d = ResolveProviderSettings(Config(), bad_env, &s);
  ASSERT_TRUE(d.has_errors());
  EXPECT_EQ(d.items()[0].summary, "Invalid SSL_CERT_FILE");
}

// A throw-away self-signed certificate, PEM-encoded.
std::string SelfSignedPem() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("settings test CA"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  X509_free(cert);
  EVP_PKEY_free(key);
  return pem;
}

TEST(ResolveProviderSettingsTest, SslCertDirAppliesOnlyWithoutAConfiguredCa) {
  ProviderSettings s;
  base::MapEnv env;
  env.Set("SSL_CERT_DIR", "/opt/ca:/srv/ca");
  ASSERT_FALSE(ResolveProviderSettings(Config(), env, &s).has_errors());
  EXPECT_EQ(s.ca_cert_dir, "/opt/ca:/srv/ca");

  // ca_cert_pem (or ca_cert_file, or SSL_CERT_FILE) replaces the whole system store.
  ASSERT_FALSE(ResolveProviderSettings(
                   Config({{"ca_cert_pem", cty::Value::String(SelfSignedPem())}}), env, &s)
                   .has_errors());
  EXPECT_EQ(s.ca_cert_dir, "");

  base::MapEnv empty;
  empty.Set("SSL_CERT_DIR", "");
  ASSERT_FALSE(ResolveProviderSettings(Config(), empty, &s).has_errors());
  EXPECT_EQ(s.ca_cert_dir, "");
}

}  // namespace
}  // namespace agora

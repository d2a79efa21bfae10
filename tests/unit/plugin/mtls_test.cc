#include "internal/plugin/mtls.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <string>

#include "absl/time/time.h"
#include "internal/plugin/openssl_ptr.h"

namespace plugin {
namespace {

OpenSslPtr<X509> ParsePem(const std::string& pem) {
  OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return OpenSslPtr<X509>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

OpenSslPtr<EVP_PKEY> ParseKeyPem(const std::string& pem) {
  OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return OpenSslPtr<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::string Der(X509* cert) {
  unsigned char* der = nullptr;
  int size = i2d_X509(cert, &der);
  std::string result(reinterpret_cast<char*>(der), size > 0 ? size : 0);
  OPENSSL_free(der);
  return result;
}

// The caller's name for itself, as the certificate's organisation.
constexpr char kOrganization[] = "terraform-provider-example";

class GenerateServerCertificateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<ServerCertificate> generated = GenerateServerCertificate(kOrganization);
    ASSERT_TRUE(generated.ok()) << generated.status();
    material_ = *std::move(generated);
    cert_ = ParsePem(material_.cert_pem);
    ASSERT_NE(cert_, nullptr);
  }

  ServerCertificate material_;
  OpenSslPtr<X509> cert_;
};

TEST_F(GenerateServerCertificateTest, DerMatchesPem) {
  EXPECT_EQ(Der(cert_.get()), material_.cert_der);
  EXPECT_EQ(static_cast<unsigned char>(material_.cert_der.at(0)), 0x30);
}

TEST_F(GenerateServerCertificateTest, IsAVersion3SelfSignedCaForLocalhost) {
  EXPECT_EQ(X509_get_version(cert_.get()), X509_VERSION_3);
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert_.get()), X509_get_issuer_name(cert_.get())),
            0);
  char common_name[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert_.get()), NID_commonName, common_name,
                            sizeof(common_name));
  EXPECT_STREQ(common_name, "localhost");
  char organization[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert_.get()), NID_organizationName, organization,
                            sizeof(organization));
  EXPECT_STREQ(organization, kOrganization);
  EXPECT_EQ(X509_verify(cert_.get(), X509_get0_pubkey(cert_.get())), 1);
  EXPECT_GT(X509_check_ca(cert_.get()), 0);
}

TEST_F(GenerateServerCertificateTest, HasDnsLocalhostSan) {
  OpenSslPtr<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert_.get(), NID_subject_alt_name, nullptr, nullptr)));
  ASSERT_NE(names, nullptr);
  bool found = false;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != GEN_DNS) continue;
    const ASN1_IA5STRING* dns = name->d.dNSName;
    found |= std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                         ASN1_STRING_length(dns)) == "localhost";
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(X509_check_host(cert_.get(), "localhost", 0, 0, nullptr), 1);
}

TEST_F(GenerateServerCertificateTest, AllowsServerAndClientAuth) {
  uint32_t extended = X509_get_extended_key_usage(cert_.get());
  EXPECT_TRUE(extended & XKU_SSL_SERVER);
  EXPECT_TRUE(extended & XKU_SSL_CLIENT);
  uint32_t usage = X509_get_key_usage(cert_.get());
  EXPECT_TRUE(usage & KU_DIGITAL_SIGNATURE);
  EXPECT_TRUE(usage & KU_KEY_ENCIPHERMENT);
  EXPECT_TRUE(usage & KU_KEY_AGREEMENT);
  EXPECT_TRUE(usage & KU_KEY_CERT_SIGN);
}

TEST_F(GenerateServerCertificateTest, UsesAnEcdsaP256KeyMatchingThePrivateKey) {
  EVP_PKEY* public_key = X509_get0_pubkey(cert_.get());
  ASSERT_NE(public_key, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(public_key), EVP_PKEY_EC);
  char group[32] = {};
  ASSERT_EQ(EVP_PKEY_get_group_name(public_key, group, sizeof(group), nullptr), 1);
  EXPECT_STREQ(group, "prime256v1");

  OpenSslPtr<EVP_PKEY> private_key = ParseKeyPem(material_.key_pem);
  ASSERT_NE(private_key, nullptr);
  EXPECT_EQ(X509_check_private_key(cert_.get(), private_key.get()), 1);
}

std::string TraditionalPem(EVP_PKEY* key) {
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) !=
      1) {
    return "";
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size > 0 ? static_cast<size_t>(size) : 0);
}

// The key PEM is laid out by hand (mtls.cc says why); it must be exactly what OpenSSL writes.
TEST_F(GenerateServerCertificateTest, PrivateKeyPemIsWhatOpenSslWritesForTheKey) {
  OpenSslPtr<EVP_PKEY> key = ParseKeyPem(material_.key_pem);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(material_.key_pem.rfind("-----BEGIN EC PRIVATE KEY-----\n", 0), 0u);
  EXPECT_EQ(TraditionalPem(key.get()), material_.key_pem);
}

// One key in 256 has a private scalar shorter than 32 bytes; its encoding must be padded.
TEST(GenerateServerCertificateKeyTest, PadsAShortPrivateScalar) {
  for (int attempt = 0; attempt < 5000; ++attempt) {
    absl::StatusOr<ServerCertificate> generated = GenerateServerCertificate(kOrganization);
    ASSERT_TRUE(generated.ok()) << generated.status();
    OpenSslPtr<EVP_PKEY> key = ParseKeyPem(generated->key_pem);
    ASSERT_NE(key, nullptr);
    BIGNUM* scalar = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &scalar), 1);
    const int bytes = BN_num_bytes(scalar);
    BN_clear_free(scalar);
    if (bytes == 32) continue;
    EXPECT_EQ(TraditionalPem(key.get()), generated->key_pem);
    OpenSslPtr<X509> cert = ParsePem(generated->cert_pem);
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
    return;
  }
  FAIL() << "no key with a short private scalar in 5000 attempts (odds about 1 in 3e8)";
}

TEST_F(GenerateServerCertificateTest, IsValidNowAndForDecades) {
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert_.get())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert_.get())), 0);
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert_.get())), 1);
  EXPECT_GT(days, 29 * 365);
}

TEST(GenerateServerCertificateClockTest, BackdatesNotBeforeBy30Seconds) {
  const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01T00:00:00Z
  absl::StatusOr<ServerCertificate> generated = GenerateServerCertificate(kOrganization, now);
  ASSERT_TRUE(generated.ok()) << generated.status();
  OpenSslPtr<X509> cert = ParsePem(generated->cert_pem);
  ASSERT_NE(cert, nullptr);
  time_t expected = absl::ToTimeT(now - absl::Seconds(30));
  EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert.get()), expected), 0);
}

TEST(GenerateServerCertificateFreshnessTest, EveryCallGetsANewKeyAndSerial) {
  absl::StatusOr<ServerCertificate> first = GenerateServerCertificate(kOrganization);
  absl::StatusOr<ServerCertificate> second = GenerateServerCertificate(kOrganization);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->key_pem, second->key_pem);
  OpenSslPtr<X509> a = ParsePem(first->cert_pem);
  OpenSslPtr<X509> b = ParsePem(second->cert_pem);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())), 0);
}

TEST(ValidateClientCertificatePemTest, AcceptsACertificateAndRejectsGarbage) {
  absl::StatusOr<ServerCertificate> generated = GenerateServerCertificate(kOrganization);
  ASSERT_TRUE(generated.ok());
  EXPECT_TRUE(ValidateClientCertificatePem(generated->cert_pem).ok());
  EXPECT_EQ(ValidateClientCertificatePem("not a certificate").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateClientCertificatePem(generated->key_pem).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateClientCertificatePemTest, RejectsACertificateBlockThatIsNotACertificate) {
  // A CERTIFICATE block whose DER is a SEQUENCE of two INTEGERs, not tbs/algorithm/signature.
  EXPECT_EQ(ValidateClientCertificatePem("-----BEGIN CERTIFICATE-----\nMAYCAQECAQI=\n"
                                         "-----END CERTIFICATE-----\n")
                .code(),
            absl::StatusCode::kInvalidArgument);
  // Valid base64 of bytes that are not DER at all.
  EXPECT_EQ(ValidateClientCertificatePem("-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n"
                                         "-----END CERTIFICATE-----\n")
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateClientCertificatePemTest, AcceptsTerraformsP521Certificate) {
  // Terraform's AutoMTLS certificate uses P-521; the check must not depend on the curve.
  OpenSslPtr<EVP_PKEY> key(EVP_EC_gen("P-521"));
  ASSERT_NE(key, nullptr);
  OpenSslPtr<X509> cert(X509_new());
  ASSERT_NE(cert, nullptr);
  ASSERT_EQ(X509_set_pubkey(cert.get(), key.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha512()), 0);
  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_X509(bio.get(), cert.get()), 1);
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  EXPECT_TRUE(ValidateClientCertificatePem(std::string_view(data, static_cast<size_t>(size))).ok());
}

}  // namespace
}  // namespace plugin

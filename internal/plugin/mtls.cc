#include "internal/plugin/mtls.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <ctime>
#include <iterator>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "internal/base/status_macros.h"
#include "internal/plugin/openssl_ptr.h"

namespace plugin {
namespace {

// go-plugin's validity period: 262980 h, about 30 years.
constexpr absl::Duration kValidity = absl::Hours(262980);
// Tolerates small clock differences between Terraform and the plugin.
constexpr absl::Duration kBackdate = absl::Seconds(30);

// Drains OpenSSL's thread-local error queue into one Internal status.
absl::Status OpenSslError(absl::string_view what) {
  std::string details;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    absl::StrAppend(&details, details.empty() ? "" : "; ", buffer);
  }
  return absl::InternalError(absl::StrCat(what, details.empty() ? "" : ": ", details));
}

absl::StatusOr<std::string> DrainBio(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  if (size < 0 || data == nullptr) return OpenSslError("reading a memory BIO");
  return std::string(data, static_cast<size_t>(size));
}

absl::Status AddExtension(X509* cert, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
  OpenSslPtr<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  if (extension == nullptr || X509_add_ext(cert, extension.get(), -1) != 1) {
    return OpenSslError(absl::StrCat("adding certificate extension ", OBJ_nid2sn(nid)));
  }
  return absl::OkStatus();
}

absl::Status SetRandomSerial(X509* cert) {
  OpenSslPtr<BIGNUM> serial(BN_new());
  if (serial == nullptr || BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    return OpenSslError("generating a certificate serial number");
  }
  // RFC 5280 wants a positive serial; zero has odds of 2^-128 but costs one line to rule out.
  if (BN_is_zero(serial.get()) && BN_one(serial.get()) != 1) {
    return OpenSslError("generating a certificate serial number");
  }
  if (BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
    return OpenSslError("setting the certificate serial number");
  }
  return absl::OkStatus();
}

absl::Status SetSubjectAndIssuer(X509* cert, const std::string& organization) {
  X509_NAME* name = X509_get_subject_name(cert);  // Owned by `cert`.
  auto add = [name](const char* field, const char* value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC,
                                      reinterpret_cast<const unsigned char*>(value), -1, -1,
                                      0) == 1;
  };
  if ((!organization.empty() && !add("O", organization.c_str())) || !add("CN", "localhost") ||
      X509_set_issuer_name(cert, name) != 1) {
    return OpenSslError("setting the certificate subject");
  }
  return absl::OkStatus();
}

// A P-256 public key's encoding, the uncompressed point 04 || x || y: 65 bytes.
using EncodedPoint = std::array<unsigned char, 65>;

absl::StatusOr<EncodedPoint> ReadPublicPoint(const EVP_PKEY* key) {
  EncodedPoint point;
  size_t size = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                      point.size(), &size) != 1 ||
      size != point.size() || point[0] != 0x04) {
    return OpenSslError("reading the public key");
  }
  return point;
}

// The SubjectPublicKeyInfo, from the key's encoded point and the curve's OID. X509_set_pubkey
// writes the same bytes, but through OpenSSL 3's encoder machinery, which costs more than the rest
// of the certificate put together (make bench: about 1.5 ms of every TLS start-up).
absl::Status SetPublicKey(X509* cert, const EncodedPoint& point) {
  auto* encoded = static_cast<unsigned char*>(OPENSSL_memdup(point.data(), point.size()));
  if (encoded == nullptr ||
      X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(cert), OBJ_nid2obj(NID_X9_62_id_ecPublicKey),
                             V_ASN1_OBJECT, OBJ_nid2obj(NID_X9_62_prime256v1), encoded,
                             static_cast<int>(point.size())) != 1) {
    OPENSSL_free(encoded);
    return OpenSslError("setting the certificate's public key");
  }
  return absl::OkStatus();
}

// The private key as PEM "EC PRIVATE KEY": the RFC 5915 ECPrivateKey structure, which for P-256
// has one fixed shape. PEM_write_bio_PrivateKey writes the same key through OpenSSL 3's encoder
// lookup: about 4 million of the 31 million instructions of a TLS start-up (callgrind). The key's
// values are read with OpenSSL and only the 121-byte DER frame is laid out here. The result is,
// byte for byte, what OpenSSL writes for this key in its traditional format (mtls_test checks).
absl::StatusOr<std::string> EncodePrivateKeyPem(const EVP_PKEY* key, const EncodedPoint& point) {
  // ECPrivateKey ::= SEQUENCE {
  //   version INTEGER (1), privateKey OCTET STRING (32 bytes),
  //   parameters [0] EXPLICIT OBJECT IDENTIFIER (prime256v1),
  //   publicKey [1] EXPLICIT BIT STRING (0 unused bits, the 65-byte uncompressed point) }
  static constexpr unsigned char kVersionAndKeyHeader[] = {
      0x30, 0x77,        // SEQUENCE, 119 bytes
      0x02, 0x01, 0x01,  // version 1
      0x04, 0x20};       // OCTET STRING, 32 bytes: the private scalar follows
  static constexpr unsigned char kCurveAndPointHeader[] = {
      0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,  // prime256v1
      0xa1, 0x44, 0x03, 0x42, 0x00};  // [1], BIT STRING of 66 bytes: the point follows
  constexpr size_t kScalarSize = 32;
  unsigned char der[sizeof(kVersionAndKeyHeader) + kScalarSize + sizeof(kCurveAndPointHeader) +
                    std::tuple_size_v<EncodedPoint>];
  static_assert(sizeof(der) == 2 + 0x77);
  unsigned char* cursor =
      std::copy(std::begin(kVersionAndKeyHeader), std::end(kVersionAndKeyHeader), der);

  BIGNUM* scalar = nullptr;
  bool ok = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &scalar) == 1 &&
            BN_bn2binpad(scalar, cursor, kScalarSize) == static_cast<int>(kScalarSize);
  BN_clear_free(scalar);
  cursor += kScalarSize;
  cursor = std::copy(std::begin(kCurveAndPointHeader), std::end(kCurveAndPointHeader), cursor);
  std::copy(point.begin(), point.end(), cursor);

  OpenSslPtr<BIO> bio(BIO_new(BIO_s_mem()));
  ok = ok && bio != nullptr &&
       PEM_write_bio(bio.get(), PEM_STRING_ECPRIVATEKEY, "", der, sizeof(der)) > 0;
  OPENSSL_cleanse(der, sizeof(der));
  if (!ok) return OpenSslError("encoding the private key");
  return DrainBio(bio.get());  // BIO_free clears the memory BIO's buffer.
}

absl::Status SetValidity(X509* cert, absl::Time now) {
  if (ASN1_TIME_set(X509_getm_notBefore(cert), absl::ToTimeT(now - kBackdate)) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert), absl::ToTimeT(now + kValidity)) == nullptr) {
    return OpenSslError("setting the certificate validity");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServerCertificate> GenerateServerCertificate(std::string_view organization,
                                                            absl::Time now) {
  ERR_clear_error();
  OpenSslPtr<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError("generating an ECDSA P-256 key");

  OpenSslPtr<X509> cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpenSslError("creating the certificate");
  }
  ASSIGN_OR_RETURN(EncodedPoint point, ReadPublicPoint(key.get()));
  RETURN_IF_ERROR(SetPublicKey(cert.get(), point));
  RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  RETURN_IF_ERROR(SetSubjectAndIssuer(cert.get(), std::string(organization)));
  RETURN_IF_ERROR(SetValidity(cert.get(), now));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE"));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_key_usage,
                               "critical,digitalSignature,keyEncipherment,keyAgreement,"
                               "keyCertSign"));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_ext_key_usage, "serverAuth,clientAuth"));
  RETURN_IF_ERROR(AddExtension(cert.get(), NID_subject_alt_name, "DNS:localhost"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("signing the certificate");
  }

  ServerCertificate result;
  ASSIGN_OR_RETURN(result.key_pem, EncodePrivateKeyPem(key.get(), point));

  OpenSslPtr<BIO> cert_bio(BIO_new(BIO_s_mem()));
  if (cert_bio == nullptr || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return OpenSslError("encoding the certificate as PEM");
  }
  ASSIGN_OR_RETURN(result.cert_pem, DrainBio(cert_bio.get()));

  int der_size = i2d_X509(cert.get(), nullptr);
  if (der_size <= 0) return OpenSslError("encoding the certificate as DER");
  result.cert_der.resize(static_cast<size_t>(der_size));
  auto* out = reinterpret_cast<unsigned char*>(result.cert_der.data());
  if (i2d_X509(cert.get(), &out) != der_size) {
    return OpenSslError("encoding the certificate as DER");
  }
  return result;
}

absl::Status ValidateClientCertificatePem(std::string_view pem) {
  // The PEM block and the DER structure inside it, without decoding the public key: gRPC parses the
  // certificate fully when it builds its TLS context, and a second full parse here would cost
  // about 2 ms of every start-up (OpenSSL 3's decoder lookup).
  OpenSslPtr<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* der = nullptr;
  long size = 0;
  bool valid = false;
  if (bio != nullptr && PEM_read_bio(bio.get(), &name, &header, &der, &size) == 1) {
    const unsigned char* cursor = der;
    ASN1_SEQUENCE_ANY* parts = d2i_ASN1_SEQUENCE_ANY(nullptr, &cursor, size);
    // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
    valid = std::string_view(name) == PEM_STRING_X509 && parts != nullptr && cursor == der + size &&
            sk_ASN1_TYPE_num(parts) == 3;
    sk_ASN1_TYPE_pop_free(parts, ASN1_TYPE_free);
  }
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(der);
  ERR_clear_error();
  if (!valid) {
    return absl::InvalidArgumentError(
        "PLUGIN_CLIENT_CERT does not hold a PEM certificate; it is set by Terraform and should "
        "not be set by hand");
  }
  return absl::OkStatus();
}

}  // namespace plugin

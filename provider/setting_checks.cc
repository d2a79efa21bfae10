#include "provider/setting_checks.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "internal/base/status_macros.h"
#include "provider/curl_library.h"
#include "provider/ip_address.h"

namespace agora {
namespace {

constexpr const char* kRegions[] = {"us-west-1", "us-east-1",    "ap-southeast-1", "ap-northeast-1",
                                    "eu-west-1", "eu-central-1", "cn-east-1",      "cn-north-1"};

struct UrlParts {
  std::string scheme;  // Lower case.
  std::string host;
  std::string user;
  std::string query;
  std::string fragment;
};

// Parses with libcurl's URL API, the parser that later requests the URL: nullopt when it refuses
// the text; an error only when libcurl cannot be loaded.
absl::StatusOr<std::optional<UrlParts>> ParseUrl(const std::string& text) {
  ASSIGN_OR_RETURN(const CurlApi* api, LoadCurl());
  std::unique_ptr<CURLU, decltype(api->url_cleanup)> url(api->url(), api->url_cleanup);
  if (url == nullptr || api->url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  auto part = [&](CURLUPart which) {
    char* value = nullptr;
    std::string out;
    if (api->url_get(url.get(), which, &value, 0) == CURLUE_OK && value != nullptr) out = value;
    api->free(value);
    return out;
  };
  return UrlParts{absl::AsciiStrToLower(part(CURLUPART_SCHEME)), part(CURLUPART_HOST),
                  part(CURLUPART_USER), part(CURLUPART_QUERY), part(CURLUPART_FRAGMENT)};
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(host);
  if (!ip.ok()) return false;
  if (ip->is_v4()) return (ip->v4_value() >> 24) == 127;
  return *ip == *IpAddress::Parse("::1");
}

}  // namespace

std::string RegionList() { return absl::StrJoin(kRegions, ", "); }

absl::Status ValidateRegion(absl::string_view region) {
  for (const char* r : kRegions) {
    if (region == r) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", region, "\" is not an Agora region. Use one of: ", RegionList(), "."));
}

absl::Status ValidateProxyUrl(absl::string_view text) {
  ASSIGN_OR_RETURN(std::optional<UrlParts> url, ParseUrl(std::string(text)));
  if (!url.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a valid URL"));
  }
  const std::string& scheme = url->scheme;
  if (scheme != "http" && scheme != "https" && scheme != "socks5" && scheme != "socks5h") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" has scheme \"", scheme,
                     "\"; use http://, https://, socks5:// or socks5h://"));
  }
  return absl::OkStatus();
}

absl::Status ValidateCaPem(absl::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_free(cert);
    ++count;
  }
  if (count == 0) {
    return absl::InvalidArgumentError(
        "No PEM certificate found: expected one or more \"-----BEGIN CERTIFICATE-----\" blocks.");
  }
  return absl::OkStatus();
}

absl::Status ValidateCaFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("Cannot read \"", path, "\": ", std::strerror(errno), "."));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  absl::Status status = ValidateCaPem(contents.str());
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", path, "\": ", status.message()));
  }
  return absl::OkStatus();
}

absl::Status ValidCustomerId(absl::string_view value) {
  if (absl::StripAsciiWhitespace(value).empty())
    return absl::InvalidArgumentError("The value is empty.");
  if (absl::StrContains(value, ':')) {
    return absl::InvalidArgumentError(
        "A customer ID cannot contain \":\" (it is the user name of HTTP Basic authentication).");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Duration> ParseGoDuration(absl::string_view text) {
  absl::Duration d;
  absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  // absl accepts "inf"; Go does not, and an infinite timeout defeats the point.
  if (trimmed.empty() || absl::StrContains(trimmed, "inf") || !absl::ParseDuration(trimmed, &d)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a duration. Use Go's syntax, e.g. \"500ms\", \"10s\", \"2m\"."));
  }
  if (d <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" must be longer than zero."));
  }
  return d;
}

absl::StatusOr<std::string> NormaliseEndpoint(absl::string_view text) {
  std::string copy(absl::StripAsciiWhitespace(text));
  std::optional<UrlParts> url;
  if (copy.find("://") != std::string::npos) {
    ASSIGN_OR_RETURN(url, ParseUrl(copy));
  }
  if (!url.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a URL. Use a base URL such as \"https://api.agora.io\"."));
  }
  const std::string& scheme = url->scheme;
  const std::string& host = url->host;
  if (!url->user.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" contains credentials; set customer_id and customer_secret instead."));
  }
  if (!url->query.empty() || !url->fragment.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" has a query or fragment; give a base URL only."));
  }
  if (scheme == "http") {
    if (!IsLoopbackHost(host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", text,
          "\" uses http://, which would send the customer secret in clear text. Use https:// "
          "(http:// is accepted only for loopback hosts, for tests)."));
    }
  } else if (scheme != "https") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" has scheme \"", scheme, "\"; use https://."));
  }
  std::string normalised = copy;
  while (absl::EndsWith(normalised, "/")) normalised.pop_back();
  return normalised;
}

}  // namespace agora

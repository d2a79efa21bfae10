#include "provider/agora_api/setting_checks.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "provider/addresses/ip_address.h"

namespace agora {
namespace {

constexpr const char* kRegions[] = {"us-west-1", "us-east-1",    "ap-southeast-1", "ap-northeast-1",
                                    "eu-west-1", "eu-central-1", "cn-east-1",      "cn-north-1"};

struct UrlParts {
  std::string scheme;  // Lower case.
  std::string host;    // IPv6 literals keep their brackets.
  bool has_user = false;
  bool has_query_or_fragment = false;
};

// ASCII only: libcurl is built without IDN (cmake/DebianCurl.cmake), so an internationalised
// name must be written in its xn-- form.
bool IsHostNameChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_'; }

// Splits scheme://[user@]host[:port][/path][?query][#fragment] as RFC 3986 does, strictly enough
// to check what a user typed before any request: nullopt when it is not such a URL. libcurl parses
// the URL again when it makes the request, and refuses it then if it disagrees.
std::optional<UrlParts> SplitUrl(absl::string_view text) {
  size_t scheme_end = text.find("://");
  if (scheme_end == absl::string_view::npos || scheme_end == 0 || !absl::ascii_isalpha(text[0])) {
    return std::nullopt;
  }
  UrlParts url;
  url.scheme = absl::AsciiStrToLower(text.substr(0, scheme_end));
  for (char c : url.scheme) {
    if (!absl::ascii_isalnum(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
  }
  absl::string_view rest = text.substr(scheme_end + 3);
  for (char c : rest) {
    // Spaces and control characters.
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  }
  size_t authority_end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, authority_end);
  absl::string_view tail =
      authority_end == absl::string_view::npos ? absl::string_view() : rest.substr(authority_end);
  url.has_query_or_fragment = tail.find_first_of("?#") != absl::string_view::npos;
  if (size_t at = authority.rfind('@'); at != absl::string_view::npos) {
    url.has_user = true;
    authority.remove_prefix(at + 1);
  }
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return std::nullopt;
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(authority.substr(1, close - 1));
    if (!ip.ok() || ip->is_v4()) return std::nullopt;
    url.host = std::string(authority.substr(0, close + 1));
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!absl::ConsumePrefix(&after, ":") || after.empty()) return std::nullopt;
      port = after;
    }
  } else {
    size_t colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return std::nullopt;
    }
    if (url.host.empty() || url.host.front() == '.' || url.host.front() == '-') return std::nullopt;
    for (char c : url.host) {
      if (!IsHostNameChar(c)) return std::nullopt;
    }
  }
  if (!port.empty()) {
    int number = 0;
    if (!absl::c_all_of(port, absl::ascii_isdigit) || !absl::SimpleAtoi(port, &number) ||
        number < 1 || number > 65535) {
      return std::nullopt;
    }
  }
  return url;
}

// What to add to "not a URL" when the text has non-ASCII bytes, which SplitUrl refuses.
std::string AsciiHint(absl::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return " Write an internationalised host name in its ASCII form (xn--...).";
    }
  }
  return "";
}

}  // namespace

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(host);
  if (!ip.ok()) return false;
  if (ip->is_v4()) return (ip->v4_value() >> 24) == 127;
  return *ip == *IpAddress::Parse("::1");
}

std::string RegionList() { return absl::StrJoin(kRegions, ", "); }

absl::Status ValidateRegion(absl::string_view region) {
  for (const char* r : kRegions) {
    if (region == r) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", region, "\" is not an Agora region. Use one of: ", RegionList(), "."));
}

absl::Status ValidateProxyUrl(absl::string_view text) {
  std::optional<UrlParts> url = SplitUrl(text);
  if (!url.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a valid URL.", AsciiHint(text)));
  }
  const std::string& scheme = url->scheme;
  if (scheme != "http" && scheme != "https" && scheme != "socks5" && scheme != "socks5h") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" has scheme \"", scheme,
                     "\"; use http://, https://, socks5:// or socks5h://"));
  }
  return absl::OkStatus();
}

std::string ProxyUrlFromEnvironment(absl::string_view value) {
  if (absl::StrContains(value, "://") || absl::StripAsciiWhitespace(value).empty()) {
    return std::string(value);
  }
  return absl::StrCat("http://", value);
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

absl::StatusOr<absl::Duration> ParseRequestTimeout(absl::string_view text) {
  absl::StatusOr<absl::Duration> d = ParseGoDuration(text);
  if (d.ok() && *d < absl::Milliseconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is shorter than 1ms, the finest timeout libcurl can apply."));
  }
  return d;
}

absl::StatusOr<std::string> NormaliseEndpoint(absl::string_view text) {
  std::string copy(absl::StripAsciiWhitespace(text));
  std::optional<UrlParts> url = SplitUrl(copy);
  if (!url.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a URL. Use a base URL such as \"https://api.agora.io\".",
        AsciiHint(text)));
  }
  const std::string& scheme = url->scheme;
  const std::string& host = url->host;
  if (url->has_user) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" contains credentials; set customer_id and customer_secret instead."));
  }
  if (url->has_query_or_fragment) {
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

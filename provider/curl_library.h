// libcurl, loaded the first time the provider needs it instead of at start-up.
//
// Terraform starts a provider process three or four times per run, and most of them never make an
// HTTP request. Linked normally, libcurl makes the dynamic loader map and relocate about thirty
// libraries (GnuTLS, Kerberos, LDAP, SSH, ...) in every one of them before main() runs: about
// 5 ms per process on the bench machine, and with curl_global_init about 8 MiB of RSS (make bench,
// bench/README.md). Loaded here, only a process that fetches pays for it.
//
// Only libcurl's functions are resolved at run time; its types and constants still come from
// <curl/curl.h>, of the version the provider is built against (libcurl4-openssl-dev, the same
// package family as the libcurl.so.4 it loads).
#pragma once

#include <curl/curl.h>

#include "absl/status/statusor.h"

namespace agora {

struct CurlApi {
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_slist_append) slist_append;
  decltype(&::curl_slist_free_all) slist_free_all;
  decltype(&::curl_version_info) version_info;
};

// Loads libcurl.so.4 and runs curl_global_init, once per process (thread-safe). Later calls return
// the same table, or the same Internal error: e.g. when the library is not installed.
absl::StatusOr<const CurlApi*> LoadCurl();

// Call from main() before any thread starts (it sets an environment variable). Debian's libcurl4
// brings GnuTLS along (through librtmp; the transport only ever enables http and https), and
// GnuTLS initialises itself the moment it is loaded unless GNUTLS_NO_IMPLICIT_INIT=1: about
// 0.8 MiB of RSS in the process that fetches, for nothing (bench/README.md). Sets that variable,
// unless the environment already has it.
void PrepareToLoadCurl();

}  // namespace agora

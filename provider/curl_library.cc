#include "provider/curl_library.h"

#include <dlfcn.h>
#include <stdlib.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace agora {
namespace {

constexpr char kLibrary[] = "libcurl.so.4";

// Sets `*out` to libcurl's function `name`, or adds the name to `missing`.
template <typename Function>
void Resolve(void* handle, const char* name, Function* out, std::string* missing) {
  *out = reinterpret_cast<Function>(dlsym(handle, name));
  if (*out == nullptr) absl::StrAppend(missing, missing->empty() ? "" : ", ", name);
}

absl::StatusOr<const CurlApi*> Load() {
  // RTLD_LOCAL: libcurl's symbols stay out of the global namespace; it never unloads.
  void* handle = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    return absl::InternalError(
        absl::StrCat("The provider needs libcurl (", kLibrary, ", Debian/Ubuntu package libcurl4) ",
                     "to make HTTPS requests, and it could not be loaded: ",
                     error != nullptr ? error : "unknown error"));
  }
  static CurlApi api;
  std::string missing;
  decltype(&::curl_global_init) global_init = nullptr;
  Resolve(handle, "curl_global_init", &global_init, &missing);
  Resolve(handle, "curl_easy_init", &api.easy_init, &missing);
  Resolve(handle, "curl_easy_setopt", &api.easy_setopt, &missing);
  Resolve(handle, "curl_easy_perform", &api.easy_perform, &missing);
  Resolve(handle, "curl_easy_getinfo", &api.easy_getinfo, &missing);
  Resolve(handle, "curl_easy_cleanup", &api.easy_cleanup, &missing);
  Resolve(handle, "curl_easy_strerror", &api.easy_strerror, &missing);
  Resolve(handle, "curl_slist_append", &api.slist_append, &missing);
  Resolve(handle, "curl_slist_free_all", &api.slist_free_all, &missing);
  Resolve(handle, "curl_version_info", &api.version_info, &missing);
  if (!missing.empty()) {
    return absl::InternalError(absl::StrCat(
        "The installed ", kLibrary, " is too old for the provider (missing: ", missing, ")."));
  }
  if (CURLcode code = global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return absl::InternalError(absl::StrCat("libcurl could not initialise: ",
                                            api.easy_strerror(code)));
  }
  return &api;
}

}  // namespace

absl::StatusOr<const CurlApi*> LoadCurl() {
  static const absl::StatusOr<const CurlApi*>* const loaded =
      new absl::StatusOr<const CurlApi*>(Load());
  return *loaded;
}

void PrepareToLoadCurl() { setenv("GNUTLS_NO_IMPLICIT_INIT", "1", /*replace=*/0); }

}  // namespace agora

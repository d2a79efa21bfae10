#include "provider/agora_api/ca_store.h"

#include <dirent.h>
#include <sys/stat.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace agora {
namespace {

std::string UnderRoot(absl::string_view root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  return absl::StrCat(absl::StripSuffix(root, "/"), path);
}

bool IsReadableFile(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0;
}

// `<8 hex digits>.<digits>`: the names OpenSSL's CApath lookup opens.
bool IsHashName(absl::string_view name) {
  if (name.size() < 10 || name[8] != '.') return false;
  for (size_t i = 0; i < 8; ++i) {
    if (!absl::ascii_isxdigit(name[i])) return false;
  }
  for (size_t i = 9; i < name.size(); ++i) {
    if (!absl::ascii_isdigit(name[i])) return false;
  }
  return true;
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

// True when `path` is a directory holding at least one hash-named entry. A directory of plain
// PEM files (RHEL's /etc/pki/tls/certs holds only the bundle) is useless as a CApath.
bool IsHashedDirectory(const std::string& path) {
  std::unique_ptr<DIR, DirCloser> dir(opendir(path.c_str()));
  if (!dir) return false;
  while (const dirent* entry = readdir(dir.get())) {
    if (IsHashName(entry->d_name)) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& CaBundleCandidates() {
  static const auto* const files = new std::vector<std::string>{
      "/etc/ssl/certs/ca-certificates.crt",
      "/etc/pki/tls/certs/ca-bundle.crt",
      "/etc/ssl/ca-bundle.pem",
      "/etc/pki/tls/cacert.pem",
      "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
      "/etc/ssl/cert.pem",
  };
  return *files;
}

const std::vector<std::string>& CaDirectoryCandidates() {
  static const auto* const directories = new std::vector<std::string>{
      "/etc/ssl/certs",
      "/etc/pki/tls/certs",
  };
  return *directories;
}

absl::StatusOr<SystemCaStore> FindSystemCaStore(absl::string_view ssl_cert_dir,
                                                absl::string_view root) {
  SystemCaStore store;
  if (!ssl_cert_dir.empty()) {
    std::vector<std::string> directories;
    for (absl::string_view directory : absl::StrSplit(ssl_cert_dir, ':', absl::SkipEmpty())) {
      directories.push_back(UnderRoot(root, std::string(directory)));
    }
    store.hashed_directories = absl::StrJoin(directories, ":");
    if (store.hashed_directories.empty()) {
      return absl::NotFoundError("SSL_CERT_DIR names no directory.");
    }
    return store;
  }
  for (const std::string& candidate : CaBundleCandidates()) {
    std::string path = UnderRoot(root, candidate);
    if (IsReadableFile(path)) {
      store.bundle_file = path;
      break;
    }
  }
  std::vector<std::string> directories;
  for (const std::string& candidate : CaDirectoryCandidates()) {
    std::string path = UnderRoot(root, candidate);
    if (IsHashedDirectory(path)) directories.push_back(path);
  }
  store.hashed_directories = absl::StrJoin(directories, ":");
  if (store.bundle_file.empty() && store.hashed_directories.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "Found no CA certificates on this machine to verify the server with: none of ",
        absl::StrJoin(CaBundleCandidates(), ", "), " exists, and neither ",
        absl::StrJoin(CaDirectoryCandidates(), " nor "),
        " holds hashed certificates. Install the distribution's CA certificates (the "
        "ca-certificates package), or set ca_cert_file, SSL_CERT_FILE or SSL_CERT_DIR."));
  }
  return store;
}

}  // namespace agora

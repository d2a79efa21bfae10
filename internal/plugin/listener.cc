#include "internal/plugin/listener.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <random>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace plugin {
namespace {

// Like go-plugin: the socket dir wins, then Go's os.TempDir() rule.
std::string SocketDirectory(const base::Env& env) {
  for (const char* name : {"PLUGIN_UNIX_SOCKET_DIR", "TMPDIR"}) {
    std::optional<std::string> dir = env.Get(name);
    if (dir.has_value() && !dir->empty()) return *dir;
  }
  return "/tmp";
}

absl::StatusOr<std::string> MakeAbsolute(std::string dir) {
  if (dir.front() == '/') return dir;
  std::vector<char> cwd(4096);
  if (getcwd(cwd.data(), cwd.size()) == nullptr) {
    return absl::ErrnoToStatus(errno, "getting the working directory");
  }
  return absl::StrCat(cwd.data(), "/", dir);
}

absl::StatusOr<gid_t> LookUpGroup(const std::string& group) {
  gid_t gid;
  if (absl::SimpleAtoi(group, &gid)) return gid;
  long size_hint = sysconf(_SC_GETGR_R_SIZE_MAX);
  std::vector<char> buffer(size_hint > 0 ? static_cast<size_t>(size_hint) : 16384);
  struct group entry;
  struct group* found = nullptr;
  int error;
  while ((error = getgrnam_r(group.c_str(), &entry, buffer.data(), buffer.size(), &found)) ==
         ERANGE) {
    buffer.resize(buffer.size() * 2);
  }
  if (error != 0) return absl::ErrnoToStatus(error, absl::StrCat("looking up group ", group));
  if (found == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("PLUGIN_UNIX_SOCKET_GROUP names an unknown group: ", group));
  }
  return found->gr_gid;
}

}  // namespace

absl::StatusOr<std::unique_ptr<UnixSocketPath>> UnixSocketPath::Reserve(const base::Env& env) {
  absl::StatusOr<std::string> dir = MakeAbsolute(SocketDirectory(env));
  if (!dir.ok()) return dir.status();
  if (dir->back() != '/') dir->push_back('/');

  std::random_device random;
  constexpr int kAttempts = 10000;  // As Go's os.CreateTemp.
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string path = absl::StrCat(*dir, "plugin", random());
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unix socket path ", path, " is longer than the ", sizeof(sockaddr_un::sun_path) - 1,
          " bytes a socket address holds; set PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a shorter "
          "directory"));
    }
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST) continue;
      return absl::ErrnoToStatus(errno, absl::StrCat("creating ", path));
    }
    close(fd);
    if (unlink(path.c_str()) != 0) {
      return absl::ErrnoToStatus(errno, absl::StrCat("removing ", path));
    }
    return std::unique_ptr<UnixSocketPath>(new UnixSocketPath(std::move(path)));
  }
  return absl::AlreadyExistsError(absl::StrCat("no free socket name in ", *dir));
}

UnixSocketPath::~UnixSocketPath() { unlink(path_.c_str()); }

absl::Status UnixSocketPath::ApplyGroupPermissions(const base::Env& env) const {
  std::optional<std::string> group = env.Get("PLUGIN_UNIX_SOCKET_GROUP");
  if (!group.has_value() || group->empty()) return absl::OkStatus();
  absl::StatusOr<gid_t> gid = LookUpGroup(*group);
  if (!gid.ok()) return gid.status();
  if (chown(path_.c_str(), static_cast<uid_t>(-1), *gid) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("chown ", path_, " to group ", *group));
  }
  if (chmod(path_.c_str(), 0660) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("chmod 0660 ", path_));
  }
  return absl::OkStatus();
}

}  // namespace plugin

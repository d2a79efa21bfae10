// Where the plugin listens: a unix socket path in PLUGIN_UNIX_SOCKET_DIR, or else the temp dir
// ($TMPDIR or /tmp), named like go-plugin's ("plugin" + random digits). gRPC binds the socket; this
// class picks the path, applies PLUGIN_UNIX_SOCKET_GROUP, and removes the socket file afterwards.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "internal/base/env.h"

namespace plugin {

// Owns a socket path: the destructor unlinks whatever file is at the path (the socket gRPC bound
// there), so destroy it only after the server has stopped. Not copyable; methods are const and
// thread-safe.
class UnixSocketPath {
 public:
  // Reserves a fresh path the way go-plugin does: creates a new empty file under an unused random
  // name (O_EXCL, so two plugins never share one), then deletes it so the socket can be bound
  // there. A relative directory is made absolute, because the path goes in the handshake line.
  // Errors: the OS error (e.g. NotFound for a missing directory, PermissionDenied), or
  // InvalidArgument when the path would not fit in sockaddr_un.
  static absl::StatusOr<std::unique_ptr<UnixSocketPath>> Reserve(const base::Env& env);

  UnixSocketPath(const UnixSocketPath&) = delete;
  UnixSocketPath& operator=(const UnixSocketPath&) = delete;
  ~UnixSocketPath();

  // The absolute filesystem path, as the handshake line carries it.
  const std::string& path() const { return path_; }
  // "unix:<path>", the form grpc::ServerBuilder::AddListeningPort takes.
  std::string GrpcUri() const { return "unix:" + path_; }

  // When PLUGIN_UNIX_SOCKET_GROUP is set (a group name or a numeric gid), gives the bound socket to
  // that group and makes it group-writable (0660), so a client running under another user of the
  // group can connect. A no-op when the variable is unset or empty. Call once the server listens.
  // Errors: NotFound for an unknown group, else the OS error of chown/chmod.
  absl::Status ApplyGroupPermissions(const base::Env& env) const;

 private:
  explicit UnixSocketPath(std::string path) : path_(std::move(path)) {}

  const std::string path_;
};

}  // namespace plugin

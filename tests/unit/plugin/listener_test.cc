#include "internal/plugin/listener.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <string>

namespace plugin {
namespace {

// One variable; MapEnv's map constructor is ambiguous for a single pair of C strings.
base::MapEnv EnvWith(std::string name, std::string value) {
  base::MapEnv env;
  env.Set(std::move(name), std::move(value));
  return env;
}

bool Exists(const std::string& path) {
  struct stat info;
  return lstat(path.c_str(), &info) == 0;
}

class UnixSocketPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/listener_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { rmdir(dir_.c_str()); }

  std::string dir_;
};

TEST_F(UnixSocketPathTest, ReservesAFreshGoPluginStyleNameInTheSocketDir) {
  base::MapEnv env({{"PLUGIN_UNIX_SOCKET_DIR", dir_}, {"TMPDIR", "/nonexistent"}});
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket = UnixSocketPath::Reserve(env);
  ASSERT_TRUE(socket.ok()) << socket.status();
  const std::string& path = (*socket)->path();
  EXPECT_TRUE(std::regex_match(path, std::regex(dir_ + "/plugin[0-9]+"))) << path;
  EXPECT_FALSE(Exists(path)) << "the name must be free for bind()";
  EXPECT_EQ((*socket)->GrpcUri(), "unix:" + path);

  absl::StatusOr<std::unique_ptr<UnixSocketPath>> other = UnixSocketPath::Reserve(env);
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->path(), path);
}

TEST_F(UnixSocketPathTest, FallsBackToTmpdir) {
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket =
      UnixSocketPath::Reserve(EnvWith("TMPDIR", dir_));
  ASSERT_TRUE(socket.ok()) << socket.status();
  EXPECT_EQ((*socket)->path().rfind(dir_ + "/plugin", 0), 0u);
}

TEST_F(UnixSocketPathTest, MakesARelativeDirAbsolute) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  ASSERT_EQ(chdir(dir_.c_str()), 0);
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket =
      UnixSocketPath::Reserve(EnvWith("PLUGIN_UNIX_SOCKET_DIR", "."));
  ASSERT_EQ(chdir(cwd), 0);
  ASSERT_TRUE(socket.ok()) << socket.status();
  EXPECT_EQ((*socket)->path().front(), '/');
  EXPECT_EQ((*socket)->path().rfind(dir_ + "/./plugin", 0), 0u) << (*socket)->path();
}

TEST_F(UnixSocketPathTest, RemovesTheSocketFileOnDestruction) {
  std::string path;
  {
    absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket =
        UnixSocketPath::Reserve(EnvWith("PLUGIN_UNIX_SOCKET_DIR", dir_));
    ASSERT_TRUE(socket.ok());
    path = (*socket)->path();
    int fd = open(path.c_str(), O_CREAT | O_WRONLY, 0600);  // Stands in for the bound socket.
    ASSERT_GE(fd, 0);
    close(fd);
  }
  EXPECT_FALSE(Exists(path));
}

TEST_F(UnixSocketPathTest, ReportsAMissingDirectory) {
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket =
      UnixSocketPath::Reserve(EnvWith("PLUGIN_UNIX_SOCKET_DIR", dir_ + "/missing"));
  ASSERT_FALSE(socket.ok());
  EXPECT_EQ(socket.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(UnixSocketPathTest, RejectsAPathTooLongForSockaddrUn) {
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket =
      UnixSocketPath::Reserve(EnvWith("PLUGIN_UNIX_SOCKET_DIR", "/" + std::string(120, 'd')));
  ASSERT_FALSE(socket.ok());
  EXPECT_EQ(socket.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(UnixSocketPathTest, AppliesTheSocketGroup) {
  base::MapEnv env(
      {{"PLUGIN_UNIX_SOCKET_DIR", dir_}, {"PLUGIN_UNIX_SOCKET_GROUP", std::to_string(getgid())}});
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket = UnixSocketPath::Reserve(env);
  ASSERT_TRUE(socket.ok());
  const std::string& path = (*socket)->path();
  int fd = open(path.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  close(fd);

  ASSERT_TRUE((*socket)->ApplyGroupPermissions(env).ok());
  struct stat info;
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  EXPECT_EQ(info.st_gid, getgid());
}

TEST_F(UnixSocketPathTest, LeavesPermissionsAloneWithoutAGroup) {
  base::MapEnv env({{"PLUGIN_UNIX_SOCKET_DIR", dir_}});
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket = UnixSocketPath::Reserve(env);
  ASSERT_TRUE(socket.ok());
  // Nothing is bound at the path: a no-op must not even look at it.
  EXPECT_TRUE((*socket)->ApplyGroupPermissions(env).ok());
}

TEST_F(UnixSocketPathTest, RejectsAnUnknownGroupName) {
  base::MapEnv env(
      {{"PLUGIN_UNIX_SOCKET_DIR", dir_}, {"PLUGIN_UNIX_SOCKET_GROUP", "no-such-group-agora-test"}});
  absl::StatusOr<std::unique_ptr<UnixSocketPath>> socket = UnixSocketPath::Reserve(env);
  ASSERT_TRUE(socket.ok());
  EXPECT_EQ((*socket)->ApplyGroupPermissions(env).code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace plugin

#include "provider/agora_api/ca_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace agora {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A scratch directory standing for a machine's root file system.
class FakeRoot {
 public:
  FakeRoot() {
    std::string pattern = (fs::temp_directory_path() / "ca-store-test-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~FakeRoot() { fs::remove_all(root_); }
  FakeRoot(const FakeRoot&) = delete;
  FakeRoot& operator=(const FakeRoot&) = delete;

  const std::string& path() const { return root_; }
  std::string operator()(const std::string& absolute) const { return root_ + absolute; }

  void File(const std::string& absolute, const std::string& text = "-----BEGIN CERTIFICATE-----") {
    fs::create_directories(fs::path((*this)(absolute)).parent_path());
    std::ofstream((*this)(absolute)) << text;
  }
  void Directory(const std::string& absolute) { fs::create_directories((*this)(absolute)); }

 private:
  std::string root_;
};

TEST(FindSystemCaStoreTest, DebianHasTheBundleAndTheHashedDirectory) {
  FakeRoot root;
  root.File("/etc/ssl/certs/ca-certificates.crt");
  root.File("/etc/ssl/certs/ISRG_Root_X1.pem");
  fs::create_symlink("ISRG_Root_X1.pem", root("/etc/ssl/certs/4042bcee.0"));

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->bundle_file, root("/etc/ssl/certs/ca-certificates.crt"));
  EXPECT_EQ(store->hashed_directories, root("/etc/ssl/certs"));
}

TEST(FindSystemCaStoreTest, AlpineBundleAlone) {
  FakeRoot root;
  root.File("/etc/ssl/cert.pem");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->bundle_file, root("/etc/ssl/cert.pem"));
  EXPECT_EQ(store->hashed_directories, "");
}

TEST(FindSystemCaStoreTest, RhelDirectoryWithoutHashesIsNotUsedAsADirectory) {
  FakeRoot root;
  root.File("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem");
  root.Directory("/etc/pki/tls/certs");
  fs::create_symlink(root("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"),
                     root("/etc/pki/tls/certs/ca-bundle.crt"));

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  // Go's order: RHEL's ca-bundle.crt link comes before the file it points to.
  EXPECT_EQ(store->bundle_file, root("/etc/pki/tls/certs/ca-bundle.crt"));
  EXPECT_EQ(store->hashed_directories, "");
}

TEST(FindSystemCaStoreTest, TheFirstBundleInGosOrderWins) {
  FakeRoot root;
  root.File("/etc/ssl/cert.pem");
  root.File("/etc/ssl/ca-bundle.pem");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->bundle_file, root("/etc/ssl/ca-bundle.pem"));
}

TEST(FindSystemCaStoreTest, EmptyFilesAndDirectoriesNamedLikeBundlesAreSkipped) {
  FakeRoot root;
  root.File("/etc/ssl/certs/ca-certificates.crt", "");
  root.Directory("/etc/pki/tls/certs/ca-bundle.crt");
  root.File("/etc/ssl/cert.pem");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->bundle_file, root("/etc/ssl/cert.pem"));
}

TEST(FindSystemCaStoreTest, OnlyHashNamesMakeADirectoryHashed) {
  FakeRoot root;
  root.File("/etc/ssl/certs/README.0");
  root.File("/etc/ssl/certs/4042bcee.x");
  root.File("/etc/ssl/certs/4042bce.0");
  root.File("/etc/pki/tls/certs/a0b1c2d3.12");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->bundle_file, "");
  EXPECT_EQ(store->hashed_directories, root("/etc/pki/tls/certs"));
}

TEST(FindSystemCaStoreTest, BothHashedDirectoriesAreJoinedForOpenSsl) {
  FakeRoot root;
  root.File("/etc/ssl/certs/0a1b2c3d.0");
  root.File("/etc/pki/tls/certs/a0b1c2d3.1");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->hashed_directories, root("/etc/ssl/certs") + ":" + root("/etc/pki/tls/certs"));
}

TEST(FindSystemCaStoreTest, SslCertDirReplacesTheProbedLocations) {
  FakeRoot root;
  root.File("/etc/ssl/certs/ca-certificates.crt");
  root.File("/etc/ssl/certs/0a1b2c3d.0");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("/opt/ca::/srv/ca", root.path());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(store->bundle_file, "");
  EXPECT_EQ(store->hashed_directories, root("/opt/ca") + ":" + root("/srv/ca"));
}

TEST(FindSystemCaStoreTest, SslCertDirOfOnlySeparatorsIsAnError) {
  FakeRoot root;
  absl::StatusOr<SystemCaStore> store = FindSystemCaStore(":", root.path());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
}

TEST(FindSystemCaStoreTest, NothingFoundSaysWhereItLookedAndWhatToSet) {
  FakeRoot root;
  root.Directory("/etc/ssl/certs");

  absl::StatusOr<SystemCaStore> store = FindSystemCaStore("", root.path());
  ASSERT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  const std::string message(store.status().message());
  for (const std::string& path : CaBundleCandidates()) EXPECT_THAT(message, HasSubstr(path));
  EXPECT_THAT(message, HasSubstr("/etc/pki/tls/certs"));
  EXPECT_THAT(message, HasSubstr("ca_cert_file"));
  EXPECT_THAT(message, HasSubstr("SSL_CERT_FILE"));
  // The message names the machine's paths, not the test's scratch root.
  EXPECT_THAT(message, ::testing::Not(HasSubstr(root.path())));
}

TEST(FindSystemCaStoreTest, CandidatesAreGosList) {
  EXPECT_THAT(CaBundleCandidates(),
              ::testing::ElementsAre(
                  "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                  "/etc/ssl/ca-bundle.pem", "/etc/pki/tls/cacert.pem",
                  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem"));
  EXPECT_THAT(CaDirectoryCandidates(),
              ::testing::ElementsAre("/etc/ssl/certs", "/etc/pki/tls/certs"));
}

}  // namespace
}  // namespace agora

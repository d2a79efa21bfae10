#include "provider/curl_library.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>

namespace agora {
namespace {

TEST(LoadCurlTest, LoadsLibcurlOnceAndResolvesEveryFunction) {
  absl::StatusOr<const CurlApi*> first = LoadCurl();
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<const CurlApi*> second = LoadCurl();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);

  // The table is usable: libcurl answers through it.
  const CurlApi& api = **first;
  CURL* handle = api.easy_init();
  ASSERT_NE(handle, nullptr);
  EXPECT_EQ(api.easy_setopt(handle, CURLOPT_URL, "https://api.agora.io/v2/ncs/ip"), CURLE_OK);
  char* url = nullptr;
  EXPECT_EQ(api.easy_getinfo(handle, CURLINFO_EFFECTIVE_URL, &url), CURLE_OK);
  api.easy_cleanup(handle);
  EXPECT_STREQ(api.easy_strerror(CURLE_COULDNT_CONNECT), "Couldn't connect to server");
}

// Restores one environment variable when it goes out of scope.
class ScopedEnv {
 public:
  explicit ScopedEnv(const char* name) : name_(name) {
    if (const char* value = getenv(name)) saved_ = value;
  }
  ~ScopedEnv() {
    if (saved_) {
      setenv(name_, saved_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

TEST(PrepareToLoadCurlTest, TurnsOffGnutlsImplicitInitialisation) {
  ScopedEnv restore("GNUTLS_NO_IMPLICIT_INIT");
  unsetenv("GNUTLS_NO_IMPLICIT_INIT");
  PrepareToLoadCurl();
  const char* value = getenv("GNUTLS_NO_IMPLICIT_INIT");
  ASSERT_NE(value, nullptr);
  EXPECT_STREQ(value, "1");
}

TEST(PrepareToLoadCurlTest, KeepsTheUsersSetting) {
  ScopedEnv restore("GNUTLS_NO_IMPLICIT_INIT");
  setenv("GNUTLS_NO_IMPLICIT_INIT", "0", 1);
  PrepareToLoadCurl();
  EXPECT_STREQ(getenv("GNUTLS_NO_IMPLICIT_INIT"), "0");
}

}  // namespace
}  // namespace agora

#include "provider/curl_library.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace agora

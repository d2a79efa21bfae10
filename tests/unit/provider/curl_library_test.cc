#include "provider/curl_library.h"

#include <gtest/gtest.h>

#include <memory>

namespace agora {
namespace {

TEST(LoadCurlTest, LoadsLibcurlOnceAndResolvesEveryFunction) {
  absl::StatusOr<const CurlApi*> first = LoadCurl();
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<const CurlApi*> second = LoadCurl();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);

  // The table is usable: libcurl's URL parser answers through it.
  const CurlApi& api = **first;
  std::unique_ptr<CURLU, decltype(api.url_cleanup)> url(api.url(), api.url_cleanup);
  ASSERT_NE(url, nullptr);
  ASSERT_EQ(api.url_set(url.get(), CURLUPART_URL, "https://api.agora.io:8443/v2", 0), CURLUE_OK);
  char* host = nullptr;
  ASSERT_EQ(api.url_get(url.get(), CURLUPART_HOST, &host, 0), CURLUE_OK);
  EXPECT_STREQ(host, "api.agora.io");
  api.free(host);
  EXPECT_STREQ(api.easy_strerror(CURLE_COULDNT_CONNECT), "Couldn't connect to server");
}

}  // namespace
}  // namespace agora

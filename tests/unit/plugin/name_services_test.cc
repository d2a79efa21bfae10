#include "internal/base/name_services.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <sys/socket.h>

namespace base {
namespace {

// The built-in sources still answer from /etc: the databases the provider uses are configured,
// not left empty.
TEST(UseBuiltInNameServicesTest, HostsAndGroupsStillResolveFromEtc) {
  UseBuiltInNameServices();

  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  ASSERT_EQ(getaddrinfo("localhost", "443", &hints, &found), 0);
  ASSERT_NE(found, nullptr);
  freeaddrinfo(found);

  EXPECT_NE(getgrnam("root"), nullptr);
}

}  // namespace
}  // namespace base

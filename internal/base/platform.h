// The Terraform platform (OS_ARCH, as in a provider package's directory name) this binary was
// compiled for. The plugin server logs it at start-up, so a log shows which build served: the
// linux_arm64 end-to-end tests run that build under qemu-user and check this name
// (tests/e2e/arm64_suite.py).
#pragma once

#include <string_view>

namespace base {

#if defined(__linux__) && defined(__x86_64__)
inline constexpr std::string_view kPlatform = "linux_amd64";
#elif defined(__linux__) && defined(__aarch64__)
inline constexpr std::string_view kPlatform = "linux_arm64";
#else
#error "unsupported platform: docs/release.md lists the supported ones and the port plan"
#endif

}  // namespace base

# Cross-compiling the provider for linux_arm64 with Debian's cross toolchain
# (crossbuild-essential-arm64) against a sysroot of Debian's arm64 packages, which
# scripts/make_sysroot.sh makes (the Makefile passes it as AGORA_SYSROOT). Programs (protoc,
# grpc_cpp_plugin) are the host's; headers, archives and CMake package files the sysroot's.
# docs/release.md says how the release is built.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# CMake reads this file again for each try_compile: pass the sysroot on to those.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES AGORA_SYSROOT)
if(NOT AGORA_SYSROOT OR NOT EXISTS "${AGORA_SYSROOT}/usr/include")
  message(FATAL_ERROR "AGORA_SYSROOT must name a sysroot of Debian's arm64 packages "
                      "(scripts/make_sysroot.sh; `make build PLATFORMS=linux_arm64` makes one)")
endif()
set(CMAKE_SYSROOT "${AGORA_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH "${AGORA_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# pkg-config (the host's) reads the sysroot's .pc files and prefixes their paths with it.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${AGORA_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
    "${AGORA_SYSROOT}/usr/lib/aarch64-linux-gnu/pkgconfig:${AGORA_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

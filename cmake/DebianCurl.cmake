# agora_curl: a small static libcurl built from Debian's own curl source package.
#
# Debian's libcurl.a cannot go into a static binary (it needs GSSAPI, LDAP, RTMP, SSH, IDN and PSL,
# some of which ship no archive), so the build fetches the source package with
# scripts/fetch_debian_source.sh (apt-get source: Debian's security patches included) and builds
# only what the provider uses: HTTP and HTTPS over the static OpenSSL, proxies (HTTPS_PROXY and
# NO_PROXY are resolved by the provider and passed in), Basic authentication, gzip. No CA bundle
# or directory is compiled in: provider/agora_api/ca_store.h finds the system's at run time on any
# distribution. The version fetched is in build/curl/src/curl_build/.debian-version.
include(ExternalProject)

find_package(ZLIB REQUIRED)
find_library(AGORA_ZLIB_ARCHIVE NAMES libz.a REQUIRED)

set(AGORA_CURL_PREFIX ${CMAKE_BINARY_DIR}/curl)
set(AGORA_CURL_INSTALL ${AGORA_CURL_PREFIX}/install)
set(AGORA_CURL_LIBRARY ${AGORA_CURL_INSTALL}/lib/libcurl.a)
# Build paths stay out of the binary (reproducible releases).
# A cross build (cmake/toolchains/) builds libcurl with the same toolchain and sysroot.
set(AGORA_CURL_CROSS_ARGS)
if(CMAKE_TOOLCHAIN_FILE)
  # Absolute: curl is configured in a directory of its own.
  file(REAL_PATH ${CMAKE_TOOLCHAIN_FILE} agora_toolchain_file BASE_DIRECTORY ${PROJECT_SOURCE_DIR})
  set(AGORA_CURL_CROSS_ARGS -DCMAKE_TOOLCHAIN_FILE=${agora_toolchain_file}
                            -DAGORA_SYSROOT=${AGORA_SYSROOT})
endif()
set(AGORA_CURL_C_FLAGS "-ffunction-sections -fdata-sections \
-ffile-prefix-map=${AGORA_CURL_PREFIX}/src/curl_build=curl \
-ffile-prefix-map=${AGORA_CURL_PREFIX}/src/curl_build-build=curl-build")

ExternalProject_Add(curl_build
  PREFIX ${AGORA_CURL_PREFIX}
  DOWNLOAD_COMMAND ${PROJECT_SOURCE_DIR}/scripts/fetch_debian_source.sh curl
                   ${AGORA_CURL_PREFIX}/apt <SOURCE_DIR>
  UPDATE_COMMAND ""
  INSTALL_DIR ${AGORA_CURL_INSTALL}
  CMAKE_ARGS
    # A fresh cache whenever the arguments change: an option removed from this list must not
    # live on in the old cache.
    --fresh
    -DCMAKE_BUILD_TYPE=Release
    ${AGORA_CURL_CROSS_ARGS}
    -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
    -DCMAKE_C_FLAGS=${AGORA_CURL_C_FLAGS}
    -DCMAKE_C_FLAGS_RELEASE=${CMAKE_C_FLAGS_RELEASE}
    -DCMAKE_POSITION_INDEPENDENT_CODE=ON
    -DCMAKE_INSTALL_PREFIX=<INSTALL_DIR>
    -DCMAKE_INSTALL_LIBDIR=lib
    -DBUILD_SHARED_LIBS=OFF
    -DBUILD_CURL_EXE=OFF
    -DBUILD_TESTING=OFF
    -DENABLE_MANUAL=OFF
    -DPICKY_COMPILER=OFF
    -DCURL_ENABLE_EXPORT_TARGET=ON  # curl installs its library only with it
    -DHTTP_ONLY=ON
    -DCURL_USE_OPENSSL=ON
    -DOPENSSL_USE_STATIC_LIBS=ON
    -DZLIB_LIBRARY=${AGORA_ZLIB_ARCHIVE}
    -DCURL_CA_BUNDLE=none
    -DCURL_CA_PATH=none
    -DCURL_CA_FALLBACK=OFF
    -DCURL_DISABLE_LDAP=ON
    -DCURL_DISABLE_LDAPS=ON
    -DCURL_USE_GSSAPI=OFF
    -DCURL_USE_LIBSSH2=OFF
    -DCURL_USE_LIBSSH=OFF
    -DCURL_USE_LIBPSL=OFF
    -DUSE_LIBIDN2=OFF
    -DUSE_NGHTTP2=OFF
    -DCURL_BROTLI=OFF
    -DCURL_ZSTD=OFF
    -DENABLE_ARES=OFF
    -DENABLE_UNIX_SOCKETS=OFF
    -DCURL_DISABLE_ALTSVC=ON
    -DCURL_DISABLE_COOKIES=ON
    -DCURL_DISABLE_CRYPTO_AUTH=ON
    -DCURL_DISABLE_DOH=ON
    -DCURL_DISABLE_GETOPTIONS=ON
    -DCURL_DISABLE_HSTS=ON
    -DCURL_DISABLE_MIME=ON
    -DCURL_DISABLE_NETRC=ON
    -DCURL_DISABLE_NTLM=ON
  BUILD_BYPRODUCTS ${AGORA_CURL_LIBRARY}
  LOG_DOWNLOAD ON
  LOG_CONFIGURE ON
  LOG_BUILD ON
  LOG_INSTALL ON
  LOG_OUTPUT_ON_FAILURE ON)

file(MAKE_DIRECTORY ${AGORA_CURL_INSTALL}/include)
add_library(agora_curl STATIC IMPORTED GLOBAL)
set_target_properties(agora_curl PROPERTIES
  IMPORTED_LOCATION ${AGORA_CURL_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${AGORA_CURL_INSTALL}/include
  INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB)
target_link_libraries(agora_curl INTERFACE OpenSSL::SSL OpenSSL::Crypto ${AGORA_ZLIB_ARCHIVE})
add_dependencies(agora_curl curl_build)

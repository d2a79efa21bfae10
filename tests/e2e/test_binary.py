"""Structural facts about the built provider binary that start-up speed depends on (the figures
themselves live in `make bench`, never in tests)."""

from __future__ import annotations

import os
import subprocess
import unittest

import harness


class ProviderBinaryTest(unittest.TestCase):
    def shared_libraries(self) -> str:
        result = subprocess.run(["ldd", str(harness.provider_binary())], capture_output=True,
                                text=True, check=True)
        return result.stdout

    @unittest.skipUnless(os.environ.get("AGORA_STATIC_GRPC") == "1",
                         "built with -DAGORA_STATIC_GRPC=OFF")
    def test_grpc_protobuf_and_abseil_are_linked_statically(self) -> None:
        libraries = self.shared_libraries()
        for name in ("libgrpc", "libgpr", "libprotobuf", "libabsl", "libupb", "libre2",
                     "libstdc++", "libgcc_s"):
            self.assertNotIn(name, libraries)
        self.assertIn("libssl.so", libraries)  # OpenSSL stays shared, as libcurl uses it too.

    def test_libcurl_is_not_loaded_at_start_up(self) -> None:
        # libcurl and its ~30 dependencies are dlopen'ed by the first HTTP request
        # (provider/curl_library.h); test_ncs_ips proves that the requests still work.
        self.assertNotIn("libcurl", self.shared_libraries())

    @unittest.skipUnless(os.environ.get("AGORA_STATIC_GRPC") == "1",
                         "built with -DAGORA_STATIC_GRPC=OFF")
    def test_grpc_core_configuration_is_the_plugins_own(self) -> None:
        # internal/plugin/grpc_configuration.cc replaces gRPC's default plugin registry; if the
        # linker took gRPC's instead, xDS, RLS, grpclb and RE2 would be linked in again.
        symbols = subprocess.run(["nm", "--demangle", str(harness.provider_binary())],
                                 capture_output=True, text=True, check=True).stdout
        self.assertIn("grpc_core::BuildCoreConfiguration", symbols)
        for absent in ("grpc_core::RegisterXdsResolver", "grpc_core::RegisterRlsLbPolicy",
                       "grpc_core::RegisterGrpcLbPolicy", "re2::RE2::RE2"):
            self.assertNotIn(absent, symbols)

    def test_version_flag(self) -> None:
        result = subprocess.run([str(harness.provider_binary()), "-version"], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.strip(),
                         f"terraform-provider-agora {harness.provider_version()}")


if __name__ == "__main__":
    unittest.main()

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
        for name in ("libgrpc", "libgpr", "libprotobuf", "libabsl", "libupb", "libre2"):
            self.assertNotIn(name, libraries)
        self.assertIn("libssl.so", libraries)  # OpenSSL stays shared, as libcurl uses it too.

    def test_version_flag(self) -> None:
        result = subprocess.run([str(harness.provider_binary()), "-version"], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.strip(),
                         f"terraform-provider-agora {harness.provider_version()}")


if __name__ == "__main__":
    unittest.main()

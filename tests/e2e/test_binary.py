"""Structural facts about the release binaries, linux_amd64 and the cross-built linux_arm64: each
is the one file users get, it runs on any Linux (no interpreter, no shared library), the kernel
still randomises its address, and it carries neither build paths nor the pieces of gRPC we
replaced. The arm64 binary's flags are tried under qemu-user. Figures live in `make bench`, never
here."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unittest
from pathlib import Path
from typing import List

import harness
import make_targets


def readelf(binary: Path, *args: str) -> str:
    return subprocess.run(["readelf", "--wide", *args, str(binary)],
                          capture_output=True, text=True, check=True).stdout


class BinaryChecks:
    """The checks, for the binary ``binary()`` of ``PLATFORM`` (mixed into a TestCase)."""

    PLATFORM = "linux_amd64"
    MACHINE = "Advanced Micro Devices X86-64"  # readelf's name for the ELF machine
    NM = "nm"

    def binary(self) -> Path:
        return harness.provider_binary()

    def unstripped(self) -> Path:
        """The unstripped twin in the build directory, which holds the symbols."""
        build_dir = os.environ.get("AGORA_BUILD_DIR")
        if not build_dir:
            self.skipTest("AGORA_BUILD_DIR is not set")  # type: ignore[attr-defined]
        return Path(build_dir) / "terraform-provider-agora"

    def command(self) -> List[str]:
        """How to run the binary on this machine."""
        return [str(self.binary())]

    def test_is_built_for_its_platform(self) -> None:
        self.assertRegex(readelf(self.binary(), "--file-header"),  # type: ignore[attr-defined]
                         rf"Machine:\s+{re.escape(self.MACHINE)}")

    def test_is_fully_static(self) -> None:
        # No PT_INTERP: the kernel starts it without a dynamic loader, so neither the machine's
        # glibc version (Alpine has none) nor its libssl or libcurl matters.
        self.assertNotIn("INTERP", readelf(self.binary(), "--program-headers"))
        self.assertNotIn("(NEEDED)", readelf(self.binary(), "--dynamic"))

    def test_is_position_independent(self) -> None:
        # -static-pie: an ET_DYN file that relocates itself, so ASLR still applies.
        self.assertRegex(readelf(self.binary(), "--file-header"), r"Type:\s+DYN")
        self.assertRegex(readelf(self.binary(), "--dynamic"), r"FLAGS_1\)\s+Flags:.*\bPIE\b")

    def test_is_stripped_but_for_our_own_function_names(self) -> None:
        # The crash report names our functions (internal/base/crash_report.h); nothing else of
        # the symbol table is kept.
        symbols = subprocess.run([self.NM, "--defined-only", str(self.binary())],
                                 capture_output=True, text=True, check=True).stdout.split("\n")
        names = [line.split()[-1] for line in symbols if line.strip()]
        self.assertTrue(names)
        self.assertLess(len(names), 2000, "only our own functions")
        self.assertIn("main", names)
        ours = re.compile(r"^(_ZNK?(5agora|10tfprotocol|3cty|6plugin|4base)|main$)")
        self.assertEqual([n for n in names if not ours.match(n)], [])
        self.assertTrue(any(n.startswith("_ZN10tfprotocol5Serve") for n in names), names[:20])
        self.assertNotIn(".debug_info", readelf(self.binary(), "--section-headers"))
        self.assertEqual(self.binary().name,
                         f"terraform-provider-agora_v{harness.provider_version()}")
        self.assertEqual(self.binary().name,
                         f"terraform-provider-agora_v{harness.provider_version()}")

    def test_holds_no_build_path(self) -> None:
        # Builds from clones in different directories give the same bytes (docs/release.md).
        data = self.binary().read_bytes()
        paths = {harness.REPO_ROOT}
        if os.environ.get("AGORA_BUILD_DIR"):
            paths.add(Path(os.environ["AGORA_BUILD_DIR"]).resolve())
        for path in paths:
            self.assertNotIn(str(path).encode(), data, f"{path} is in the binary")

    def symbols(self) -> str:
        """``nm`` of the unstripped twin in the build directory, which holds the symbols."""
        return subprocess.run([self.NM, "--demangle", str(self.unstripped())],
                              capture_output=True, text=True, check=True).stdout

    def test_grpc_core_configuration_is_the_plugins_own(self) -> None:
        # internal/plugin/grpc_configuration.cc replaces gRPC's default plugin registry; if the
        # linker took gRPC's instead, xDS, RLS, grpclb and RE2 would be linked in again.
        symbols = self.symbols()
        self.assertIn("grpc_core::BuildCoreConfiguration", symbols)
        for absent in ("grpc_core::RegisterXdsResolver", "grpc_core::RegisterRlsLbPolicy",
                       "grpc_core::RegisterGrpcLbPolicy", "re2::RE2::RE2"):
            self.assertNotIn(absent, symbols)

    def test_libcurl_inside_is_the_minimal_build(self) -> None:
        # cmake/DebianCurl.cmake: HTTP and HTTPS over OpenSSL, nothing else.
        symbols = set(re.findall(r"\b(Curl_handler_\w+|Curl_ssl_\w+)\b", self.symbols()))
        self.assertIn("Curl_handler_https", symbols)
        self.assertIn("Curl_ssl_openssl", symbols)
        self.assertLessEqual({s for s in symbols if s.startswith("Curl_handler_")},
                             {"Curl_handler_http", "Curl_handler_https", "Curl_handler_dummy"})
        for backend in ("gnutls", "nss", "mbedtls", "wolfssl", "bearssl", "rustls"):
            self.assertNotIn(f"Curl_ssl_{backend}", symbols)

    def test_version_flag(self) -> None:
        result = subprocess.run([*self.command(), "-version"], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(result.returncode, 0)
        self.assertEqual(result.stdout.strip(),
                         f"terraform-provider-agora {harness.provider_version()}")

    def test_help_flags_print_usage_and_exit_0(self) -> None:
        for flag in ("-h", "-help", "--help"):
            result = subprocess.run([*self.command(), flag], capture_output=True,
                                    text=True, timeout=10)
            self.assertEqual(result.returncode, 0, flag)
            self.assertTrue(result.stdout.startswith("Usage: terraform-provider-agora"), flag)
            self.assertIn("-debug", result.stdout)
            self.assertIn("TF_LOG_PROVIDER", result.stdout)
            self.assertEqual(result.stderr, "", flag)

    def test_an_unknown_argument_exits_2_with_usage_on_stderr(self) -> None:
        result = subprocess.run([*self.command(), "-x"], capture_output=True,
                                text=True, timeout=10)
        self.assertEqual(result.returncode, 2)
        self.assertIn('unknown argument "-x"', result.stderr)
        self.assertIn("Usage: terraform-provider-agora", result.stderr)
        self.assertEqual(result.stdout, "")


class ReleaseBinaryTest(BinaryChecks, unittest.TestCase):
    """This machine's release binary, the one the end-to-end tests run."""


class Arm64ReleaseBinaryTest(BinaryChecks, unittest.TestCase):
    """The cross-built linux_arm64 release binary (Makefile: build-linux_arm64)."""

    PLATFORM = "linux_arm64"
    MACHINE = "AArch64"
    NM = "aarch64-linux-gnu-nm"  # binutils-aarch64-linux-gnu, with the cross compiler

    def binary(self) -> Path:
        path = make_targets.release_binary(self.PLATFORM)
        self.assertTrue(path.is_file(), f"{path}: make build PLATFORMS=linux_arm64 builds it")
        return path

    def unstripped(self) -> Path:
        return self.binary().parent.parent / "terraform-provider-agora"

    def command(self) -> List[str]:
        qemu = shutil.which("qemu-aarch64-static")
        self.assertIsNotNone(qemu, "qemu-aarch64-static (Debian's qemu-user-static)")
        return [str(qemu), str(self.binary())]


if __name__ == "__main__":
    unittest.main()

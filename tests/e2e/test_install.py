"""End-to-end tests of ``make install``: the release binary lands in Terraform's implied local
mirror (``$HOME/.terraform.d/plugins``) and ``terraform init`` then finds it with no CLI
configuration at all; ``MIRROR=<dir>`` installs into an explicit filesystem mirror whose printed
CLI configuration makes ``terraform init`` work.

``make`` runs through :mod:`make_targets` with ``BUILD_DIR=$AGORA_BUILD_DIR`` (set by ctest) and
``HOME`` pointing at a fresh temporary directory, in an environment built from scratch; its
``build`` prerequisite is a no-op there (the tests run after the build). Terraform runs through :mod:`harness` (loopback DNS only,
a fake Agora API on 127.0.0.1).
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import unittest
from pathlib import Path
from typing import Dict, Optional

import harness
import install_mirror
from make_targets import release_binary, run_make, scratch_env
from processes import CommandResult

CUSTOMER_ID = "e2e-install-7d2"
CUSTOMER_SECRET = "install-S3CRET-never-shown"


_PROVIDER_INSTALLATION_RE = re.compile(r"^provider_installation \{\n.*?^\}\n", re.S | re.M)


def printed_cli_config(stdout: str) -> Optional[str]:
    """The ``provider_installation { ... }`` block printed by ``make install``, if any."""
    match = _PROVIDER_INSTALLATION_RE.search(stdout)
    return match.group(0) if match else None


class MakeInstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.binary = release_binary()
        if not cls.binary.is_file():
            raise AssertionError(f"release binary not found: {cls.binary} (AGORA_BUILD_DIR="
                                 f"{os.environ.get('AGORA_BUILD_DIR')!r}; run `make build`)")
        cls.version = harness.provider_version()

    def setUp(self) -> None:
        self.workdir = harness.Workdir("install", env={"AGORA_CUSTOMER_ID": CUSTOMER_ID,
                                                       "AGORA_CUSTOMER_SECRET": CUSTOMER_SECRET})
        self.addCleanup(self.workdir.cleanup)
        self.fake = harness.start_fake(self, customer_id=CUSTOMER_ID,
                                       customer_secret=CUSTOMER_SECRET)
        self.workdir.write_main_tf(harness.ncs_ips_config({"endpoints": [self.fake.url]}))

    # --- helpers ----------------------------------------------------------------------------------

    def make_install(self, **variables: str) -> CommandResult:
        result = run_make("install", scratch_env(self.workdir.home), **variables)
        self.assertEqual(result.returncode, 0, result.describe())
        return result

    def assert_installed_copy(self, path: Path) -> None:
        """``path`` is an executable (0755) regular file with the release binary's bytes."""
        self.assertTrue(path.is_file(), f"{path} missing")
        self.assertFalse(path.is_symlink(), f"{path} is a symlink, not a copy")
        mode = stat.S_IMODE(path.stat().st_mode)
        self.assertEqual(mode, 0o755, f"{path} has mode {mode:o}")
        self.assertTrue(os.access(path, os.X_OK))
        self.assertTrue(path.read_bytes() == self.binary.read_bytes(),
                        f"{path} differs from {self.binary}")

    def init_and_plan(self, env: Dict[str, Optional[str]]) -> harness.TerraformResult:
        """``terraform init`` then ``plan`` with ``env``; asserts both succeed, that init installed
        agora/agora at the version under test and that the plan shows the fake's addresses,
        read with one request. Returns init's result."""
        init = self.workdir.init(env=env)
        self.assertEqual(init.returncode, 0, init.describe())
        self.assertIn(f"Installed agora/agora v{self.version}", init.text, init.describe())
        plan = self.workdir.plan(env=env)
        self.assertEqual(plan.returncode, 0, plan.describe())
        for address in ("192.0.2.15", "198.51.100.9", "203.0.113.10", "2001:db8::3"):
            self.assertIn(f'"{address}"', plan.stdout, plan.describe())
        requests = self.fake.requests()
        self.assertEqual(len(requests), 1, requests)
        self.assertEqual(requests[0]["path"], "/v2/ncs/ip")
        self.assertTrue(requests[0]["auth_ok"], requests[0])
        return init

    # --- tests ------------------------------------------------------------------------------------

    def test_make_install_needs_no_cli_configuration(self) -> None:
        home = self.workdir.home
        self.assertEqual(sorted(home.iterdir()), [], "HOME must start empty (no ~/.terraformrc)")
        result = self.make_install()

        implied = home / ".terraform.d" / "plugins"
        installed = (implied / "registry.terraform.io" / "agora" / "agora" / self.version
                     / install_mirror.platform_dir() / install_mirror.binary_name(self.version))
        self.assert_installed_copy(installed)
        self.assertEqual([p.name for p in home.iterdir()], [".terraform.d"],
                         "make install wrote nothing else to HOME")
        self.assertIn("implied local mirror", result.stdout, result.describe())
        self.assertIn("no CLI configuration", result.stdout, result.describe())
        self.assertIsNone(printed_cli_config(result.stdout),
                          "no provider_installation block for the implied mirror\n"
                          + result.describe())

        # No CLI configuration at all: no TF_CLI_CONFIG_FILE, no ~/.terraformrc.
        self.assertFalse((home / ".terraformrc").exists())
        self.init_and_plan({"TF_CLI_CONFIG_FILE": None})
        # init linked the unpacked package from the implied mirror (not some other copy).
        self.assertEqual(harness.unpacked_provider(self.workdir.path, self.version).resolve(),
                         installed.resolve())

    def test_make_install_with_mirror_prints_a_cli_configuration_that_works(self) -> None:
        mirror = harness.make_temp_dir("explicit-mirror") / "mirror"
        result = self.make_install(MIRROR=str(mirror))
        installed = (install_mirror.package_dir(mirror, self.version)
                     / install_mirror.binary_name(self.version))
        self.assert_installed_copy(installed)
        self.assertFalse((self.workdir.home / ".terraform.d").exists(),
                         "with MIRROR, nothing goes to the implied mirror")

        block = printed_cli_config(result.stdout)
        self.assertIsNotNone(block, "the CLI configuration is printed\n" + result.describe())
        assert block is not None
        self.assertIn(f'path    = "{mirror.resolve()}"', block)
        cli_config = self.workdir.root / "copied.tfrc"
        cli_config.write_text(block, encoding="utf-8")
        self.init_and_plan({"TF_CLI_CONFIG_FILE": str(cli_config)})
        self.assertEqual(harness.unpacked_provider(self.workdir.path, self.version).resolve(),
                         installed.resolve())

    def test_install_script_writes_the_cli_configuration_with_cli_config(self) -> None:
        mirror = harness.make_temp_dir("script-mirror") / "mirror"
        cli_config = self.workdir.root / "written.tfrc"
        command = [sys.executable, str(harness.REPO_ROOT / "scripts" / "install_mirror.py"),
                   "--provider", str(self.binary), "--version", self.version,
                   "--mirror", str(mirror), "--cli-config", str(cli_config)]
        result = CommandResult.of(subprocess.run(
            command, env=scratch_env(self.workdir.home), capture_output=True, text=True,
            timeout=120, stdin=subprocess.DEVNULL))
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn(f"TF_CLI_CONFIG_FILE={cli_config}", result.stdout)
        self.assertEqual(cli_config.read_text(encoding="utf-8"), printed_cli_config(result.stdout))
        self.init_and_plan({"TF_CLI_CONFIG_FILE": str(cli_config)})

    def test_install_script_recognises_the_implied_mirror_by_home(self) -> None:
        home = self.workdir.home
        self.assertTrue(install_mirror.is_implied_local_mirror(
            home / ".terraform.d" / "plugins", home=home))
        self.assertTrue(install_mirror.is_implied_local_mirror(
            home / ".terraform.d" / "x" / ".." / "plugins", home=home))
        self.assertFalse(install_mirror.is_implied_local_mirror(
            home / ".terraform.d" / "agora-mirror", home=home))
        self.assertFalse(install_mirror.is_implied_local_mirror(
            self.workdir.root / ".terraform.d" / "plugins", home=home))


if __name__ == "__main__":
    unittest.main()

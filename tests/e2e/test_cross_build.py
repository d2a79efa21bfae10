"""The cross build's inputs fail early and clearly: a sysroot package apt cannot provide stops
scripts/make_sysroot.sh with apt's own error and the package's name (not a compiler error later),
and leaves no sysroot behind. (The cross-built binary itself: test_binary.py; under terraform:
arm64_suite.py.)"""

from __future__ import annotations

import subprocess
import unittest

import harness

SCRIPT = harness.REPO_ROOT / "scripts" / "make_sysroot.sh"
MISSING = "agora-no-such-package-for-the-sysroot"


class SysrootTest(unittest.TestCase):
    def test_a_package_apt_cannot_provide_fails_naming_it(self) -> None:
        work = harness.make_temp_dir("sysroot")
        result = subprocess.run(["bash", str(SCRIPT), "arm64", str(work), "zlib1g-dev", MISSING],
                                capture_output=True, text=True, timeout=600,
                                stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"Unable to locate package {MISSING}", result.stderr)
        self.assertIn(f"apt cannot provide the arm64 packages: zlib1g-dev {MISSING}",
                      result.stderr)
        self.assertFalse((work / "root").exists(), "no sysroot is left behind")

    def test_usage(self) -> None:
        result = subprocess.run(["bash", str(SCRIPT), "arm64"], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL)
        self.assertEqual(result.returncode, 2)
        self.assertIn("usage:", result.stderr)


if __name__ == "__main__":
    unittest.main()

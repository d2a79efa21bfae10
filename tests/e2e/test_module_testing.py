"""``terraform test`` on examples/module-testing: a user's module that reads ``agora_ncs_ips`` is
tested without credentials or network, once with ``mock_provider "agora"`` and once with the real
provider and ``override_data``. Both must pass, and nothing may reach an Agora endpoint.
"""

from __future__ import annotations

import shutil
import unittest

import harness

EXAMPLE = harness.REPO_ROOT / "examples" / "module-testing"


class ModuleTestingExampleTest(unittest.TestCase):
    def setUp(self) -> None:
        self.workdir = harness.Workdir("module-testing")
        self.addCleanup(self.workdir.cleanup)
        shutil.copytree(EXAMPLE, self.workdir.path, dirs_exist_ok=True)
        # A fake that must see no request: the provider's default endpoints are replaced by it,
        # so a read that slipped past the mock or the override would show up here.
        self.fake = harness.start_fake(self)
        self.workdir.env["AGORA_ENDPOINTS"] = self.fake.url
        result = self.workdir.init()
        self.assertEqual(result.returncode, 0, result.describe())

    def test_terraform_test_passes_with_mock_and_override(self) -> None:
        result = self.workdir.run("test", "-no-color")
        self.assertEqual(result.returncode, 0, result.describe())
        output = result.output
        self.assertIn("run \"mocked_provider_renders_the_allow_list\"... pass", output)
        self.assertIn("run \"overridden_data_source_with_the_real_provider\"... pass", output)
        self.assertIn("2 passed, 0 failed", output)
        self.assertEqual(self.fake.request_count(), 0, "nothing may reach Agora")

    def test_a_wrong_expectation_fails(self) -> None:
        """The runs really assert: a changed expectation makes terraform test fail."""
        test_file = self.workdir.path / "tests" / "allow_list.tftest.hcl"
        test_file.write_text(test_file.read_text().replace("allow 192.0.2.0/24;", "allow 192.0.2.1/32;"))
        result = self.workdir.run("test", "-no-color")
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn("An IPv4-only list gives one allow line and deny all.", result.output)
        self.assertEqual(self.fake.request_count(), 0)


if __name__ == "__main__":
    unittest.main()

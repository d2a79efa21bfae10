"""``terraform test`` on examples/module-testing: a user's module that reads ``agora_ncs_ips`` is
tested without credentials or network, once with ``mock_provider "agora"`` and once with the real
provider and ``override_data``. Both must pass, and nothing may reach an Agora endpoint. The same
for examples/module-testing-resource, a module with ``resource "agora_ncs_ip_set"`` and ``count``
over its chunks, with ``mock_resource`` and ``override_resource``; its README's two rules are
checked too.
"""

from __future__ import annotations

import shutil
import unittest

import harness

EXAMPLE = harness.REPO_ROOT / "examples" / "module-testing"
RESOURCE_EXAMPLE = harness.REPO_ROOT / "examples" / "module-testing-resource"


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


class ResourceModuleTestingExampleTest(unittest.TestCase):
    def setUp(self) -> None:
        self.workdir = harness.Workdir("module-testing-resource")
        self.addCleanup(self.workdir.cleanup)
        shutil.copytree(RESOURCE_EXAMPLE, self.workdir.path, dirs_exist_ok=True)
        self.fake = harness.start_fake(self)
        self.workdir.env["AGORA_ENDPOINTS"] = self.fake.url
        result = self.workdir.init()
        self.assertEqual(result.returncode, 0, result.describe())
        self.mock_tests = self.workdir.path / "tests" / "reviewed_allow_list.tftest.hcl"

    def test_mock_resource_and_override_resource_pass_with_count_over_chunks(self) -> None:
        result = self.workdir.run("test", "-no-color")
        self.assertEqual(result.returncode, 0, result.describe())
        for run in ("a_rule_set_per_chunk_when_planned", "a_rule_set_per_chunk_when_applied",
                    "the_real_provider_with_the_resource_overridden"):
            self.assertIn(f'run "{run}"... pass', result.output)
        self.assertIn("3 passed, 0 failed", result.output)
        self.assertEqual(self.fake.request_count(), 0, "nothing may reach Agora")

    def test_a_wrong_expectation_fails(self) -> None:
        self.mock_tests.write_text(self.mock_tests.read_text().replace(
            'tolist(["198.51.100.7/32"])', 'tolist(["198.51.100.8/32"])'))
        result = self.workdir.run("test", "-no-color")
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn("The second rule set holds the second chunk.", result.output)

    def test_the_readmes_rules_are_what_terraform_needs(self) -> None:
        """Rule 1: without override_during = plan, count fails; rule 2: a computed string left
        out fails an applied run as an inconsistent final plan. Terraform's mocks, not the
        provider: the fake sees no request either way."""
        original = self.mock_tests.read_text()
        self.mock_tests.write_text(original.replace("    override_during = plan\n", ""))
        result = self.workdir.run("test", "-no-color")
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn("Invalid count argument", result.output)

        self.mock_tests.write_text(original.replace(
            '      last_read_at   = "2026-01-02T00:00:00Z"\n', ""))
        result = self.workdir.run("test", "-no-color", "-filter=tests/reviewed_allow_list.tftest.hcl")
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertIn('run "a_rule_set_per_chunk_when_planned"... pass', result.output)
        self.assertIn("Provider produced inconsistent final plan", result.output)
        self.assertIn(".last_read_at", result.output)
        self.assertEqual(self.fake.request_count(), 0)


if __name__ == "__main__":
    unittest.main()

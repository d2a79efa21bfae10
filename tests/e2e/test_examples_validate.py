"""Every example under examples/ passes real `terraform init` and `terraform validate`, offline,
against the real providers' schemas: hashicorp/aws, google, azurerm, kubernetes and local are
served by a schema-only stand-in (tests/tools/schema_provider.cc, built on internal/) from the
trimmed schema files in tests/provider_schemas/, each of which records the provider version and
documentation pages it follows; agora/agora is the provider under test.

A misspelled argument in an example is therefore found here, not by a user.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unittest
from pathlib import Path
from typing import Dict, List

import harness
import install_mirror

SCHEMAS = harness.TESTS_DIR / "provider_schemas"
EXAMPLES = harness.REPO_ROOT / "examples"
# Registry-layout snippets (embedded in docs/) have no terraform block: they get one here.
SNIPPET_DIRS = ("data-sources", "resources")
NOT_TERRAFORM = ("ci",)


def stand_in_binary() -> Path:
    return Path(os.environ.get("AGORA_BUILD_DIR", harness.REPO_ROOT / "build")) / "schema_provider"


def schema_version(path: Path) -> str:
    """The provider version a schema file follows, from its "//" note."""
    note = json.loads(path.read_text(encoding="utf-8")).get("//", "")
    if isinstance(note, list):
        note = " ".join(note)
    match = re.search(r"\b(\d+\.\d+\.\d+)\b", str(note))
    if not match:
        raise AssertionError(f"{path.name}: the // note names no provider version")
    return match.group(1)


def example_dirs() -> List[Path]:
    """Every directory under examples/ that holds .tf files (snippet trees: each leaf)."""
    found = []
    for path in sorted(EXAMPLES.rglob("*.tf")):
        directory = path.parent
        relative = directory.relative_to(EXAMPLES)
        if relative.parts[0] in NOT_TERRAFORM or "tests" in relative.parts:
            continue
        if directory not in found:
            found.append(directory)
    return found


class ExamplesValidateTest(unittest.TestCase):
    mirror: Path
    cli_config: Path
    versions: Dict[str, str]

    @classmethod
    def setUpClass(cls) -> None:
        binary = stand_in_binary()
        if not binary.is_file():
            raise AssertionError(f"{binary} is missing: build the schema_provider target")
        base = harness.make_temp_dir("stand-ins")
        cls.addClassCleanup(harness.remove_temp_dir, base)
        cls.mirror = base / "mirror"
        cls.versions = {}
        for schema in sorted(SCHEMAS.glob("*.json")):
            name = schema.stem
            version = schema_version(schema)
            cls.versions[name] = version
            target = (cls.mirror / "registry.terraform.io" / "hashicorp" / name / version
                      / install_mirror.platform_dir())
            target.mkdir(parents=True)
            shutil.copy2(binary, target / f"terraform-provider-{name}_v{version}")
            shutil.copy2(schema, target / "schema.json")
        install_mirror.install(harness.provider_binary(), harness.provider_version(), cls.mirror)
        cls.cli_config = base / "terraform.rc"
        cls.cli_config.write_text(
            "provider_installation {\n"
            "  filesystem_mirror {\n"
            f"    path    = {json.dumps(str(cls.mirror))}\n"
            '    include = ["registry.terraform.io/hashicorp/*", "registry.terraform.io/agora/*"]\n'
            "  }\n"
            "}\n", encoding="utf-8")

    def validate(self, source: Path, edit=None) -> harness.TerraformResult:
        workdir = harness.Workdir("example")
        self.addCleanup(workdir.cleanup)
        shutil.copytree(source, workdir.path, dirs_exist_ok=True)
        if source.relative_to(EXAMPLES).parts[0] in SNIPPET_DIRS:
            # A snippet names the agora provider without a terraform block, and may use input
            # variables it leaves to the reader: declare both.
            text = "".join(tf.read_text() for tf in source.glob("*.tf"))
            variables = sorted(set(re.findall(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)", text)))
            workdir.write_file("terraform.tf", harness.required_providers_block() + "".join(
                f'\nvariable "{name}" {{}}\n' for name in variables))
        if edit:
            edit(workdir.path)
        env = {"TF_CLI_CONFIG_FILE": str(self.cli_config)}
        init = workdir.run("init", "-no-color", "-input=false", "-backend=false", env=env)
        self.assertEqual(init.returncode, 0, f"{source}\n" + init.describe())
        return workdir.run("validate", "-no-color", "-json", env=env)

    def test_every_example_is_valid_against_the_real_schemas(self) -> None:
        directories = example_dirs()
        self.assertGreaterEqual(len(directories), 10, directories)
        used = set()
        for directory in directories:
            for tf in directory.glob("*.tf"):
                used.update(re.findall(r'source\s*=\s*"hashicorp/([a-z]+)"', tf.read_text()))
            with self.subTest(example=str(directory.relative_to(EXAMPLES))):
                result = self.validate(directory)
                report = result.json() or {}
                self.assertTrue(report.get("valid"), result.describe())
                self.assertEqual(report.get("error_count"), 0, result.describe())
        self.assertLessEqual(used, set(self.versions), "a stand-in for every provider used")
        self.assertLessEqual({"aws", "google", "azurerm", "kubernetes", "local"}, used)

    def test_a_misspelled_argument_is_caught(self) -> None:
        def misspell(path: Path) -> None:
            main = path / "main.tf"
            main.write_text(main.read_text().replace("source_ranges", "source_range", 1))

        result = self.validate(EXAMPLES / "gcp-firewall", misspell)
        report = result.json() or {}
        self.assertFalse(report.get("valid"), result.describe())
        summaries = [d["summary"] for d in report.get("diagnostics", [])]
        self.assertTrue(any("Unsupported argument" in s or "Missing required argument" in s
                            for s in summaries), summaries)

    def test_nested_block_schemas_are_enforced(self) -> None:
        """ip_block sits three blocks deep in kubernetes_network_policy: a wrong argument name
        there is found too."""
        def rename(path: Path) -> None:
            main = path / "main.tf"
            main.write_text(main.read_text().replace("cidr = from.value", "cidr_block = from.value"))

        result = self.validate(EXAMPLES / "kubernetes-network-policy", rename)
        report = result.json() or {}
        self.assertFalse(report.get("valid"), result.describe())
        details = " ".join(d.get("detail", "") for d in report.get("diagnostics", []))
        self.assertIn("cidr_block", details)


if __name__ == "__main__":
    unittest.main()

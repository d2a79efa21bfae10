"""docs/ is what scripts/gen_docs.py generates from the provider's schema, and examples/ is formatted.

The registry documentation (docs/index.md, docs/data-sources/*.md, docs/resources/*.md) is
rendered from templates/, examples/ and the schema that real terraform reads from the provider
under test (``terraform providers schema -json``, the provider installed from a filesystem
mirror). When a schema description, a template or an embedded example changes without
`make docs` (python3 scripts/gen_docs.py), ``--check`` fails here with the diff.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from typing import List

import harness

GEN_DOCS = harness.REPO_ROOT / "scripts" / "gen_docs.py"
EXAMPLES = harness.REPO_ROOT / "examples"
PAGES = ("index.md", "data-sources/ncs_ips.md", "resources/ncs_ip_set.md")

sys.path.insert(0, str(GEN_DOCS.parent))
import gen_docs  # noqa: E402  (scripts/gen_docs.py)


def gen_docs_command(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(GEN_DOCS), "--provider", str(harness.provider_binary()),
         "--version", harness.provider_version(), "--terraform", harness.terraform_binary(),
         *args],
        cwd=str(harness.REPO_ROOT), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=600)


class DocsAreCurrent(unittest.TestCase):
    def test_docs_match_the_schema_templates_and_examples(self) -> None:
        result = gen_docs_command("--check")
        self.assertEqual(
            result.returncode, 0,
            "docs/ is stale: run `make docs` (python3 scripts/gen_docs.py) and commit the "
            f"result\n{result.stdout}{result.stderr}")

    def test_check_reports_a_stale_page_with_a_diff(self) -> None:
        with tempfile.TemporaryDirectory(prefix="agora-e2e-docs-") as tmp:
            docs = Path(tmp) / "docs"
            written = gen_docs_command("--docs-dir", str(docs))
            self.assertEqual(written.returncode, 0, written.stdout + written.stderr)
            for page in PAGES:
                self.assertEqual((docs / page).read_text(encoding="utf-8"),
                                 (harness.REPO_ROOT / "docs" / page).read_text(encoding="utf-8"),
                                 page)
            stale = docs / "resources" / "ncs_ip_set.md"
            stale.write_text(stale.read_text(encoding="utf-8").replace(
                "- `min_count` (Number)", "- `min_count` (String)"), encoding="utf-8")
            (docs / "data-sources" / "gone.md").write_text("# agora_gone\n", encoding="utf-8")
            checked = gen_docs_command("--check", "--docs-dir", str(docs))
            self.assertEqual(checked.returncode, 1, checked.stdout + checked.stderr)
            self.assertIn("-- `min_count` (String)", checked.stdout)
            self.assertIn("+- `min_count` (Number)", checked.stdout)
            self.assertIn("docs/data-sources/gone.md: no template or schema generates this page",
                          checked.stdout)
            self.assertNotIn("index.md", checked.stdout)

    def test_pages_have_the_registry_layout(self) -> None:
        docs = harness.REPO_ROOT / "docs"
        for page, title in (("index.md", "# agora Provider"),
                            ("data-sources/ncs_ips.md", "# agora_ncs_ips (Data Source)"),
                            ("resources/ncs_ip_set.md", "# agora_ncs_ip_set (Resource)")):
            text = (docs / page).read_text(encoding="utf-8")
            with self.subTest(page=page):
                self.assertTrue(text.startswith("---\n"))
                front, _, body = text[4:].partition("\n---\n")
                self.assertIn('page_title: "', front)
                self.assertIn('subcategory: ""', front)
                self.assertIn("description: |-\n  ", front)
                self.assertIn(f"\n{title}\n", "\n" + body)
                self.assertIn("\n## Example Usage\n\n```terraform\n", body)
                self.assertIn("\n## Schema\n\n### Optional\n\n", body)
        provider = (docs / "index.md").read_text(encoding="utf-8")
        self.assertIn("- `customer_secret` (String, Sensitive) ", provider)
        resource = (docs / "resources" / "ncs_ip_set.md").read_text(encoding="utf-8")
        self.assertIn("\n## Import\n", resource)
        self.assertIn("```shell\nterraform import agora_ncs_ip_set.example rtc\n```", resource)
        self.assertIn('import {\n  to = agora_ncs_ip_set.example\n  id = "rtc"\n}', resource)
        self.assertIn("- `cidr_block_chunks` (List of List of String) ", resource)
        self.assertIn("- `pending_removal` (Map of String) ", resource)


class SchemaMarkdown(unittest.TestCase):
    """The tfplugindocs rendering rules, on a schema with what the provider does not use yet."""

    def test_types_groups_and_nested_blocks(self) -> None:
        block = {
            "attributes": {
                "name": {"type": "string", "description": "The name.", "required": True},
                "tags": {"type": ["map", "string"], "optional": True, "computed": True},
                "ports": {"type": ["set", "number"], "optional": True, "sensitive": True},
                "id": {"type": "string", "computed": True},
                "flag": {"type": "bool", "computed": True, "deprecated": True},
            },
            "block_types": {
                "rule": {"nesting_mode": "list", "max_items": 1, "block": {
                    "description": "A rule.",
                    "attributes": {"cidr": {"type": "string", "required": True},
                                   "seen": {"type": ["list", ["list", "string"]],
                                            "computed": True}}}},
            },
        }
        self.assertEqual(gen_docs.render_schema(block), "\n".join([
            "## Schema",
            "",
            "### Required",
            "",
            "- `name` (String) The name.",
            "",
            "### Optional",
            "",
            "- `ports` (Set of Number, Sensitive)",
            "- `rule` (Block List, Max: 1) A rule. (see [below for nested schema]"
            "(#nestedblock--rule))",
            "- `tags` (Map of String)",
            "",
            "### Read-Only",
            "",
            "- `flag` (Boolean, Deprecated)",
            "- `id` (String) The ID of this resource.",
            "",
            '<a id="nestedblock--rule"></a>',
            "### Nested Schema for `rule`",
            "",
            "Required:",
            "",
            "- `cidr` (String)",
            "",
            "Read-Only:",
            "",
            "- `seen` (List of List of String)",
        ]))

    def test_plain_text_of_a_description(self) -> None:
        self.assertEqual(gen_docs.plain_text(
            "Reads `GET /v2/ncs/ip` (see [the API](https://example.com)), **never** empty."),
            "Reads GET /v2/ncs/ip (see the API), never empty.")


class ExamplesAreFormatted(unittest.TestCase):
    def test_terraform_fmt_check_recursive(self) -> None:
        work = harness.Workdir("fmt")
        self.addCleanup(work.cleanup)
        empty_config = work.write_file("../terraform.rc", "")
        result = harness.run_terraform(
            ["fmt", "-check", "-recursive", "-diff", "-no-color", str(EXAMPLES)],
            cwd=work.path, env=harness.clean_env(work.home, cli_config_file=empty_config))
        self.assertTrue(result.ok, "examples/ is not `terraform fmt`-formatted (run "
                        "`terraform fmt -recursive examples/`)\n" + result.describe())

    def test_the_registry_examples_exist(self) -> None:
        missing: List[str] = [
            path for path in ("provider/provider.tf",
                              "data-sources/agora_ncs_ips/data-source.tf",
                              "resources/agora_ncs_ip_set/resource.tf",
                              "resources/agora_ncs_ip_set/import.sh")
            if not (EXAMPLES / path).is_file()]
        self.assertEqual(missing, [])


if __name__ == "__main__":
    unittest.main()

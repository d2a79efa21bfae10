"""The include rules of ARCHITECTURE.md hold (scripts/check_layering.py), and the check is real: it
catches an include planted against each kind of rule, naming the file, the include and the rule.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "check_layering.py"
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import check_layering  # noqa: E402


def run(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), "--root", str(root)], capture_output=True,
                          text=True, timeout=120)


class LayeringTest(unittest.TestCase):
    def test_the_repository_follows_the_rules(self) -> None:
        result = run(REPO_ROOT)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout, "")

    def test_every_layer_is_in_the_code_map(self) -> None:
        text = (REPO_ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
        for layer in check_layering.LAYERS:
            self.assertIn(f"`{layer.folder}", text, layer.folder)
            self.assertTrue((REPO_ROOT / layer.folder).exists(), layer.folder)
            for folder in layer.may_include:
                self.assertTrue((REPO_ROOT / folder).exists(), folder)

    def plant(self, path: str, include: str) -> subprocess.CompletedProcess:
        """A copy of internal/ and provider/ with ``#include "include"`` added to ``path``."""
        root = Path(tempfile.mkdtemp(prefix="layering-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        for top in ("internal", "provider"):
            shutil.copytree(REPO_ROOT / top, root / top)
        target = root / path
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if line.startswith("#include"))
        lines.insert(first + 1, f'#include "{include}"\n')
        target.write_text("".join(lines), encoding="utf-8")
        return run(root)

    def test_planted_violations_are_caught_and_named(self) -> None:
        cases = [  # (file, include, words of the rule it breaks)
            ("internal/cty/value.cc", "provider/terraform/agora_provider.h",
             "internal/cty (values and codecs) sees only internal/base"),
            ("internal/base/log.cc", "internal/cty/value.h", "internal/base depends on nothing"),
            ("provider/agora_api/ncs_client.cc", "internal/cty/value.h",
             "provider/agora_api (the Agora API client) sees no cty"),
            ("provider/agora_api/ncs_client.cc", "provider/terraform/ncs_lists.h",
             "provider/agora_api (the Agora API client) sees no cty"),
            ("provider/addresses/ip_set.cc", "provider/agora_api/clock.h",
             "provider/addresses (IP arithmetic) sees only internal/base"),
            ("provider/terraform/ncs_lists.cc", "internal/plugin/server.h",
             "never the plugin process or protobuf"),
            ("provider/terraform/ncs_lists.cc", "proto/tfplugin6.pb.h",
             "protobuf and gRPC belong to internal/plugin and tfprotocol"),
        ]
        for path, include, rule in cases:
            with self.subTest(path=path, include=include):
                result = self.plant(path, include)
                self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
                lines = result.stdout.splitlines()
                self.assertEqual(len(lines), 1, result.stdout)
                self.assertRegex(lines[0], rf"^{re.escape(path)}:\d+: #include "
                                 rf"\"{re.escape(include)}\" "
                                 "breaks the rule: ")
                self.assertIn(rule, lines[0])

    def test_a_file_outside_every_layer_is_reported(self) -> None:
        root = Path(tempfile.mkdtemp(prefix="layering-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        (root / "provider" / "stray").mkdir(parents=True)
        (root / "provider" / "stray" / "helper.h").write_text("#pragma once\n")
        (root / "internal").mkdir()
        result = run(root)
        self.assertEqual(result.returncode, 1)
        self.assertIn("provider/stray/helper.h: belongs to no layer of ARCHITECTURE.md",
                      result.stdout)


if __name__ == "__main__":
    unittest.main()

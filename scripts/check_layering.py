#!/usr/bin/env python3
"""Checks that every ``#include "..."`` of our own code points down the layers ARCHITECTURE.md
states (``make test`` runs it: tests/lint/test_layering.py).

    python3 scripts/check_layering.py [--root DIR]

Each C++ file under a layer's folder may include only the folders its rule lists (system and
third-party headers, ``<...>`` or ``absl/``, ``rapidjson/``... are not ours and are not checked
here, except protobuf and gRPC, which only the plugin core may see). A file outside every layer
(tests/, bench/) may include anything. Exit status 1 with one line per violation, naming the
file, the line, the include and the rule; 0 when the tree is clean.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Layer:
    folder: str            # a folder of the repository, or one file
    may_include: Tuple[str, ...]  # folders (or files) its includes may point into
    why: str               # the rule, as ARCHITECTURE.md words it


# Lowest first. A layer may always include its own folder. ARCHITECTURE.md, "Layers", is the same
# table in words; tests/lint/test_layering.py checks that every folder here is named there.
LAYERS: Tuple[Layer, ...] = (
    Layer("internal/base", (), "internal/base depends on nothing of ours"),
    Layer("internal/cty", ("internal/base",),
          "internal/cty (values and codecs) sees only internal/base"),
    Layer("internal/plugin", ("internal/base", "proto"),
          "internal/plugin (the go-plugin process) sees only internal/base and the generated "
          "protocol"),
    Layer("internal/tfprotocol", ("internal/base", "internal/cty", "internal/plugin", "proto"),
          "internal/tfprotocol sees only the rest of internal/ and the generated protocol"),
    Layer("provider/addresses", ("internal/base",),
          "provider/addresses (IP arithmetic) sees only internal/base: no Terraform, no HTTP"),
    Layer("provider/agora_api", ("internal/base", "provider/addresses"),
          "provider/agora_api (the Agora API client) sees no cty, schema or protocol: only "
          "internal/base and provider/addresses"),
    Layer("provider/terraform",
          ("internal/base", "internal/cty", "internal/tfprotocol", "provider/addresses",
           "provider/agora_api"),
          "provider/terraform (the provider, data source and resource) sees internal/ through "
          "tfprotocol, never the plugin process or protobuf"),
    Layer("provider/main.cc",
          ("internal/base", "internal/tfprotocol", "provider/agora_api", "provider/terraform"),
          "provider/main.cc only wires the provider into tfprotocol::Serve"),
)

# Where the generated protocol headers live for includes ("proto/tfplugin6.pb.h") and the
# third-party headers that belong to the plugin core alone.
PROTOCOL_HEADERS = re.compile(r"^(proto/|grpc|grpcpp/|google/protobuf/)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
SOURCES = ("*.h", "*.cc", "*.c")


@dataclass(frozen=True)
class Violation:
    file: str
    line: int
    include: str
    rule: str

    def __str__(self) -> str:
        if not self.include:
            return f"{self.file}: {self.rule}"
        return f"{self.file}:{self.line}: #include \"{self.include}\" breaks the rule: {self.rule}"


def layer_of(path: str) -> Optional[Layer]:
    """The layer a repository-relative path belongs to (the most specific), or None."""
    best = None
    for layer in LAYERS:
        if path == layer.folder or path.startswith(layer.folder + "/"):
            if best is None or len(layer.folder) > len(best.folder):
                best = layer
    return best


def _inside(include: str, folder: str) -> bool:
    return include == folder or include.startswith(folder + "/")


def check_include(path: str, include: str, quoted: bool) -> Optional[str]:
    """The rule ``include`` breaks in the file ``path``, or None."""
    layer = layer_of(path)
    if layer is None:
        return None
    allowed = layer.may_include + (() if layer.folder.endswith(".cc") else (layer.folder,))
    if PROTOCOL_HEADERS.match(include):
        if not any(folder == "proto" for folder in allowed):
            return layer.why + " (protobuf and gRPC belong to internal/plugin and tfprotocol)"
        return None
    if not quoted:
        return None
    ours = [layer_.folder for layer_ in LAYERS] + ["internal", "provider"]
    if not any(_inside(include, folder) for folder in ours):
        return None  # a third-party header (absl/, rapidjson/, msgpack, gtest...)
    if any(_inside(include, folder) for folder in allowed):
        return None
    return layer.why


def sources(root: Path) -> Iterator[Path]:
    for top in ("internal", "provider"):
        if (root / top).is_dir():
            for pattern in SOURCES:
                yield from sorted((root / top).rglob(pattern))


def check_tree(root: Path) -> List[Violation]:
    found = []
    for source in sources(root):
        relative = source.relative_to(root).as_posix()
        if layer_of(relative) is None:
            found.append(Violation(relative, 0, "", "belongs to no layer of ARCHITECTURE.md "
                                   "(every file under internal/ and provider/ must)"))
            continue
        for number, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(text)
            if match:
                rule = check_include(relative, match.group(2), match.group(1) == '"')
                if rule:
                    found.append(Violation(relative, number, match.group(2), rule))
    return found


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the tree to check")
    args = parser.parse_args(argv)
    violations = check_tree(args.root.resolve())
    for violation in violations:
        print(violation)
    if violations:
        print(f"layering: {len(violations)} include(s) against ARCHITECTURE.md", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

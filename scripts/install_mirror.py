#!/usr/bin/env python3
"""Installs the built provider into a Terraform filesystem mirror (unpacked layout), offline.

    python3 scripts/install_mirror.py --provider build/release/terraform-provider-agora_v0.1.0 \
        --version 0.1.0 --mirror ~/.terraform.d/plugins [--cli-config FILE]

writes ``MIRROR/registry.terraform.io/agora/agora/VERSION/OS_ARCH/terraform-provider-agora_vVERSION``
(executable; replaced atomically, so a running terraform never sees a half-written file), then:

* when MIRROR is Terraform's implied local mirror ``~/.terraform.d/plugins`` (``~`` being
  ``$HOME``), says that ``terraform init`` finds the provider there with no CLI configuration at
  all (as long as the CLI configuration, if any, has no ``provider_installation`` block: Terraform
  uses the implied mirror only then), and prints no block;
* otherwise prints the ``provider_installation`` block (a CLI configuration) that makes
  ``terraform init`` install ``agora/*`` from MIRROR; ``--cli-config FILE`` also writes it there.

As a module: ``install(provider, version, mirror) -> Path``, ``package_dir(mirror, version)``,
``cli_config(mirror) -> str`` (``provider_installation(path) -> str`` for a path taken as it is,
e.g. inside a chroot), ``write_cli_config(mirror, path) -> Path`` and
``is_implied_local_mirror(mirror, home=None) -> bool``. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence

HOSTNAME = "registry.terraform.io"
NAMESPACE = "agora"
TYPE = "agora"
SOURCE = f"{HOSTNAME}/{NAMESPACE}/{TYPE}"
_INCLUDE = f"{HOSTNAME}/{NAMESPACE}/*"  # What the CLI configuration installs from the mirror.

VERSION_RE = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_OS = {"linux": "linux", "darwin": "darwin", "freebsd": "freebsd", "windows": "windows"}
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
         "i386": "386", "i686": "386", "armv7l": "arm"}


def platform_dir() -> str:
    """Terraform's OS_ARCH name for this machine, e.g. ``linux_amd64``."""
    system = platform.system().lower()
    machine = platform.machine().lower()
    if system not in _OS or machine not in _ARCH:
        raise RuntimeError(f"unsupported platform {system}/{machine}")
    return f"{_OS[system]}_{_ARCH[machine]}"


def binary_name(version: str) -> str:
    return f"terraform-provider-{TYPE}_v{version}"


def package_dir(mirror: os.PathLike | str, version: str) -> Path:
    """The directory of one version/platform package inside the mirror."""
    return Path(mirror) / HOSTNAME / NAMESPACE / TYPE / version / platform_dir()


def install(provider: os.PathLike | str, version: str, mirror: os.PathLike | str) -> Path:
    """Copies ``provider`` into the unpacked mirror layout and returns the installed path.

    The copy is written next to its destination, made executable (0755) and renamed over it, so
    the replacement is atomic. Raises ValueError for a malformed version and FileNotFoundError if
    ``provider`` is not a file.

    Note: terraform records the package hash in ``.terraform.lock.hcl`` at ``init``; after
    replacing the binary with a different build, run ``terraform init -upgrade`` in existing
    working directories.
    """
    if not VERSION_RE.match(version):
        raise ValueError(f"version {version!r} is not a semantic version like 0.1.0")
    source = Path(provider)
    if not source.is_file():
        raise FileNotFoundError(f"provider binary not found: {source}")
    dest_dir = package_dir(Path(mirror).resolve(), version)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / binary_name(version)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", dir=dest_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def implied_local_mirror(home: os.PathLike | str | None = None) -> Path:
    """Terraform's implied local mirror directory: ``HOME/.terraform.d/plugins`` (``HOME`` defaults
    to ``$HOME``, as Terraform resolves it)."""
    base = Path(home) if home is not None else Path(os.path.expanduser("~"))
    return base / ".terraform.d" / "plugins"


def is_implied_local_mirror(mirror: os.PathLike | str,
                            home: os.PathLike | str | None = None) -> bool:
    """Whether ``mirror`` is :func:`implied_local_mirror` (compared after resolving symlinks, so
    ``~/.terraform.d/plugins`` given any way counts). With no ``provider_installation`` block in
    its CLI configuration, ``terraform init`` installs providers found there by itself."""
    try:
        return (Path(os.path.expanduser(str(mirror))).resolve()
                == implied_local_mirror(home).resolve())
    except (OSError, RuntimeError):
        return False


def active_cli_config_file() -> Optional[Path]:
    """The CLI configuration file terraform would read now: ``$TF_CLI_CONFIG_FILE`` if set, else
    ``~/.terraformrc``; None when that file does not exist."""
    configured = os.environ.get("TF_CLI_CONFIG_FILE")
    path = Path(configured) if configured else Path(os.path.expanduser("~")) / ".terraformrc"
    return path if path.is_file() else None


def _has_provider_installation(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return re.search(r"^\s*provider_installation\b", text, re.MULTILINE) is not None


def _hcl_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _filesystem_mirror_entry(path: str) -> str:
    """The ``filesystem_mirror`` entry (indented for a ``provider_installation`` block) that
    installs ``agora/*`` from the mirror directory ``path``."""
    return ("  filesystem_mirror {\n"
            f"    path    = {_hcl_string(path)}\n"
            f"    include = [{_hcl_string(_INCLUDE)}]\n"
            "  }\n")


def provider_installation(path: str) -> str:
    """The ``provider_installation`` block that installs ``agora/*`` from the mirror directory
    ``path``, taken as it is, and everything else as usual."""
    return ("provider_installation {\n"
            + _filesystem_mirror_entry(path)
            + "  direct {\n"
            f"    exclude = [{_hcl_string(_INCLUDE)}]\n"
            "  }\n"
            "}\n")


def cli_config(mirror: os.PathLike | str) -> str:
    """The CLI configuration (``TF_CLI_CONFIG_FILE`` / ``~/.terraformrc``) that installs
    ``agora/*`` from ``mirror`` (resolved) and everything else as usual."""
    return provider_installation(str(Path(mirror).resolve()))


def write_cli_config(mirror: os.PathLike | str, path: os.PathLike | str) -> Path:
    """Writes :func:`cli_config` to ``path`` atomically and returns it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(cli_config(mirror), encoding="utf-8")
    os.replace(tmp, target)
    return target


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Install terraform-provider-agora into a filesystem mirror (offline).")
    parser.add_argument("--provider", required=True, help="the built provider binary")
    parser.add_argument("--version", required=True, help="provider version, e.g. 0.1.0")
    parser.add_argument("--mirror", required=True, help="mirror directory (created if missing)")
    parser.add_argument("--cli-config", help="also write the CLI configuration to this file")
    args = parser.parse_args(argv)

    try:
        dest = install(args.provider, args.version, args.mirror)
    except (ValueError, OSError, RuntimeError) as err:
        print(f"install_mirror: {err}", file=sys.stderr)
        return 1
    mirror = Path(args.mirror).resolve()
    print(f"Installed {SOURCE} {args.version} to {dest}")
    if is_implied_local_mirror(mirror):
        print()
        print(f"{mirror} is Terraform's implied local mirror:")
        print("`terraform init` finds the provider there with no CLI configuration at all (no")
        print("~/.terraformrc, no TF_CLI_CONFIG_FILE). A CLI configuration with a")
        print("provider_installation block turns the implied mirror off.")
        active = active_cli_config_file()
        if active is not None and _has_provider_installation(active):
            print()
            print(f"Note: {active} has a provider_installation block,")
            print("so terraform ignores the implied mirror: add this to that block (before its")
            print("direct {} entry, if any):")
            print()
            print(_filesystem_mirror_entry(str(mirror)), end="")
        if args.cli_config:
            written = write_cli_config(mirror, args.cli_config)
            print(f"Wrote a CLI configuration naming it (--cli-config) to {written.resolve()}")
    else:
        config = cli_config(mirror)
        if args.cli_config:
            written = write_cli_config(mirror, args.cli_config)
            print(f"Wrote the CLI configuration to {written.resolve()}")
            use = f"  export TF_CLI_CONFIG_FILE={written.resolve()}"
        else:
            use = ("  save it to a file and export TF_CLI_CONFIG_FILE=<that file>,\n"
                   "  or add it to ~/.terraformrc (the default CLI configuration file)")
        print()
        print("CLI configuration:")
        print()
        print(config)
        print("To use it:")
        print(use)
    print()
    print('Then, in a configuration with  agora = { source = "agora/agora" }  run:')
    print("  terraform init")
    print("After installing a different build of the same version, run "
          "`terraform init -upgrade`\nin existing working directories (the lock file records "
          "the package hash).")
    return 0


if __name__ == "__main__":
    sys.exit(main())

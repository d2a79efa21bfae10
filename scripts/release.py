#!/usr/bin/env python3
"""Packages the provider binaries in the Terraform Registry's release format (``make release``).

    python3 scripts/release.py --version 0.1.0 --out dist [--epoch SECONDS] \
        --binary linux_amd64=build/release/terraform-provider-agora_v0.1.0 \
        --binary linux_arm64=build/linux_arm64/release/terraform-provider-agora_v0.1.0

(``--binary PATH`` alone means this machine's platform) writes to OUT (created if missing), with
NAME = ``terraform-provider-agora_VERSION``:

* ``NAME_OS_ARCH.zip`` per binary: exactly one file, ``terraform-provider-agora_vVERSION``, mode
  0755; a zip of this version for a platform not given this time is removed;
* ``NAME_manifest.json``: ``terraform-registry-manifest.json`` of the repository, as it is;
* ``NAME_SHA256SUMS``: ``<sha256 hex>  <file name>`` for the zips and the manifest, sorted by name;
* ``NAME_SHA256SUMS.sig``: a binary detached GPG signature of the SHA256SUMS, made with
  ``gpg --local-user $GPG_FINGERPRINT`` (keyring: ``GNUPGHOME`` as gpg uses it), only when
  ``GPG_FINGERPRINT`` is set. Without it any stale .sig is removed and a notice says so;
* a provider network mirror of the zips (Terraform's provider network mirror protocol):
  ``registry.terraform.io/agora/agora/index.json`` listing the versions, and ``VERSION.json``
  with each platform's archive URL, relative (``../../../NAME_OS_ARCH.zip``), and its ``h1:``
  and ``zh:`` hashes. Copied as it is to any static HTTPS host, OUT serves ``terraform init``
  through a ``network_mirror { url = "https://HOST/PATH/" }`` block (docs/install.md).
  ``index.json`` keeps the versions other releases wrote to the same OUT.

The zips are reproducible: the same binary gives the same bytes whatever its mtime, owner or
path, the output directory or the time of day. An entry's timestamp is ``--epoch``, else
``SOURCE_DATE_EPOCH``, else the commit time of this repository's HEAD (never before 1980-01-01);
no extra fields, deflate level 9. Every file is written under a temporary name and renamed into
place, so a failed run never leaves a half-written file, and bad inputs write nothing. Standard
library only (and install_mirror.py beside it, for the provider's address, its version rule and
the binary's name).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import platform
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from install_mirror import HOSTNAME, NAMESPACE, TYPE, VERSION_RE, binary_name

REPO_ROOT = Path(__file__).resolve().parent.parent
# The registry's manifest: the file at the repository's root (the registry reads it from the
# tagged commit too), copied into the release as NAME_manifest.json.
MANIFEST_FILE = REPO_ROOT / "terraform-registry-manifest.json"
# The network mirror's directory for this provider, under OUT.
MIRROR_DIR = Path(HOSTNAME) / NAMESPACE / TYPE
# The platforms `make release` can build (Makefile: SUPPORTED_PLATFORMS); others are refused.
SUPPORTED_PLATFORMS = ("linux_amd64", "linux_arm64")
ZIP_EPOCH_MIN = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can hold.
COMPRESS_LEVEL = 9
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


class ReleaseError(Exception):
    """A problem with the inputs or the environment; the message is shown as is."""


def default_platform() -> str:
    """Terraform's OS_ARCH for this machine (where the binary was built), e.g. ``linux_amd64``."""
    return f"{platform.system().lower()}_{_ARCH.get(platform.machine().lower(), 'unknown')}"


def source_epoch(epoch: Optional[int]) -> int:
    """The zip entry's timestamp: ``epoch``, SOURCE_DATE_EPOCH, or HEAD's commit time."""
    if epoch is None and os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        value = os.environ["SOURCE_DATE_EPOCH"].strip()
        if not value.isdigit():
            raise ReleaseError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds")
        epoch = int(value)
    if epoch is None:
        try:
            git = subprocess.run(["git", "-C", str(REPO_ROOT), "log", "-1", "--format=%ct"],
                                 capture_output=True, text=True, stdin=subprocess.DEVNULL)
            detail = (git.stderr.strip().splitlines() or [""])[0]
            if git.returncode == 0 and git.stdout.strip().isdigit():
                epoch = int(git.stdout.strip())
        except OSError as err:
            detail = str(err)
        if epoch is None:
            raise ReleaseError("cannot date the zip entry: pass --epoch or set SOURCE_DATE_EPOCH "
                               f"(no git commit time for {REPO_ROOT}: {detail or 'git failed'})")
    return max(epoch, ZIP_EPOCH_MIN)


def check_signing_key(fingerprint: str) -> None:
    """Fails unless gpg has a secret key for ``fingerprint`` (in GNUPGHOME or ~/.gnupg)."""
    if shutil.which("gpg") is None:
        raise ReleaseError("GPG_FINGERPRINT is set but the gpg command is not installed")
    listed = subprocess.run(["gpg", "--batch", "--list-secret-keys", fingerprint],
                            capture_output=True, stdin=subprocess.DEVNULL)
    if listed.returncode != 0:
        home = os.environ.get("GNUPGHOME") or "~/.gnupg"
        raise ReleaseError(f"GPG_FINGERPRINT={fingerprint} names no secret key in the GnuPG "
                           f"keyring {home} (see: gpg --list-secret-keys)")


def _temp_in(out: Path, name: str) -> Path:
    fd, path = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
    os.close(fd)
    os.chmod(path, 0o644)
    return Path(path)


def _fsync(path: Path) -> None:
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def write_zip(path: Path, binary: Path, entry: str, epoch: int) -> None:
    """One deflated entry ``entry`` with the binary's bytes, mode 0755, dated ``epoch`` (UTC)."""
    info = zipfile.ZipInfo(entry, date_time=time.gmtime(epoch)[:6])
    info.create_system = 3  # Unix: external_attr holds the mode.
    info.external_attr = (stat.S_IFREG | 0o755) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(info, binary.read_bytes(), compresslevel=COMPRESS_LEVEL)
    _fsync(path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def h1_hash(zip_path: Path) -> str:
    """Terraform's ``h1:`` hash of a provider package zip (Go's dirhash.Hash1 over its entries):
    base64 of the SHA-256 of the lines ``"<sha256 hex of the entry>  <entry name>\\n"``, sorted by
    name. It does not change when the zip is repacked with the same contents."""
    with zipfile.ZipFile(zip_path) as archive:
        lines = [f"{hashlib.sha256(archive.read(name)).hexdigest()}  {name}\n"
                 for name in sorted(archive.namelist())]
    return "h1:" + base64.b64encode(hashlib.sha256("".join(lines).encode()).digest()).decode()


def _json_text(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def mirror_documents(out: Path, version: str,
                     zips: Mapping[str, Tuple[str, Path]]) -> Dict[Path, str]:
    """The network mirror's index.json and VERSION.json (paths under ``out``) for ``zips``
    (platform -> (the zip's name in ``out``, a file with its bytes)). The archive URLs are
    relative to VERSION.json."""
    index_path = out / MIRROR_DIR / "index.json"
    versions: Dict[str, dict] = {}
    if index_path.is_file():
        try:
            versions = dict(json.loads(index_path.read_text(encoding="utf-8"))["versions"])
        except (ValueError, KeyError, TypeError) as err:
            raise ReleaseError(f"{index_path} is not a network mirror index ({err}); remove it")
    versions[version] = {}
    up = "../" * len(MIRROR_DIR.parts)
    archives = {platform_name: {"url": f"{up}{zip_name}",
                                "hashes": [h1_hash(zip_path), "zh:" + sha256_file(zip_path)]}
                for platform_name, (zip_name, zip_path) in sorted(zips.items())}
    return {index_path: _json_text({"versions": versions}),
            out / MIRROR_DIR / f"{version}.json": _json_text({"archives": archives})}


def release(binaries: Mapping[str, Path], version: str, out: Path,
            epoch: Optional[int] = None) -> Tuple[List[Path], bool]:
    """Writes the release files of ``binaries`` (platform -> binary) into ``out``; returns (paths
    written, signed?). Nothing is written when an input is bad."""
    if not VERSION_RE.match(version):
        raise ReleaseError(f"version {version!r} is not a semantic version like 0.1.0")
    if not binaries:
        raise ReleaseError("no binary to release")
    for os_arch, binary in binaries.items():
        if os_arch not in SUPPORTED_PLATFORMS:
            raise ReleaseError(f"platform {os_arch!r} is not supported; supported: "
                               f"{', '.join(SUPPORTED_PLATFORMS)}")
        if not binary.is_file():
            raise ReleaseError(f"{os_arch} provider binary not found (or not a file): {binary}")
    if not MANIFEST_FILE.is_file():
        raise ReleaseError(f"the registry manifest {MANIFEST_FILE} is missing")
    fingerprint = os.environ.get("GPG_FINGERPRINT", "").strip()
    if fingerprint:
        check_signing_key(fingerprint)
    epoch = source_epoch(epoch)

    name = f"terraform-provider-{TYPE}_{version}"
    zips = {os_arch: out / f"{name}_{os_arch}.zip" for os_arch in sorted(binaries)}
    manifest_path = out / f"{name}_manifest.json"
    sums_path = out / f"{name}_SHA256SUMS"
    sig_path = out / f"{name}_SHA256SUMS.sig"
    (out / MIRROR_DIR).mkdir(parents=True, exist_ok=True)
    temps: Dict[Path, Path] = {}  # final path -> temporary file beside it
    try:
        for path in (*zips.values(), manifest_path, sums_path) + ((sig_path,) if fingerprint
                                                                    else ()):
            temps[path] = _temp_in(out, path.name)
        for os_arch, zip_path in zips.items():
            write_zip(temps[zip_path], binaries[os_arch], binary_name(version), epoch)
        shutil.copyfile(MANIFEST_FILE, temps[manifest_path])
        _fsync(temps[manifest_path])
        sums = "".join(f"{sha256_file(temps[p])}  {p.name}\n"
                       for p in sorted((*zips.values(), manifest_path), key=lambda p: p.name))
        temps[sums_path].write_text(sums, encoding="ascii")
        _fsync(temps[sums_path])
        if fingerprint:
            signed = subprocess.run(
                ["gpg", "--batch", "--yes", "--no-armor", "--local-user", fingerprint,
                 "--output", str(temps[sig_path]), "--detach-sign", str(temps[sums_path])],
                capture_output=True, text=True, stdin=subprocess.DEVNULL)
            if signed.returncode != 0:
                last = (signed.stderr.strip().splitlines() or ["no message"])[-1]
                raise ReleaseError(f"gpg could not sign with {fingerprint}: {last}")
        documents = mirror_documents(out, version,
                                     {p: (z.name, temps[z]) for p, z in zips.items()})
        for path, text in documents.items():
            temps[path] = _temp_in(path.parent, path.name)
            temps[path].write_text(text, encoding="utf-8")
            _fsync(temps[path])
        if not fingerprint:
            sig_path.unlink(missing_ok=True)  # A stale signature would not match the new sums.
        for stale in out.glob(f"{name}_*.zip"):
            if stale not in zips.values():
                stale.unlink()  # A platform not built this time: not in the sums or the mirror.
        for final, temp in temps.items():
            os.replace(temp, final)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return list(temps), bool(fingerprint)


def parse_binary(text: str) -> Tuple[str, Path]:
    """``PLATFORM=PATH``, or ``PATH`` for this machine's platform."""
    platform_name, sep, path = text.partition("=")
    if not sep:
        return default_platform(), Path(text)
    return platform_name, Path(path)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the Terraform Registry release files of terraform-provider-agora and "
                    "a provider network mirror of them.")
    parser.add_argument("--binary", required=True, action="append", metavar="[PLATFORM=]PATH",
                        help="a release binary and its OS_ARCH (default: this machine's); "
                             "repeat for each platform")
    parser.add_argument("--version", required=True, help="provider version, e.g. 0.1.0")
    parser.add_argument("--out", required=True, type=Path, help="output directory (created)")
    parser.add_argument("--epoch", type=int, help="zip entry time, seconds since 1970 (default: "
                        "SOURCE_DATE_EPOCH, else the commit time of HEAD)")
    args = parser.parse_args(argv)
    try:
        binaries: Dict[str, Path] = {}
        for text in args.binary:
            os_arch, path = parse_binary(text)
            if os_arch in binaries:
                raise ReleaseError(f"platform {os_arch} is given twice")
            binaries[os_arch] = path
        written, signed = release(binaries, args.version, args.out, args.epoch)
    except (ReleaseError, OSError) as err:
        print(f"release: error: {err}", file=sys.stderr)
        return 1
    for path in written:
        print(f"release: wrote {path}")
    if not signed:
        sums = next(path for path in written if path.name.endswith("_SHA256SUMS"))
        print(f"release: notice: {sums.name} is unsigned (no .sig); to sign it, set "
              "GPG_FINGERPRINT to the fingerprint of a secret key in your GnuPG keyring",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

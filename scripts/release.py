#!/usr/bin/env python3
"""Packages the provider binary in the Terraform Registry's release format (``make release``).

    python3 scripts/release.py --binary build/release/terraform-provider-agora_v0.1.0 \
        --version 0.1.0 --out dist [--epoch SECONDS] [--platform linux_amd64]

writes to OUT (created if missing), with NAME = ``terraform-provider-agora_VERSION``:

* ``NAME_linux_amd64.zip``: exactly one file, ``terraform-provider-agora_vVERSION``, mode 0755;
* ``NAME_manifest.json``: ``{"version":1,"metadata":{"protocol_versions":["6.0"]}}`` and a newline;
* ``NAME_SHA256SUMS``: ``<sha256 hex>  <file name>`` for those two files, sorted by name;
* ``NAME_SHA256SUMS.sig``: a binary detached GPG signature of the SHA256SUMS, made with
  ``gpg --local-user $GPG_FINGERPRINT`` (keyring: ``GNUPGHOME`` as gpg uses it), only when
  ``GPG_FINGERPRINT`` is set. Without it any stale .sig is removed and a notice says so.

The zip is reproducible: the same binary gives the same bytes whatever its mtime, owner or path,
the output directory or the time of day. Its entry's timestamp is ``--epoch``, else
``SOURCE_DATE_EPOCH``, else the commit time of this repository's HEAD (never before 1980-01-01);
no extra fields, deflate level 9. Every file is written under a temporary name and renamed into
place, so a failed run never leaves a half-written file. Standard library only (and
install_mirror.py beside it, for the provider's type, its version rule and the binary's name).
"""

from __future__ import annotations

import argparse
import hashlib
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
from typing import Dict, List, Optional, Sequence, Tuple

from install_mirror import TYPE, VERSION_RE, binary_name

MANIFEST = '{"version":1,"metadata":{"protocol_versions":["6.0"]}}\n'
REPO_ROOT = Path(__file__).resolve().parent.parent
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


def release(binary: Path, version: str, out: Path, epoch: Optional[int] = None,
            os_arch: Optional[str] = None) -> Tuple[List[Path], bool]:
    """Writes the release files into ``out``; returns (paths written, signed?)."""
    if not VERSION_RE.match(version):
        raise ReleaseError(f"version {version!r} is not a semantic version like 0.1.0")
    if not binary.is_file():
        raise ReleaseError(f"provider binary not found (or not a file): {binary}")
    os_arch = os_arch or default_platform()
    if not re.match(r"^[a-z0-9]+_[a-z0-9]+$", os_arch) or os_arch.endswith("_unknown"):
        raise ReleaseError(f"platform {os_arch!r} is not an OS_ARCH pair like linux_amd64")
    fingerprint = os.environ.get("GPG_FINGERPRINT", "").strip()
    if fingerprint:
        check_signing_key(fingerprint)
    epoch = source_epoch(epoch)

    name = f"terraform-provider-{TYPE}_{version}"
    zip_path, manifest_path = out / f"{name}_{os_arch}.zip", out / f"{name}_manifest.json"
    sums_path = out / f"{name}_SHA256SUMS"
    sig_path = out / f"{name}_SHA256SUMS.sig"
    out.mkdir(parents=True, exist_ok=True)
    temps: Dict[Path, Path] = {}  # final path -> temporary file beside it
    try:
        for path in (zip_path, manifest_path, sums_path) + ((sig_path,) if fingerprint else ()):
            temps[path] = _temp_in(out, path.name)
        write_zip(temps[zip_path], binary, binary_name(version), epoch)
        temps[manifest_path].write_text(MANIFEST, encoding="ascii")
        _fsync(temps[manifest_path])
        sums = "".join(f"{sha256_file(temps[p])}  {p.name}\n"
                       for p in sorted((zip_path, manifest_path), key=lambda p: p.name))
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
        else:
            sig_path.unlink(missing_ok=True)  # A stale signature would not match the new sums.
        for final, temp in temps.items():
            os.replace(temp, final)
    finally:
        for temp in temps.values():
            temp.unlink(missing_ok=True)
    return list(temps), bool(fingerprint)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the Terraform Registry release files of terraform-provider-agora.")
    parser.add_argument("--binary", required=True, type=Path, help="the release binary")
    parser.add_argument("--version", required=True, help="provider version, e.g. 0.1.0")
    parser.add_argument("--out", required=True, type=Path, help="output directory (created)")
    parser.add_argument("--epoch", type=int, help="zip entry time, seconds since 1970 (default: "
                        "SOURCE_DATE_EPOCH, else the commit time of HEAD)")
    parser.add_argument("--platform", help="OS_ARCH of the binary (default: this machine's)")
    args = parser.parse_args(argv)
    try:
        written, signed = release(args.binary, args.version, args.out, args.epoch, args.platform)
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

"""Running the repository's make targets (``make release``, ``make install``) from the tests.

``make`` runs as ``make -C <repo> TARGET BUILD_DIR=$AGORA_BUILD_DIR NAME=VALUE...`` with an
environment the caller chooses: :func:`scratch_env` (built from scratch around a HOME of the
test's own) or :func:`inherited_env` (this process's, without an outer make's job server or the
signing settings). Every target runs ``cmake --build BUILD_DIR`` first: a no-op after the build.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import Dict, Optional

import harness
import install_mirror
from processes import CommandResult, run_in_session

MAKE_TIMEOUT = 900.0
# What an outer make (its job server) or the caller's signing setup would add to a run.
NOT_INHERITED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "GPG_FINGERPRINT", "GNUPGHOME")


def build_dir() -> Path:
    """The CMake build directory ``make`` uses: ``AGORA_BUILD_DIR`` (ctest sets it), else
    ``<repo>/build``."""
    configured = os.environ.get("AGORA_BUILD_DIR")
    return Path(configured).resolve() if configured else harness.REPO_ROOT / "build"


def release_binary(platform: Optional[str] = None) -> Path:
    """``BUILD_DIR/release/terraform-provider-agora_vVERSION``: what ``make release`` packs and
    ``make install`` installs; for another platform than this machine's (``linux_arm64``), the
    cross build's ``BUILD_DIR/PLATFORM/release/...`` (Makefile: platform_build_dir)."""
    base = build_dir()
    if platform and platform != install_mirror.platform_dir():
        base = base / platform
    return base / "release" / install_mirror.binary_name(harness.provider_version())


def scratch_env(home: Path) -> Dict[str, str]:
    """A whole environment built from scratch: the system PATH (plus terraform's directory, which
    ``make deps`` checks), HOME and LANG. Nothing else leaks in: no MIRROR, no MAKEFLAGS of an
    outer make, no TF_CLI_CONFIG_FILE."""
    path = os.pathsep.join(dict.fromkeys([os.path.dirname(harness.terraform_binary()),
                                          *harness.SYSTEM_PATH.split(os.pathsep)]))
    return {"PATH": path, "HOME": str(home), "LANG": "C.UTF-8"}


def inherited_env(**overrides: str) -> Dict[str, str]:
    """This process's environment without :data:`NOT_INHERITED`, then ``overrides``."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(overrides)
    return env


def run_make(target: str, env: Dict[str, str], **variables: str) -> CommandResult:
    """``make -C <repo> TARGET BUILD_DIR=... NAME=VALUE...`` with exactly ``env``; output captured.

    Runs through :func:`processes.run_in_session` (its own session, the group killed on timeout).
    Test modules run in parallel under ``ctest -j``; besides their ctest resource lock, the runs
    of this process and of other test processes using this helper are serialised with an
    exclusive flock(2) on the build directory itself (nothing is written there for the lock)."""
    directory = build_dir()
    command = ["make", "--no-print-directory", "-C", str(harness.REPO_ROOT), target,
               f"BUILD_DIR={directory}", *(f"{k}={v}" for k, v in variables.items())]
    lock = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return run_in_session(command, env=env, timeout=MAKE_TIMEOUT)
    finally:
        os.close(lock)  # Releases the lock.

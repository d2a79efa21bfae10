"""Shared helpers for the end-to-end tests: real terraform, the built provider, the fake Agora API.

Contract for the tests in this directory (run by ctest as ``python3 -m unittest -v test_x`` with
cwd ``tests/e2e``):

* The provider binary comes from ``AGORA_PROVIDER_BINARY`` (else ``<repo>/build/terraform-provider-agora``),
  its version from ``AGORA_PROVIDER_VERSION`` (else 0.1.0). It is installed ONCE per test process
  into a private filesystem mirror (:func:`provider_mirror`), with a CLI config file pointing at it.
* ``terraform`` runs with an environment built from scratch (:func:`clean_env`): nothing of the
  caller's environment leaks in (no ``SSL_CERT_FILE``, proxies, ``AGORA_*``, ``TF_*``) except
  what a test passes explicitly. Plugin TLS stays on.
* Every terraform process runs in its own session and is killed with its whole process group
  (provider processes included) on timeout or interruption.
* Temporary directories are removed at exit unless ``AGORA_E2E_KEEP=1`` (then their paths are
  printed to stderr, for debugging).
* Nothing talks to anything but 127.0.0.1: every configuration a test writes must set
  ``endpoints`` (or ``AGORA_ENDPOINTS``) to a :class:`FakeAgora` URL.
* ``AGORA_E2E_PLATFORM`` names the platform of the provider under test when it is not this
  machine's (``linux_arm64``, set by ``arm64_suite.py``). The binary is then a qemu package: the
  provider binary is ``tests/tools/qemu_wrapper.c`` and the directory ``arm64/`` beside it holds
  the arm64 build and ``qemu-aarch64-static``; the mirror's slot for this machine gets all three.
  Every terraform run then logs the provider at DEBUG into :func:`served_log` (unless the test
  sets TF_LOG, TF_LOG_PROVIDER or TF_LOG_PATH itself), and :func:`served_platforms` counts the
  platforms the providers that served said they were built for.
"""

from __future__ import annotations

import atexit
import functools
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from processes import run_in_session, with_overrides
from processes import (  # noqa: F401  (re-exported for the tests)
    CommandResult as TerraformResult,
    CommandTimeout as TerraformTimeout,
    kill_group as _kill_group,
    normalize_output,
)

E2E_DIR = Path(__file__).resolve().parent
TESTS_DIR = E2E_DIR.parent
REPO_ROOT = TESTS_DIR.parent

for _path in (TESTS_DIR, REPO_ROOT / "scripts"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import install_mirror  # noqa: E402  (scripts/install_mirror.py)
from fake_agora.server import (  # noqa: E402,F401  (re-exported for the tests)
    DEFAULT_IPS,
    FakeAgora,
    TlsFiles,
    basic_authorization,
    generate_test_certificates,
)

PROVIDER_SOURCE = install_mirror.SOURCE  # registry.terraform.io/agora/agora
DEFAULT_VERSION = "0.1.0"
TERRAFORM_TIMEOUT = 300.0
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Passed through to terraform (and so to the provider) when set: make sanitize sets them.
SANITIZER_OPTIONS = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS")


# --- configuration from the environment -----------------------------------------------------------

def terraform_binary() -> str:
    """Absolute path of the terraform CLI; fails the test run clearly when it is missing."""
    found = shutil.which("terraform")
    if not found:
        raise RuntimeError("terraform CLI not found on PATH (the end-to-end tests need it)")
    return os.path.abspath(found)


def provider_binary() -> Path:
    """The provider under test: ``AGORA_PROVIDER_BINARY``, else the default build output."""
    configured = os.environ.get("AGORA_PROVIDER_BINARY")
    path = Path(configured) if configured else REPO_ROOT / "build" / "terraform-provider-agora"
    if not path.is_file():
        hint = "" if configured else " (set AGORA_PROVIDER_BINARY or run `make build`)"
        raise RuntimeError(f"provider binary not found: {path}{hint}")
    return path.resolve()


def provider_version() -> str:
    return os.environ.get("AGORA_PROVIDER_VERSION") or DEFAULT_VERSION


def target_platform() -> str:
    """The OS_ARCH of the provider under test: ``AGORA_E2E_PLATFORM``, else this machine's."""
    return os.environ.get("AGORA_E2E_PLATFORM") or install_mirror.platform_dir()


def cross_platform() -> bool:
    """True when the provider under test is built for another CPU and runs under qemu-user."""
    return target_platform() != install_mirror.platform_dir()


QEMU_PACKAGE_DIR = "arm64"  # beside the wrapper: the arm64 build and qemu-aarch64-static
QEMU_COMM = "qemu-aarch64-st"  # the process name (comm, 15 bytes) of a provider under qemu


def provider_comm(version: Optional[str] = None) -> str:
    """The kernel's name (``comm``) of a running provider process, for tests that look for it."""
    return QEMU_COMM if cross_platform() else binary_name_of(version)[:15]


def binary_name_of(version: Optional[str] = None) -> str:
    return install_mirror.binary_name(version or provider_version())


def keep_temp() -> bool:
    return os.environ.get("AGORA_E2E_KEEP", "") not in ("", "0", "false")


# --- temporary directories -------------------------------------------------------------------------

_temp_dirs: List[Path] = []
_temp_lock = threading.Lock()


def _cleanup_temp_dirs() -> None:
    with _temp_lock:
        dirs = list(_temp_dirs)
        _temp_dirs.clear()
    for path in dirs:
        if keep_temp():
            sys.stderr.write(f"harness: kept {path}\n")
        else:
            shutil.rmtree(path, ignore_errors=True)


atexit.register(_cleanup_temp_dirs)


def make_temp_dir(prefix: str) -> Path:
    """A fresh directory, removed at process exit (unless AGORA_E2E_KEEP=1)."""
    path = Path(tempfile.mkdtemp(prefix=f"agora-e2e-{prefix}-")).resolve()
    with _temp_lock:
        _temp_dirs.append(path)
    return path


def remove_temp_dir(path: Path) -> None:
    """Removes a directory made by :func:`make_temp_dir` now (unless AGORA_E2E_KEEP=1)."""
    if keep_temp():
        return
    with _temp_lock:
        if path in _temp_dirs:
            _temp_dirs.remove(path)
    shutil.rmtree(path, ignore_errors=True)


# --- the provider mirror (once per process) --------------------------------------------------------

@dataclass(frozen=True)
class Mirror:
    """The provider installed in a filesystem mirror, and a CLI config file that uses it."""

    root: Path
    binary: Path
    cli_config_file: Path
    version: str


_mirror: Optional[Mirror] = None
_mirror_lock = threading.Lock()


def provider_mirror() -> Mirror:
    """Installs the provider under test into a private mirror on first use; cached afterwards."""
    global _mirror
    with _mirror_lock:
        if _mirror is None:
            base = make_temp_dir("mirror")
            root = base / "mirror"
            version = provider_version()
            binary = install_mirror.install(provider_binary(), version, root)
            if cross_platform():
                shutil.copytree(provider_binary().parent / QEMU_PACKAGE_DIR,
                                binary.parent / QEMU_PACKAGE_DIR)
            config = install_mirror.write_cli_config(root, base / "terraform.rc")
            _mirror = Mirror(root=root, binary=binary, cli_config_file=config, version=version)
        return _mirror


def unpacked_provider(workdir: Path, version: Optional[str] = None) -> Path:
    """The provider binary ``terraform init`` unpacked (or linked) in the working directory
    ``workdir``: ``.terraform/providers/SOURCE/VERSION/OS_ARCH/terraform-provider-agora_vVERSION``,
    for the version under test by default."""
    version = version or provider_version()
    return (workdir / ".terraform" / "providers" / PROVIDER_SOURCE / version
            / install_mirror.platform_dir() / install_mirror.binary_name(version))


def make_qemu_package(binary: Path, wrapper: Path, qemu: Path, directory: Path) -> Path:
    """Lays out a qemu package in ``directory`` and returns the file terraform starts: the
    ``wrapper`` under the provider binary's name, and ``arm64/`` with ``binary`` (an arm64 build)
    under the same name and ``qemu`` (a static qemu-aarch64) as ``qemu-aarch64-static``."""
    name = binary_name_of()
    (directory / QEMU_PACKAGE_DIR).mkdir(parents=True, exist_ok=True)
    for source, dest in ((wrapper, directory / name),
                         (binary, directory / QEMU_PACKAGE_DIR / name),
                         (qemu, directory / QEMU_PACKAGE_DIR / "qemu-aarch64-static")):
        shutil.copyfile(source, dest)
        os.chmod(dest, 0o755)
    return directory / name


def qemu_package_zip(platform_zip: Path, out: Path) -> None:
    """Writes ``out``: the provider package zip ``platform_zip`` (a release zip of the platform
    under test) repacked as a qemu package (:func:`make_qemu_package`, the wrapper and qemu taken
    from the package beside :func:`provider_binary`), for a packed mirror's slot of this
    machine."""
    name = binary_name_of()
    package = provider_binary().parent
    with zipfile.ZipFile(platform_zip) as source:
        binary = source.read(name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in ((name, (package / name).read_bytes()),
                            (f"{QEMU_PACKAGE_DIR}/{name}", binary),
                            (f"{QEMU_PACKAGE_DIR}/qemu-aarch64-static",
                             (package / QEMU_PACKAGE_DIR / "qemu-aarch64-static").read_bytes())):
            info = zipfile.ZipInfo(entry)
            info.create_system = 3
            info.external_attr = (0o100755) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


# --- which build served (AGORA_E2E_PLATFORM) --------------------------------------------------------

# The plugin server's start-up line (internal/plugin/server.cc) as terraform logs it, and as the
# provider writes it (hclog's JSON) when started without terraform.
_SERVED_RE = re.compile(r"plugin server listening:.*?\bplatform=(\w+)"
                        r'|"@message":"plugin server listening".*?"platform":"(\w+)"')
_LOG_SETTINGS = ("TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PATH")
_served: "collections.Counter[str]" = collections.Counter()
_served_lock = threading.Lock()
_served_log_read = 0


@functools.lru_cache(maxsize=None)
def served_log() -> Path:
    """The log file every terraform run of this process appends provider logs to, in
    cross-platform mode."""
    return make_temp_dir("served") / "terraform.log"


def record_served(text: str) -> None:
    """Counts the provider start-up lines in ``text`` (a terraform log or output) by platform."""
    found = [terraform or raw for terraform, raw in _SERVED_RE.findall(text)]
    with _served_lock:
        _served.update(found)


def served_platforms() -> Dict[str, int]:
    """How many providers of each platform have started so far (reads :func:`served_log`)."""
    global _served_log_read
    path = served_log()
    if path.exists():
        with _served_lock:
            with path.open("rb") as log:
                log.seek(_served_log_read)
                data = log.read()
            _served_log_read += len(data)
        record_served(data.decode("utf-8", "replace"))
    with _served_lock:
        return dict(_served)


def served_log_env(extra: Optional[Mapping[str, Optional[str]]]) -> Dict[str, str]:
    """TF_LOG_PROVIDER and TF_LOG_PATH for a terraform run in cross-platform mode, unless the run
    sets a log variable itself (its output is then searched instead)."""
    if not cross_platform() or any(name in (extra or {}) for name in _LOG_SETTINGS):
        return {}
    return {"TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": str(served_log())}


# --- running terraform -----------------------------------------------------------------------------

def clean_env(home: Path, extra: Optional[Mapping[str, Optional[str]]] = None,
              cli_config_file: Optional[Path] = None) -> Dict[str, str]:
    """The complete environment for a terraform run, built from scratch.

    Contains PATH (system directories plus terraform's own), HOME, TMPDIR, LANG,
    TF_CLI_CONFIG_FILE (``cli_config_file``, default: :func:`provider_mirror`'s),
    TF_IN_AUTOMATION=1, CHECKPOINT_DISABLE=1, then ``extra`` (a None value removes a key).
    Nothing is inherited from the caller but the sanitizers' options (ASAN_OPTIONS,
    UBSAN_OPTIONS, LSAN_OPTIONS: ``make sanitize``), for the provider processes terraform starts.
    """
    if cli_config_file is None:
        cli_config_file = provider_mirror().cli_config_file
    path = os.pathsep.join(dict.fromkeys([os.path.dirname(terraform_binary()),
                                          *SYSTEM_PATH.split(os.pathsep)]))
    return with_overrides({
        "PATH": path,
        "HOME": str(home),
        "TMPDIR": tempfile.gettempdir(),
        "LANG": "C.UTF-8",
        "TF_CLI_CONFIG_FILE": str(cli_config_file),
        "TF_IN_AUTOMATION": "1",
        "CHECKPOINT_DISABLE": "1",
        **{name: os.environ[name] for name in SANITIZER_OPTIONS if name in os.environ},
        **served_log_env(extra),
    }, extra)


_LOOPBACK_RESOLV_CONF = "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"


@functools.lru_cache(maxsize=None)
def _loopback_dns_prefix() -> Tuple[str, ...]:
    """A command prefix that runs a program in a private mount namespace whose /etc/resolv.conf
    names only 127.0.0.1, where nothing answers: any name lookup by terraform or the provider
    (say, of the default endpoint api.agora.io, or a deliberately unresolvable endpoint) fails
    at once instead of sending a query off this machine. Empty when that is impossible (not root,
    no unshare), in which case tests never rely on it for safety: they configure loopback
    endpoints only."""
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        return ()
    resolv = make_temp_dir("resolv") / "resolv.conf"
    resolv.write_text(_LOOPBACK_RESOLV_CONF)
    prefix = (unshare, "--mount", "--propagation", "private", "sh", "-c",
              'mount --bind "$0" /etc/resolv.conf && exec "$@"', str(resolv))
    probe = subprocess.run([*prefix, "true"], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return prefix if probe.returncode == 0 else ()


# binfmt_misc's rule for 64-bit little-endian aarch64 ELF executables (ELF header: class 2,
# data 1, machine 0xb7), as Debian's qemu-user-static registers it; F: qemu is opened now, so the
# rule works in any root.
_AARCH64_BINFMT = (r":qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00"
                   r"\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff"
                   r"\xff\xff\xff\xff\xfe\xff\xff\xff:{qemu}:F")


@functools.lru_cache(maxsize=None)
def arm64_binfmt_prefix() -> Tuple[str, ...]:
    """A command prefix under which this machine runs arm64 executables directly: a user and
    mount namespace of its own with a private binfmt_misc (Linux 6.7 and later) whose one rule
    hands them to qemu-aarch64-static. Nothing outside the namespace changes. For installing the
    arm64 release zip itself where terraform looks for this machine's package; raises
    RuntimeError, saying why, where that cannot be done."""
    qemu, unshare = shutil.which("qemu-aarch64-static"), shutil.which("unshare")
    if qemu is None or unshare is None:
        raise RuntimeError("qemu-aarch64-static (qemu-user-static) and unshare are needed")
    prefix = (unshare, "--user", "--map-root-user", "--mount", "--propagation", "private",
              "sh", "-c", "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc && "
              'printf "%s" "$0" >/proc/sys/fs/binfmt_misc/register && exec "$@"',
              _AARCH64_BINFMT.format(qemu=qemu))
    probe = subprocess.run([*prefix, "true"], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True)
    if probe.returncode != 0:
        raise RuntimeError("cannot register qemu-aarch64 in a private binfmt_misc (needs Linux "
                           f"6.7+ and user namespaces): {probe.stderr.strip()}")
    return prefix


def run_terraform(args: Sequence[str], *, cwd: Path, env: Mapping[str, str],
                  timeout: float = TERRAFORM_TIMEOUT, capture: bool = True,
                  prefix: Sequence[str] = ()) -> TerraformResult:
    """Runs ``terraform ARGS`` in ``cwd`` with exactly ``env`` (stdin /dev/null, DNS on loopback)
    through :func:`processes.run_in_session`: in a session of its own, the whole group (provider
    processes included) killed on timeout (:class:`TerraformTimeout`), on KeyboardInterrupt and
    after a normal exit. With ``capture`` the output is returned; without, it goes to this
    process's stdout/stderr (for the demo) and the result's streams are empty. ``prefix`` comes
    first (:func:`arm64_binfmt_prefix`)."""
    return run_in_session([*prefix, *_loopback_dns_prefix(), terraform_binary(), *args], cwd=cwd,
                          env=env, timeout=timeout, capture=capture,
                          label=f"terraform {' '.join(args)}")


def start_terraform(workdir: "Workdir", *args: str) -> subprocess.Popen:
    """Starts ``terraform ARGS`` in ``workdir`` (with its environment and the loopback-DNS prefix
    of :func:`run_terraform`) in a session of its own, without waiting: for tests that signal it
    mid-run. stdout and stderr share one text pipe; the caller waits for the process and, in
    the end, kills what is left of its group."""
    return subprocess.Popen([*_loopback_dns_prefix(), terraform_binary(), *args],
                            cwd=str(workdir.path), env=clean_env(workdir.home, workdir.env),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


# --- HCL ------------------------------------------------------------------------------------------

def hcl_string(value: str) -> str:
    """A quoted HCL string literal for ``value`` (template sequences escaped)."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def hcl_value(value: Any) -> str:
    """HCL literal for a str, bool, int/float, list or dict (dict keys must be identifiers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return hcl_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(hcl_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {hcl_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no HCL literal for {type(value).__name__}")


def hcl_block(header: str, arguments: Mapping[str, Any]) -> str:
    """``header { name = value ... }`` with one argument per line."""
    width = max((len(name) for name in arguments), default=0)
    lines = [f"  {name.ljust(width)} = {hcl_value(value)}" for name, value in arguments.items()]
    return header + " {\n" + "\n".join(lines) + ("\n" if lines else "") + "}\n"


def required_providers_block(version: Optional[str] = None) -> str:
    """The ``terraform { required_providers { agora = ... } }`` block, pinned to the version under
    test by default."""
    version = version or provider_version()
    return (
        "terraform {\n"
        "  required_providers {\n"
        "    agora = {\n"
        '      source  = "agora/agora"\n'
        f"      version = {hcl_string(version)}\n"
        "    }\n"
        "  }\n"
        "}\n"
    )


def ncs_ips_config(provider: Mapping[str, Any]) -> str:
    """main.tf: agora/agora pinned (:func:`required_providers_block`), the provider block with
    the arguments ``provider``, the data source ``agora_ncs_ips.ncs`` and its addresses as the
    output ``ip_addresses``."""
    return (required_providers_block()
            + "\n" + hcl_block('provider "agora"', provider)
            + '\ndata "agora_ncs_ips" "ncs" {}\n'
            + '\noutput "ip_addresses" {\n  value = data.agora_ncs_ips.ncs.ip_addresses\n}\n')


# --- working directories ---------------------------------------------------------------------------

class Workdir:
    """A terraform working directory with its own HOME; ``.terraform`` lives inside it.

    ``env`` holds variables added to every run of this directory (on top of :func:`clean_env`);
    each run may add more (a None value removes a variable).
    """

    def __init__(self, name: str = "work", env: Optional[Mapping[str, str]] = None) -> None:
        self.root = make_temp_dir(name)
        self.path = self.root / "work"
        self.home = self.root / "home"
        self.path.mkdir()
        self.home.mkdir()
        self.env: Dict[str, Optional[str]] = dict(env or {})

    def cleanup(self) -> None:
        remove_temp_dir(self.root)

    # files

    def write_file(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def write_main_tf(self, text: str) -> Path:
        return self.write_file("main.tf", text)

    def state_files(self) -> List[Path]:
        """``terraform.tfstate`` and its backups, if present."""
        return sorted(self.path.glob("terraform.tfstate*"))

    def remove_state(self) -> None:
        for path in self.state_files():
            path.unlink()

    def state(self) -> Optional[Dict[str, Any]]:
        """The local state file parsed, or None if there is none."""
        path = self.path / "terraform.tfstate"
        if not path.exists() or not path.read_text(encoding="utf-8").strip():
            return None
        return json.loads(path.read_text(encoding="utf-8"))

    def state_resources(self, type_name: Optional[str] = None) -> List[Dict[str, Any]]:
        """Resources (managed and data) recorded in the local state, optionally of one type."""
        state = self.state() or {}
        return [r for r in state.get("resources", [])
                if type_name is None or r.get("type") == type_name]

    # terraform

    def run(self, *args: str, env: Optional[Mapping[str, Optional[str]]] = None,
            timeout: float = TERRAFORM_TIMEOUT, capture: bool = True) -> TerraformResult:
        merged: Dict[str, Optional[str]] = dict(self.env)
        merged.update(env or {})
        result = run_terraform(list(args), cwd=self.path, env=clean_env(self.home, merged),
                               timeout=timeout, capture=capture)
        record_served(result.stdout + result.stderr)
        return result

    def init(self, *args: str, **kw: Any) -> TerraformResult:
        return self.run("init", "-no-color", "-input=false", *args, **kw)

    def validate(self, *args: str, **kw: Any) -> TerraformResult:
        return self.run("validate", "-no-color", *args, **kw)

    def plan(self, *args: str, **kw: Any) -> TerraformResult:
        return self.run("plan", "-no-color", "-input=false", *args, **kw)

    def apply(self, *args: str, **kw: Any) -> TerraformResult:
        """``terraform apply -auto-approve`` (non-interactive)."""
        return self.run("apply", "-no-color", "-input=false", "-auto-approve", *args, **kw)

    def destroy(self, *args: str, **kw: Any) -> TerraformResult:
        return self.run("destroy", "-no-color", "-input=false", "-auto-approve", *args, **kw)

    def output_json(self, **kw: Any) -> TerraformResult:
        return self.run("output", "-no-color", "-json", **kw)

    def state_pull(self, **kw: Any) -> TerraformResult:
        return self.run("state", "pull", **kw)

    def outputs(self) -> Dict[str, Any]:
        """``{name: value}`` from ``terraform output -json``; raises AssertionError on failure."""
        result = self.output_json()
        if not result.ok:
            raise AssertionError("terraform output failed\n" + result.describe())
        return {name: entry["value"] for name, entry in (result.json() or {}).items()}


# --- the fake Agora API ----------------------------------------------------------------------------

def start_fake(test: Optional[unittest.TestCase] = None, **kwargs: Any) -> FakeAgora:
    """Starts a :class:`FakeAgora` on 127.0.0.1 (kwargs go to its constructor).

    With ``test``, the fake is stopped by ``test.addCleanup`` even when the test fails; without,
    the caller must call ``stop()``. ``AGORA_E2E_VERBOSE=1`` logs its requests to stderr."""
    kwargs.setdefault("verbose", os.environ.get("AGORA_E2E_VERBOSE", "") not in ("", "0"))
    fake = FakeAgora(**kwargs).start()
    if test is not None:
        test.addCleanup(fake.stop)
    return fake


def files_containing(needles: Iterable[str], paths: Iterable[Path]) -> List[str]:
    """``"path: needle"`` for every needle found in any of the (existing) files; binary-safe."""
    hits = []
    encoded = [(n, n.encode("utf-8")) for n in needles if n]
    for path in paths:
        if not path.is_file():
            continue
        data = path.read_bytes()
        hits.extend(f"{path}: {n!r}" for n, raw in encoded if raw in data)
    return hits

"""An empty root directory to ``chroot`` into and run terraform there (:class:`EmptyRoot`).

The root starts with only ``/tmp`` (mode 1777), ``/root`` (HOME), ``/work`` (the working
directory), ``/etc/hosts`` (localhost) and ``/etc/resolv.conf`` naming only 127.0.0.1 (nothing
answers there: no query leaves the machine); a test adds the terraform CLI (a static Go binary),
a provider zip in a packed filesystem mirror with ``/root/.terraformrc`` naming it, host names,
CA bundles and ``main.tf``. Nothing else: no /dev, /proc, /sys, /lib, /usr/lib, /etc/passwd or
/etc/nsswitch.conf.

terraform 1.11 (static Go) needs none of them for ``init`` from a filesystem mirror nor for
``plan``: it starts the provider with the stdin it was given (/dev/null, opened outside the root),
pipes for output and a Unix socket in /tmp, so no /dev/null is needed inside. Traced with strace,
the (static) provider looks for /etc/nsswitch.conf, /etc/host.conf, /etc/passwd, /etc/localtime,
/usr/lib/ssl/openssl.cnf, /proc/self/exe, /proc/stat, /proc/sys/net/core/somaxconn and
/sys/devices/system/cpu/* and does fine without them; it reads /etc/hosts, /etc/resolv.conf and
the CA bundle.

Needs root (chroot(2)).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path, PurePosixPath
from typing import Dict, List, Mapping, Optional, Sequence

import harness
import install_mirror
from processes import run_in_session, with_overrides

CHROOT = shutil.which("chroot", path="/usr/sbin:/usr/bin:/sbin:/bin")
RUN_TIMEOUT = 180.0


def _in_root(path: str) -> PurePosixPath:
    """An absolute path inside the root, validated (no ``..``)."""
    pure = PurePosixPath(path)
    if not pure.is_absolute() or ".." in pure.parts:
        raise ValueError(f"not an absolute path inside the root: {path!r}")
    return pure


class EmptyRoot:
    """An empty directory tree to ``chroot`` into, filled only by the methods below.

    ``root = EmptyRoot("name")`` makes the root with ``/tmp`` (1777), ``/root`` (HOME, 0700),
    ``/work`` (the terraform working directory), ``/etc/hosts`` (localhost only) and
    ``/etc/resolv.conf`` (``nameserver 127.0.0.1``, 1 s timeout, one attempt: any DNS query fails
    on loopback at once). Then:

    * :meth:`install_terraform` copies the terraform CLI to ``/usr/local/bin/terraform``;
    * :meth:`add_packed_provider` puts a provider zip into the packed-layout mirror
      ``/opt/terraform/mirror`` and writes ``/root/.terraformrc`` naming that mirror;
    * :meth:`add_hosts`, :meth:`write_file`, :meth:`symlink`, :meth:`add_ca_bundle`,
      :meth:`write_main_tf` add the rest;
    * :meth:`terraform` runs ``chroot ROOT /usr/local/bin/terraform -chdir=/work ARGS`` with an
      environment built from scratch (PATH, HOME=/root, LANG, TF_IN_AUTOMATION,
      CHECKPOINT_DISABLE, plus what the caller adds), in a session of its own, killed with its
      group on timeout; :meth:`init` and :meth:`plan` are shortcuts.

    :meth:`cleanup` kills every process still running inside the root (found through
    ``/proc/PID/root``) and removes it. Needs root (chroot(2)).
    """

    TERRAFORM = "/usr/local/bin/terraform"
    HOME = "/root"
    WORKDIR = "/work"
    MIRROR = "/opt/terraform/mirror"
    CLI_CONFIG = "/root/.terraformrc"
    PATH = "/usr/local/bin:/usr/bin:/bin"

    def __init__(self, name: str = "empty-root") -> None:
        self.base = harness.make_temp_dir(name)
        self.path = self.base / "root"
        self.path.mkdir(mode=0o755)
        os.chmod(self.path, 0o755)
        self.mkdir("/tmp", 0o1777)
        self.mkdir(self.HOME, 0o700)
        self.mkdir(self.WORKDIR, 0o755)
        self._hosts: Dict[str, str] = {}
        self.write_file("/etc/hosts", self._hosts_text())
        self.write_file("/etc/resolv.conf", harness._LOOPBACK_RESOLV_CONF)

    # --- building ---------------------------------------------------------------------------------

    def host_path(self, path: str) -> Path:
        """Where the root's ``path`` is in this machine's file system."""
        return self.path.joinpath(*_in_root(path).parts[1:])

    def mkdir(self, path: str, mode: int = 0o755) -> Path:
        target = self.host_path(path)
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(target, mode)  # Not subject to the umask, unlike mkdir's mode.
        return target

    def write_file(self, path: str, data: str | bytes, mode: int = 0o644) -> Path:
        target = self.host_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        target.write_bytes(data)
        os.chmod(target, mode)
        return target

    def copy_file(self, source: os.PathLike | str, path: str, mode: int = 0o644) -> Path:
        target = self.host_path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        os.chmod(target, mode)
        return target

    def symlink(self, path: str, target: str) -> Path:
        """``path`` -> ``target``, stored verbatim (an absolute target resolves inside the root,
        as on the real system)."""
        link = self.host_path(path)
        link.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, link)
        return link

    def _hosts_text(self) -> str:
        lines = ["127.0.0.1\tlocalhost", "::1\tlocalhost ip6-localhost ip6-loopback"]
        lines += [f"{address}\t{name}" for name, address in self._hosts.items()]
        return "\n".join(lines) + "\n"

    def add_hosts(self, names: Mapping[str, str]) -> None:
        """Adds ``name -> address`` lines to /etc/hosts."""
        for name, address in names.items():
            if not re.fullmatch(r"[A-Za-z0-9.-]+", name) or not re.fullmatch(r"[0-9a-fA-F:.]+",
                                                                             address):
                raise ValueError(f"bad hosts entry {address} {name}")
            self._hosts[name] = address
        self.write_file("/etc/hosts", self._hosts_text())

    def install_terraform(self, binary: Optional[str] = None) -> Path:
        return self.copy_file(binary or harness.terraform_binary(), self.TERRAFORM, 0o755)

    def add_packed_provider(self, archive: os.PathLike | str) -> str:
        """Puts a provider zip (``terraform-provider-TYPE_VERSION_OS_ARCH.zip``) into the packed
        mirror ``/opt/terraform/mirror/HOST/NAMESPACE/TYPE/`` and writes ``/root/.terraformrc``
        installing ``agora/*`` from that mirror only. Returns the zip's path inside the root."""
        inside = f"{self.MIRROR}/{install_mirror.SOURCE}/{Path(archive).name}"
        self.copy_file(archive, inside)
        self.write_file(self.CLI_CONFIG, install_mirror.provider_installation(self.MIRROR), 0o600)
        return inside

    def add_ca_bundle(self, pem: str, path: str) -> Path:
        """A PEM CA bundle at ``path`` (0644, like the distributions' bundles)."""
        return self.write_file(path, pem, 0o644)

    def write_main_tf(self, text: str) -> Path:
        return self.write_file(f"{self.WORKDIR}/main.tf", text)

    def files(self, exclude: Sequence[str] = ()) -> List[str]:
        """Every non-directory entry (files, symlinks as ``path -> target``, devices), as paths
        inside the root, sorted; subtrees in ``exclude`` are left out."""
        found = []
        skip = [_in_root(p) for p in exclude]
        for directory, dirnames, filenames in os.walk(self.path):
            rel = PurePosixPath("/") / Path(directory).relative_to(self.path).as_posix()
            dirnames[:] = [d for d in dirnames
                           if not (self.path / rel.relative_to("/") / d).is_symlink()
                           and rel / d not in skip]
            entries = filenames + [d for d in os.listdir(directory)
                                   if (Path(directory) / d).is_symlink() and d not in filenames]
            for entry in entries:
                inside = rel / entry
                if any(inside == s or s in inside.parents for s in skip):
                    continue
                host = Path(directory) / entry
                found.append(f"{inside} -> {os.readlink(host)}" if host.is_symlink()
                             else str(inside))
        return sorted(set(found))

    # --- running ----------------------------------------------------------------------------------

    # Where terraform logs the provider inside the root in cross-platform mode (harness.py).
    SERVED_LOG = "/tmp/terraform-served.log"

    def environment(self, extra: Optional[Mapping[str, Optional[str]]] = None) -> Dict[str, str]:
        """terraform's whole environment inside the root (a None value removes a variable)."""
        served = ({"TF_LOG_PROVIDER": "DEBUG", "TF_LOG_PATH": self.SERVED_LOG}
                  if harness.served_log_env(extra) else {})
        return with_overrides({
            "PATH": self.PATH,
            "HOME": self.HOME,
            "LANG": "C.UTF-8",
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
            **served,
        }, extra)

    def terraform(self, *args: str, env: Optional[Mapping[str, Optional[str]]] = None,
                  timeout: float = RUN_TIMEOUT) -> harness.TerraformResult:
        """``terraform ARGS`` chrooted into the root, in ``/work``; stdin is /dev/null (opened
        outside). Runs through :func:`processes.run_in_session`: on timeout raises
        :class:`harness.TerraformTimeout` after killing the group; after a normal exit,
        stragglers of the group are killed too."""
        if CHROOT is None:
            raise RuntimeError("chroot(8) not found")
        result = run_in_session(
            [CHROOT, str(self.path), self.TERRAFORM, f"-chdir={self.WORKDIR}", *args], cwd="/",
            env=self.environment(env), timeout=timeout, label=f"terraform {' '.join(args)}")
        served_log = self.host_path(self.SERVED_LOG)
        if served_log.exists():
            harness.record_served(served_log.read_text(encoding="utf-8", errors="replace"))
            served_log.unlink()
        harness.record_served(result.stdout + result.stderr)
        return result

    def init(self, **kw: object) -> harness.TerraformResult:
        return self.terraform("init", "-no-color", "-input=false", **kw)  # type: ignore[arg-type]

    def plan(self, **kw: object) -> harness.TerraformResult:
        return self.terraform("plan", "-no-color", "-input=false", **kw)  # type: ignore[arg-type]

    # --- cleaning up ------------------------------------------------------------------------------

    def processes(self) -> List[int]:
        """PIDs of the processes whose root directory is this root."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                if os.readlink(f"/proc/{entry}/root") == str(self.path):
                    pids.append(int(entry))
            except OSError:
                continue
        return pids

    def kill_processes(self) -> List[int]:
        """SIGKILLs every process still running inside the root; returns their PIDs."""
        pids = self.processes()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return pids

    def cleanup(self) -> None:
        self.kill_processes()
        harness.remove_temp_dir(self.base)

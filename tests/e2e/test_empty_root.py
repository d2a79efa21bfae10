"""End-to-end tests: the release zip runs on Alpine, RHEL and any other Linux.

The provider ships as ONE static linux_amd64 binary (no program interpreter, no shared
libraries). These tests prove it the hard way: they build an otherwise EMPTY root directory and
``chroot`` into it, then run ``terraform init`` and ``terraform plan`` there. The root holds only

* the terraform CLI (a static Go binary) at ``/usr/local/bin/terraform``;
* the release zip from ``make release`` in a filesystem mirror, in the packed layout, and
  ``/root/.terraformrc`` (the default CLI configuration file) naming that mirror;
* ``/etc/hosts`` mapping the fake API's host name ``ncs.agora.test`` (and localhost) to loopback,
  and ``/etc/resolv.conf`` naming only 127.0.0.1 (nothing answers there: no query leaves the
  machine);
* the test CA in a CA bundle at ONE distribution's path (or nowhere, for the negative test);
* ``/tmp`` (mode 1777) and the working directory ``/work`` with ``main.tf``.

Nothing else: no /dev, /proc, /sys, /lib, /usr/lib, /etc/passwd or /etc/nsswitch.conf. terraform
1.11 (static Go) needs none of them for ``init`` from a filesystem mirror nor for ``plan``: it
starts the provider with the stdin it was given (/dev/null, opened outside the root), pipes for
output and a Unix socket in /tmp, so no /dev/null is needed inside. Traced with strace, the
provider looks for /etc/nsswitch.conf, /etc/host.conf, /etc/passwd, /etc/localtime,
/usr/lib/ssl/openssl.cnf, /proc/self/exe, /proc/stat, /proc/sys/net/core/somaxconn and
/sys/devices/system/cpu/* and does fine without them; it reads /etc/hosts, /etc/resolv.conf and
the CA bundle.

The provider reads the addresses over HTTPS from the fake Agora API BY HOST NAME
(``https://ncs.agora.test:PORT``, resolved through the root's /etc/hosts; the fake listens on
127.0.0.1 and its certificate carries ``DNS:ncs.agora.test``), with no CA setting in the HCL and no
SSL_CERT_FILE in the environment: it must find the system CA bundle by itself.

:class:`EmptyRoot` builds such a root; other tests may reuse it.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import unittest
import zipfile
from pathlib import Path, PurePosixPath
from typing import Dict, Iterable, List, Mapping, Optional, Sequence

import harness
import install_mirror
from fake_agora.server import generate_test_certificates
from test_install import build_dir, describe, run_make

CUSTOMER_ID = "e2e-empty-root-3b8"
CUSTOMER_SECRET = "empty-root-S3CRET-never-shown"
API_HOST = "ncs.agora.test"
V2 = "/v2/ncs/ip"

# The CA bundle files and hashed directories Go's crypto/x509 probes on Linux (root_linux.go), in
# its order; the static provider probes the same with no setting.
SYSTEM_CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",                 # Debian, Ubuntu, Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",                   # Fedora, RHEL 6
    "/etc/ssl/ca-bundle.pem",                             # openSUSE
    "/etc/pki/tls/cacert.pem",                            # OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # CentOS, RHEL 7+
    "/etc/ssl/cert.pem",                                  # Alpine
)
SYSTEM_CA_DIRECTORIES = ("/etc/ssl/certs", "/etc/pki/tls/certs")

ALPINE_CA_BUNDLE = "/etc/ssl/cert.pem"
RHEL_CA_BUNDLE = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"
# What the ca-certificates package makes on RHEL 8/9 next to the extracted bundle, with the same
# targets (absolute ones resolve inside the root, as on the real system).
RHEL_CA_LINKS = {
    "/etc/pki/tls/certs/ca-bundle.crt": RHEL_CA_BUNDLE,
    "/etc/pki/tls/cert.pem": RHEL_CA_BUNDLE,
    "/etc/ssl/certs": "../pki/tls/certs",
}

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
        self.write_file("/etc/resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")

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

    def add_packed_provider(self, archive: os.PathLike | str, include: str = "") -> str:
        """Puts a provider zip (``terraform-provider-TYPE_VERSION_OS_ARCH.zip``) into the packed
        mirror ``/opt/terraform/mirror/HOST/NAMESPACE/TYPE/`` and writes ``/root/.terraformrc``
        installing ``agora/*`` from that mirror only. Returns the zip's path inside the root."""
        name = Path(archive).name
        inside = (f"{self.MIRROR}/{install_mirror.HOSTNAME}/{install_mirror.NAMESPACE}/"
                  f"{install_mirror.TYPE}/{name}")
        self.copy_file(archive, inside)
        pattern = include or f"{install_mirror.HOSTNAME}/{install_mirror.NAMESPACE}/*"
        self.write_file(self.CLI_CONFIG,
                        "provider_installation {\n"
                        "  filesystem_mirror {\n"
                        f'    path    = "{self.MIRROR}"\n'
                        f'    include = ["{pattern}"]\n'
                        "  }\n"
                        "  direct {\n"
                        f'    exclude = ["{pattern}"]\n'
                        "  }\n"
                        "}\n", 0o600)
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

    def environment(self, extra: Optional[Mapping[str, Optional[str]]] = None) -> Dict[str, str]:
        """terraform's whole environment inside the root (a None value removes a variable)."""
        env = {
            "PATH": self.PATH,
            "HOME": self.HOME,
            "LANG": "C.UTF-8",
            "TF_IN_AUTOMATION": "1",
            "CHECKPOINT_DISABLE": "1",
        }
        for key, value in (extra or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = str(value)
        return env

    def terraform(self, *args: str, env: Optional[Mapping[str, Optional[str]]] = None,
                  timeout: float = RUN_TIMEOUT) -> harness.TerraformResult:
        """``terraform ARGS`` chrooted into the root, in ``/work``; stdin is /dev/null (opened
        outside). On timeout raises :class:`harness.TerraformTimeout` after killing the group;
        after a normal exit, stragglers of the group are killed too."""
        if CHROOT is None:
            raise RuntimeError("chroot(8) not found")
        command = [CHROOT, str(self.path), self.TERRAFORM, f"-chdir={self.WORKDIR}", *args]
        proc = subprocess.Popen(command, cwd="/", env=self.environment(env),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                errors="replace", start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except BaseException as err:
            _kill_group(proc.pid)
            stdout, stderr = proc.communicate()
            if isinstance(err, subprocess.TimeoutExpired):
                raise harness.TerraformTimeout(
                    f"terraform {' '.join(args)} did not finish within {timeout:.0f} s\n"
                    + harness.TerraformResult(-9, stdout or "", stderr or "",
                                              command).describe()) from None
            raise
        _kill_group(proc.pid)
        return harness.TerraformResult(proc.returncode, stdout or "", stderr or "", command)

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


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# --- facts about the release zip ------------------------------------------------------------------

def zip_h1(archive: Path) -> str:
    """Terraform's ``h1:`` package hash of a provider zip (Go's dirhash.HashZip with Hash1): the
    SHA-256 of the lines ``<sha256 hex>  <name>`` of its entries, sorted by name, base64."""
    with zipfile.ZipFile(archive) as package:
        names = sorted(package.namelist())
        summary = "".join(f"{hashlib.sha256(package.read(n)).hexdigest()}  {n}\n" for n in names)
    return "h1:" + base64.b64encode(hashlib.sha256(summary.encode("utf-8")).digest()).decode()


def elf_interpreter(data: bytes) -> Optional[str]:
    """The PT_INTERP path of a 64-bit little-endian ELF image, or None when it has none
    (a static executable)."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if p_type == 3:  # PT_INTERP
            offset, = struct.unpack_from("<Q", data, phoff + i * phentsize + 8)
            size, = struct.unpack_from("<Q", data, phoff + i * phentsize + 32)
            return data[offset:offset + size].rstrip(b"\0").decode("utf-8", "replace")
    return None


def expected_addresses(ips: Iterable[str]) -> List[str]:
    """The canonical, de-duplicated addresses the plan must show."""
    return sorted({str(ipaddress.ip_address(ip)) for ip in ips})


def config(endpoint: str) -> str:
    """main.tf: agora/agora pinned, the endpoint by host name, NO CA setting, credentials from
    the environment; outputs the addresses."""
    return (harness.required_providers_block()
            + "\n" + harness.hcl_block('provider "agora"', {"endpoints": [endpoint]})
            + '\ndata "agora_ncs_ips" "ncs" {}\n'
            + '\noutput "ip_addresses" {\n  value = data.agora_ncs_ips.ncs.ip_addresses\n}\n')


# --- the tests ------------------------------------------------------------------------------------

@unittest.skipUnless(os.geteuid() == 0, "needs root: the tests chroot(2) into an empty root")
@unittest.skipIf(CHROOT is None, "chroot(8) not found")
class EmptyRootTest(unittest.TestCase):
    """``terraform init`` + ``plan`` in a chroot holding nothing but terraform, the release zip,
    /etc/hosts, /etc/resolv.conf, /tmp and (but for one test) a CA bundle."""

    archive: Path
    version: str
    interpreter: Optional[str]

    @classmethod
    def setUpClass(cls) -> None:
        cls.version = harness.provider_version()
        dist = harness.make_temp_dir("dist") / "dist"
        home = harness.make_temp_dir("release-home")
        result = run_make("release", home, DIST=str(dist))
        if result.returncode != 0:
            raise AssertionError("make release failed\n" + describe(result))
        cls.archive = dist / (f"terraform-provider-{install_mirror.TYPE}_{cls.version}_"
                              f"{install_mirror.platform_dir()}.zip")
        if not cls.archive.is_file():
            raise AssertionError(f"make release wrote no {cls.archive.name} (build dir "
                                 f"{build_dir()}): {sorted(p.name for p in dist.iterdir())}")
        with zipfile.ZipFile(cls.archive) as package:
            cls.interpreter = elf_interpreter(
                package.read(install_mirror.binary_name(cls.version)))
        cls.certs = generate_test_certificates(harness.make_temp_dir("certs"),
                                               dns_names=[API_HOST])

    def setUp(self) -> None:
        self.fake = harness.start_fake(self, customer_id=CUSTOMER_ID,
                                       customer_secret=CUSTOMER_SECRET,
                                       tls_cert=self.certs.server_cert,
                                       tls_key=self.certs.server_key)
        self.endpoint = f"https://{API_HOST}:{self.fake.port}"

    # --- helpers ----------------------------------------------------------------------------------

    def make_root(self, name: str) -> EmptyRoot:
        """The root every test uses, without a CA bundle: terraform, the release zip in the
        packed mirror and the CLI configuration naming it, /etc/hosts with the API host, main.tf."""
        root = EmptyRoot(name)
        self.addCleanup(root.cleanup)
        root.install_terraform()
        self.mirrored_zip = root.add_packed_provider(self.archive)
        root.add_hosts({API_HOST: "127.0.0.1"})
        root.write_main_tf(config(self.endpoint))
        return root

    def base_files(self) -> List[str]:
        return sorted([EmptyRoot.TERRAFORM, EmptyRoot.CLI_CONFIG, "/etc/hosts",
                       "/etc/resolv.conf", f"{EmptyRoot.WORKDIR}/main.tf", self.mirrored_zip])

    def static_hint(self) -> str:
        if self.interpreter is None:
            return ""
        return (f"\nNOTE: the release binary is dynamically linked (program interpreter "
                f"{self.interpreter}); it cannot start in an empty root.")

    def run_in(self, root: EmptyRoot, *args: str) -> harness.TerraformResult:
        return root.terraform(*args, env={"AGORA_CUSTOMER_ID": CUSTOMER_ID,
                                          "AGORA_CUSTOMER_SECRET": CUSTOMER_SECRET})

    def init_ok(self, root: EmptyRoot) -> None:
        """``terraform init`` installs agora/agora at the version under test from the packed
        mirror: the lock file records that zip's h1 hash, the unpacked binary is the zip's."""
        result = self.run_in(root, "init", "-no-color", "-input=false")
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn(f"Installing agora/agora v{self.version}...", result.text, result.describe())
        self.assertIn(f"Installed agora/agora v{self.version} (unauthenticated)", result.text,
                      result.describe())
        lock = root.host_path(f"{EmptyRoot.WORKDIR}/.terraform.lock.hcl").read_text()
        self.assertIn(f'provider "{harness.PROVIDER_SOURCE}"', lock)
        self.assertIn(f'version     = "{self.version}"', lock)
        self.assertIn(zip_h1(self.archive), lock, "the lock file records the release zip's hash")
        unpacked = root.host_path(
            f"{EmptyRoot.WORKDIR}/.terraform/providers/{harness.PROVIDER_SOURCE}/{self.version}/"
            f"{install_mirror.platform_dir()}/{install_mirror.binary_name(self.version)}")
        with zipfile.ZipFile(self.archive) as package:
            self.assertTrue(unpacked.read_bytes()
                            == package.read(install_mirror.binary_name(self.version)))
        self.assertTrue(os.access(unpacked, os.X_OK))

    def plan_ok(self, root: EmptyRoot) -> harness.TerraformResult:
        """``terraform plan`` reads the fake's addresses over HTTPS by host name, verifying the
        certificate against the root's CA bundle: one request, Host ncs.agora.test:PORT."""
        result = self.run_in(root, "plan", "-no-color", "-input=false")
        self.assertEqual(result.returncode, 0, result.describe() + self.static_hint())
        self.assertIn("Changes to Outputs", result.stdout, result.describe())
        for address in expected_addresses(self.fake.ips):
            self.assertIn(f'"{address}"', result.stdout, result.describe())
        requests = self.fake.requests()
        self.assertEqual(len(requests), 1, requests)
        self.assertEqual(requests[0]["path"], V2)
        self.assertEqual(requests[0]["host"], f"{API_HOST}:{self.fake.port}")
        self.assertTrue(requests[0]["auth_ok"], "credentials from AGORA_CUSTOMER_ID/SECRET")
        self.assertEqual(root.processes(), [], "no process left running in the root")
        return result

    # --- tests ------------------------------------------------------------------------------------

    def test_alpine_bundle_at_etc_ssl_cert_pem(self) -> None:
        root = self.make_root("alpine-root")
        root.add_ca_bundle(self.certs.ca_cert.read_text(), ALPINE_CA_BUNDLE)
        self.assertEqual(root.files(), sorted(self.base_files() + [ALPINE_CA_BUNDLE]),
                         "the root holds nothing else")
        self.init_ok(root)
        self.plan_ok(root)

    def test_rhel_bundle_with_its_compatibility_links(self) -> None:
        # As on RHEL 8/9 (ca-certificates, update-ca-trust): the extracted bundle, the two legacy
        # names linking to it, and /etc/ssl/certs linking to /etc/pki/tls/certs: a directory with
        # no hashed certificates in it (so the bundle is what counts).
        root = self.make_root("rhel-root")
        root.add_ca_bundle(self.certs.ca_cert.read_text(), RHEL_CA_BUNDLE)
        for link, target in RHEL_CA_LINKS.items():
            root.symlink(link, target)
        self.assertEqual(root.files(), sorted(
            self.base_files() + [RHEL_CA_BUNDLE]
            + [f"{link} -> {target}" for link, target in RHEL_CA_LINKS.items()]))
        self.init_ok(root)
        self.plan_ok(root)

    def test_rhel_extracted_bundle_alone(self) -> None:
        # Only /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem (no legacy links): the provider
        # probes that path itself.
        root = self.make_root("rhel-min-root")
        root.add_ca_bundle(self.certs.ca_cert.read_text(), RHEL_CA_BUNDLE)
        self.assertEqual(root.files(), sorted(self.base_files() + [RHEL_CA_BUNDLE]))
        self.init_ok(root)
        self.plan_ok(root)

    def test_no_ca_bundle_anywhere_fails_with_a_readable_diagnostic(self) -> None:
        root = self.make_root("no-ca-root")
        self.assertEqual(root.files(), self.base_files())
        for path in SYSTEM_CA_FILES + SYSTEM_CA_DIRECTORIES:
            self.assertFalse(os.path.lexists(root.host_path(path)), path)
        self.init_ok(root)
        result = self.run_in(root, "plan", "-no-color", "-input=false")
        self.assertNotEqual(result.returncode, 0, "plan must fail\n" + result.describe())
        text = result.text
        # The provider started and reported the read's failure (not a plugin start failure).
        self.assertNotIn("Failed to load plugin schemas", text, result.describe()
                         + self.static_hint())
        self.assertIn("Error:", text, result.describe())
        self.assertIn("data.agora_ncs_ips.ncs", text, result.describe())
        self.assertRegex(text, re.compile(r"certificate|\bCA\b", re.IGNORECASE),
                         "the diagnostic names the certificate / CA store\n" + result.describe())
        # No HTTP request reached the fake (no CA: the provider does not even connect).
        self.assertEqual(self.fake.request_count(), 0, self.fake.requests())
        if os.environ.get("AGORA_E2E_VERBOSE", "") not in ("", "0"):
            sys.stderr.write("no-CA diagnostic:\n" + result.stderr + "\n")
        self.assertEqual(root.processes(), [])


if __name__ == "__main__":
    unittest.main()

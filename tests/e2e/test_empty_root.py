"""End-to-end tests: the release zip runs on Alpine, RHEL and any other Linux.

The provider ships as ONE static linux_amd64 binary (no program interpreter, no shared
libraries). These tests prove it the hard way: they build an otherwise EMPTY root directory
(:class:`empty_root.EmptyRoot`, which says what terraform and the provider do without) and
``chroot`` into it, then run ``terraform init`` and ``terraform plan`` there. The root holds only

* the terraform CLI (a static Go binary) at ``/usr/local/bin/terraform``;
* the release zip from ``make release`` in a filesystem mirror, in the packed layout, and
  ``/root/.terraformrc`` (the default CLI configuration file) naming that mirror;
* ``/etc/hosts`` mapping the fake API's host name ``ncs.agora.test`` (and localhost) to loopback,
  and ``/etc/resolv.conf`` naming only 127.0.0.1 (nothing answers there: no query leaves the
  machine);
* the test CA in a CA bundle at ONE distribution's path (or nowhere, for the negative test);
* ``/tmp`` (mode 1777) and the working directory ``/work`` with ``main.tf``.

The provider reads the addresses over HTTPS from the fake Agora API BY HOST NAME
(``https://ncs.agora.test:PORT``, resolved through the root's /etc/hosts; the fake listens on
127.0.0.1 and its certificate carries ``DNS:ncs.agora.test``), with no CA setting in the HCL and no
SSL_CERT_FILE in the environment: it must find the system CA bundle by itself.

Two tests resolve the host name through DNS instead (the other source glibc's static NSS has built
in): the root's /etc/hosts names only localhost, its /etc/resolv.conf names only a
:class:`fake_dns.FakeDns` on ``127.0.0.N:53``, which answers ``api.dns.agora.test`` with 127.0.0.1
and every other name with NXDOMAIN.
"""

from __future__ import annotations

import ipaddress
import os
import re
import struct
import sys
import unittest
import zipfile
from pathlib import Path
from typing import Iterable, List, Optional

import harness
import install_mirror
from empty_root import CHROOT, EmptyRoot
from fake_agora.server import generate_test_certificates
from fake_dns import FakeDns
from make_targets import build_dir, run_make, scratch_env
from provider_registry import h1_hash

CUSTOMER_ID = "e2e-empty-root-3b8"
CUSTOMER_SECRET = "empty-root-S3CRET-never-shown"
CREDENTIALS = {"AGORA_CUSTOMER_ID": CUSTOMER_ID, "AGORA_CUSTOMER_SECRET": CUSTOMER_SECRET}
API_HOST = "ncs.agora.test"
# Names only the fake DNS server knows (or, the second, answers NXDOMAIN for): never in /etc/hosts.
DNS_API_HOST = "api.dns.agora.test"
UNKNOWN_DNS_HOST = "missing.dns.agora.test"
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
OPENSUSE_CA_BUNDLE = "/etc/ssl/ca-bundle.pem"
RHEL_CA_BUNDLE = "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"
# What the ca-certificates package makes on RHEL 8/9 next to the extracted bundle, with the same
# targets (absolute ones resolve inside the root, as on the real system).
RHEL_CA_LINKS = {
    "/etc/pki/tls/certs/ca-bundle.crt": RHEL_CA_BUNDLE,
    "/etc/pki/tls/cert.pem": RHEL_CA_BUNDLE,
    "/etc/ssl/certs": "../pki/tls/certs",
}


# --- facts about the release zip ------------------------------------------------------------------

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
        result = run_make("release", scratch_env(home), DIST=str(dist))
        if result.returncode != 0:
            raise AssertionError("make release failed\n" + result.describe())
        cls.archive = dist / (f"terraform-provider-{install_mirror.TYPE}_{cls.version}_"
                              f"{install_mirror.platform_dir()}.zip")
        if harness.cross_platform():
            # The platform's release zip, repacked as this machine's with qemu-user inside
            # (arm64_suite.py): a static qemu is all the root gains.
            target = dist / (f"terraform-provider-{install_mirror.TYPE}_{cls.version}_"
                             f"{harness.target_platform()}.zip")
            if not target.is_file():
                raise AssertionError(f"make release wrote no {target.name}: "
                                     f"{sorted(p.name for p in dist.iterdir())}")
            harness.qemu_package_zip(target, cls.archive)
        if not cls.archive.is_file():
            raise AssertionError(f"make release wrote no {cls.archive.name} (build dir "
                                 f"{build_dir()}): {sorted(p.name for p in dist.iterdir())}")
        with zipfile.ZipFile(cls.archive) as package:
            cls.interpreter = elf_interpreter(
                package.read(install_mirror.binary_name(cls.version)))
        cls.certs = generate_test_certificates(harness.make_temp_dir("certs"),
                                               dns_names=[API_HOST, DNS_API_HOST])

    def setUp(self) -> None:
        self.fake = harness.start_fake(self, customer_id=CUSTOMER_ID,
                                       customer_secret=CUSTOMER_SECRET,
                                       tls_cert=self.certs.server_cert,
                                       tls_key=self.certs.server_key)

    # --- helpers ----------------------------------------------------------------------------------

    def make_root(self, name: str, host: str = API_HOST, in_hosts_file: bool = True,
                  **provider: object) -> EmptyRoot:
        """The root every test uses, without a CA bundle: terraform, the release zip in the
        packed mirror and the CLI configuration naming it, /etc/hosts with the API host ``host``
        (unless not ``in_hosts_file``: then localhost only), main.tf with the endpoint
        ``https://HOST:PORT`` (and the provider arguments ``provider``)."""
        root = EmptyRoot(name)
        self.addCleanup(root.cleanup)
        root.install_terraform()
        self.mirrored_zip = root.add_packed_provider(self.archive)
        if in_hosts_file:
            root.add_hosts({host: "127.0.0.1"})
        # The endpoint by host name, NO CA setting, credentials from the environment.
        root.write_main_tf(harness.ncs_ips_config(
            {"endpoints": [f"https://{host}:{self.fake.port}"], **provider}))
        return root

    def start_fake_dns(self) -> FakeDns:
        """A :class:`FakeDns` on 127.0.0.N:53 knowing only DNS_API_HOST (-> 127.0.0.1), stopped
        by the test's cleanup."""
        dns = FakeDns({DNS_API_HOST: "127.0.0.1"},
                      verbose=os.environ.get("AGORA_E2E_VERBOSE", "") not in ("", "0"))
        dns.start()
        self.addCleanup(dns.stop)
        return dns

    def use_fake_dns(self, root: EmptyRoot, dns: FakeDns) -> None:
        """The root's /etc/resolv.conf names only ``dns`` (1 s timeout, 2 attempts), and its
        /etc/hosts names nothing but localhost."""
        root.write_file("/etc/resolv.conf", dns.resolv_conf("timeout:1 attempts:2"))
        self.assertEqual(root.host_path("/etc/resolv.conf").read_text(),
                         f"nameserver {dns.address}\noptions timeout:1 attempts:2\n")
        hosts = root.host_path("/etc/hosts").read_text()
        self.assertNotIn(".test", hosts, "/etc/hosts must not name the API host")

    def base_files(self) -> List[str]:
        return sorted([EmptyRoot.TERRAFORM, EmptyRoot.CLI_CONFIG, "/etc/hosts",
                       "/etc/resolv.conf", f"{EmptyRoot.WORKDIR}/main.tf", self.mirrored_zip])

    def static_hint(self) -> str:
        if self.interpreter is None:
            return ""
        return (f"\nNOTE: the release binary is dynamically linked (program interpreter "
                f"{self.interpreter}); it cannot start in an empty root.")

    def init_ok(self, root: EmptyRoot) -> None:
        """``terraform init`` installs agora/agora at the version under test from the packed
        mirror: the lock file records that zip's h1 hash, the unpacked binary is the zip's."""
        result = root.init(env=CREDENTIALS)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn(f"Installing agora/agora v{self.version}...", result.text, result.describe())
        self.assertIn(f"Installed agora/agora v{self.version} (unauthenticated)", result.text,
                      result.describe())
        lock = root.host_path(f"{EmptyRoot.WORKDIR}/.terraform.lock.hcl").read_text()
        self.assertIn(f'provider "{harness.PROVIDER_SOURCE}"', lock)
        self.assertIn(f'version     = "{self.version}"', lock)
        self.assertIn(h1_hash(self.archive), lock, "the lock file records the release zip's hash")
        unpacked = harness.unpacked_provider(root.host_path(EmptyRoot.WORKDIR), self.version)
        with zipfile.ZipFile(self.archive) as package:
            self.assertTrue(unpacked.read_bytes()
                            == package.read(install_mirror.binary_name(self.version)))
        self.assertTrue(os.access(unpacked, os.X_OK))

    def plan_ok(self, root: EmptyRoot, host: str = API_HOST) -> harness.TerraformResult:
        """``terraform plan`` reads the fake's addresses over HTTPS by host name, verifying the
        certificate against the root's CA bundle: one request, Host ``host``:PORT."""
        result = root.plan(env=CREDENTIALS)
        self.assertEqual(result.returncode, 0, result.describe() + self.static_hint())
        self.assertIn("Changes to Outputs", result.stdout, result.describe())
        for address in expected_addresses(self.fake.ips):
            self.assertIn(f'"{address}"', result.stdout, result.describe())
        requests = self.fake.requests()
        self.assertEqual(len(requests), 1, requests)
        self.assertEqual(requests[0]["path"], V2)
        self.assertEqual(requests[0]["host"], f"{host}:{self.fake.port}")
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
        result = root.plan(env=CREDENTIALS)
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

    def test_api_host_resolved_through_resolv_conf_by_dns(self) -> None:
        # /etc/hosts names only localhost: the provider's (static) glibc must ask the name server
        # /etc/resolv.conf names, and connect to the address it answers.
        dns = self.start_fake_dns()
        root = self.make_root("dns-root", host=DNS_API_HOST, in_hosts_file=False)
        self.use_fake_dns(root, dns)
        root.add_ca_bundle(self.certs.ca_cert.read_text(), OPENSUSE_CA_BUNDLE)
        self.assertEqual(root.files(), sorted(self.base_files() + [OPENSUSE_CA_BUNDLE]))
        self.init_ok(root)
        self.assertEqual(dns.questions(), [], "terraform init looks no name up\n"
                         + dns.describe())
        self.plan_ok(root, host=DNS_API_HOST)
        questions = dns.questions()
        self.assertIn((DNS_API_HOST, "A"), questions, dns.describe())
        # Only the API host was asked for (A, and AAAA when the resolver wants both families),
        # and every answer was the name's: no search-list detour, no other name.
        self.assertEqual({name for name, _ in questions}, {DNS_API_HOST}, dns.describe())
        self.assertLessEqual({qtype for _, qtype in questions}, {"A", "AAAA"}, dns.describe())
        self.assertTrue(all(q.rcode == "NOERROR" for q in dns.queries()), dns.describe())
        self.assertEqual(dns.ignored, 0, "every query was well-formed\n" + dns.describe())

    def test_name_the_dns_server_does_not_know_fails_with_a_readable_diagnostic(self) -> None:
        # The same root, but the endpoint's name gets NXDOMAIN. No retries and a short
        # total_timeout: a resolution failure moves on to the next endpoint (there is none) at
        # once, so the read fails fast, naming the host it could not resolve.
        dns = self.start_fake_dns()
        root = self.make_root("nxdomain-root", host=UNKNOWN_DNS_HOST, in_hosts_file=False,
                              max_retries=0, request_timeout="5s", total_timeout="10s")
        self.use_fake_dns(root, dns)
        root.add_ca_bundle(self.certs.ca_cert.read_text(), OPENSUSE_CA_BUNDLE)
        self.init_ok(root)
        result = root.plan(env=CREDENTIALS, timeout=120)
        self.assertNotEqual(result.returncode, 0, "plan must fail\n" + result.describe())
        text = result.text
        self.assertNotIn("Failed to load plugin schemas", text, result.describe()
                         + self.static_hint())
        self.assertIn("Error: Could not read Agora's Notifications IPs", text, result.describe())
        self.assertIn("data.agora_ncs_ips.ncs", text, result.describe())
        self.assertIn(f"Could not resolve host: {UNKNOWN_DNS_HOST}", text, result.describe())
        url = f"https://{UNKNOWN_DNS_HOST}:{self.fake.port}{V2}"
        self.assertIn(f"1 attempt on 1 endpoint: - {url}: Could not resolve host: "
                      f"{UNKNOWN_DNS_HOST}", text, result.describe())
        self.assertNotIn("did not answer within total_timeout", text, result.describe())
        # The name server was asked and said NXDOMAIN; nothing reached the fake API.
        self.assertIn((UNKNOWN_DNS_HOST, "A"), dns.questions(), dns.describe())
        self.assertTrue(all(q.rcode == "NXDOMAIN" for q in dns.queries()), dns.describe())
        self.assertEqual(self.fake.request_count(), 0, self.fake.requests())
        if os.environ.get("AGORA_E2E_VERBOSE", "") not in ("", "0"):
            sys.stderr.write("NXDOMAIN diagnostic:\n" + result.stderr + "\n")
        self.assertEqual(root.processes(), [])


if __name__ == "__main__":
    unittest.main()

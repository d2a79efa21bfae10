"""End-to-end tests of what makes ``agora_ncs_ips`` safe in a scheduled pipeline: retries, failover,
timeouts, cancellation, TLS and proxies, strict validation and one request per run.

Every test drives real terraform against the built provider and asserts both what the user sees
and how many requests each fake Agora API received. Contract: docs/design/product-contract.md.
"""

from __future__ import annotations

import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
import unittest
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import harness
from fake_agora.server import generate_test_certificates

CUSTOMER_ID = "e2e-resilience-5e7"
CUSTOMER_SECRET = "resilience-S3CRET-never-shown"
V2 = "/v2/ncs/ip"


def closed_port() -> int:
    """A loopback port nothing listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A host name only the test proxy knows: it tunnels there to 127.0.0.1. The provider never
# resolves it while it goes through the proxy, so no query leaves the machine.
PROXIED_HOST = "api.proxied.test"


class ConnectProxy:
    """A minimal HTTP CONNECT proxy on 127.0.0.1 that records the targets it tunnels to. It
    tunnels only to loopback targets and to PROXIED_HOST, which it takes to be 127.0.0.1."""

    def __init__(self) -> None:
        self.targets: List[str] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stopped.set()
        self._sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(4096)
                if not chunk:
                    return
                head += chunk
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _ = request_line.split(" ", 2)
            host, _, port = target.rpartition(":")
            self.targets.append(f"{method} {target}")
            if method != "CONNECT" or host not in ("127.0.0.1", "localhost", PROXIED_HOST):
                client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as upstream:
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                sockets = [client, upstream]
                while True:
                    readable, _, _ = select.select(sockets, [], [], 30)
                    if not readable:
                        return
                    for s in readable:
                        data = s.recv(65536)
                        if not data:
                            return
                        (upstream if s is client else client).sendall(data)


def config(provider: Mapping[str, Any], data: Optional[Mapping[str, Any]] = None,
           instances: int = 0) -> str:
    """main.tf with one data source ``ncs`` (or ``instances`` for_each instances) and an output."""
    text = harness.required_providers_block() + "\n" + harness.hcl_block('provider "agora"',
                                                                          provider)
    body = harness.hcl_block('data "agora_ncs_ips" "ncs"', data or {})
    if instances:
        body = body.replace("{\n", "{\n  for_each = toset([for i in range(%d) : tostring(i)])\n"
                            % instances, 1)
        text += "\n" + body + '\noutput "fingerprints" {\n  value = distinct([for d in ' \
                'data.agora_ncs_ips.ncs : d.fingerprint])\n}\n'
    else:
        text += "\n" + body + '\noutput "ncs" {\n  value = data.agora_ncs_ips.ncs\n}\n'
    return text


# The first hashed CA directory the provider probes (provider/agora_api/ca_store.h); on Debian it also holds
# the first bundle probed, ca-certificates.crt.
SYSTEM_CA_DIRECTORY = Path("/etc/ssl/certs")

# How long a provider may outlive a SIGKILLed terraform: it looks for its parent every second and
# then gives in-flight reads 0.5 s to wind down.
ORPHAN_EXIT_BUDGET_S = 10.0


def child_processes(parent: int, comm: str) -> List[int]:
    """PIDs of the live children of ``parent`` whose command name (15 characters at most) is
    ``comm``."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may contain spaces and parentheses.
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if name == comm and int(fields[1]) == parent and fields[0] != "Z":
            children.append(int(entry.name))
    return children


def is_running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (an exited process nobody has reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def shared_library(soname: str) -> Optional[Path]:
    """The file the dynamic loader opens for ``soname`` (symlinks resolved), or None."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    try:
        listing = subprocess.run([ldconfig, "-p"], capture_output=True, text=True).stdout
    except OSError:
        return None
    for line in listing.splitlines():
        if line.strip().startswith(f"{soname} ") and "x86-64" in line and "=>" in line:
            return Path(line.split("=>", 1)[1].strip()).resolve()
    return None


def is_dynamically_linked(binary: Path) -> bool:
    """Whether ``binary`` names a dynamic loader (PT_INTERP): the sanitize build's provider does,
    the release binary does not."""
    headers = subprocess.run(["readelf", "--wide", "--program-headers", str(binary)],
                             capture_output=True, text=True, check=True).stdout
    return "INTERP" in headers


def other_ca(directory: Path) -> Path:
    """A CA certificate unrelated to the fake's, with its own subject name (a CA of the same name
    would be found first and fail the chain for that reason alone)."""
    certificate = directory / "other-ca.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(directory / "other-ca.key"),
                    "-out", str(certificate), "-days", "2", "-subj", "/CN=an unrelated test CA",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True)
    return certificate


class ResilienceTest(unittest.TestCase):
    workdir: harness.Workdir

    @classmethod
    def setUpClass(cls) -> None:
        cls.workdir = harness.Workdir("resilience")
        cls.addClassCleanup(cls.workdir.cleanup)
        cls.workdir.write_main_tf(config({"endpoints": ["http://127.0.0.1:9"]}))
        result = cls.workdir.init()
        if not result.ok:
            raise AssertionError("terraform init failed\n" + result.describe())

    def setUp(self) -> None:
        self.workdir.remove_state()

    def fake(self, **kwargs: Any) -> Any:
        kwargs.setdefault("customer_id", CUSTOMER_ID)
        kwargs.setdefault("customer_secret", CUSTOMER_SECRET)
        return harness.start_fake(self, **kwargs)

    def provider(self, endpoints: List[str], **settings: Any) -> Dict[str, Any]:
        return {"customer_id": CUSTOMER_ID, "customer_secret": CUSTOMER_SECRET,
                "endpoints": endpoints, **settings}

    def apply(self, provider: Mapping[str, Any], data: Optional[Mapping[str, Any]] = None,
              env: Optional[Mapping[str, str]] = None, *args: str) -> harness.TerraformResult:
        self.workdir.write_main_tf(config(provider, data))
        return self.workdir.apply(*args, env=env)

    def assertSucceeds(self, result: harness.TerraformResult) -> None:
        self.assertTrue(result.ok, result.describe())

    def assertFailsWith(self, result: harness.TerraformResult, *needles: str) -> str:
        self.assertFalse(result.ok, result.describe())
        text = harness.normalize_output(result.output)
        for needle in needles:
            self.assertIn(needle, text, result.describe())
        return text

    def apply_with_mounts(self, provider: Mapping[str, Any], mounts: Sequence[Tuple[Path, Path]],
                          env: Optional[Mapping[str, str]] = None) -> harness.TerraformResult:
        """``terraform apply`` of ``provider`` in a private mount namespace where each (source,
        target) of ``mounts`` is bind-mounted first: a way to change what this machine's files
        look like to terraform and the provider only. Skips the test where that is impossible."""
        unshare = shutil.which("unshare")
        if os.geteuid() != 0 or unshare is None:
            self.skipTest("needs root and unshare for a private mount namespace")
        self.workdir.write_main_tf(config(provider))
        # DNS stays on loopback as in harness.run_terraform, here by the first mount.
        resolv = self.workdir.root / "resolv.conf"
        resolv.write_text(harness._LOOPBACK_RESOLV_CONF)
        mounts = [(resolv, Path("/etc/resolv.conf")), *mounts]
        script = " && ".join(f"mount --bind {shlex.quote(str(source))} {shlex.quote(str(target))}"
                             for source, target in mounts)
        command = [unshare, "--mount", "--propagation", "private", "sh", "-c",
                   script + ' && exec "$@"', "sh", harness.terraform_binary(), "apply",
                   "-no-color", "-input=false", "-auto-approve"]
        proc = subprocess.run(command, cwd=str(self.workdir.path),
                              env=harness.clean_env(self.workdir.home, env),
                              stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=harness.TERRAFORM_TIMEOUT,
                              start_new_session=True)
        return harness.TerraformResult(proc.returncode, proc.stdout, proc.stderr, command)

    # --- retries ----------------------------------------------------------------------------------

    def test_server_error_then_success_recovers(self) -> None:
        fake = self.fake()
        fake.script([{"status": 500, "message": "temporary"}])
        self.assertSucceeds(self.apply(self.provider([fake.url])))
        self.assertEqual(fake.request_count(V2), 2)

    def test_429_with_retry_after_waits_then_recovers(self) -> None:
        fake = self.fake()
        fake.script([{"status": 429, "message": "slow down", "headers": {"Retry-After": "1"}}])
        self.assertSucceeds(self.apply(self.provider([fake.url])))
        requests = fake.requests(V2)
        self.assertEqual(len(requests), 2)
        self.assertGreaterEqual(requests[1]["time"] - requests[0]["time"], 0.9)

    def test_unauthorized_fails_at_once_without_retry(self) -> None:
        fake = self.fake()
        other = self.fake()
        result = self.apply({**self.provider([fake.url, other.url]),
                             "customer_secret": "wrong-secret-xyz"})
        self.assertFailsWith(result, "401", CUSTOMER_ID, "1 attempt")
        self.assertEqual(fake.request_count(V2), 1)
        self.assertEqual(other.request_count(V2), 0)

    # --- failover ---------------------------------------------------------------------------------

    def test_refused_connection_is_retried_then_moves_to_the_next_endpoint(self) -> None:
        # A refusal is often brief, so it is retried like other network errors (with one
        # endpoint, or on the last, it would otherwise fail a scheduled run at once).
        dead = f"http://127.0.0.1:{closed_port()}"
        result = self.apply(self.provider([dead], max_retries=1, total_timeout="30s"))
        self.assertFailsWith(result, "2 attempts on 1 endpoint", dead)
        fake = self.fake()
        self.assertSucceeds(self.apply(self.provider([dead, fake.url], max_retries=0)))
        self.assertEqual(fake.request_count(V2), 1)

    @unittest.skipUnless(harness._loopback_dns_prefix(),
                         "needs a private mount namespace to keep DNS on loopback")
    def test_unresolvable_endpoint_moves_to_the_next_endpoint(self) -> None:
        fake = self.fake()
        start = time.monotonic()
        result = self.apply(self.provider(["https://no-such-host.invalid", fake.url]))
        self.assertSucceeds(result)
        self.assertEqual(fake.request_count(V2), 1)
        self.assertLess(time.monotonic() - start, 60)

    def test_not_found_tries_the_next_endpoint_once(self) -> None:
        first, second = self.fake(), self.fake()
        first.add_rule(status=404, message="no such API here")
        self.assertSucceeds(self.apply(self.provider([first.url, second.url])))
        self.assertEqual(first.request_count(V2), 1)
        self.assertEqual(second.request_count(V2), 1)

    def test_slow_body_times_out_and_moves_on(self) -> None:
        slow, fast = self.fake(), self.fake()
        slow.add_rule(trickle={"chunk": 8, "interval": 0.5})
        result = self.apply(self.provider([slow.url, fast.url], request_timeout="1s",
                                          max_retries=0))
        self.assertSucceeds(result)
        self.assertEqual(slow.request_count(V2), 1)
        self.assertEqual(fast.request_count(V2), 1)

    def test_total_timeout_bounds_a_read_against_a_silent_endpoint(self) -> None:
        silent = self.fake()
        silent.add_rule(hang=True)
        start = time.monotonic()
        result = self.apply(self.provider([silent.url], request_timeout="2s", total_timeout="4s"))
        elapsed = time.monotonic() - start
        self.assertFailsWith(result, "total_timeout", silent.url)
        self.assertLess(elapsed, 60, "total_timeout was not honoured")
        self.assertGreaterEqual(silent.request_count(V2), 1)

    @unittest.skipUnless(harness._loopback_dns_prefix(),
                         "needs a private mount namespace to keep DNS on loopback")
    def test_region_appends_regional_domains_to_the_chain(self) -> None:
        fake = self.fake()
        fake.add_rule(status=503, message="down")
        result = self.apply(self.provider([fake.url], region="eu-west-1", max_retries=0))
        self.assertFailsWith(result, "https://api-eu-west-1.agora.io/v2/ncs/ip",
                             "https://api-eu-west-1.sd-rtn.com/v2/ncs/ip", "3 endpoints")

    # --- bodies -----------------------------------------------------------------------------------

    def test_oversized_body_is_refused(self) -> None:
        fake = self.fake()
        fake.add_rule(pad_to=5 * 1024 * 1024)
        self.assertFailsWith(self.apply(self.provider([fake.url])), "4096 KiB")

    # --- one request per run ----------------------------------------------------------------------

    def test_200_instances_cause_exactly_one_request(self) -> None:
        fake = self.fake()
        self.workdir.write_main_tf(config(self.provider([fake.url]), instances=200))
        result = self.workdir.apply("-parallelism=50")
        self.assertSucceeds(result)
        self.assertEqual(fake.request_count(V2), 1)
        self.assertEqual(len(self.workdir.outputs()["fingerprints"]), 1)

    # --- TLS and proxies --------------------------------------------------------------------------

    def tls_fake(self) -> Any:
        certs = generate_test_certificates(harness.make_temp_dir("certs"))
        fake = self.fake(tls_cert=certs.server_cert, tls_key=certs.server_key)
        return fake, certs

    def test_https_with_a_test_ca_works_and_fails_without_it(self) -> None:
        fake, certs = self.tls_fake()
        self.assertTrue(fake.url.startswith("https://"))
        self.assertSucceeds(self.apply(self.provider([fake.url], ca_cert_file=str(certs.ca_cert))))
        self.assertFailsWith(self.apply(self.provider([fake.url], max_retries=0)),
                             "TLS", "ca_cert_pem or ca_cert_file")
        pem = certs.ca_cert.read_text()
        self.assertSucceeds(self.apply(self.provider([fake.url], ca_cert_pem=pem)))
        self.assertSucceeds(self.apply(self.provider([fake.url]),
                                       env={"SSL_CERT_FILE": str(certs.ca_cert)}))

    def system_store(self, *, hashed: Sequence[Path], bundle: str) -> Path:
        """A stand-in for /etc/ssl/certs (the system's hashed CA directory and, inside it, its CA
        bundle): ``hashed`` certificates under OpenSSL's subject-hash names, and
        ca-certificates.crt holding ``bundle``."""
        store = harness.make_temp_dir("system-store")
        for certificate in hashed:
            subject_hash = subprocess.run(
                ["openssl", "x509", "-hash", "-noout", "-in", str(certificate)], check=True,
                capture_output=True, text=True).stdout.strip()
            shutil.copyfile(certificate, store / f"{subject_hash}.0")
        (store / "ca-certificates.crt").write_text(bundle)
        return store

    def test_the_system_store_is_read_through_its_hashed_directory(self) -> None:
        # The bundle is not even read: a garbage one does not matter when the directory verifies.
        fake, certs = self.tls_fake()
        store = self.system_store(hashed=[certs.ca_cert], bundle="not a certificate\n")
        self.assertSucceeds(self.apply_with_mounts(self.provider([fake.url], max_retries=0),
                                                   [(store, SYSTEM_CA_DIRECTORY)]))

    def test_the_system_bundle_is_the_fallback_of_the_hashed_directory(self) -> None:
        # A CA only in the bundle (added by hand, without update-ca-certificates) still counts:
        # the hashed directory, which holds another CA only, fails to verify the server first.
        fake, certs = self.tls_fake()
        other = other_ca(harness.make_temp_dir("other-ca"))
        store = self.system_store(hashed=[other], bundle=certs.ca_cert.read_text())
        self.assertSucceeds(self.apply_with_mounts(self.provider([fake.url], max_retries=0),
                                                   [(store, SYSTEM_CA_DIRECTORY)]))
        self.assertEqual(fake.request_count(), 1)  # The failed handshake sent no request.

    def test_a_configured_ca_replaces_the_system_store(self) -> None:
        # The system store trusts the fake's CA; ca_cert_pem / ca_cert_file name another one, and
        # must be the only trust there is.
        fake, certs = self.tls_fake()
        store = self.system_store(hashed=[certs.ca_cert], bundle=certs.ca_cert.read_text())
        other = other_ca(harness.make_temp_dir("other-ca"))
        for setting in ({"ca_cert_pem": other.read_text()}, {"ca_cert_file": str(other)}):
            with self.subTest(setting=list(setting)[0]):
                result = self.apply_with_mounts(self.provider([fake.url], max_retries=0,
                                                              **setting),
                                                [(store, SYSTEM_CA_DIRECTORY)])
                self.assertFailsWith(result, "TLS", "ca_cert_pem or ca_cert_file")
        self.assertEqual(fake.request_count(), 0)

    def test_insecure_skips_verification_with_a_warning(self) -> None:
        fake, _ = self.tls_fake()
        result = self.apply(self.provider([fake.url], insecure=True))
        self.assertSucceeds(result)
        self.assertIn("TLS verification is disabled", harness.normalize_output(result.output))

    def proxied_fake(self) -> Tuple[Any, Any, str]:
        """A fake over HTTPS whose certificate names PROXIED_HOST, and its URL by that name."""
        certs = generate_test_certificates(harness.make_temp_dir("certs"),
                                           dns_names=[PROXIED_HOST])
        fake = self.fake(tls_cert=certs.server_cert, tls_key=certs.server_key)
        return fake, certs, f"https://{PROXIED_HOST}:{fake.port}"

    def test_requests_go_through_the_proxy_and_no_proxy_bypasses_it(self) -> None:
        fake, certs, url = self.proxied_fake()
        proxy = ConnectProxy()
        self.addCleanup(proxy.stop)
        target = f"CONNECT {PROXIED_HOST}:{fake.port}"
        for variable in ("HTTPS_PROXY", "https_proxy"):
            proxy.targets.clear()
            self.workdir.remove_state()
            self.assertSucceeds(self.apply(self.provider([url], ca_cert_file=str(certs.ca_cert)),
                                           env={variable: proxy.url}))
            self.assertIn(target, proxy.targets, variable)
        proxy.targets.clear()
        self.assertSucceeds(self.apply(self.provider([url], ca_cert_file=str(certs.ca_cert),
                                                     proxy_url=proxy.url)))
        self.assertIn(target, proxy.targets)
        # NO_PROXY: the provider connects itself, to the address /etc/hosts gives the name.
        hosts = self.workdir.root / "hosts"
        hosts.write_text(f"127.0.0.1 localhost {PROXIED_HOST}\n")
        for variable in ("NO_PROXY", "no_proxy"):
            proxy.targets.clear()
            before = fake.request_count(V2)
            self.assertSucceeds(self.apply_with_mounts(
                self.provider([url], ca_cert_file=str(certs.ca_cert)),
                [(hosts, Path("/etc/hosts"))],
                env={"HTTPS_PROXY": proxy.url, variable: PROXIED_HOST}))
            self.assertEqual(proxy.targets, [], variable)
            self.assertEqual(fake.request_count(V2), before + 1)

    def test_loopback_endpoints_are_never_proxied(self) -> None:
        # As in Go's net/http: a proxy cannot reach this machine's loopback.
        fake, certs = self.tls_fake()
        proxy = ConnectProxy()
        self.addCleanup(proxy.stop)
        for endpoint in (fake.url, f"https://localhost:{fake.port}"):
            self.workdir.remove_state()
            self.assertSucceeds(self.apply(self.provider([endpoint],
                                                         ca_cert_file=str(certs.ca_cert)),
                                           env={"HTTPS_PROXY": proxy.url}))
        self.assertEqual(proxy.targets, [])

    def test_a_proxy_that_cannot_be_reached_is_named_without_its_password(self) -> None:
        fake, certs, url = self.proxied_fake()
        proxy = f"http://alice:pr0xy-PASSWORD@127.0.0.1:{closed_port()}"
        result = self.apply(self.provider([url], ca_cert_file=str(certs.ca_cert), max_retries=0),
                            env={"HTTPS_PROXY": proxy})
        text = self.assertFailsWith(result, "through the proxy http://127.0.0.1:")
        self.assertNotIn("pr0xy-PASSWORD", result.output)
        self.assertNotIn("alice", text)
        self.assertEqual(fake.request_count(V2), 0)

    # --- cancellation -----------------------------------------------------------------------------

    def start_plan_stuck_in_a_read(self) -> subprocess.Popen:
        """A background ``terraform plan`` whose one read is waiting on an endpoint that never
        answers (timeouts far away), returned once that read has started."""
        silent = self.fake()
        silent.add_rule(hang=True)
        self.workdir.write_main_tf(config(self.provider([silent.url], request_timeout="5m",
                                                        total_timeout="10m")))
        proc = harness.start_terraform(self.workdir, "plan", "-no-color", "-input=false")
        self.addCleanup(harness._kill_group, proc.pid, signal.SIGKILL)
        if not silent.wait_for_requests(1, timeout=60):
            proc.kill()
            self.fail("the read never started:\n" + proc.communicate()[0])
        return proc

    def test_interrupt_cancels_an_in_flight_read_promptly(self) -> None:
        # `terraform plan`: Terraform 1.11 sends StopProvider on the first Ctrl-C of a plan; the
        # plan phase inside `terraform apply` is not interruptible that way (total_timeout bounds
        # it instead).
        proc = self.start_plan_stuck_in_a_read()
        try:
            start = time.monotonic()
            proc.send_signal(signal.SIGINT)
            output, _ = proc.communicate(timeout=30)
            elapsed = time.monotonic() - start
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertNotEqual(proc.returncode, 0, output)
        self.assertLess(elapsed, 10, output)
        self.assertIn("cancelled", harness.normalize_output(output), output)

    def test_provider_stops_when_terraform_is_killed(self) -> None:
        # A CI job's time limit SIGKILLs terraform: no StopProvider, no Shutdown. The provider,
        # mid-read against an endpoint that never answers, must not live on as an orphan.
        proc = self.start_plan_stuck_in_a_read()
        providers = child_processes(proc.pid, harness.provider_comm())
        self.assertEqual(len(providers), 1, "expected one provider process under terraform")
        proc.kill()  # terraform alone, not its process group
        proc.communicate()
        deadline = time.monotonic() + ORPHAN_EXIT_BUDGET_S
        while is_running(providers[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertFalse(is_running(providers[0]),
                         f"the provider outlived terraform by {ORPHAN_EXIT_BUDGET_S} s")

    def test_no_library_of_the_machine_is_used(self) -> None:
        # The provider is one static file: with this machine's libcurl, OpenSSL and even glibc
        # replaced by empty files (libc last: the mounts before it need it), a read over HTTPS
        # still works. terraform is a static Go binary, so nothing else needs them either.
        if is_dynamically_linked(harness.provider_binary()):
            self.skipTest("the provider under test is dynamically linked (make sanitize)")
        libraries = [shared_library(name) for name in
                     ("libcurl.so.4", "libssl.so.3", "libcrypto.so.3", "libc.so.6")]
        if None in libraries:
            self.skipTest("a library to hide is not in ldconfig's cache")
        empty = self.workdir.root / "empty-library"
        empty.write_bytes(b"")
        fake, certs = self.tls_fake()
        result = self.apply_with_mounts(
            self.provider([fake.url], ca_cert_file=str(certs.ca_cert)),
            [(empty, library) for library in libraries])
        self.assertSucceeds(result)
        self.assertEqual(fake.request_count(), 1)

    # --- validation -------------------------------------------------------------------------------

    def test_validate_points_at_each_bad_provider_argument(self) -> None:
        provider = {
            "customer_id": "has:colon",
            "endpoints": ["http://api.example.com", "ftp://x", "https://ok.example"],
            "region": "mars-1",
            "request_timeout": "10 seconds",
            "total_timeout": "-1s",
            "max_retries": 99,
            "proxy_url": "gopher://proxy",
            "ca_cert_pem": "not a certificate",
        }
        self.workdir.write_main_tf(config(provider))
        result = self.workdir.validate()
        text = self.assertFailsWith(
            result,
            'Invalid customer_id', 'cannot contain ":"',
            "clear text", 'scheme "ftp"',
            'is not an Agora region',
            'is not a duration', 'must be longer than zero',
            "max_retries must be a whole number from 0 to 10",
            "Invalid proxy_url", "No PEM certificate found")
        # Each error is attached to its attribute: terraform quotes the offending line.
        for line in ('11: customer_id = "has:colon"', '13: region = "mars-1"',
                     '14: request_timeout = "10 seconds"', '15: total_timeout = "-1s"',
                     "16: max_retries = 99", '17: proxy_url = "gopher://proxy"'):
            self.assertIn(line, text, result.describe())
        self.assertEqual(text.count("Error: Invalid endpoints"), 2, result.describe())

    def test_validate_points_at_each_bad_data_source_argument(self) -> None:
        self.workdir.write_main_tf(config(self.provider(["http://127.0.0.1:9"]),
                                          {"service": "video", "min_count": 0,
                                           "chunk_size": 1001}))
        result = self.workdir.validate()
        text = self.assertFailsWith(
            result, '"video" is not a service', "min_count must be a whole number from 1",
            "chunk_size must be a whole number from 1 to 1000")
        for line in ('service = "video"', "min_count = 0", "chunk_size = 1001"):
            self.assertIn(line, text, result.describe())
        self.assertIn('in data "agora_ncs_ips" "ncs"', text)

    def test_unknown_values_pass_validation(self) -> None:
        fake = self.fake()
        self.workdir.write_main_tf(
            harness.required_providers_block()
            + '\nresource "terraform_data" "later" {\n  input = "50"\n}\n'
            + harness.hcl_block('provider "agora"', self.provider([fake.url]))
            + '\ndata "agora_ncs_ips" "ncs" {\n  chunk_size = terraform_data.later.output\n}\n')
        init = self.workdir.init()
        self.assertTrue(init.ok, init.describe())
        plan = self.workdir.plan("-no-color")
        self.assertTrue(plan.ok, plan.describe())
        self.assertEqual(fake.request_count(V2), 0)  # The read waits for apply.
        self.assertSucceeds(self.workdir.apply())
        self.assertEqual(fake.request_count(V2), 1)


if __name__ == "__main__":
    unittest.main()

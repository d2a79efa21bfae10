"""Secret audit: ``customer_secret`` is in nothing a user or a CI log could keep, whatever fails.

Every fault of the resilience suite (each HTTP error status with and without ``Retry-After``,
timeouts, hangs, dropped, slow and truncated answers, malformed and wrong-shaped bodies, addresses
that must never be allow-listed, too few addresses, an oversized body, a TLS failure, a refusing
proxy, a refused connection) and plain success runs against ``data "agora_ncs_ips"`` (``plan
-out``, ``show -json`` of that plan, ``apply`` of it) and ``resource "agora_ncs_ip_set"`` (create,
then a ``plan -out`` after the fault over a created set, and ``show -json``), with
``TF_LOG=trace`` and ``TF_LOG_PATH``. Then stdout, stderr, every log file, every file terraform
left in the working directory (state and its backups included), ``terraform show -json`` of each
saved plan and ``terraform state pull`` are searched for the secret, its Base64 forms (the
``Authorization`` header's token, the secret alone), its URL-encoded forms and its SHA-256.

The secret comes from ``customer_secret`` in the configuration for every other fault, from
``AGORA_CUSTOMER_SECRET`` for the rest. A saved plan keeps the configuration, so with the secret
in HCL the plan *file* holds it by design and is not searched. Nor does ``show -json`` hide it
then, Sensitive or not: terraform prints every literal of the configuration as its
``constant_value`` (internal/command/jsonconfig/expression.go; its documentation of ``show``:
"When using the -json command-line flag, any sensitive values ... will be displayed in plain
text"). Nothing a provider can change, and the reason to keep the secret out of ``.tf`` files:
the audit asserts that this literal is the only place the secret has in ``show -json`` and
searches the rest. With the secret in the environment, ``show -json`` is searched whole and so is
every member of the plan file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import unittest
import urllib.parse
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import harness

CUSTOMER_ID = "e2e-audit-customer-7c1d"
# '/', '+', '=' and '%' make the URL-encoded and Base64 forms differ from the secret itself.
CUSTOMER_SECRET = "aud1t/S3CRET+never=shown%7e-9f2b"
WRONG_SECRET = "wr0ng/S3CRET+audit=also%hidden-41c8"
PROXIED_HOST = "api.proxied.test"  # Only reached through the (refusing) proxy: never resolved.
TIMEOUTS = {"request_timeout": "1s", "total_timeout": "3s"}


def secret_forms(customer_id: str, secret: str) -> Dict[str, str]:
    """Every form of ``secret`` that would give it away, by name."""
    authorization = harness.basic_authorization(customer_id, secret)
    return {
        "secret": secret,
        "Authorization header": authorization,
        "Authorization token": authorization.split(" ", 1)[1],
        "Base64 of the secret": base64.b64encode(secret.encode()).decode(),
        "URL-encoded secret": urllib.parse.quote(secret, safe=""),
        "form-encoded secret": urllib.parse.quote_plus(secret),
        "SHA-256 of the secret": hashlib.sha256(secret.encode()).hexdigest(),
    }


@dataclass
class Fault:
    name: str
    rule: Optional[Dict[str, Any]] = None  # A fake rule, unlimited uses.
    endpoint: str = "fake"  # fake | tls | proxy | refused
    provider: Dict[str, Any] = field(default_factory=dict)
    data: Dict[str, Any] = field(default_factory=dict)  # Arguments of the data source/resource.
    reads_fail: bool = True
    # A failed read, which on_fetch_error = "keep" survives; too few addresses is not one.
    keepable: bool = True
    # Agora rejects the credentials (401, 403): the read fails even with on_fetch_error = "keep".
    credentials: bool = False
    secret: str = CUSTOMER_SECRET  # What the provider is given.


def faults() -> List[Fault]:
    found = [Fault("success", reads_fail=False)]
    for status in (400, 401, 403, 404, 415, 429, 500, 503):
        credentials = status in (401, 403)
        found.append(Fault(f"HTTP {status}", {"status": status}, credentials=credentials))
        # With Retry-After one retry is allowed, so that Retry-After is honoured (and logged).
        found.append(Fault(f"HTTP {status} with Retry-After",
                           {"status": status, "headers": {"Retry-After": "1"}},
                           provider={"max_retries": 1}, credentials=credentials))
    found += [
        # Twice, so that the wrong secret comes both from HCL and from the environment.
        Fault("wrong secret (401 from the auth check)", secret=WRONG_SECRET, credentials=True),
        Fault("wrong secret (401 from the auth check)", secret=WRONG_SECRET, credentials=True),
        Fault("delay past request_timeout", {"delay": 2}),
        Fault("hang", {"hang": True}),
        Fault("drop", {"drop": True}),
        Fault("trickle", {"trickle": {"chunk": 8, "interval": 0.5}}),
        Fault("truncated body", {"truncate_at": 20}),
        Fault("malformed JSON", {"status": 200, "raw": '{"data": {"service": {"hosts": [{'}),
        Fault("wrong shape", {"status": 200, "json": {"data": {"service": {"hosts": "none"}}}}),
        Fault("non-public address", {"ips": ["203.0.113.1", "10.1.2.3"]}),
        Fault("too few addresses", {"ips": ["203.0.113.1"]}, data={"min_count": 2},
              keepable=False),
        Fault("empty list", {"hosts": []}, keepable=False),
        Fault("oversized body", {"pad_to": 5 * 1024 * 1024}),
        Fault("TLS failure (unknown CA)", endpoint="tls"),
        Fault("proxy refusal", endpoint="proxy"),
        Fault("connection refused", endpoint="refused", provider={"max_retries": 1}),
    ]
    return found


class RefusingProxy:
    """An HTTP proxy on 127.0.0.1 that answers every request, CONNECT included, with 403."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.requests = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def stop(self) -> None:
        self._sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            with client:
                client.settimeout(5)
                head = b""
                try:
                    while b"\r\n\r\n" not in head:
                        chunk = client.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                    self.requests += 1
                    client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                                   b"Connection: close\r\n\r\n")
                except OSError:
                    pass


def provider_block_config(provider: Mapping[str, Any], body: str) -> str:
    return (harness.required_providers_block() + "\n"
            + harness.hcl_block('provider "agora"', provider) + "\n" + body)


def data_config(provider: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    return provider_block_config(provider, harness.hcl_block('data "agora_ncs_ips" "ncs"', data)
                                 + '\noutput "ips" {\n  value = data.agora_ncs_ips.ncs\n}\n')


def resource_config(provider: Mapping[str, Any], resource: Mapping[str, Any]) -> str:
    return provider_block_config(
        provider, harness.hcl_block('resource "agora_ncs_ip_set" "ncs"', resource)
        + '\noutput "ips" {\n  value = agora_ncs_ip_set.ncs\n}\n')


class Evidence:
    """Everything one fault left that a user or a CI log could keep, by where it came from."""

    def __init__(self) -> None:
        self.texts: List[Tuple[str, bytes]] = []

    def add(self, where: str, text: Any) -> None:
        self.texts.append((where, text if isinstance(text, bytes) else str(text).encode()))

    def add_run(self, step: str, result: harness.TerraformResult) -> None:
        self.add(f"{step}: stdout", result.stdout)
        self.add(f"{step}: stderr", result.stderr)

    def add_file(self, where: str, path: Path) -> None:
        if path.is_file():
            self.add(where, path.read_bytes())

    def add_plan_file(self, where: str, path: Path) -> None:
        """Each member of a saved plan (a zip archive, so the bytes of the file prove nothing)."""
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                self.add(f"{where} member {name}", archive.read(name))

    def leaks(self, forms: Mapping[str, str]) -> List[str]:
        return [f"{what} in {where}" for where, data in self.texts
                for what, form in forms.items() if form.encode() in data]


class SecretAuditTest(unittest.TestCase):
    data_dir: harness.Workdir
    resource_dir: harness.Workdir

    @classmethod
    def setUpClass(cls) -> None:
        cls.fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET,
                                      ips=["203.0.113.1", "203.0.113.2", "198.51.100.7"])
        cls.addClassCleanup(cls.fake.stop)
        certs = harness.generate_test_certificates(harness.make_temp_dir("audit-certs"))
        cls.tls_fake = harness.start_fake(customer_id=CUSTOMER_ID,
                                          customer_secret=CUSTOMER_SECRET,
                                          tls_cert=certs.server_cert, tls_key=certs.server_key)
        cls.addClassCleanup(cls.tls_fake.stop)
        cls.proxy = RefusingProxy()
        cls.addClassCleanup(cls.proxy.stop)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))  # Not listening: connections are refused.
            cls.closed_port = s.getsockname()[1]

        cls.data_dir = harness.Workdir("audit-data")
        cls.addClassCleanup(cls.data_dir.cleanup)
        cls.resource_dir = harness.Workdir("audit-resource")
        cls.addClassCleanup(cls.resource_dir.cleanup)
        provider = cls.provider_args(Fault("init"), secret_in_hcl=True)
        cls.data_dir.write_main_tf(data_config(provider, {}))
        cls.resource_dir.write_main_tf(resource_config(provider, {}))
        # A created set per on_fetch_error, to plan over after each fault.
        cls.created_states: Dict[str, bytes] = {}
        for workdir in (cls.data_dir, cls.resource_dir):
            result = workdir.init()
            if not result.ok:
                raise AssertionError("terraform init failed\n" + result.describe())
        for mode in ("keep", "fail"):
            cls.resource_dir.write_main_tf(resource_config(provider, {"on_fetch_error": mode}))
            result = cls.resource_dir.apply("-no-color")
            if not result.ok:
                raise AssertionError("creating the set failed\n" + result.describe())
            cls.created_states[mode] = (cls.resource_dir.path / "terraform.tfstate").read_bytes()
            cls.resource_dir.remove_state()

    @classmethod
    def provider_args(cls, fault: Fault, secret_in_hcl: bool) -> Dict[str, Any]:
        endpoints = {
            "fake": [cls.fake.url],
            "tls": [cls.tls_fake.url],  # No ca_cert_*: the test CA is unknown.
            "proxy": [f"https://{PROXIED_HOST}:{cls.tls_fake.port}"],
            "refused": [f"http://127.0.0.1:{cls.closed_port}"],
        }[fault.endpoint]
        args: Dict[str, Any] = {"customer_id": CUSTOMER_ID, "endpoints": endpoints,
                                "max_retries": 0, **TIMEOUTS}
        if fault.endpoint == "proxy":
            args["proxy_url"] = cls.proxy.url
        if secret_in_hcl:
            args["customer_secret"] = fault.secret
        args.update(fault.provider)
        return args

    def add_state_pull(self, workdir: harness.Workdir, evidence: Evidence, step: str) -> None:
        result = workdir.state_pull()
        self.assertTrue(result.ok, result.describe())
        evidence.add_run(step, result)

    # --- one fault --------------------------------------------------------------------------------

    def run_step(self, workdir: harness.Workdir, evidence: Evidence, logs: Path, step: str,
                 env: Mapping[str, str], *args: str,
                 record_stdout: bool = True) -> harness.TerraformResult:
        log = logs / f"{step}.log"
        result = workdir.run(*args, env={**env, "TF_LOG": "trace", "TF_LOG_PATH": str(log)})
        if record_stdout:
            evidence.add(f"{step}: stdout", result.stdout)
        evidence.add(f"{step}: stderr", result.stderr)
        self.assertTrue(log.is_file() and log.stat().st_size > 0, f"{step}: no trace log")
        evidence.add_file(f"{step}: TF_LOG_PATH", log)
        return result

    def leftover_files(self, workdir: harness.Workdir, evidence: Evidence, step: str,
                       secret_in_hcl: bool) -> None:
        """Every file terraform wrote in the working directory (state, backups, errored.tfstate,
        crash logs, .terraform/ but the provider binaries); main.tf and the plan file only when
        the secret is not in the configuration."""
        for path in sorted(workdir.path.rglob("*")):
            relative = path.relative_to(workdir.path)
            if not path.is_file() or relative.parts[:2] == (".terraform", "providers"):
                continue
            if relative.name == "tfplan":
                if not secret_in_hcl:
                    evidence.add_plan_file(f"{step}: plan file", path)
                continue
            if relative.name == "main.tf" and secret_in_hcl:
                continue
            evidence.add_file(f"{step}: file {relative}", path)

    def show_plan(self, workdir: harness.Workdir, evidence: Evidence, logs: Path, step: str,
                  env: Mapping[str, str], fault: Fault, secret_in_hcl: bool) -> None:
        """``show -json tfplan`` into the evidence. With customer_secret in the configuration,
        terraform prints it as that expression's constant_value (see the module docstring): that
        must be its only place, and the rest is searched."""
        show = self.run_step(workdir, evidence, logs, step, env, "show", "-no-color", "-json",
                             "tfplan", record_stdout=not secret_in_hcl)
        self.assertTrue(show.ok, show.describe())
        if not secret_in_hcl:
            return
        document = show.json()
        expressions = document["configuration"]["provider_config"]["agora"]["expressions"]
        self.assertEqual(expressions["customer_secret"], {"constant_value": fault.secret}, step)
        expressions["customer_secret"] = {"constant_value": "(the configuration's literal)"}
        evidence.add(f"{step}: stdout but configuration.provider_config.agora.expressions"
                     ".customer_secret", json.dumps(document))

    def audit(self, fault: Fault, secret_in_hcl: bool, on_fetch_error: str) -> Evidence:
        evidence = Evidence()
        logs = harness.make_temp_dir("audit-logs")
        self.addCleanup(harness.remove_temp_dir, logs)
        self.fake.reset()
        self.fake.clear_rules()
        if fault.rule is not None:
            self.fake.add_rule(**fault.rule)
        env = {} if secret_in_hcl else {"AGORA_CUSTOMER_SECRET": fault.secret}
        proxy_requests = self.proxy.requests
        provider = self.provider_args(fault, secret_in_hcl)

        # data "agora_ncs_ips": plan -out (the read), show -json, apply of the saved plan.
        work = self.data_dir
        work.remove_state()
        (work.path / "tfplan").unlink(missing_ok=True)
        work.write_main_tf(data_config(provider, fault.data))
        plan = self.run_step(work, evidence, logs, "data plan", env,
                             "plan", "-no-color", "-input=false", "-out=tfplan")
        self.assertEqual(plan.ok, not fault.reads_fail, plan.describe())
        if plan.ok:
            self.show_plan(work, evidence, logs, "data show", env, fault, secret_in_hcl)
            apply = self.run_step(work, evidence, logs, "data apply", env,
                                  "apply", "-no-color", "-input=false", "tfplan")
            self.assertTrue(apply.ok, apply.describe())
        self.leftover_files(work, evidence, "data", secret_in_hcl)
        self.add_state_pull(work, evidence, "data state pull")

        # resource "agora_ncs_ip_set": create under the fault, then a plan over a created set.
        work = self.resource_dir
        work.remove_state()
        (work.path / "tfplan").unlink(missing_ok=True)
        work.write_main_tf(resource_config(provider, {**fault.data,
                                                      "on_fetch_error": on_fetch_error}))
        create = self.run_step(work, evidence, logs, "resource create", env,
                               "apply", "-no-color", "-input=false", "-auto-approve")
        self.assertEqual(create.ok, not fault.reads_fail, create.describe())
        self.leftover_files(work, evidence, "resource create", secret_in_hcl)
        if not create.ok:
            (work.path / "terraform.tfstate").write_bytes(self.created_states[on_fetch_error])
        plan = self.run_step(work, evidence, logs, "resource plan", env,
                             "plan", "-no-color", "-input=false", "-out=tfplan")
        # Rejected credentials are no outage: they fail even with keep (docs/resources/ncs_ip_set.md).
        kept = (fault.reads_fail and fault.keepable and not fault.credentials
                and on_fetch_error == "keep")
        if kept:
            self.assertIn("keeping the last good list", plan.text, plan.describe())
        elif fault.credentials and on_fetch_error == "keep":
            self.assertIn("Rejected or missing credentials are not an outage", plan.text,
                          plan.describe())
        self.assertEqual(plan.ok, not fault.reads_fail or kept, plan.describe())
        if plan.ok:
            self.show_plan(work, evidence, logs, "resource show", env, fault, secret_in_hcl)
        self.leftover_files(work, evidence, "resource plan", secret_in_hcl)
        self.add_state_pull(work, evidence, "resource state pull")

        if fault.endpoint == "fake":
            self.assertGreaterEqual(self.fake.request_count(), 3, "the fault was never served")
        if fault.endpoint == "proxy":
            self.assertGreaterEqual(self.proxy.requests - proxy_requests, 3, "proxy never asked")
        return evidence

    # --- the audit --------------------------------------------------------------------------------

    def test_no_form_of_the_secret_is_kept_anywhere(self) -> None:
        for index, fault in enumerate(faults()):
            # Every other fault has the secret in HCL, the rest in the environment; the
            # resource's on_fetch_error alternates in pairs, so all four combinations occur.
            secret_in_hcl = index % 2 == 0
            on_fetch_error = "keep" if index // 2 % 2 == 0 else "fail"
            with self.subTest(fault=fault.name,
                              secret="customer_secret" if secret_in_hcl
                              else "AGORA_CUSTOMER_SECRET",
                              on_fetch_error=on_fetch_error):
                evidence = self.audit(fault, secret_in_hcl, on_fetch_error)
                forms = {**secret_forms(CUSTOMER_ID, CUSTOMER_SECRET),
                         **{f"wrong {name}": form
                            for name, form in secret_forms(CUSTOMER_ID, WRONG_SECRET).items()}}
                self.assertEqual(evidence.leaks(forms), [])

    def test_the_audit_searches_real_output(self) -> None:
        # What is searched is what it should be: on success (secret in the environment, so
        # nothing is left out), each place holds what terraform writes there.
        evidence = self.audit(faults()[0], secret_in_hcl=False, on_fetch_error="keep")
        texts = dict(evidence.texts)
        markers = {
            "data plan: TF_LOG_PATH": b"ReadDataSource",
            "data show: stdout": b'"planned_values"',
            "data apply: stdout": b"Apply complete",
            "data state pull: stdout": b'"agora_ncs_ips"',
            "data: file terraform.tfstate": b'"agora_ncs_ips"',
            "resource create: TF_LOG_PATH": b"ApplyResourceChange",
            "resource plan: TF_LOG_PATH": b"ReadResource",
            "resource show: stdout": b'"prior_state"',
            "resource state pull: stdout": b'"agora_ncs_ip_set"',
            "resource plan: file terraform.tfstate": b'"agora_ncs_ip_set"',
        }
        for where, marker in markers.items():
            self.assertIn(where, texts)
            self.assertIn(marker, texts[where], where)
        members = [where for where in texts if where.startswith("data: plan file member")]
        self.assertTrue(any(where.endswith("main.tf") for where in members), members)
        # And a secret there would be found.
        self.assertTrue(evidence.leaks({"customer ID": CUSTOMER_ID}))


if __name__ == "__main__":
    unittest.main()

"""End-to-end tests of ``data "agora_ncs_ips"`` through real terraform and the fake Agora API.

One working directory is initialised once for the class (``terraform init`` is the slow part; the
provider set never changes); each test starts its own fake API, writes ``main.tf``, removes any
state and applies. Contract under test: docs/design/product-contract.md §4 (data source
agora_ncs_ips) and §3 (provider block).
"""

from __future__ import annotations

import ipaddress
import json
import random
import re
import unittest
from typing import Any, Dict, List, Mapping, Optional, Sequence

import harness

CUSTOMER_ID = "e2e-customer-4c1d9a"
CUSTOMER_SECRET = "c0rrect-S3CRET-9b1e-DO-NOT-LEAK"
WRONG_SECRET = "s3cr3t-DO-NOT-LEAK-7f3a"
FINGERPRINT_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
COMPUTED = ("id", "fingerprint", "ip_addresses", "ipv4_addresses", "ipv6_addresses",
            "cidr_blocks", "ipv6_cidr_blocks", "cidr_block_chunks", "ipv6_cidr_block_chunks")


def chunks(items: Sequence[str], size: int) -> List[List[str]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def expected_lists(ips: Sequence[str], chunk_size: int = 50) -> Dict[str, Any]:
    """The list attributes the contract promises for ``ips`` (everything but the fingerprint):
    canonical text, duplicates removed, each family sorted numerically, IPv4 first."""
    addresses = {ipaddress.ip_address(ip) for ip in ips}
    v4 = [str(a) for a in sorted(a for a in addresses if a.version == 4)]
    v6 = [str(a) for a in sorted(a for a in addresses if a.version == 6)]
    cidr4 = [f"{a}/32" for a in v4]
    cidr6 = [f"{a}/128" for a in v6]
    return {
        "ip_addresses": v4 + v6,
        "ipv4_addresses": v4,
        "ipv6_addresses": v6,
        "cidr_blocks": cidr4,
        "ipv6_cidr_blocks": cidr6,
        "cidr_block_chunks": chunks(cidr4, chunk_size),
        "ipv6_cidr_block_chunks": chunks(cidr6, chunk_size),
    }


def config(*, provider: Optional[Mapping[str, Any]] = None,
           data: Optional[Mapping[str, Any]] = None, extra: str = "") -> str:
    """main.tf: required_providers, the provider block, one data source ``ncs`` and an output
    ``ncs`` holding the whole data-source object."""
    return (harness.required_providers_block()
            + "\n" + harness.hcl_block('provider "agora"', provider or {})
            + "\n" + harness.hcl_block('data "agora_ncs_ips" "ncs"', data or {})
            + '\noutput "ncs" {\n  value = data.agora_ncs_ips.ncs\n}\n'
            + extra)


class NcsIpsDataSourceTest(unittest.TestCase):
    workdir: harness.Workdir

    @classmethod
    def setUpClass(cls) -> None:
        cls.workdir = harness.Workdir("ncs-ips")
        cls.addClassCleanup(cls.workdir.cleanup)
        cls.workdir.write_main_tf(config(provider={"endpoints": ["http://127.0.0.1:9"]}))
        result = cls.workdir.init()
        if not result.ok:
            raise AssertionError("terraform init failed\n" + result.describe())

    def setUp(self) -> None:
        self.workdir.remove_state()
        self.fake = harness.start_fake(self, customer_id=CUSTOMER_ID,
                                       customer_secret=CUSTOMER_SECRET)

    # --- helpers ----------------------------------------------------------------------------------

    def provider_args(self, **overrides: Any) -> Dict[str, Any]:
        """Provider arguments pointing at this test's fake with the right credentials."""
        args: Dict[str, Any] = {
            "customer_id": CUSTOMER_ID,
            "customer_secret": CUSTOMER_SECRET,
            "endpoints": [self.fake.url],
        }
        args.update(overrides)
        return {k: v for k, v in args.items() if v is not None}

    def apply_ok(self, **kw: Any) -> harness.TerraformResult:
        result = self.workdir.apply(**kw)
        self.assertEqual(result.returncode, 0, result.describe())
        return result

    def apply_fails(self, **kw: Any) -> harness.TerraformResult:
        result = self.workdir.apply(**kw)
        self.assertNotEqual(result.returncode, 0, "apply must fail\n" + result.describe())
        self.assertIn("Error", result.output, result.describe())
        return result

    def ncs(self) -> Dict[str, Any]:
        outputs = self.workdir.outputs()
        self.assertIn("ncs", outputs)
        return outputs["ncs"]

    def assert_lists(self, ncs: Mapping[str, Any], ips: Sequence[str], chunk_size: int) -> None:
        for name, value in expected_lists(ips, chunk_size).items():
            self.assertEqual(ncs[name], value, f"attribute {name}")
        self.assertRegex(ncs["fingerprint"], FINGERPRINT_RE)
        self.assertEqual(ncs["id"], ncs["fingerprint"])

    def assert_no_data_source_result(self) -> None:
        """After a failed first apply: no outputs and no agora_ncs_ips in the state."""
        self.assertEqual(self.workdir.outputs(), {})
        self.assertEqual(self.workdir.state_resources("agora_ncs_ips"), [])

    def assert_mentions(self, result: harness.TerraformResult, *needles: str) -> None:
        text = result.text
        for needle in needles:
            self.assertIn(needle, text, f"output should mention {needle!r}\n" + result.describe())

    def assert_requests(self, count: int, path: str = "/v2/ncs/ip", customer_id: str = CUSTOMER_ID,
                        secret: str = CUSTOMER_SECRET) -> None:
        requests = self.fake.requests()
        self.assertEqual(len(requests), count,
                         f"expected {count} API request(s), got {[r['path'] for r in requests]}")
        authorization = harness.basic_authorization(customer_id, secret)
        for request in requests:
            self.assertEqual(request["method"], "GET")
            self.assertEqual(request["path"], path)
            self.assertEqual(request["headers"].get("authorization"), authorization)
            self.assertIn("application/json", request["headers"].get("accept", ""))
            self.assertEqual(request["host"], f"127.0.0.1:{self.fake.port}")

    # --- happy path -------------------------------------------------------------------------------

    def test_happy_path_outputs_are_sorted_deduplicated_and_chunked(self) -> None:
        self.workdir.write_main_tf(config(provider=self.provider_args(),
                                          data={"min_count": 1, "chunk_size": 2}))
        self.apply_ok()
        ncs = self.ncs()
        ips = self.fake.ips
        self.assertGreater(len(ips), len(set(ips)), "the fake's default list has a duplicate")
        self.assert_lists(ncs, ips, chunk_size=2)
        # Spelled out, independently of expected_lists(): numeric order, IPv4 first, chunks of 2.
        self.assertLess(ncs["ip_addresses"].index("198.51.100.9"),
                        ncs["ip_addresses"].index("198.51.100.10"))
        self.assertLess(ncs["ip_addresses"].index("198.51.100.10"),
                        ncs["ip_addresses"].index("198.51.100.100"))
        self.assertEqual(ncs["ipv6_addresses"], ["2001:db8::3", "2001:db8::20", "2001:db8:0:1::5"])
        self.assertEqual(ncs["ip_addresses"][:len(ncs["ipv4_addresses"])], ncs["ipv4_addresses"])
        self.assertEqual(ncs["cidr_blocks"][0], "192.0.2.15/32")
        self.assertEqual(ncs["ipv6_cidr_blocks"][0], "2001:db8::3/128")
        self.assertTrue(all(len(c) <= 2 for c in ncs["cidr_block_chunks"]))
        self.assertEqual(sum(ncs["cidr_block_chunks"], []), ncs["cidr_blocks"])
        self.assertEqual(sum(ncs["ipv6_cidr_block_chunks"], []), ncs["ipv6_cidr_blocks"])
        self.assertEqual(len(set(ncs["ip_addresses"])), len(ncs["ip_addresses"]))
        self.assert_requests(1)

    def test_defaulted_arguments_show_their_effective_values(self) -> None:
        # Optional + Computed: the state holds the defaults in effect, not null, so outputs and
        # `terraform console` show what the read used.
        self.workdir.write_main_tf(config(provider=self.provider_args()))
        self.apply_ok()
        ncs = self.ncs()
        self.assertEqual((ncs["service"], ncs["min_count"], ncs["chunk_size"], ncs["aggregate"]),
                         ("rtc", 1, 50, False))
        self.workdir.write_main_tf(config(provider=self.provider_args(),
                                          data={"service": "media_gateway", "min_count": 2,
                                                "chunk_size": 3, "aggregate": True}))
        self.apply_ok()
        ncs = self.ncs()
        self.assertEqual((ncs["service"], ncs["min_count"], ncs["chunk_size"], ncs["aggregate"]),
                         ("media_gateway", 2, 3, True))

    def test_fingerprint_is_stable_for_the_same_set_and_changes_with_it(self) -> None:
        self.workdir.write_main_tf(config(provider=self.provider_args()))
        self.apply_ok()
        first = self.ncs()
        self.assert_lists(first, self.fake.ips, chunk_size=50)

        # Same set, different API order and different duplicates: nothing changes.
        reordered = sorted(set(self.fake.ips), key=lambda ip: ip[::-1])
        random.Random(7).shuffle(reordered)
        self.fake.set_ips(reordered + reordered[:2])
        self.apply_ok()
        second = self.ncs()
        for name in COMPUTED:
            self.assertEqual(second[name], first[name], f"attribute {name}")

        # One more address: the fingerprint and the lists change.
        changed = reordered + ["203.0.113.77"]
        self.fake.set_ips(changed)
        self.apply_ok()
        third = self.ncs()
        self.assertNotEqual(third["fingerprint"], first["fingerprint"])
        self.assert_lists(third, changed, chunk_size=50)
        self.assertIn("203.0.113.77/32", third["cidr_blocks"])
        self.assert_requests(3)

    def test_credentials_and_endpoints_from_environment(self) -> None:
        self.workdir.write_main_tf(config())
        self.apply_ok(env={
            "AGORA_CUSTOMER_ID": CUSTOMER_ID,
            "AGORA_CUSTOMER_SECRET": CUSTOMER_SECRET,
            "AGORA_ENDPOINTS": self.fake.url,
        })
        self.assert_lists(self.ncs(), self.fake.ips, chunk_size=50)
        self.assert_requests(1)

        # Arguments in the configuration win over the environment.
        self.fake.reset()
        self.fake.set_credentials("hcl-customer", "hcl-secret")
        self.workdir.remove_state()
        self.workdir.write_main_tf(config(provider=self.provider_args(
            customer_id="hcl-customer", customer_secret="hcl-secret")))
        self.apply_ok(env={
            "AGORA_CUSTOMER_ID": CUSTOMER_ID,
            "AGORA_CUSTOMER_SECRET": CUSTOMER_SECRET,
            "AGORA_ENDPOINTS": "http://127.0.0.1:9",  # Would fail if it were used.
        })
        self.assert_requests(1, customer_id="hcl-customer", secret="hcl-secret")

    def test_v1_service_reads_v1_endpoint(self) -> None:
        self.workdir.write_main_tf(config(provider=self.provider_args(),
                                          data={"service": "cloud_recording"}))
        self.apply_ok()
        self.assert_lists(self.ncs(), self.fake.ips, chunk_size=50)
        self.assert_requests(1, path="/v1/ncs/ip")

    def test_instances_share_one_request(self) -> None:
        extra = (
            'data "agora_ncs_ips" "each" {\n'
            "  for_each   = { small = 1, large = 3 }\n"
            "  chunk_size = each.value\n"
            "}\n\n"
            'output "each" {\n  value = data.agora_ncs_ips.each\n}\n'
        )
        self.workdir.write_main_tf(config(provider=self.provider_args(), extra=extra))
        self.apply_ok()
        outputs = self.workdir.outputs()
        fingerprints = {outputs["ncs"]["fingerprint"]}
        fingerprints |= {v["fingerprint"] for v in outputs["each"].values()}
        self.assertEqual(len(fingerprints), 1)
        self.assertEqual(outputs["each"]["small"]["cidr_block_chunks"],
                         chunks(outputs["ncs"]["cidr_blocks"], 1))
        self.assertEqual(outputs["each"]["large"]["cidr_block_chunks"],
                         chunks(outputs["ncs"]["cidr_blocks"], 3))
        self.assert_requests(1)

    def test_host_without_primary_ip_is_skipped_with_warning(self) -> None:
        self.fake.add_rule(hosts=[{"primaryIP": "203.0.113.5", "region": "na"},
                                  {"region": "eu", "weight": 3},
                                  {"primaryIP": "2001:db8::1"}])
        self.workdir.write_main_tf(config(provider=self.provider_args()))
        result = self.apply_ok()
        self.assert_mentions(result, "Warning", "primaryIP")
        self.assert_lists(self.ncs(), ["203.0.113.5", "2001:db8::1"], chunk_size=50)

    # --- credentials and secrets ------------------------------------------------------------------

    def test_logs_carry_go_provider_fields_typed_values_and_retry_decisions(self) -> None:
        """With TF_LOG=json, provider lines reach Terraform's log as terraform-plugin-go's do:
        tf_provider_addr, tf_rpc, tf_req_id (one per RPC), tf_data_source_type, @caller, numbers
        as numbers, and one DEBUG line per retry decision with its reason, wait and endpoint."""
        self.fake.script([{"status": 503}])
        log = self.workdir.root / "json.log"
        self.workdir.write_main_tf(config(provider=self.provider_args(),
                                          extra='data "agora_ncs_ips" "second" {}\n'))
        self.apply_ok(env={"TF_LOG": "json", "TF_LOG_PATH": str(log)})
        lines = []
        for raw in log.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if entry.get("@module") == "agora":  # the provider's log_module, kept by terraform
                lines.append(entry)
        self.assertTrue(lines, "provider lines in the JSON log")
        reads = [e for e in lines if e.get("tf_rpc") == "ReadDataSource"]
        self.assertTrue(reads)
        for entry in reads:
            self.assertEqual(entry["tf_provider_addr"], "registry.terraform.io/agora/agora")
            self.assertEqual(entry["tf_data_source_type"], "agora_ncs_ips")
            self.assertRegex(entry["tf_req_id"], r"^[0-9a-f]{8}-[0-9a-f]{4}-4")
            self.assertRegex(entry["@caller"], r"^(internal|provider)/[a-z_/]+\.(cc|h):\d+$")
        self.assertEqual(len({e["tf_req_id"] for e in reads
                              if e["@message"] == "Received request"}), 2,
                         "each of the two reads has its own request ID")
        retry = [e for e in lines if e["@message"] == "Retrying Agora request"]
        self.assertEqual(len(retry), 1, lines)
        self.assertEqual(retry[0]["@level"], "debug")
        self.assertIn("HTTP 503", retry[0]["reason"])
        self.assertEqual(retry[0]["attempt"], 2)
        self.assertIsInstance(retry[0]["wait_ms"], int)
        self.assertGreaterEqual(retry[0]["wait_ms"], 1000)
        self.assertEqual(retry[0]["endpoint"], self.fake.url)
        requesting = [e for e in lines if e["@message"] == "Requesting Agora's Notifications IPs"]
        self.assertEqual([e["attempt"] for e in requesting], [1, 2])
        schema = [e for e in lines if e.get("tf_rpc") == "GetProviderSchema"]
        self.assertTrue(schema, "GetProviderSchema is traced like the other RPCs")

    def test_wrong_secret_fails_with_401_and_no_secret_leaks(self) -> None:
        tokens = {
            "correct secret": CUSTOMER_SECRET,
            "correct Authorization": harness.basic_authorization(CUSTOMER_ID, CUSTOMER_SECRET)[6:],
            "wrong secret": WRONG_SECRET,
            "wrong Authorization": harness.basic_authorization(CUSTOMER_ID, WRONG_SECRET)[6:],
        }

        def assert_no_leak(result: harness.TerraformResult, log: Any) -> None:
            self.assertTrue(log.is_file() and log.stat().st_size > 0, "TF_LOG_PATH was written")
            for what, token in tokens.items():
                self.assertNotIn(token, result.stdout, f"{what} in stdout")
                self.assertNotIn(token, result.stderr, f"{what} in stderr")
            state_text = self.workdir.state_pull().stdout
            for what, token in tokens.items():
                self.assertNotIn(token, state_text, f"{what} in terraform state pull")
            hits = harness.files_containing(tokens.values(), [log, *self.workdir.state_files()])
            self.assertEqual(hits, [], "secrets found in files")

        # 1. Correct secret from the environment, TRACE logging: success, no trace of the secret.
        log_ok = self.workdir.root / "trace-ok.log"
        self.workdir.write_main_tf(config(provider=self.provider_args(customer_secret=None)))
        result = self.apply_ok(env={"AGORA_CUSTOMER_SECRET": CUSTOMER_SECRET,
                                    "TF_LOG": "TRACE", "TF_LOG_PATH": str(log_ok)})
        self.assertTrue(self.workdir.state_files(), "the successful apply wrote state")
        assert_no_leak(result, log_ok)

        # 2. Wrong secret in the configuration, TRACE logging: 401 naming the customer ID only.
        log_bad = self.workdir.root / "trace-bad.log"
        self.workdir.write_main_tf(config(provider=self.provider_args(
            customer_secret=WRONG_SECRET)))
        result = self.apply_fails(env={"TF_LOG": "TRACE", "TF_LOG_PATH": str(log_bad)})
        self.assert_mentions(result, "401", CUSTOMER_ID)
        assert_no_leak(result, log_bad)
        bad = self.fake.requests()[-1]
        self.assertTrue(bad["authorization_present"])
        self.assertFalse(bad["auth_ok"])
        self.assertEqual(bad["auth_user"], CUSTOMER_ID)

    def test_missing_credentials_fail_at_read_but_validate_passes(self) -> None:
        self.workdir.write_main_tf(config(provider={"endpoints": [self.fake.url]}))
        result = self.workdir.validate()
        self.assertEqual(result.returncode, 0, result.describe())

        with self.subTest("no customer_id"):
            result = self.apply_fails()
            self.assert_mentions(result, "customer_id", "AGORA_CUSTOMER_ID")
            self.assert_no_data_source_result()

        with self.subTest("customer_id but no customer_secret"):
            self.workdir.write_main_tf(config(provider={"endpoints": [self.fake.url],
                                                        "customer_id": CUSTOMER_ID}))
            result = self.apply_fails()
            self.assert_mentions(result, "customer_secret", "AGORA_CUSTOMER_SECRET")
            self.assert_no_data_source_result()

        self.assertEqual(self.fake.request_count(), 0, "no request without credentials")

    # --- bad answers ------------------------------------------------------------------------------

    def test_empty_hosts_fails_on_min_count(self) -> None:
        self.fake.add_rule(hosts=[])
        self.workdir.write_main_tf(config(provider=self.provider_args()))
        result = self.apply_fails()
        self.assert_mentions(result, "min_count")
        self.assert_no_data_source_result()

    def test_fewer_addresses_than_min_count_fails(self) -> None:
        self.fake.set_ips(["192.0.2.1", "198.51.100.1", "2001:db8::1"])
        self.workdir.write_main_tf(config(provider=self.provider_args(), data={"min_count": 5}))
        result = self.apply_fails()
        self.assert_mentions(result, "min_count")
        self.assert_no_data_source_result()

    def test_malformed_body_fails(self) -> None:
        for raw in ("<html><body>502 Bad Gateway</body></html>",
                    '{"data":{"service":{"hosts":[{"primaryIP":"192.0.2.1"}'):
            with self.subTest(raw=raw):
                self.fake.reset()
                self.workdir.remove_state()
                self.fake.add_rule(raw=raw)
                self.workdir.write_main_tf(config(provider=self.provider_args()))
                result = self.apply_fails()
                self.assertIn("json", result.text.lower(), result.describe())
                self.assert_mentions(result, "hosts", "primaryIP")
                self.assert_no_data_source_result()

    def test_wrong_shape_fails_saying_what_was_expected(self) -> None:
        cases = [
            ({"data": {}}, ()),
            ({"data": {"service": {"hosts": "203.0.113.10"}}}, ("data.service.hosts",)),
            ([{"primaryIP": "203.0.113.10"}], ()),
        ]
        for document, specific in cases:
            with self.subTest(body=document):
                self.fake.reset()
                self.workdir.remove_state()
                self.fake.add_rule(json=document)
                self.workdir.write_main_tf(config(provider=self.provider_args()))
                result = self.apply_fails()
                self.assert_mentions(result, "hosts", "primaryIP", *specific)
                self.assert_no_data_source_result()

    def test_private_address_is_rejected(self) -> None:
        self.fake.set_ips(["203.0.113.10", "10.0.0.1", "198.51.100.7"])
        self.workdir.write_main_tf(config(provider=self.provider_args()))
        result = self.apply_fails()
        self.assert_mentions(result, "10.0.0.1")
        self.assert_no_data_source_result()

    def test_server_error_reports_status_message_endpoint_and_request_ids(self) -> None:
        message = "NCS backend temporarily unavailable (fake-e2e)"
        self.fake.add_rule(status=500, message=message)
        self.workdir.write_main_tf(config(provider=self.provider_args(max_retries=0)))
        result = self.apply_fails()
        self.assertEqual(self.fake.request_count(), 1, "max_retries = 0: one attempt")
        self.assert_mentions(result, "500", message, self.fake.url,
                             self.fake.request_ids()[-1], self.fake.resource_ids()[-1])
        self.assert_no_data_source_result()


if __name__ == "__main__":
    unittest.main()

"""End-to-end tests of ``resource "agora_ncs_ip_set"`` through real terraform and the fake Agora API.

Each test asserts what users see (plan text, exit codes), what Terraform keeps (state), and how
many requests reached Agora. The behaviour under test is docs/resources/ncs_ip_set.md: refresh
reads Agora into private state, plans are computed from state alone, apply makes no request
except on create.
"""

from __future__ import annotations

import json
import re
import time
import unittest
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

import harness
from test_ncs_ips import expected_lists

CUSTOMER_ID = "e2e-ipset-customer-1f2e"
CUSTOMER_SECRET = "ipset-S3CRET-6d1c-DO-NOT-LEAK"
RESOURCE = "agora_ncs_ip_set.ncs"
FOUR = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
RFC3339_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def config(provider: Mapping[str, Any], resource: Optional[Mapping[str, Any]] = None,
           extra: str = "") -> str:
    """main.tf: the provider, one ``agora_ncs_ip_set.ncs``, a downstream ``terraform_data.sg``
    fed by its CIDR blocks (as a security group would be), and an output of its blocks."""
    return (harness.required_providers_block()
            + "\n" + harness.hcl_block('provider "agora"', provider)
            + "\n" + harness.hcl_block('resource "agora_ncs_ip_set" "ncs"', resource or {})
            + '\nresource "terraform_data" "sg" {\n'
              '  input = agora_ncs_ip_set.ncs.cidr_blocks\n}\n'
            # Not the whole object: under "keep" last_read_at moves at every successful refresh,
            # so an output of the whole object changes at every plan (docs/resources/ncs_ip_set.md).
            + '\noutput "ncs" {\n  value = agora_ncs_ip_set.ncs.cidr_blocks\n}\n'
            + extra)


class NcsIpSetResourceTest(unittest.TestCase):
    workdir: harness.Workdir

    @classmethod
    def setUpClass(cls) -> None:
        cls.workdir = harness.Workdir("ip-set")
        cls.addClassCleanup(cls.workdir.cleanup)
        cls.workdir.write_main_tf(config({"endpoints": ["http://127.0.0.1:9"]}))
        result = cls.workdir.init()
        if not result.ok:
            raise AssertionError("terraform init failed\n" + result.describe())

    def setUp(self) -> None:
        self.workdir.remove_state()
        for leftover in ("tfplan", "trace.log"):
            (self.workdir.path / leftover).unlink(missing_ok=True)
        self.fake = harness.start_fake(self, customer_id=CUSTOMER_ID,
                                       customer_secret=CUSTOMER_SECRET, ips=FOUR)

    # --- helpers ----------------------------------------------------------------------------------

    def write(self, resource: Optional[Mapping[str, Any]] = None, extra: str = "",
              **provider: Any) -> None:
        args: Dict[str, Any] = {"customer_id": CUSTOMER_ID, "customer_secret": CUSTOMER_SECRET,
                                "endpoints": [self.fake.url], "max_retries": 0}
        args.update(provider)
        args = {k: v for k, v in args.items() if v is not None}
        self.workdir.write_main_tf(config(args, resource, extra))

    def run_ok(self, *args: str, **kw: Any) -> harness.TerraformResult:
        result = self.workdir.run(*args, **kw)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertNotIn("inconsistent", result.output, result.describe())
        return result

    def apply_ok(self, *args: str) -> harness.TerraformResult:
        return self.run_ok("apply", "-no-color", "-input=false", "-auto-approve", *args)

    def plan(self, *args: str) -> harness.TerraformResult:
        return self.workdir.run("plan", "-no-color", "-input=false", "-detailed-exitcode", *args)

    def create(self, resource: Optional[Mapping[str, Any]] = None, **provider: Any) -> None:
        self.write(resource, **provider)
        self.apply_ok()
        self.fake.reset()

    def attributes(self) -> Dict[str, Any]:
        resources = self.workdir.state_resources("agora_ncs_ip_set")
        self.assertEqual(len(resources), 1, self.workdir.state())
        return resources[0]["instances"][0]["attributes"]

    def sg_input(self) -> List[str]:
        # terraform_data keeps its input as {"value": ..., "type": ...}.
        return self.workdir.state_resources("terraform_data")[0]["instances"][0]["attributes"][
            "input"]["value"]

    def requests(self) -> int:
        return self.fake.request_count()

    def assert_published(self, ips: List[str]) -> None:
        attributes = self.attributes()
        for name, value in expected_lists(ips).items():
            self.assertEqual(attributes[name], value, f"attribute {name}")
        self.assertEqual(self.sg_input(), expected_lists(ips)["cidr_blocks"])

    # --- create, no change, update ----------------------------------------------------------------

    def test_create_reads_once_and_state_holds_the_list(self) -> None:
        self.write()
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn("+ ip_addresses", plan.output)
        self.assertIn("(known after apply)", plan.output)
        self.assertEqual(self.requests(), 0, "planning a create reads nothing")
        self.apply_ok()
        self.assertEqual(self.requests(), 1, "one request for the whole apply")
        attributes = self.attributes()
        self.assert_published(FOUR)
        self.assertEqual(attributes["id"], "rtc")
        self.assertEqual(attributes["service"], "rtc")
        self.assertEqual(attributes["max_removed_percent"], 50)
        self.assertEqual(attributes["on_fetch_error"], "fail")
        self.assertEqual(attributes["grace_period"], "0s")
        self.assertEqual(attributes["max_staleness"], "24h")
        self.assertEqual(sorted(attributes["published_since"]), sorted(FOUR))
        self.assertEqual(set(attributes["published_since"].values()), {attributes["changed_at"]})
        self.assertEqual(attributes["last_read_at"], attributes["changed_at"])
        self.assertEqual(attributes["pending_removal"], {})
        self.assertRegex(attributes["changed_at"], RFC3339_RE)
        self.assertRegex(attributes["fingerprint"], r"^sha256:[0-9a-f]{64}$")

    def test_unchanged_list_plans_no_changes(self) -> None:
        self.create()
        plan = self.plan()
        self.assertEqual(plan.returncode, 0, plan.describe())
        self.assertIn("No changes.", plan.output)
        self.assertEqual(self.requests(), 1, "the refresh reads Agora once")
        # The refresh found the list it had recorded: it stores nothing new, last_read_at included
        # (with "fail"; tests/e2e/test_refresh_only.py covers "keep").
        before = self.attributes()["last_read_at"]
        time.sleep(1.1)
        refresh_only = self.plan("-refresh-only")
        self.assertEqual(refresh_only.returncode, 0, refresh_only.describe())
        self.assertIn("No changes.", refresh_only.output)
        self.apply_ok()
        self.assertEqual(self.attributes()["last_read_at"], before)

    def test_added_address_is_planned_downstream_and_the_saved_plan_is_what_applies(self) -> None:
        self.create()
        before = self.attributes()["changed_at"]
        self.fake.set_ips(FOUR + ["203.0.113.5"])
        time.sleep(1.1)  # so that changed_at visibly moves
        plan = self.plan("-out=tfplan")
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn('+ "203.0.113.5"', plan.output)
        self.assertIn('+ "203.0.113.5/32"', plan.output, "the downstream input is known")
        self.assertIn("agora_ncs_ip_set.ncs will be updated in-place", plan.output)
        self.assertIn("2 to change", plan.output)
        # Agora moves on before the saved plan is applied: the reviewed list is what applies.
        self.fake.set_ips(FOUR + ["203.0.113.6"])
        self.fake.reset()
        self.run_ok("apply", "-no-color", "-input=false", "tfplan")
        self.assertEqual(self.requests(), 0, "applying a saved update makes no request")
        self.assert_published(FOUR + ["203.0.113.5"])
        attributes = self.attributes()
        self.assertGreater(attributes["published_since"]["203.0.113.5"], before)
        self.assertEqual(attributes["published_since"]["203.0.113.1"], before)
        self.assertGreater(attributes["changed_at"], before)
        self.assertEqual(attributes["last_read_at"], attributes["changed_at"],
                         "the reviewed read, not the one at apply")

    def test_one_apply_makes_one_request_for_an_update_too(self) -> None:
        self.create()
        self.fake.set_ips(FOUR + ["203.0.113.9"])
        self.apply_ok()
        self.assertEqual(self.requests(), 1, "refresh reads; the apply walk does not")
        self.assert_published(FOUR + ["203.0.113.9"])

    def test_a_data_source_of_the_same_service_shares_the_one_read(self) -> None:
        self.create()
        self.write(extra='\ndata "agora_ncs_ips" "rtc" {}\n'
                         'output "same" {\n'
                         '  value = data.agora_ncs_ips.rtc.fingerprint == '
                         'agora_ncs_ip_set.ncs.fingerprint\n}\n')
        self.apply_ok()
        self.assertEqual(self.requests(), 1, "refresh and data source read share one request")
        self.assertTrue(self.workdir.outputs()["same"])

    def test_refresh_false_plans_from_the_stored_read(self) -> None:
        self.create()
        self.fake.set_ips(FOUR + ["203.0.113.5"])
        plan = self.plan("-refresh=false")
        self.assertEqual(plan.returncode, 0, plan.describe())
        self.assertEqual(self.requests(), 0)

    def test_chunk_size_change_updates_in_place(self) -> None:
        self.create()
        self.write({"chunk_size": 3})
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn("~ chunk_size", plan.output)
        self.assertIn("updated in-place", plan.output)
        self.apply_ok()
        self.assertEqual(self.attributes()["cidr_block_chunks"],
                         [["203.0.113.1/32", "203.0.113.2/32", "203.0.113.3/32"],
                          ["203.0.113.4/32"]])

    def test_an_argument_known_only_after_apply_is_resolved_at_apply_without_a_request(self) -> None:
        self.create()
        self.fake.set_ips(FOUR + ["203.0.113.5"])
        self.write({"chunk_size": "EXPRESSION"},
                   extra='\nresource "terraform_data" "size" {\n  input = 2\n}\n')
        main_tf = self.workdir.path / "main.tf"
        main_tf.write_text(main_tf.read_text().replace('"EXPRESSION"', "terraform_data.size.output"))
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn("chunk_size", plan.output)
        self.assertIn("(known after apply)", plan.output)
        self.fake.reset()
        self.apply_ok()
        self.assertEqual(self.requests(), 1, "the refresh only")
        attributes = self.attributes()
        self.assertEqual(attributes["chunk_size"], 2)
        self.assertEqual(attributes["cidr_block_chunks"],
                         [["203.0.113.1/32", "203.0.113.2/32"],
                          ["203.0.113.3/32", "203.0.113.4/32"], ["203.0.113.5/32"]])
        self.assertIn("203.0.113.5", attributes["published_since"])

    # --- removals ---------------------------------------------------------------------------------

    def test_removed_address_without_grace_period_is_removed(self) -> None:
        self.create()
        self.fake.set_ips(FOUR[:3])
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn('- "203.0.113.4"', plan.output)
        self.apply_ok()
        self.assert_published(FOUR[:3])
        self.assertEqual(sorted(self.attributes()["published_since"]), FOUR[:3])

    def test_grace_period_keeps_a_removed_address_until_it_expires(self) -> None:
        self.create({"grace_period": "4s"})
        self.fake.set_ips(FOUR[:3])
        self.apply_ok()
        attributes = self.attributes()
        self.assert_published(FOUR)
        pending = attributes["pending_removal"]
        self.assertEqual(list(pending), ["203.0.113.4"])
        expiry = datetime.strptime(pending["203.0.113.4"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc)
        # Before the expiry a plan proposes nothing.
        plan = self.plan()
        if datetime.now(timezone.utc) < expiry:
            self.assertEqual(plan.returncode, 0, plan.describe())
        time.sleep(max(0.0, (expiry - datetime.now(timezone.utc)).total_seconds()) + 1.2)
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn('- "203.0.113.4"', plan.output)
        self.apply_ok()
        self.assert_published(FOUR[:3])
        self.assertEqual(self.attributes()["pending_removal"], {})
        self.assertNotIn("203.0.113.4", self.attributes()["published_since"])

    def test_an_address_that_comes_back_stops_pending(self) -> None:
        self.create({"grace_period": "72h"})
        self.fake.set_ips(FOUR[:3])
        self.apply_ok()
        self.assertIn("203.0.113.4", self.attributes()["pending_removal"])
        self.fake.set_ips(FOUR)
        self.apply_ok()
        self.assertEqual(self.attributes()["pending_removal"], {})
        self.assert_published(FOUR)

    def test_removal_above_max_removed_percent_fails_listing_the_addresses(self) -> None:
        self.create()
        self.fake.set_ips(FOUR[:1])
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        text = plan.text
        self.assertIn("Too many Notifications IPs would be removed", text)
        for address in FOUR[1:]:
            self.assertIn(address, text)
        self.assertIn("max_removed_percent", text)
        self.assertIn("main.tf", text, "the error points at the configuration")
        self.assert_published(FOUR)
        # Raised for one run, the removal goes through.
        self.write({"max_removed_percent": 100})
        self.apply_ok()
        self.assert_published(FOUR[:1])

    def test_zero_max_removed_percent_makes_any_removal_need_review(self) -> None:
        self.create({"max_removed_percent": 0})
        self.fake.set_ips(FOUR[:3])
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("203.0.113.4", plan.text)
        # Additions alone pass.
        self.fake.set_ips(FOUR + ["203.0.113.7"])
        self.apply_ok()
        self.assert_published(FOUR + ["203.0.113.7"])

    def test_min_count_refuses_a_short_answer(self) -> None:
        self.create({"min_count": 3, "max_removed_percent": 100})
        self.fake.set_ips(FOUR[:2])
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("Too few Notifications IPs", plan.text)
        self.assert_published(FOUR)

    # --- Agora unavailable ------------------------------------------------------------------------

    def test_fetch_error_with_keep_warns_and_changes_nothing(self) -> None:
        self.create({"on_fetch_error": "keep"})
        self.fake.add_rule(status=500, message="NCS down for maintenance (fake)")
        plan = self.plan()
        self.assertEqual(plan.returncode, 0, plan.describe())
        self.assertIn("Warning:", plan.output)
        self.assertIn("keeping the last good list", plan.text)
        self.assertIn("NCS down for maintenance (fake)", plan.text)
        self.apply_ok()
        self.assert_published(FOUR)

    def test_fetch_error_with_fail_is_an_error(self) -> None:
        self.create()
        self.fake.add_rule(status=500, message="NCS down for maintenance (fake)")
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("NCS down for maintenance (fake)", plan.text)
        self.assert_published(FOUR)

    def test_first_create_needs_a_successful_read_even_with_keep(self) -> None:
        self.fake.add_rule(status=500)
        self.write({"on_fetch_error": "keep"})
        result = self.workdir.apply()
        self.assertEqual(result.returncode, 1, result.describe())
        self.assertEqual(self.workdir.state_resources("agora_ncs_ip_set"), [])

    # --- replace, import, destroy, upgrade --------------------------------------------------------

    def test_service_change_replaces_the_resource(self) -> None:
        self.create()
        self.write({"service": "cloud_recording"})
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn("must be replaced", plan.output)
        self.assertIn("forces replacement", plan.output)
        self.fake.reset()
        self.apply_ok()
        self.assertEqual(self.attributes()["service"], "cloud_recording")
        self.assertEqual(self.attributes()["id"], "cloud_recording")
        self.assertEqual(self.fake.request_count("/v1/ncs/ip"), 1)

    def test_import_by_id(self) -> None:
        self.write()
        result = self.run_ok("import", "-no-color", "-input=false", RESOURCE, "rtc")
        self.assertIn("Import successful", result.output)
        self.assert_published_without_downstream(FOUR)
        bad = self.workdir.run("import", "-no-color", "-input=false", RESOURCE, "voice")
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("Invalid import ID", bad.text)

    def assert_published_without_downstream(self, ips: List[str]) -> None:
        attributes = self.attributes()
        for name, value in expected_lists(ips).items():
            self.assertEqual(attributes[name], value, f"attribute {name}")
        self.assertEqual(attributes["id"], "rtc")
        self.assertEqual(sorted(attributes["published_since"]), sorted(ips))
        self.assertRegex(attributes["last_read_at"], RFC3339_RE)

    def test_import_block(self) -> None:
        self.write(extra='\nimport {\n  to = agora_ncs_ip_set.ncs\n  id = "rtc"\n}\n')
        plan = self.plan()
        self.assertIn("1 to import", plan.output, plan.describe())
        self.apply_ok()
        self.assert_published(FOUR)
        self.write()
        self.assertEqual(self.plan().returncode, 0)

    def test_destroy(self) -> None:
        self.create()
        self.run_ok("destroy", "-no-color", "-input=false", "-auto-approve")
        self.assertEqual(self.workdir.state_resources("agora_ncs_ip_set"), [])
        # Agora unreachable: destroy without refresh still works.
        self.create()
        self.fake.add_rule(status=500)
        self.run_ok("destroy", "-no-color", "-input=false", "-auto-approve", "-refresh=false")
        self.assertEqual(self.workdir.state_resources("agora_ncs_ip_set"), [])

    def write_state(self, attributes: Mapping[str, Any]) -> None:
        """terraform.tfstate holding agora_ncs_ip_set.ncs at schema version 0, as written by
        hand."""
        state = {
            "version": 4, "terraform_version": "1.11.4", "serial": 1,
            "lineage": "6f1f1f1f-0000-4000-8000-000000000000", "outputs": {},
            "resources": [{
                "mode": "managed", "type": "agora_ncs_ip_set", "name": "ncs",
                "provider": f'provider["{harness.PROVIDER_SOURCE}"]',
                "instances": [{"schema_version": 0, "attributes": attributes,
                               "sensitive_attributes": []}],
            }],
        }
        (self.workdir.path / "terraform.tfstate").write_text(json.dumps(state), encoding="utf-8")

    def test_a_state_edited_into_invalid_arguments_is_an_error_not_a_crash(self) -> None:
        self.write()
        self.write_state(dict(expected_lists(FOUR), service="voice", id="voice", min_count=1,
                              chunk_size=50, aggregate=False, max_removed_percent=50,
                              on_fetch_error="fail", grace_period="forever", added=FOUR,
                              removed=[], pending_removal={}, changed_at="2026-01-02T03:04:05Z"))
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        text = plan.text
        self.assertIn("Unreadable agora_ncs_ip_set state", text)
        self.assertIn('"voice" is not a service', text)
        self.assertIn("grace_period must be a duration", text)
        self.assertNotIn("crashed", text)
        self.assertNotIn("did not respond", text)
        self.assertEqual(self.requests(), 0)

    def test_state_written_by_hand_at_version_0_is_upgraded(self) -> None:
        self.write()
        published = expected_lists(FOUR)
        attributes = dict(published, service="rtc", id="rtc", min_count=1, chunk_size=50,
                          aggregate=False, max_removed_percent=50, on_fetch_error="fail",
                          grace_period="0s", fingerprint=None, added=FOUR, removed=[],
                          pending_removal={}, changed_at="2026-01-02T03:04:05Z",
                          attribute_of_an_older_version="dropped")
        self.write_state(attributes)
        self.fake.set_ips(FOUR + ["203.0.113.8"])
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn('+ "203.0.113.8"', plan.output)
        self.assertNotIn("attribute_of_an_older_version", plan.output)
        self.apply_ok()
        self.assertEqual(self.attributes()["ip_addresses"],
                         expected_lists(FOUR + ["203.0.113.8"])["ip_addresses"])
        self.assertNotIn("attribute_of_an_older_version", self.attributes())

    # --- staleness (issue 19) -------------------------------------------------------------------------

    def test_keep_ages_the_list_until_max_staleness_fails_the_plan_and_a_read_recovers(self) -> None:
        self.create({"on_fetch_error": "keep", "max_staleness": "3s"})
        read_at = self.attributes()["last_read_at"]
        self.assertRegex(read_at, RFC3339_RE)
        self.fake.add_rule(status=503, message="NCS down for maintenance (fake)")
        plan = self.plan()
        self.assertEqual(plan.returncode, 0, plan.describe())
        self.assertIn("keeping the last good list", plan.text)
        self.assertRegex(plan.text, r"confirmed by Agora \d+s ago")
        self.assertIn("older than max_staleness (3s)", plan.text)
        # An ordinary apply during the outage keeps the time of the last good read.
        self.apply_ok()
        self.assertEqual(self.attributes()["last_read_at"], read_at)
        time.sleep(4.2)
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("Agora's Notifications IPs are too old to keep", plan.text)
        self.assertIn("max_staleness (3s)", plan.text)
        self.assertRegex(plan.text, r"last confirmed by Agora \d+s ago")
        self.assertIn("NCS down for maintenance (fake)", plan.text)
        self.assertIn("max_staleness", plan.text)
        self.assertEqual(self.attributes()["last_read_at"], read_at)
        # Agora answers again: the plan passes and the read time moves forward.
        self.fake.reset()
        plan = self.plan()
        self.assertEqual(plan.returncode, 0, plan.describe())
        self.apply_ok()
        self.assertGreater(self.attributes()["last_read_at"], read_at)
        self.assert_published(FOUR)

    def test_past_max_staleness_plans_without_a_refresh_and_saved_plans_fail_too(self) -> None:
        self.create({"on_fetch_error": "keep", "max_staleness": "3s"})
        # A reviewed change, saved while the list is young, during an outage.
        self.fake.add_rule(status=503)
        self.write({"on_fetch_error": "keep", "max_staleness": "3s", "grace_period": "1h"})
        saved = self.plan("-out=tfplan")
        self.assertEqual(saved.returncode, 2, saved.describe())
        time.sleep(4.2)
        # Terraform plans again when it applies: the list is too old by then.
        applied = self.workdir.run("apply", "-no-color", "-input=false", "tfplan")
        self.assertEqual(applied.returncode, 1, applied.describe())
        self.assertIn("Agora's Notifications IPs are too old to keep", applied.output)
        self.assertEqual(self.attributes()["grace_period"], "0s", "nothing was applied")
        # Without a refresh there is no newer read either; raising max_staleness plans past it.
        plan = self.plan("-refresh=false")
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("the plan did not refresh (-refresh=false)",
                      " ".join(plan.output.split()))
        self.write({"on_fetch_error": "keep", "max_staleness": "1h", "grace_period": "1h"})
        self.apply_ok("-refresh=false")
        self.assertEqual(self.attributes()["max_staleness"], "1h")

    def test_rejected_credentials_fail_even_with_keep(self) -> None:
        self.create({"on_fetch_error": "keep"})
        self.fake.add_rule(status=401, message="invalid credentials (fake)")
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("Rejected or missing credentials are not an outage", plan.text)
        self.assertNotIn("keeping the last good list", plan.text)
        # A saved read failure is checked the same way by a plan that does not refresh.
        self.fake.reset()
        self.fake.add_rule(status=403)
        self.assertEqual(self.plan().returncode, 1)
        self.assertEqual(self.plan("-refresh=false").returncode, 0,
                         "nothing new was stored by the failed refreshes")

    def test_fail_in_state_during_an_outage_says_how_to_switch_to_keep(self) -> None:
        self.create()
        self.fake.add_rule(status=503)
        self.write({"on_fetch_error": "keep"})
        plan = self.plan()
        self.assertEqual(plan.returncode, 1, plan.describe())
        self.assertIn("The refresh uses the on_fetch_error stored in state", plan.text)
        self.assertIn("-refresh=false", plan.text)
        self.apply_ok("-refresh=false")
        self.assertEqual(self.attributes()["on_fetch_error"], "keep")

    def test_info_log_shows_each_outcome_and_never_the_secret(self) -> None:
        self.create({"on_fetch_error": "keep", "max_staleness": "2s"})
        log = self.workdir.path / "trace.log"
        env = {"TF_LOG": "info", "TF_LOG_PATH": str(log)}
        self.run_ok("plan", "-no-color", "-input=false", env=env)
        text = log.read_text(encoding="utf-8", errors="replace")
        self.assertIn("Read Agora's Notifications IPs", text)
        self.assertIn("count=4", text)
        self.assertIn("fingerprint=sha256:", text)
        self.fake.add_rule(status=503)
        self.run_ok("plan", "-no-color", "-input=false", env=env)
        text = log.read_text(encoding="utf-8", errors="replace")
        self.assertIn("keeping the last good list", text)
        time.sleep(3.2)
        self.workdir.run("plan", "-no-color", "-input=false", env=env)
        text = log.read_text(encoding="utf-8", errors="replace")
        self.assertIn("The last good list is older than max_staleness", text)
        self.fake.reset()
        self.fake.set_ips(FOUR[:1])
        self.workdir.run("plan", "-no-color", "-input=false", env=env)
        text = log.read_text(encoding="utf-8", errors="replace")
        self.assertIn("The shrink guard refused the plan", text)
        self.assertNotIn(CUSTOMER_SECRET, text)
        token = harness.basic_authorization(CUSTOMER_ID, CUSTOMER_SECRET).split(" ", 1)[1]
        self.assertNotIn(token, text)

    # --- upgrade from schema version 0 (a state the provider as of 36a9674 wrote) -----------------

    def write_fixture_config(self, **resource: Any) -> None:
        """The fixture's configuration: the resource alone (no downstream resource)."""
        provider = {"customer_id": CUSTOMER_ID, "customer_secret": CUSTOMER_SECRET,
                    "endpoints": [self.fake.url], "max_retries": 0}
        self.workdir.write_main_tf(
            harness.required_providers_block() + "\n" + harness.hcl_block('provider "agora"', provider)
            + "\n" + harness.hcl_block('resource "agora_ncs_ip_set" "ncs"',
                                       dict({"chunk_size": 3, "on_fetch_error": "keep"},
                                            **resource)))

    def test_state_written_by_version_0_upgrades_plans_no_change_and_gains_last_read_at(self) -> None:
        fixture = json.loads((FIXTURES / "ip_set_v0.tfstate").read_text(encoding="utf-8"))
        old = fixture["resources"][0]["instances"][0]["attributes"]
        self.assertEqual(fixture["resources"][0]["instances"][0]["schema_version"], 0)
        (self.workdir.path / "terraform.tfstate").write_text(json.dumps(fixture), encoding="utf-8")
        self.fake.set_ips(old["ip_addresses"])
        self.write_fixture_config()
        plan = self.plan()
        self.assertEqual(plan.returncode, 0, plan.describe())
        self.assertIn("No changes.", plan.output)
        # ...and the first successful read sets it.
        self.apply_ok()
        attributes = self.attributes()
        self.assertRegex(attributes["last_read_at"], RFC3339_RE)
        self.assertGreater(attributes["last_read_at"], old["changed_at"])
        self.assertEqual(attributes["cidr_block_chunks"], old["cidr_block_chunks"])
        self.assertEqual(attributes["ip_addresses"], old["ip_addresses"])
        self.assertEqual(attributes["changed_at"], old["changed_at"])
        self.assertEqual(attributes["published_since"],
                         {a: old["changed_at"] for a in old["ip_addresses"]})
        self.assertEqual(self.workdir.state()["resources"][0]["instances"][0]["schema_version"], 1)

    def test_a_version_0_state_keeps_its_stored_read_time_through_an_outage(self) -> None:
        fixture = json.loads((FIXTURES / "ip_set_v0.tfstate").read_text(encoding="utf-8"))
        (self.workdir.path / "terraform.tfstate").write_text(json.dumps(fixture), encoding="utf-8")
        self.write_fixture_config(max_staleness="8760h")
        self.fake.add_rule(status=503)
        plan = self.plan()
        self.assertIn("keeping the last good list", plan.text, plan.describe())
        # The stand-in for last_read_at is the fixture's stored (successful) read.
        self.assertRegex(plan.text, r"last_read_at \d{4}-\d\d-\d\dT")

    # --- stable chunks and honest change attributes (issue 20) -------------------------------------

    CHUNKS_EXTRA = ('\nresource "terraform_data" "chunk" {\n'
                    '  count = length(agora_ncs_ip_set.ncs.cidr_block_chunks)\n'
                    '  input = agora_ncs_ip_set.ncs.cidr_block_chunks[count.index]\n}\n')

    @staticmethod
    def set_section(output: str) -> str:
        """The agora_ncs_ip_set.ncs part of a plan, and each downstream `input`. (terraform_data
        renders its `output`, which becomes "(known after apply)", as every old value removed: an
        artifact of terraform_data, not of the set.)"""
        own = output.split("agora_ncs_ip_set.ncs will be updated in-place", 1)[1]
        parts = [own.split("\n  # ", 1)[0]]
        for block in output.split("will be updated in-place")[1:]:
            if "terraform_data" in block.split("\n", 2)[1]:
                parts.append(block.split("~ output", 1)[0])
        return "\n".join(parts)

    @staticmethod
    def minus_lines(output: str) -> List[str]:
        return [line.strip() for line in output.splitlines() if line.strip().startswith("- ")]

    def chunk_inputs(self) -> List[List[str]]:
        chunks = sorted(self.workdir.state_resources("terraform_data"),
                        key=lambda r: r["name"])
        instances = [r for r in chunks if r["name"] == "chunk"][0]["instances"]
        return [i["attributes"]["input"]["value"]
                for i in sorted(instances, key=lambda i: i["index_key"])]

    def test_one_address_more_or_less_changes_one_chunk_and_diffs_honestly(self) -> None:
        many = [f"198.51.100.{i}" for i in range(1, 131)]
        self.fake.set_ips(many)
        resource = {"chunk_size": 50}
        self.write(resource)
        self.apply_ok("-target=agora_ncs_ip_set.ncs")
        self.write(resource, extra=self.CHUNKS_EXTRA)
        self.apply_ok()
        before = self.chunk_inputs()
        self.assertEqual([len(c) for c in before], [50, 50, 30])

        # One address added at Agora, sorting first: only the chunk with room changes.
        self.fake.set_ips(["192.0.2.1"] + many)
        time.sleep(1.1)
        plan = self.plan("-out=tfplan")
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertEqual(self.minus_lines(self.set_section(plan.output)), [], plan.output)
        self.assertIn("terraform_data.chunk[2] will be updated in-place", plan.output)
        self.assertNotIn("terraform_data.chunk[0] will be", plan.output)
        self.assertNotIn("terraform_data.chunk[1] will be", plan.output)
        self.assertIn('+ "192.0.2.1"', plan.output)
        # The saved plan applies what was reviewed, with no request, whatever Agora says since.
        self.fake.set_ips(many[:-1])
        self.fake.reset()
        self.run_ok("apply", "-no-color", "-input=false", "tfplan")
        self.assertEqual(self.requests(), 0)
        after = self.chunk_inputs()
        self.assertEqual(after[:2], before[:2])
        self.assertEqual(after[2], ["192.0.2.1/32"] + before[2])
        self.assertIn("192.0.2.1", self.attributes()["published_since"])

        # One address removed: one "-" line per list that holds it, one downstream change.
        gone = "198.51.100.75"
        self.fake.set_ips(["192.0.2.1"] + [a for a in many if a != gone])
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        minus = self.minus_lines(self.set_section(plan.output))
        self.assertTrue(minus and all(gone in line for line in minus), plan.output)
        self.assertEqual(len(minus), 7, "5 in the set; the inputs of chunk[1] and of sg (all cidr_blocks)")
        # In the set: ip_addresses, ipv4_addresses, published_since, cidr_blocks and
        # cidr_block_chunks, once each.
        own = plan.output.split("agora_ncs_ip_set.ncs will be updated in-place", 1)[1]
        own = own.split("\n  # ", 1)[0]
        self.assertEqual(len(self.minus_lines(own)), 5, own)
        self.assertIn("terraform_data.chunk[1] will be updated in-place", plan.output)
        self.assertNotIn("terraform_data.chunk[0] will be", plan.output)
        self.assertNotIn("terraform_data.chunk[2] will be", plan.output)
        self.assertIn("3 to change", plan.output, "the set, chunk[1], and sg (all cidr_blocks)")
        self.apply_ok()
        self.assertEqual(len(self.chunk_inputs()[1]), 49)

        # It comes back: into the first chunk with room (the one it left), nothing else moves.
        self.fake.set_ips(["192.0.2.1"] + many)
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertEqual(self.minus_lines(self.set_section(plan.output)), [], plan.output)
        self.assertIn("terraform_data.chunk[1] will be updated in-place", plan.output)
        self.assertNotIn("terraform_data.chunk[0] will be", plan.output)
        self.assertNotIn("terraform_data.chunk[2] will be", plan.output)
        self.assertIn("3 to change", plan.output, "the set, chunk[1], and sg (all cidr_blocks)")
        self.apply_ok()
        self.assertEqual(self.chunk_inputs(), after)

    def test_a_chunk_size_change_recuts_once_and_says_so(self) -> None:
        self.create({"chunk_size": 2})
        self.fake.set_ips(["192.0.2.1"] + FOUR)
        self.apply_ok()
        self.assertEqual(self.attributes()["cidr_block_chunks"],
                         [["203.0.113.1/32", "203.0.113.2/32"],
                          ["203.0.113.3/32", "203.0.113.4/32"], ["192.0.2.1/32"]])
        self.write({"chunk_size": 3})
        plan = self.plan()
        self.assertEqual(plan.returncode, 2, plan.describe())
        self.assertIn("The chunks are cut afresh", plan.text)
        self.apply_ok()
        self.assertEqual(self.attributes()["cidr_block_chunks"],
                         [["192.0.2.1/32", "203.0.113.1/32", "203.0.113.2/32"],
                          ["203.0.113.3/32", "203.0.113.4/32"]])
        self.assertNotIn("cut afresh", self.plan().text)

    # --- validation and secrets -------------------------------------------------------------------

    def test_invalid_arguments_point_at_their_attribute(self) -> None:
        self.write({"grace_period": "3 days", "on_fetch_error": "ignore",
                    "max_removed_percent": 150, "min_count": 1e300})
        result = self.workdir.validate()
        self.assertEqual(result.returncode, 1, result.describe())
        text = result.text
        for needle in ("Invalid grace_period", "Invalid on_fetch_error",
                       "Invalid max_removed_percent", 'grace_period = "3 days"',
                       "from 1 to 100000; got 1e+300."):
            self.assertIn(needle, text)
        for bad, needle in (("0s", 'from "1s" to "8760h"'), ("9000h", 'from "1s" to "8760h"'),
                            ("1.5s", "whole seconds"), ("a day", "must be a duration")):
            self.write({"max_staleness": bad})
            result = self.workdir.validate()
            self.assertEqual(result.returncode, 1, result.describe())
            self.assertIn("Invalid max_staleness", result.text)
            self.assertIn(f'max_staleness = "{bad}"', result.text, "points at the attribute")
            self.assertIn(needle, result.text)
        for needle in ():
            self.assertIn(needle, text)
        self.assertNotIn("0" * 40, text, "a huge number is quoted shortened")
        self.assertEqual(self.requests(), 0)

    def test_secret_appears_in_no_state_plan_or_log(self) -> None:
        # As pipelines do, the secret comes from the environment (a saved plan keeps main.tf).
        self.workdir.env["AGORA_CUSTOMER_SECRET"] = CUSTOMER_SECRET
        self.addCleanup(self.workdir.env.pop, "AGORA_CUSTOMER_SECRET")
        self.create(customer_secret=None)
        self.fake.set_ips(FOUR + ["203.0.113.5"])
        log = self.workdir.path / "trace.log"
        self.run_ok("plan", "-no-color", "-input=false", "-out=tfplan",
                    env={"TF_LOG": "trace", "TF_LOG_PATH": str(log)})
        show = self.run_ok("show", "-no-color", "-json", "tfplan")
        authorization = harness.basic_authorization(CUSTOMER_ID, CUSTOMER_SECRET)
        token = authorization.split(" ", 1)[1]
        for text, where in ((show.output, "plan JSON"),
                            (log.read_text(encoding="utf-8", errors="replace"), "trace log")):
            self.assertNotIn(CUSTOMER_SECRET, text, where)
            self.assertNotIn(token, text, where)
        self.assertIn("ReadResource", log.read_text(encoding="utf-8", errors="replace"))
        self.assertEqual(harness.files_containing([CUSTOMER_SECRET, token],
                                                  self.workdir.state_files()), [])


if __name__ == "__main__":
    unittest.main()

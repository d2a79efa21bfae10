"""The linux_arm64 build under the real terraform of this (amd64) machine, through qemu-user.

    python3 arm64_suite.py MODULE     (cwd tests/e2e; ctest runs one per MODULE of SUBSET)

No arm64 terraform exists here, but terraform only needs to start the plugin: the provider
package it installs holds, in this machine's slot, ``tests/tools/qemu_wrapper.c`` under the
provider's name, which runs the arm64 build with ``qemu-aarch64-static`` (harness.py,
``AGORA_E2E_PLATFORM``). The tests of SUBSET then run unchanged.

Each test must also show that the arm64 build served: the plugin server logs the platform it was
compiled for when it starts (internal/base/platform.h), and a test passes only if at least one
provider said ``linux_arm64`` during it and none said anything else. A wrapper that ran the amd64
binary, or a test that never started the provider, fails.

Environment: AGORA_PROVIDER_BINARY_LINUX_ARM64 (the arm64 release binary), AGORA_QEMU_WRAPPER
(the built qemu_wrapper); qemu-aarch64-static is looked up on PATH (Debian's qemu-user-static).
"""

from __future__ import annotations

import os
import shutil
import sys
import unittest
from pathlib import Path
from typing import Dict, List

PLATFORM = "linux_arm64"

# What runs under qemu, by module: the data source over HTTP and HTTPS, the resource's create /
# add / guard / keep, the fault matrix's retry and failover cases, AutoMTLS (every terraform run,
# and the refusals), Ctrl-C and terraform's death, the crash report, and an empty root.
SUBSET: Dict[str, List[str]] = {
    "test_ncs_ips": [
        "NcsIpsDataSourceTest.test_happy_path_outputs_are_sorted_deduplicated_and_chunked",
        "NcsIpsDataSourceTest.test_instances_share_one_request",
        "NcsIpsDataSourceTest.test_server_error_reports_status_message_endpoint_and_request_ids",
    ],
    "test_ip_set": [
        "NcsIpSetResourceTest.test_create_reads_once_and_state_holds_the_list",
        "NcsIpSetResourceTest."
        "test_added_address_is_planned_downstream_and_the_saved_plan_is_what_applies",
        "NcsIpSetResourceTest.test_removal_above_max_removed_percent_fails_listing_the_addresses",
        "NcsIpSetResourceTest.test_fetch_error_with_keep_warns_and_changes_nothing",
    ],
    "test_resilience": [
        "ResilienceTest.test_server_error_then_success_recovers",
        "ResilienceTest.test_429_with_retry_after_waits_then_recovers",
        "ResilienceTest.test_unauthorized_fails_at_once_without_retry",
        "ResilienceTest.test_refused_connection_is_retried_then_moves_to_the_next_endpoint",
        "ResilienceTest.test_not_found_tries_the_next_endpoint_once",
        "ResilienceTest.test_slow_body_times_out_and_moves_on",
        "ResilienceTest.test_https_with_a_test_ca_works_and_fails_without_it",
        "ResilienceTest.test_interrupt_cancels_an_in_flight_read_promptly",
        "ResilienceTest.test_provider_stops_when_terraform_is_killed",
    ],
    "test_plugin_tls": [
        "PluginTlsTest.test_terraform_like_client_is_served",
        "PluginTlsTest.test_client_without_certificate_is_refused",
        "PluginTlsTest.test_client_with_untrusted_certificate_is_refused",
    ],
    "test_crash": [
        "CrashReportTest.test_sigsegv_during_a_read_shows_terraforms_crash_block",
    ],
    "test_empty_root": [
        "EmptyRootTest.test_alpine_bundle_at_etc_ssl_cert_pem",
        "EmptyRootTest.test_api_host_resolved_through_resolv_conf_by_dns",
    ],
}


def prepare_package() -> None:
    """Lays out the qemu package and points the harness at it (before any test module loads)."""
    binary = os.environ.get("AGORA_PROVIDER_BINARY_LINUX_ARM64", "")
    wrapper = os.environ.get("AGORA_QEMU_WRAPPER", "")
    qemu = shutil.which("qemu-aarch64-static")
    missing = [what for what, path in (("the arm64 build (AGORA_PROVIDER_BINARY_LINUX_ARM64; "
                                        "make build PLATFORMS=linux_arm64)", binary),
                                       ("qemu_wrapper (AGORA_QEMU_WRAPPER)", wrapper),
                                       ("qemu-aarch64-static (Debian's qemu-user-static)",
                                        qemu or ""))
               if not path or not Path(path).is_file()]
    if missing:
        raise SystemExit("arm64_suite: missing " + "; ".join(missing))
    os.environ["AGORA_E2E_PLATFORM"] = PLATFORM
    import harness  # noqa: E402  (reads AGORA_PROVIDER_BINARY lazily)
    package = harness.make_temp_dir("qemu-package")
    os.environ["AGORA_PROVIDER_BINARY"] = str(harness.make_qemu_package(
        Path(binary), Path(wrapper), Path(qemu or ""), package))


class ServedResult(unittest.TextTestResult):
    """Fails a test that passed without a provider saying it was the arm64 build."""

    def startTest(self, test: unittest.TestCase) -> None:
        import harness
        self._served_before = harness.served_platforms()
        super().startTest(test)

    def stopTest(self, test: unittest.TestCase) -> None:
        import harness
        after = harness.served_platforms()
        served = {name: count - self._served_before.get(name, 0) for name, count in after.items()
                  if count > self._served_before.get(name, 0)}
        problems = self.failures + self.errors
        if any(skipped is test for skipped, _ in self.skipped):
            # Skipped here is not run on arm64 at all (the reason is printed).
            self.skipped = [entry for entry in self.skipped if entry[0] is not test]
            try:
                raise AssertionError("skipped: a test of the arm64 subset must run")
            except AssertionError:
                self.addFailure(test, sys.exc_info())
        elif not any(entry[0] is test for entry in problems):
            if set(served) != {PLATFORM}:
                try:
                    raise AssertionError(
                        f"the providers that served this test said they were built for "
                        f"{served or 'nothing (no provider start-up line was logged)'}, "
                        f"not only {PLATFORM}")
                except AssertionError:
                    self.addFailure(test, sys.exc_info())
        super().stopTest(test)


def main(argv: List[str]) -> int:
    if len(argv) != 2 or argv[1] not in SUBSET:
        print(f"usage: {argv[0]} MODULE  (one of: {', '.join(SUBSET)})", file=sys.stderr)
        return 2
    module = argv[1]
    prepare_package()
    names = [f"{module}.{test}" for test in SUBSET[module]]
    suite = unittest.defaultTestLoader.loadTestsFromNames(names)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=ServedResult)
    result = runner.run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

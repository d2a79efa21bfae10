"""A provider crash reads like a Go provider's panic: Terraform shows "Stack trace from the
terraform-provider-agora plugin", the signal and our own function names, then "The
terraform-provider-agora plugin crashed!" (internal/base/crash_report.h). The crash is provoked
by sending SIGSEGV to the provider while its read waits on a slow fake API.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import time
import unittest

import harness
from test_resilience import child_processes

CUSTOMER_ID = "crash-customer"
CUSTOMER_SECRET = "crash-S3CRET-DO-NOT-LEAK"
def tgkill(pid: int, tid: int, sig: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(234, pid, tid, sig) != 0:  # SYS_tgkill on x86-64
        raise OSError(ctypes.get_errno(), "tgkill")


PROVIDER_COMM = harness.provider_comm()  # under qemu (arm64_suite.py), qemu's name


class CrashReportTest(unittest.TestCase):
    def crash_during_a_read(self, sig: int) -> str:
        fake = harness.start_fake(self, customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
        fake.add_rule(hang=True)
        workdir = harness.Workdir("crash")
        self.addCleanup(workdir.cleanup)
        workdir.write_main_tf(
            harness.required_providers_block()
            + harness.hcl_block('provider "agora"', {
                "customer_id": CUSTOMER_ID, "customer_secret": CUSTOMER_SECRET,
                "endpoints": [fake.url], "request_timeout": "5m", "total_timeout": "10m"})
            + 'data "agora_ncs_ips" "ncs" {}\n')
        self.assertEqual(workdir.init().returncode, 0)
        proc = harness.start_terraform(workdir, "plan", "-no-color", "-input=false")
        self.addCleanup(harness._kill_group, proc.pid, signal.SIGKILL)
        try:
            self.assertTrue(fake.wait_for_requests(1, timeout=60), "the read never started")
            providers = []
            deadline = time.monotonic() + 10
            while not providers and time.monotonic() < deadline:
                providers = child_processes(proc.pid, PROVIDER_COMM)
                time.sleep(0.05)
            self.assertEqual(len(providers), 1, "one provider process in the read")
            # To the provider's main thread, which waits in our own code (tfprotocol::Serve);
            # a process-wide kill would land on any of its threads.
            tgkill(providers[0], providers[0], sig)
            output, _ = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertNotEqual(proc.returncode, 0, output)
        return output

    def test_sigsegv_during_a_read_shows_terraforms_crash_block(self) -> None:
        output = self.crash_during_a_read(signal.SIGSEGV)
        self.assertIn("Stack trace from the terraform-provider-agora", output)
        self.assertIn("The terraform-provider-agora", output)
        self.assertIn("plugin crashed!", output)
        self.assertIn(f"terraform-provider-agora {harness.provider_version()} crashed", output)
        self.assertIn("SIGSEGV", output)
        # Symbolized frames of our own code.
        self.assertRegex(output, r"(plugin|tfprotocol|agora|base)::\w+", output)
        self.assertNotIn(CUSTOMER_SECRET, output)

    def test_sigabrt_is_reported_too(self) -> None:
        output = self.crash_during_a_read(signal.SIGABRT)
        self.assertIn("plugin crashed!", output)
        self.assertIn("SIGABRT", output)


if __name__ == "__main__":
    unittest.main()

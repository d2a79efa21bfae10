"""End-to-end test of ``terraform-provider-agora -debug`` with real terraform.

A developer starts the provider by hand in debug mode, exports the ``TF_REATTACH_PROVIDERS``
value it prints, and runs terraform against that one process, as often as they like, until
Ctrl-C (docs/index.md, "Debugging"). Contract under test: that line is accepted by terraform
as is, terraform uses the running process instead of installing or starting one and leaves it
running between commands, and Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import ipaddress
import os
import queue
import signal
import subprocess
import threading
import time
import unittest
import harness

CUSTOMER_ID = "e2e-debug-customer"
CUSTOMER_SECRET = "debug-S3CRET-DO-NOT-LEAK"
PREFIX = "TF_REATTACH_PROVIDERS='"
STARTUP_TIMEOUT_S = 10.0
EXIT_TIMEOUT_S = 5.0


class DebugModeTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = harness.start_fake(self, customer_id=CUSTOMER_ID,
                                       customer_secret=CUSTOMER_SECRET)
        self.socket_dir = harness.make_temp_dir("debug-sockets")
        self.addCleanup(harness.remove_temp_dir, self.socket_dir)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "PLUGIN_UNIX_SOCKET_DIR": str(self.socket_dir)}
        self.provider = subprocess.Popen([str(harness.provider_binary()), "-debug"], env=env,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, text=True,
                                         start_new_session=True)
        self.addCleanup(self.stop_provider)

    def stop_provider(self) -> None:
        if self.provider.poll() is None:
            self.provider.kill()
            self.provider.wait()
        self.provider.stdout.close()

    def reattach_value(self) -> str:
        """The value of the TF_REATTACH_PROVIDERS line the provider prints, without its quotes."""
        lines: "queue.Queue[str]" = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(line) for line in self.provider.stdout],
                                  daemon=True)
        reader.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.fail(f"no TF_REATTACH_PROVIDERS line within {STARTUP_TIMEOUT_S} s "
                          f"(provider status: {self.provider.poll()})")
            if line.startswith(PREFIX):
                self.assertTrue(line.rstrip("\n").endswith("'"), line)
                return line[len(PREFIX):].rstrip("\n")[:-1]

    def attached_workdir(self) -> harness.Workdir:
        """An initialised working directory whose terraform uses the debug-mode provider."""
        workdir = harness.Workdir("debug", env={"TF_REATTACH_PROVIDERS": self.reattach_value()})
        self.addCleanup(workdir.cleanup)
        workdir.write_main_tf(
            harness.required_providers_block()
            + harness.hcl_block('provider "agora"', {
                "customer_id": CUSTOMER_ID,
                "customer_secret": CUSTOMER_SECRET,
                "endpoints": [self.fake.url],
            })
            + 'data "agora_ncs_ips" "ncs" {}\n'
            + 'output "ips" {\n  value = data.agora_ncs_ips.ncs.ip_addresses\n}\n')
        init = workdir.init()
        self.assertTrue(init.ok, init.describe())
        self.assertFalse((workdir.path / ".terraform" / "providers").exists(),
                         "terraform installed a provider instead of using the running one")
        return workdir

    def test_terraform_uses_the_running_provider_until_ctrl_c(self) -> None:
        workdir = self.attached_workdir()

        # Two commands, one process: terraform neither starts nor stops the provider.
        for command in (workdir.apply, workdir.plan):
            result = command()
            self.assertTrue(result.ok, result.describe())
            self.assertIsNone(self.provider.poll(), "terraform stopped the debug-mode provider")
        expected = {str(ipaddress.ip_address(ip)) for ip in harness.DEFAULT_IPS}
        ips = workdir.outputs()["ips"]
        self.assertEqual((len(ips), set(ips)), (len(expected), expected))
        self.assertGreaterEqual(self.fake.request_count(), 1)

        sockets = list(self.socket_dir.iterdir())
        self.assertEqual(len(sockets), 1, sockets)
        os.killpg(self.provider.pid, signal.SIGINT)  # Ctrl-C in the provider's terminal.
        self.assertEqual(self.provider.wait(timeout=EXIT_TIMEOUT_S), 0)
        self.assertFalse(sockets[0].exists(), "the socket file outlived the provider")

        # With the provider gone, terraform reports it instead of hanging or starting another.
        result = workdir.plan(timeout=60)
        self.assertFalse(result.ok)
        self.assertIn("Reattachment process not found", result.text, result.describe())

    def test_each_command_reads_agora_afresh(self) -> None:
        # One process, two commands: the second must not be served the first one's answer.
        workdir = self.attached_workdir()
        self.assertTrue(workdir.apply().ok)
        self.assertEqual(len(workdir.outputs()["ips"]), len(set(harness.DEFAULT_IPS)))
        self.fake.set_ips(["192.0.2.7", "2001:db8::7"])
        result = workdir.apply()
        self.assertTrue(result.ok, result.describe())
        self.assertEqual(workdir.outputs()["ips"], ["192.0.2.7", "2001:db8::7"])
        self.assertEqual(self.fake.request_count(), 2)

    def test_an_interrupted_command_does_not_cancel_the_next(self) -> None:
        workdir = self.attached_workdir()
        self.fake.add_rule(hang=True, times=1)
        plan = harness.start_terraform(workdir, "plan", "-no-color", "-input=false")
        try:
            self.assertTrue(self.fake.wait_for_requests(1, timeout=60), "the read never started")
            plan.send_signal(signal.SIGINT)  # Ctrl-C: terraform sends StopProvider.
            output, _ = plan.communicate(timeout=30)
        finally:
            if plan.poll() is None:
                plan.kill()
                plan.wait()
        self.assertNotEqual(plan.returncode, 0, output)
        self.assertIn("cancelled", harness.normalize_output(output), output)
        self.assertIsNone(self.provider.poll(), "the interrupt stopped the debug-mode provider")

        result = workdir.apply()
        self.assertTrue(result.ok, result.describe())
        self.assertEqual(self.fake.request_count(), 2)


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Self-test of the fake Agora API (run by hand: ``python3 tests/fake_agora/selftest.py -v``).

Not part of ctest: it checks the test tool itself, with http.client against loopback only.
"""

from __future__ import annotations

import http.client
import json
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402  (after the path tweak)
from server import FakeAgora, basic_authorization  # noqa: E402

CID, SECRET = "selftest-id", "selftest-secret"
AUTH = basic_authorization(CID, SECRET)


def get(conn: http.client.HTTPConnection, path: str, auth: Optional[str] = AUTH,
        method: str = "GET", body: Optional[bytes] = None
        ) -> Tuple[int, Dict[str, str], bytes]:
    headers = {"Accept": "application/json"}
    if auth:
        headers["Authorization"] = auth
    conn.request(method, path, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


class FakeAgoraTest(unittest.TestCase):
    def setUp(self) -> None:
        self.fake = FakeAgora(customer_id=CID, customer_secret=SECRET).start()
        self.addCleanup(self.fake.stop)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.fake.port, timeout=10)
        self.addCleanup(self.conn.close)

    def test_success_shape_headers_and_keepalive(self) -> None:
        for path in ("/v2/ncs/ip", "/v1/ncs/ip", "/v2/ncs/ip?x=1"):
            status, headers, body = get(self.conn, path)
            self.assertEqual(status, 200)
            doc = json.loads(body)
            ips = [h["primaryIP"] for h in doc["data"]["service"]["hosts"]]
            self.assertEqual(ips, list(server.DEFAULT_IPS))
            self.assertTrue(doc["success"])
            self.assertEqual(headers["content-length"], str(len(body)))
            self.assertRegex(headers["x-request-id"], r"^[0-9a-f]{32}$")
            self.assertRegex(headers["x-resource-id"], r"^[0-9a-f]{32}$")
        reqs = self.fake.requests()
        self.assertEqual(len(reqs), 3)
        self.assertEqual({r["connection"] for r in reqs}, {1}, "keep-alive must reuse the socket")
        self.assertEqual(len(set(self.fake.request_ids())), 3)
        self.assertTrue(all(r["auth_ok"] and r["auth_user"] == CID for r in reqs))
        self.assertEqual(reqs[0]["headers"]["accept"], "application/json")
        self.assertEqual(reqs[0]["host"], f"127.0.0.1:{self.fake.port}")
        self.assertEqual(self.fake.stats()["by_path"], {"/v2/ncs/ip": 2, "/v1/ncs/ip": 1})

    def test_keepalive_latency(self) -> None:
        get(self.conn, "/v2/ncs/ip")
        start = time.monotonic()
        for _ in range(20):
            get(self.conn, "/v2/ncs/ip")
        per_request = (time.monotonic() - start) / 20
        self.assertLess(per_request, 0.02, "TCP_NODELAY missing? ~40 ms per response")

    def test_auth_and_routing_errors(self) -> None:
        status, headers, body = get(self.conn, "/v2/ncs/ip", auth=basic_authorization(CID, "bad"))
        self.assertEqual(status, 401)
        self.assertIn("Invalid authentication credentials", json.loads(body)["message"])
        self.assertIn("x-request-id", headers)
        status, _, _ = get(self.conn, "/v2/ncs/ip", auth=None)
        self.assertEqual(status, 401)
        status, _, body = get(self.conn, "/v3/nope")
        self.assertEqual(status, 404)
        self.assertIn("/v3/nope", json.loads(body)["message"])
        status, headers, _ = get(self.conn, "/v2/ncs/ip", method="POST", body=b"{}")
        self.assertEqual((status, headers.get("allow")), (405, "GET"))
        self.fake.set_credentials("other", "pw")
        status, _, _ = get(self.conn, "/v2/ncs/ip", auth=basic_authorization("other", "pw"))
        self.assertEqual(status, 200)
        self.assertEqual([r["auth_ok"] for r in self.fake.requests()],
                         [False, False, True, True, True])

    def test_script_then_default(self) -> None:
        self.fake.script([
            {"status": 500, "message": "boom"},
            {"status": 429, "headers": {"Retry-After": "1"}},
            {"status": 200, "ips": ["192.0.2.1"]},
        ])
        status, headers, body = get(self.conn, "/v2/ncs/ip")
        self.assertEqual((status, json.loads(body)["message"]), (500, "boom"))
        status, headers, body = get(self.conn, "/v2/ncs/ip")
        self.assertEqual((status, headers["retry-after"]), (429, "1"))
        status, _, body = get(self.conn, "/v2/ncs/ip")
        self.assertEqual(json.loads(body)["data"]["service"]["hosts"][0]["primaryIP"], "192.0.2.1")
        status, _, body = get(self.conn, "/v2/ncs/ip")
        self.assertEqual(len(json.loads(body)["data"]["service"]["hosts"]),
                         len(server.DEFAULT_IPS))
        self.assertEqual([r["status"] for r in self.fake.requests()], [500, 429, 200, 200])
        self.assertEqual(self.fake.stats()["rules"], [])

    def test_scripted_200_still_checks_auth(self) -> None:
        self.fake.script([{"status": 200}])
        status, _, _ = get(self.conn, "/v2/ncs/ip", auth=basic_authorization(CID, "nope"))
        self.assertEqual(status, 401)

    def test_path_rules_and_times(self) -> None:
        self.fake.add_rule(path="/v1/ncs/ip", status=503, times=2)
        self.assertEqual(get(self.conn, "/v2/ncs/ip")[0], 200)
        self.assertEqual(get(self.conn, "/v1/ncs/ip")[0], 503)
        self.assertEqual(get(self.conn, "/v1/ncs/ip")[0], 503)
        self.assertEqual(get(self.conn, "/v1/ncs/ip")[0], 200)

    def test_body_faults(self) -> None:
        cases = [
            ({"hosts": []}, lambda d: json.loads(d)["data"]["service"]["hosts"] == []),
            ({"raw": "<html>oops</html>"}, lambda d: d == b"<html>oops</html>"),
            ({"json": {"data": {}}}, lambda d: json.loads(d) == {"data": {}}),
            ({"hosts": [{"region": "eu"}]},
             lambda d: "primaryIP" not in json.loads(d)["data"]["service"]["hosts"][0]),
            ({"ips": ["10.0.0.1"]},
             lambda d: json.loads(d)["data"]["service"]["hosts"][0]["primaryIP"] == "10.0.0.1"),
            ({"pad_to": 5 << 20},
             lambda d: len(d) >= 5 << 20 and json.loads(d)["data"]["service"]["hosts"]),
        ]
        for spec, check in cases:
            with self.subTest(spec=str(spec)[:60]):
                self.fake.script([spec])
                status, _, body = get(self.conn, "/v2/ncs/ip")
                self.assertEqual(status, 200)
                self.assertTrue(check(body))

    def test_delay_and_trickle(self) -> None:
        self.fake.script([{"delay": 0.3}, {"trickle": {"chunk": 100, "interval": 0.05}}])
        start = time.monotonic()
        self.assertEqual(get(self.conn, "/v2/ncs/ip")[0], 200)
        self.assertGreaterEqual(time.monotonic() - start, 0.3)
        start = time.monotonic()
        status, _, body = get(self.conn, "/v2/ncs/ip")
        elapsed = time.monotonic() - start
        self.assertEqual(status, 200)
        json.loads(body)
        self.assertGreaterEqual(elapsed, 0.05 * (len(body) // 100 - 1))

    def test_truncate_and_drop(self) -> None:
        self.fake.script([{"truncate_at": 10}])
        with self.assertRaises(http.client.IncompleteRead):
            get(self.conn, "/v2/ncs/ip")
        conn = http.client.HTTPConnection("127.0.0.1", self.fake.port, timeout=5)
        self.addCleanup(conn.close)
        self.fake.script([{"drop": True}])
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            get(conn, "/v2/ncs/ip")

    def test_hang_until_stop(self) -> None:
        self.fake.add_rule(hang=True)
        errors = []

        def client() -> None:
            try:
                get(self.conn, "/v2/ncs/ip")
            except Exception as err:  # noqa: BLE001 (any failure is the expected outcome)
                errors.append(err)

        thread = threading.Thread(target=client)
        thread.start()
        self.assertTrue(self.fake.wait_for_requests(1, timeout=5))
        start = time.monotonic()
        self.fake.stop()
        thread.join(timeout=5)
        self.assertFalse(thread.is_alive())
        self.assertLess(time.monotonic() - start, 3)
        self.assertEqual(len(errors), 1)

    def test_stop_with_idle_keepalive_connection(self) -> None:
        get(self.conn, "/v2/ncs/ip")
        start = time.monotonic()
        self.fake.stop()
        self.assertLess(time.monotonic() - start, 2)
        self.fake.stop()  # Idempotent.

    def test_control_api(self) -> None:
        def control(method: str, name: str, payload: Any = None) -> Tuple[int, Any]:
            body = json.dumps(payload).encode() if payload is not None else None
            status, _, data = get(self.conn, "/_control/" + name, auth=None, method=method,
                                  body=body)
            return status, json.loads(data)

        self.assertEqual(control("POST", "ips", {"ips": ["192.0.2.7"]})[0], 200)
        self.assertEqual(control("POST", "script", {"responses": [{"status": 500}]})[0], 200)
        self.assertEqual(control("POST", "rules", {"rules": [{"status": 502, "times": 1}]})[0],
                         200)
        self.assertEqual(control("POST", "credentials",
                                 {"customer_id": "a", "customer_secret": "b"})[0], 200)
        auth = basic_authorization("a", "b")
        self.assertEqual(get(self.conn, "/v2/ncs/ip", auth=auth)[0], 500)
        self.assertEqual(get(self.conn, "/v2/ncs/ip", auth=auth)[0], 502)
        status, _, body = get(self.conn, "/v2/ncs/ip", auth=auth)
        self.assertEqual(json.loads(body)["data"]["service"]["hosts"][0]["primaryIP"],
                         "192.0.2.7")
        status, stats = control("GET", "stats")
        self.assertEqual((status, stats["total"], stats["by_status"]),
                         (200, 3, {"500": 1, "502": 1, "200": 1}))
        self.assertEqual(stats["request_ids"], self.fake.request_ids())
        status, reqs = control("GET", "requests")
        self.assertEqual(reqs["requests"][0]["headers"]["authorization"], "<redacted>")
        self.assertEqual(control("POST", "rules", {"rules": [{"bogus": 1}]})[0], 400)
        self.assertEqual(control("GET", "nope")[0], 404)
        self.assertEqual(control("POST", "reset", {})[0], 200)
        self.assertEqual(self.fake.request_count(), 0, "control calls are never counted")

    def test_rejects_unknown_spec_keys(self) -> None:
        with self.assertRaises(ValueError):
            self.fake.add_rule(stauts=500)


class TlsTest(unittest.TestCase):
    def test_https_with_test_ca(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            tls = server.generate_test_certificates(tmp)
            with FakeAgora(customer_id=CID, customer_secret=SECRET, tls_cert=tls.server_cert,
                           tls_key=tls.server_key) as fake:
                self.assertTrue(fake.url.startswith("https://127.0.0.1:"))
                ctx = ssl.create_default_context(cafile=str(tls.ca_cert))
                for host in ("127.0.0.1", "localhost"):
                    conn = http.client.HTTPSConnection(host, fake.port, context=ctx, timeout=10)
                    try:
                        self.assertEqual(get(conn, "/v2/ncs/ip")[0], 200)
                    finally:
                        conn.close()
                # An untrusting client fails the handshake; the server survives it.
                conn = http.client.HTTPSConnection("127.0.0.1", fake.port, timeout=10,
                                                   context=ssl.create_default_context())
                with self.assertRaises(ssl.SSLError):
                    get(conn, "/v2/ncs/ip")
                conn.close()
                conn = http.client.HTTPSConnection("127.0.0.1", fake.port, context=ctx, timeout=10)
                self.assertEqual(get(conn, "/v2/ncs/ip")[0], 200)
                conn.close()


class CliTest(unittest.TestCase):
    def test_listening_line_and_sigterm(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            ips_file = Path(tmp) / "ips.txt"
            ips_file.write_text("# comment\n192.0.2.9\n\n2001:db8::9  # v6\n")
            proc = subprocess.Popen(
                [sys.executable, str(Path(server.__file__)), "--customer-id", CID,
                 "--customer-secret", SECRET, "--ips-file", str(ips_file), "--quiet"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                line = proc.stdout.readline()
                self.assertRegex(line, r"^LISTENING [0-9]+\n$")
                port = int(line.split()[1])
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status, _, body = get(conn, "/v2/ncs/ip")
                conn.close()
                hosts = json.loads(body)["data"]["service"]["hosts"]
                self.assertEqual([h["primaryIP"] for h in hosts], ["192.0.2.9", "2001:db8::9"])
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=10), 0)
                self.assertEqual(proc.stdout.read(), "")
                self.assertEqual(proc.stderr.read(), "")
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
                proc.stderr.close()


if __name__ == "__main__":
    unittest.main()

"""End-to-end tests of the network boundary (issue 17): whatever answers in Agora's place (Agora
itself, a TLS-inspecting proxy, a captive portal, anyone on the path) never crashes the provider,
never makes Terraform drop its response, and never defeats ``on_fetch_error = "keep"``; proxies
and timeouts behave as configured.

Each test names the defect it covers; each failed on the provider before the fix. Real terraform
drives the built provider against the fake Agora API (tests/fake_agora/server.py) and, for the
proxy tests, a CONNECT proxy on loopback, over TLS where the test needs it.
"""

from __future__ import annotations

import base64
import select
import socket
import ssl
import threading
import time
import unittest
from typing import Any, Dict, List, Mapping, Optional

import harness
from fake_agora.server import TlsFiles, generate_test_certificates
from test_resilience import PROXIED_HOST, ConnectProxy, config

CUSTOMER_ID = "e2e-boundary-4b1"
CUSTOMER_SECRET = "boundary-S3CRET-never-shown"
V2 = "/v2/ncs/ip"

# A 503 whose non-JSON body (147 bytes) has its 120th byte in the middle of an "é": an excerpt cut
# at a byte count would end with half a character.
CUT_CHARACTER_BODY = b"<html>x" + "\u00e9".encode("utf-8") * 70
# Nesting far deeper than any stack allows for recursion: ~200 KB of "[".
DEEP_BODY = "[" * 200_000


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class TlsConnectProxy(ConnectProxy):
    """:class:`ConnectProxy` behind TLS: an ``https://`` proxy, its certificate from ``tls``."""

    def __init__(self, tls: TlsFiles) -> None:
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(str(tls.server_cert), str(tls.server_key))
        super().__init__()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def _serve(self, client: socket.socket) -> None:
        try:
            client.settimeout(10)
            wrapped = self._context.wrap_socket(client, server_side=True)
            wrapped.settimeout(None)
        except (OSError, ssl.SSLError):
            client.close()  # The client refused our certificate: what some tests expect.
            return
        with wrapped:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = wrapped.recv(4096)
                if not chunk:
                    return
                head += chunk
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
            host, _, port = target.rpartition(":")
            self.targets.append(f"{method} {target}")
            if method != "CONNECT" or host not in ("127.0.0.1", "localhost", PROXIED_HOST):
                wrapped.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                return
            with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as upstream:
                wrapped.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                self._tunnel(wrapped, upstream)

    @staticmethod
    def _tunnel(client: ssl.SSLSocket, upstream: socket.socket) -> None:
        while True:
            # Bytes already decrypted by the TLS layer are not seen by select().
            readable = [client] if client.pending() else \
                select.select([client, upstream], [], [], 30)[0]
            if not readable:
                return
            for s in readable:
                try:
                    data = s.recv(65536)
                except (OSError, ssl.SSLError):
                    return
                if not data:
                    return
                (upstream if s is client else client).sendall(data)


class BoundaryTest(unittest.TestCase):
    workdir: harness.Workdir

    @classmethod
    def setUpClass(cls) -> None:
        cls.workdir = harness.Workdir("boundary")
        cls.addClassCleanup(cls.workdir.cleanup)
        cls.workdir.write_main_tf(config({"endpoints": ["http://127.0.0.1:9"]}))
        result = cls.workdir.init()
        if not result.ok:
            raise AssertionError("terraform init failed\n" + result.describe())

    def setUp(self) -> None:
        self.workdir.remove_state()

    # --- helpers ----------------------------------------------------------------------------------

    def fake(self, **kwargs: Any) -> Any:
        kwargs.setdefault("customer_id", CUSTOMER_ID)
        kwargs.setdefault("customer_secret", CUSTOMER_SECRET)
        return harness.start_fake(self, **kwargs)

    def provider(self, endpoints: List[str], **settings: Any) -> Dict[str, Any]:
        return {"customer_id": CUSTOMER_ID, "customer_secret": CUSTOMER_SECRET,
                "endpoints": endpoints, "max_retries": 0, **settings}

    def apply(self, provider: Mapping[str, Any], env: Optional[Mapping[str, str]] = None,
              timeout: float = harness.TERRAFORM_TIMEOUT) -> harness.TerraformResult:
        self.workdir.write_main_tf(config(provider))
        return self.workdir.apply(env=env, timeout=timeout)

    def assertSucceeds(self, result: harness.TerraformResult) -> None:
        self.assertTrue(result.ok, result.describe())

    def assertReadableFailure(self, result: harness.TerraformResult, *needles: str) -> str:
        """A failure shown as the provider's own diagnostic: no plugin error or crash."""
        self.assertFalse(result.ok, result.describe())
        text = harness.normalize_output(result.output)
        for absent in ("Plugin error", "invalid UTF-8", "Plugin did not respond", "crashed"):
            self.assertNotIn(absent, text, result.describe())
        for needle in needles:
            self.assertIn(needle, text, result.describe())
        return text

    def tls_fake(self, dns_names: List[str]) -> Any:
        certs = generate_test_certificates(harness.make_temp_dir("certs"), dns_names=dns_names)
        return self.fake(tls_cert=certs.server_cert, tls_key=certs.server_key), certs

    # --- 1. text that is not UTF-8 -------------------------------------------------------------------

    def test_a_body_cut_inside_a_character_shows_the_status_and_request_id(self) -> None:
        fake = self.fake()
        fake.add_rule(status=503, raw_base64=b64(CUT_CHARACTER_BODY), content_type="text/html")
        result = self.apply(self.provider([fake.url]))
        self.assertReadableFailure(result, "HTTP 503", "<html>x\u00e9\u00e9",
                                   f"X-Request-ID: {fake.request_ids()[-1]}")

    def test_a_json_message_with_a_lone_surrogate_shows_the_status_and_request_id(self) -> None:
        fake = self.fake()
        fake.add_rule(status=503, raw='{"message":"bad \\udc00 thing"}')
        result = self.apply(self.provider([fake.url]))
        self.assertReadableFailure(result, "HTTP 503", "bad", "thing",
                                   f"X-Request-ID: {fake.request_ids()[-1]}")

    def test_header_values_that_are_not_utf8_are_shown_repaired(self) -> None:
        fake = self.fake()
        # Latin-1 on the wire: the byte E9 alone, which is not UTF-8.
        fake.add_rule(status=503, headers={"X-Request-ID": "rid-\u00e9-17"})
        result = self.apply(self.provider([fake.url]))
        self.assertReadableFailure(result, "HTTP 503", "X-Request-ID: rid-\ufffd-17")

    def test_a_primary_ip_that_is_not_utf8_is_refused_readably(self) -> None:
        fake = self.fake()
        body = b'{"data":{"service":{"hosts":[{"primaryIP":"203.0.113.\xe9"}]}}}'
        fake.add_rule(status=200, raw_base64=b64(body))
        result = self.apply(self.provider([fake.url]))
        self.assertReadableFailure(result, "could not be used", "not valid UTF-8")

    def test_keep_survives_an_answer_that_is_not_utf8(self) -> None:
        fake = self.fake()
        provider = self.provider([fake.url])
        main_tf = (harness.required_providers_block() + "\n"
                   + harness.hcl_block('provider "agora"', provider) + "\n"
                   + harness.hcl_block('resource "agora_ncs_ip_set" "ncs"',
                                       {"on_fetch_error": "keep"}))
        self.workdir.write_main_tf(main_tf)
        self.assertSucceeds(self.workdir.apply())
        fake.add_rule(status=503, raw_base64=b64(CUT_CHARACTER_BODY), content_type="text/html")
        plan = self.workdir.plan()
        self.assertEqual(plan.returncode, 0, plan.describe())
        text = harness.normalize_output(plan.output)
        self.assertIn("keeping the last good list", text, plan.describe())
        self.assertIn("HTTP 503", text)
        self.assertNotIn("invalid UTF-8", text)

    # --- 2. deep nesting -----------------------------------------------------------------------------

    def test_deeply_nested_bodies_are_readable_errors_not_crashes(self) -> None:
        for status, needles in ((200, ("could not be used", "nested more than 64 levels deep")),
                                (500, ("HTTP 500", "[[[["))):
            with self.subTest(status=status):
                fake = self.fake()
                fake.add_rule(status=status, raw=DEEP_BODY)
                result = self.apply(self.provider([fake.url]))
                self.assertReadableFailure(result, *needles)
                self.assertNotIn("panic:", result.output)

    # --- 3. an https:// proxy ------------------------------------------------------------------------

    def test_an_https_proxy_is_trusted_with_ca_cert_file(self) -> None:
        fake, certs = self.tls_fake([PROXIED_HOST])
        proxy = TlsConnectProxy(certs)  # Its certificate is signed by the same test CA.
        self.addCleanup(proxy.stop)
        url = f"https://{PROXIED_HOST}:{fake.port}"
        self.assertSucceeds(self.apply(self.provider([url], ca_cert_file=str(certs.ca_cert),
                                                     proxy_url=proxy.url)))
        self.assertIn(f"CONNECT {PROXIED_HOST}:{fake.port}", proxy.targets)
        self.assertEqual(fake.request_count(V2), 1)

    def test_an_https_proxy_with_insecure(self) -> None:
        fake, certs = self.tls_fake([PROXIED_HOST])
        proxy = TlsConnectProxy(certs)
        self.addCleanup(proxy.stop)
        url = f"https://{PROXIED_HOST}:{fake.port}"
        self.assertSucceeds(self.apply(self.provider([url], insecure=True, proxy_url=proxy.url)))
        self.assertEqual(fake.request_count(V2), 1)

    def test_a_proxy_certificate_that_does_not_verify_names_the_proxy(self) -> None:
        fake, certs = self.tls_fake([PROXIED_HOST])
        other = generate_test_certificates(harness.make_temp_dir("proxy-certs"))
        proxy = TlsConnectProxy(other)  # Signed by a CA the provider is not told to trust.
        self.addCleanup(proxy.stop)
        url = f"https://{PROXIED_HOST}:{fake.port}"
        result = self.apply(self.provider([url], ca_cert_file=str(certs.ca_cert),
                                          proxy_url=proxy.url))
        text = self.assertReadableFailure(
            result, f"Could not verify the TLS certificate of the proxy {proxy.url}")
        self.assertNotIn("Could not verify Agora's TLS certificate", text)
        self.assertEqual(fake.request_count(V2), 0)

    # --- 4. timeouts under 1 ms ----------------------------------------------------------------------

    def test_a_request_timeout_under_1ms_is_refused(self) -> None:
        fake = self.fake()
        fake.add_rule(hang=True)
        started = time.monotonic()
        result = self.apply(self.provider([fake.url], request_timeout="999us",
                                          total_timeout="2s"), timeout=120)
        self.assertReadableFailure(result, "Invalid request_timeout", "shorter than 1ms")
        self.assertLess(time.monotonic() - started, 60)
        self.assertEqual(fake.request_count(V2), 0)

    def test_a_request_timeout_of_1ms_still_times_out(self) -> None:
        fake = self.fake()
        fake.add_rule(hang=True)
        started = time.monotonic()
        result = self.apply(self.provider([fake.url], request_timeout="1ms",
                                          total_timeout="2s"), timeout=120)
        self.assertReadableFailure(result)
        self.assertLess(time.monotonic() - started, 60)

    # --- 5. HTTPS_PROXY without a scheme ------------------------------------------------------------

    def test_https_proxy_without_a_scheme_means_http(self) -> None:
        fake, certs = self.tls_fake([PROXIED_HOST])
        proxy = ConnectProxy()
        self.addCleanup(proxy.stop)
        url = f"https://{PROXIED_HOST}:{fake.port}"
        for variable in ("HTTPS_PROXY", "https_proxy"):
            with self.subTest(variable=variable):
                proxy.targets.clear()
                self.workdir.remove_state()
                result = self.apply(self.provider([url], ca_cert_file=str(certs.ca_cert)),
                                    env={variable: f"127.0.0.1:{proxy.port}"})
                self.assertSucceeds(result)
                self.assertIn(f"CONNECT {PROXIED_HOST}:{fake.port}", proxy.targets)

    # --- 6. failover after an answer that cannot be used --------------------------------------------

    def test_an_unusable_answer_fails_over_to_the_next_endpoint(self) -> None:
        answers = {
            "captive portal": {"status": 200, "raw": "<html>Sign in to the Wi-Fi</html>",
                               "content_type": "text/html"},
            "oversized body": {"status": 200, "pad_to": 5 << 20},
            "redirect": {"status": 302, "headers": {"Location": "https://portal.invalid/"}},
            "bad request": {"status": 400, "message": "nope"},
        }
        for name, answer in answers.items():
            with self.subTest(answer=name):
                first, second = self.fake(), self.fake()
                first.add_rule(**answer)
                self.workdir.remove_state()
                self.assertSucceeds(self.apply(self.provider([first.url, second.url])))
                self.assertEqual(first.request_count(V2), 1)
                self.assertEqual(second.request_count(V2), 1)

    def test_when_every_endpoint_answers_unusably_the_error_lists_each(self) -> None:
        first, second = self.fake(), self.fake()
        first.add_rule(status=200, raw="<html>portal one</html>")
        second.add_rule(status=302, headers={"Location": "https://portal.invalid/"})
        result = self.apply(self.provider([first.url, second.url]))
        self.assertReadableFailure(result, "2 attempts on 2 endpoints",
                                   f"{first.url}{V2}: HTTP 200", f"{second.url}{V2}: HTTP 302",
                                   "which is not retried")

    def test_credentials_errors_still_fail_at_once(self) -> None:
        for status in (401, 403):
            with self.subTest(status=status):
                first, second = self.fake(), self.fake()
                first.add_rule(status=status)
                result = self.apply(self.provider([first.url, second.url]))
                self.assertReadableFailure(result, f"HTTP {status}")
                self.assertEqual(second.request_count(V2), 0)


if __name__ == "__main__":
    unittest.main()

"""The real provider binary's go-plugin side: handshake, AutoMTLS, shutdown.

Plays Terraform's part with the `openssl` CLI (a P-521 client certificate shaped like the one
go-plugin generates) and tests/tools/grpc_probe (a gRPC client), so no terraform is needed.

Environment: AGORA_PROVIDER_BINARY (the provider) and AGORA_GRPC_PROBE (grpc_probe), as set by
ctest.
"""

import base64
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unittest

import harness

PROVIDER = os.environ.get("AGORA_PROVIDER_BINARY")
PROBE = os.environ.get("AGORA_GRPC_PROBE")
MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
HANDSHAKE_TIMEOUT_S = 10
# Terraform SIGKILLs a provider that has not exited 2 s after its Shutdown call.
SHUTDOWN_BUDGET_S = 2.0


def make_self_signed(directory, name, curve, digest):
    """Writes <name>.crt/<name>.key like go-plugin's client certificate; returns the paths."""
    cert = os.path.join(directory, name + ".crt")
    key = os.path.join(directory, name + ".key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:" + curve, "-" + digest, "-subj", "/O=HashiCorp/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost",
         "-addext", "extendedKeyUsage=clientAuth,serverAuth",
         "-nodes", "-days", "1", "-keyout", key, "-out", cert],
        check=True, capture_output=True)
    return cert, key


class Provider:
    """One provider process, started the way Terraform starts it."""

    def __init__(self, env, cwd):
        self.stderr_file = tempfile.TemporaryFile()
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [PROVIDER], env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self.stderr_file)
        self.handshake_seconds = None

    def read_handshake(self):
        """The first stdout line, without its newline; fails the test on timeout or EOF."""
        fd = self.process.stdout.fileno()
        data = b""
        deadline = self.started + HANDSHAKE_TIMEOUT_S
        while b"\n" not in data:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("no handshake line within %d s" % HANDSHAKE_TIMEOUT_S)
            readable, _, _ = select.select([fd], [], [], remaining)
            if not readable:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                raise AssertionError("provider closed stdout before the handshake; stderr:\n"
                                     + self.stderr())
            data += chunk
        self.handshake_seconds = time.monotonic() - self.started
        line, _, self.rest_of_stdout = data.partition(b"\n")
        return line.decode()

    def wait(self, timeout):
        """The exit status, or None if the process is still running after `timeout` seconds."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def remaining_stdout(self):
        return self.rest_of_stdout + self.process.stdout.read()

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.stderr_file.close()


@unittest.skipUnless(PROVIDER and PROBE, "AGORA_PROVIDER_BINARY and AGORA_GRPC_PROBE are needed")
class PluginTlsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.certs = tempfile.mkdtemp(prefix="plugin-tls-certs.")
        cls.client_cert, cls.client_key = make_self_signed(
            cls.certs, "terraform", "secp521r1", "sha512")
        # Same subject as Terraform's, different key: trust must come from the key, not the name.
        cls.stranger_cert, cls.stranger_key = make_self_signed(
            cls.certs, "stranger", "prime256v1", "sha256")
        with open(cls.client_cert) as f:
            cls.client_cert_pem = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.certs)

    def setUp(self):
        self.socket_dir = tempfile.mkdtemp(prefix="plugin-tls-sock.")
        self.providers = []

    def tearDown(self):
        for provider in self.providers:
            harness.record_served(provider.stderr())
            provider.close()
        shutil.rmtree(self.socket_dir)

    def start(self, tls=True, cookie=True):
        env = {
            "PLUGIN_PROTOCOL_VERSIONS": "5,6",
            "PLUGIN_MIN_PORT": "10000",
            "PLUGIN_MAX_PORT": "25000",
            "PLUGIN_UNIX_SOCKET_DIR": self.socket_dir,
        }
        if harness.cross_platform():
            env["TF_LOG_PROVIDER"] = "DEBUG"  # the start-up line names the platform
        if cookie:
            env["TF_PLUGIN_MAGIC_COOKIE"] = MAGIC_COOKIE
        if tls:
            env["PLUGIN_CLIENT_CERT"] = self.client_cert_pem
        provider = Provider(env, cwd=self.socket_dir)
        self.providers.append(provider)
        return provider

    def probe(self, *args):
        return subprocess.run([PROBE] + list(args), capture_output=True, text=True, timeout=30)

    def tls_probe(self, fields, *extra):
        return self.probe("--addr", "unix:" + fields[3], "--server-cert-der-b64", fields[5], *extra)

    def with_client_cert(self, fields, *extra):
        return self.tls_probe(fields, "--client-cert", self.client_cert,
                              "--client-key", self.client_key, *extra)

    def assert_refused(self, result):
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("SERVING", result.stdout.replace("NOT SERVING", ""))

    def assert_shuts_down(self, provider, fields):
        started = time.monotonic()
        result = self.with_client_cert(fields, "--shutdown")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        status = provider.wait(SHUTDOWN_BUDGET_S)
        elapsed = time.monotonic() - started
        self.assertEqual(status, 0, "provider did not exit 0 within %.1f s; stderr:\n%s"
                         % (SHUTDOWN_BUDGET_S, provider.stderr()))
        self.assertLess(elapsed, SHUTDOWN_BUDGET_S)
        self.assertFalse(os.path.lexists(fields[3]), "socket file left behind")

    def handshake(self, provider):
        line = provider.read_handshake()
        fields = line.split("|")
        self.assertEqual(len(fields), 6, line)
        return fields

    def test_handshake_line_shape(self):
        provider = self.start()
        line = provider.read_handshake()
        print("handshake after %.1f ms" % (provider.handshake_seconds * 1000), file=sys.stderr)

        fields = line.split("|")
        self.assertEqual(len(fields), 6, "no 7th (multiplex) field: " + line)
        self.assertEqual(fields[:3], ["1", "6", "unix"])
        self.assertEqual(fields[4], "grpc")
        socket = fields[3]
        self.assertTrue(os.path.isabs(socket), socket)
        self.assertEqual(os.path.dirname(socket), self.socket_dir)
        self.assertTrue(stat.S_ISSOCK(os.stat(socket).st_mode), socket)
        cert = fields[5]
        self.assertGreater(len(cert), 50)
        self.assertNotIn("=", cert, "Go's RawStdEncoding has no padding")
        self.assertRegex(cert, r"^[A-Za-z0-9+/]+$")
        der = base64.b64decode(cert + "=" * (-len(cert) % 4), validate=True)
        self.assertEqual(der[0], 0x30, "DER SEQUENCE")

        self.assert_shuts_down(provider, fields)
        self.assertEqual(provider.remaining_stdout(), b"", "nothing after the handshake line")

    def test_terraform_like_client_is_served(self):
        provider = self.start()
        fields = self.handshake(provider)
        result = self.with_client_cert(fields)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), "OK SERVING")
        self.assert_shuts_down(provider, fields)

    def test_client_without_certificate_is_refused(self):
        provider = self.start()
        fields = self.handshake(provider)
        self.assert_refused(self.tls_probe(fields))
        self.assertIsNone(provider.process.poll(), "a refused client must not stop the server")
        self.assert_shuts_down(provider, fields)

    def test_client_with_untrusted_certificate_is_refused(self):
        provider = self.start()
        fields = self.handshake(provider)
        self.assert_refused(self.tls_probe(
            fields, "--client-cert", self.stranger_cert, "--client-key", self.stranger_key))
        self.assert_shuts_down(provider, fields)

    def test_plaintext_client_is_refused_when_tls_is_on(self):
        provider = self.start()
        fields = self.handshake(provider)
        self.assert_refused(self.probe("--addr", "unix:" + fields[3], "--plaintext"))
        self.assert_shuts_down(provider, fields)

    def test_shutdown_is_refused_without_client_certificate(self):
        provider = self.start()
        fields = self.handshake(provider)
        self.assert_refused(self.tls_probe(fields, "--shutdown"))
        self.assertIsNone(provider.wait(0.5), "an unauthenticated Shutdown stopped the server")
        self.assert_shuts_down(provider, fields)

    def test_sigint_is_ignored_and_sigterm_exits_cleanly(self):
        provider = self.start()
        fields = self.handshake(provider)
        provider.process.send_signal(signal.SIGINT)  # Terraform's terminal Ctrl-C.
        self.assertIsNone(provider.wait(0.3), "SIGINT must not stop the provider")
        self.assertEqual(self.with_client_cert(fields).returncode, 0)
        provider.process.send_signal(signal.SIGTERM)
        self.assertEqual(provider.wait(SHUTDOWN_BUDGET_S), 0, provider.stderr())
        self.assertFalse(os.path.lexists(fields[3]), "socket file left behind")

    def test_without_magic_cookie_explains_and_exits_1(self):
        provider = self.start(cookie=False)
        self.assertEqual(provider.wait(HANDSHAKE_TIMEOUT_S), 1)
        self.assertEqual(provider.process.stdout.read(), b"")
        self.assertIn("This binary is a plugin. These are not meant to be executed directly.",
                      provider.stderr())
        self.assertEqual(os.listdir(self.socket_dir), [])

    def test_without_client_cert_serves_plaintext(self):
        provider = self.start(tls=False)
        line = provider.read_handshake()
        self.assertTrue(line.endswith("|grpc|"), line)
        fields = line.split("|")
        self.assertEqual(len(fields), 6, line)
        self.assertEqual(fields[5], "")
        result = self.probe("--addr", "unix:" + fields[3], "--plaintext")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), "OK SERVING")
        result = self.probe("--addr", "unix:" + fields[3], "--plaintext", "--shutdown")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(provider.wait(SHUTDOWN_BUDGET_S), 0, provider.stderr())
        self.assertFalse(os.path.lexists(fields[3]))


if __name__ == "__main__":
    unittest.main()

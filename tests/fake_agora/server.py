#!/usr/bin/env python3
"""A fake Agora REST API for the terraform-provider-agora tests and demo (stdlib only).

It serves the two notification-IP endpoints the provider reads, ``GET /v2/ncs/ip`` and
``GET /v1/ncs/ip``, the way Agora documents them (Basic authentication, the JSON shape
``{"data":{"service":{"hosts":[{"primaryIP":"..."}]}}}`` with extra fields the provider must ignore,
error bodies carrying ``message``, ``X-Request-ID`` and ``X-Resource-ID`` headers on every answer),
and lets tests inject faults while it runs.

Contract
--------
* Binds 127.0.0.1 only, on a port chosen by the kernel (port 0). Nothing here ever connects out.
* HTTP/1.1 with keep-alive; every response has a Content-Length; TCP_NODELAY is set on every
  accepted socket. Optional TLS with a given certificate and key.
* Every request to a non-control path is counted (total, per path, per status) and logged
  (method, path, lower-cased headers, Host, whether Authorization was present and valid, the
  ``X-Request-ID``/``X-Resource-ID`` sent back, the status, the connection number).
* Faults are *rules*: a list of response specifications, each optionally limited to one path and to
  a number of uses. For each API request the first rule (in insertion order) that matches and has
  uses left decides the answer; when none does, the default behaviour applies (auth check, then
  the configured IP list). ``script([...])`` appends one single-use rule per entry, so
  ``[{"status": 500}, {"status": 200}]`` answers 500, then 200, then the default.

Response specification keys (all optional; unknown keys are rejected so typos fail loudly):

=============== =====================================================================================
``status``      HTTP status. Absent: normal handling (404 for an unknown path, 405 for a non-GET,
                401 for bad credentials, else 200).
``check_auth``  Verify Basic auth first (401 on mismatch). Default: true when ``status`` is absent or
                2xx, false for an explicit non-2xx status (a scripted error is sent as is).
``json``        Body: this JSON value, serialised.
``raw``         Body: this text, verbatim (for malformed bodies). Wins over ``json``.
``raw_base64``  Body: these bytes, base64-encoded (for bodies that are not UTF-8, e.g. a cut
                multi-byte character). Wins over ``raw``.
``message``     For error statuses without ``json``/``raw``: the ``message`` of the JSON error body.
``ips``         For a 200 without ``json``/``raw``: answer with these addresses instead of the list.
``hosts``       For a 200 without ``json``/``raw``: the exact ``hosts`` array (e.g. ``[]``, or a
                host without ``primaryIP``). Wins over ``ips``.
``pad_to``      Pad the JSON body with an unknown ``padding`` field to at least this many bytes.
``content_type`` Content-Type header (default ``application/json; charset=utf-8``).
``headers``     Extra response headers, e.g. ``{"Retry-After": "1"}``; may override the defaults.
                Values are sent as Latin-1, so ``"\u00e9"`` is the one byte E9 (not UTF-8).
``delay``       Seconds to wait before sending the status line.
``trickle``     ``{"chunk": bytes, "interval": seconds}``: send the body slowly.
``truncate_at`` Send only this many body bytes (Content-Length still announces all), then close.
``hang``        Never answer: hold the connection until the server stops.
``drop``        Close the connection without answering.
=============== =====================================================================================

A rule is a response specification plus ``path`` (exact request path; default: any non-control
path) and ``times`` (number of uses; default: unlimited).

Control API (never called by the provider; not counted or logged), JSON in and out:

* ``GET  /_control/stats``        counters, the request IDs sent, pending rules, the config.
* ``GET  /_control/requests``     the request log (Authorization values redacted).
* ``POST /_control/ips``          ``{"ips": [...]}`` (``null`` restores the default list).
* ``POST /_control/credentials``  ``{"customer_id": "...", "customer_secret": "..."}``.
* ``POST /_control/rules``        ``{"rules": [rule, ...], "replace": false}``.
* ``POST /_control/script``       ``{"responses": [spec, ...], "path": null}``.
* ``POST /_control/reset``        clears rules, counters and the log (keeps IPs and credentials).

The same operations are methods of :class:`FakeAgora` for in-process use.

Command line::

    python3 tests/fake_agora/server.py [--customer-id ID --customer-secret S] [--ips-file F]
                                        [--tls-cert C --tls-key K] [--quiet]

prints exactly one line ``LISTENING <port>`` on stdout once it accepts connections, then serves
until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import copy
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

__all__ = [
    "API_PATHS",
    "CONTROL_PREFIX",
    "DEFAULT_CUSTOMER_ID",
    "DEFAULT_CUSTOMER_SECRET",
    "DEFAULT_IPS",
    "FakeAgora",
    "TlsFiles",
    "basic_authorization",
    "generate_test_certificates",
]

LOOPBACK = "127.0.0.1"
API_PATHS: Tuple[str, ...] = ("/v2/ncs/ip", "/v1/ncs/ip")
CONTROL_PREFIX = "/_control/"

DEFAULT_CUSTOMER_ID = "fake-customer-id"
DEFAULT_CUSTOMER_SECRET = "fake-customer-secret"

# Documentation ranges only (RFC 5737, RFC 3849). Deliberately unsorted, with a duplicate, with
# IPv4 addresses that sort differently as text and as numbers (198.51.100.9 < .10 < .100), and
# with IPv6 addresses that do the same (2001:db8::3 < 2001:db8::20 < 2001:db8:0:1::5).
DEFAULT_IPS: Tuple[str, ...] = (
    "203.0.113.10",
    "198.51.100.10",
    "2001:db8::20",
    "198.51.100.9",
    "192.0.2.200",
    "203.0.113.10",
    "198.51.100.100",
    "2001:db8:0:1::5",
    "192.0.2.15",
    "2001:db8::3",
)

_RESPONSE_KEYS = frozenset({
    "status", "check_auth", "json", "raw", "raw_base64", "message", "ips", "hosts", "pad_to", "content_type",
    "headers", "delay", "trickle", "truncate_at", "hang", "drop",
})
_RULE_KEYS = _RESPONSE_KEYS | {"path", "times"}
_JSON_CONTENT_TYPE = "application/json; charset=utf-8"
_MAX_CONTROL_BODY = 1 << 20
_REGIONS = ("na", "eu", "ap", "cn")
_DEFAULT_MESSAGES = {
    400: "Invalid request",
    401: "Invalid authentication credentials",
    403: "Access forbidden",
    404: "Resource not found",
    405: "Method not allowed",
    415: "Unsupported media type",
    429: "Too many requests",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def basic_authorization(customer_id: str, customer_secret: str) -> str:
    """The ``Authorization`` header value Agora expects for these credentials."""
    token = base64.b64encode(f"{customer_id}:{customer_secret}".encode("utf-8")).decode("ascii")
    return f"Basic {token}"


def _validate_spec(spec: Dict[str, Any], allowed: frozenset) -> None:
    """Raises ValueError when a response/rule specification is malformed."""
    if not isinstance(spec, dict):
        raise ValueError(f"a response specification must be an object, got {type(spec).__name__}")
    unknown = sorted(set(spec) - allowed)
    if unknown:
        raise ValueError(f"unknown keys {unknown}; allowed: {sorted(allowed)}")
    status = spec.get("status")
    if status is not None and (not isinstance(status, int) or not 100 <= status <= 599):
        raise ValueError(f"status must be an integer 100..599, got {status!r}")
    for key in ("delay", "pad_to", "truncate_at"):
        value = spec.get(key)
        if value is not None and (not isinstance(value, (int, float)) or value < 0):
            raise ValueError(f"{key} must be a non-negative number, got {value!r}")
    if "trickle" in spec:
        trickle = spec["trickle"]
        if (not isinstance(trickle, dict) or int(trickle.get("chunk", 1)) < 1
                or float(trickle.get("interval", 0.1)) < 0):
            raise ValueError(f"trickle must be {{'chunk': >=1, 'interval': >=0}}, got {trickle!r}")
    if "headers" in spec and not isinstance(spec["headers"], dict):
        raise ValueError("headers must be an object of name -> value")
    if "ips" in spec and (not isinstance(spec["ips"], list)
                          or not all(isinstance(ip, str) for ip in spec["ips"])):
        raise ValueError("ips must be a list of strings")
    if "hosts" in spec and not isinstance(spec["hosts"], list):
        raise ValueError("hosts must be a list")
    if "raw" in spec and not isinstance(spec["raw"], str):
        raise ValueError("raw must be a string")
    if "raw_base64" in spec:
        try:
            base64.b64decode(spec["raw_base64"], validate=True)
        except (TypeError, ValueError) as err:
            raise ValueError(f"raw_base64 must be base64: {err}") from None
    times = spec.get("times")
    if times is not None and (not isinstance(times, int) or times < 1):
        raise ValueError(f"times must be a positive integer, got {times!r}")
    path = spec.get("path")
    if path is not None and (not isinstance(path, str) or not path.startswith("/")):
        raise ValueError(f"path must be an absolute request path, got {path!r}")


@dataclass
class _Rule:
    response: Dict[str, Any]
    path: Optional[str]
    times: Optional[int]  # Uses left; None = unlimited.

    def describe(self) -> Dict[str, Any]:
        out = dict(self.response)
        out["path"] = self.path
        out["times"] = self.times
        return out


# A host name (labels of letters, digits and hyphens; a leading "*." wildcard allowed): nothing that
# could end the openssl extension line or add another entry.
_DNS_NAME_RE = re.compile(r"(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                          r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


@dataclass(frozen=True)
class TlsFiles:
    """PEM files made by :func:`generate_test_certificates`."""

    ca_cert: Path
    server_cert: Path
    server_key: Path


def generate_test_certificates(directory: os.PathLike | str,
                               dns_names: Sequence[str] = ()) -> TlsFiles:
    """Creates a throw-away CA and a server certificate for 127.0.0.1 and localhost.

    ``dns_names`` adds more DNS subject alternative names to the server certificate (e.g.
    ``["ncs.agora.test"]``, for a client that reaches the fake by a host name mapped to 127.0.0.1
    in its /etc/hosts). Raises ValueError for a name that is not a plain DNS name.

    Uses the ``openssl`` command line (P-256 keys, valid for 2 days). The CA certificate is what a
    client must trust (``ca_cert_file``, ``SSL_CERT_FILE``); the server pair goes to
    :class:`FakeAgora` (``tls_cert``/``tls_key``). Raises ``subprocess.CalledProcessError`` with
    openssl's output when a step fails.
    """
    if isinstance(dns_names, str):
        raise TypeError("dns_names must be a sequence of names, not a string")
    for name in dns_names:
        if not isinstance(name, str) or not _DNS_NAME_RE.fullmatch(name):
            raise ValueError(f"not a DNS name for a certificate: {name!r}")
    alt_names = ", ".join(["IP:127.0.0.1", "DNS:localhost", *(f"DNS:{n}" for n in dns_names)])
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = out / "ca.key", out / "ca.pem"
    key, csr, cert = out / "server.key", out / "server.csr", out / "server.pem"
    ext = out / "server.ext"
    ext.write_text(
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = serverAuth\n"
        f"subjectAltName = {alt_names}\n",
        encoding="ascii")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    steps = [
        ["openssl", "req", "-x509", *ec, "-keyout", str(ca_key), "-out", str(ca_cert),
         "-days", "2", "-subj", "/CN=terraform-provider-agora test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", *ec, "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1"],
        ["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca_cert), "-CAkey", str(ca_key),
         "-set_serial", str(int.from_bytes(os.urandom(8), "big")), "-days", "2",
         "-extfile", str(ext), "-out", str(cert)],
    ]
    for step in steps:
        subprocess.run(step, check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    return TlsFiles(ca_cert=ca_cert, server_cert=cert, server_key=key)


class _Server(http.server.ThreadingHTTPServer):
    """The HTTP server: loopback only, TLS handshake in the connection's thread, tracked sockets."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, fake: "FakeAgora", tls_context: Optional[ssl.SSLContext]) -> None:
        self.fake = fake
        self.tls_context = tls_context
        super().__init__((LOOPBACK, 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn (a DNS lookup); not needed here.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn: socket.socket = request
        if self.tls_context is not None:
            try:
                request.settimeout(30)  # Bound the handshake only.
                conn = self.tls_context.wrap_socket(request, server_side=True)
                conn.settimeout(None)
            except (ssl.SSLError, OSError) as err:
                self.fake._note(f"TLS handshake with {client_address} failed: {err}")
                request.close()
                return
        number = self.fake._connection_opened(conn)
        try:
            handler = self.RequestHandlerClass(conn, client_address, self)
            del handler
        except (ConnectionError, ssl.SSLError, OSError):
            pass  # The client went away (or stop() shut the socket): nothing to report.
        except ValueError:
            if not self.fake._stopping.is_set():  # "I/O on closed file" after stop() is normal.
                raise
        finally:
            self.fake._connection_closed(conn, number)
            if conn is not request:
                try:
                    conn.close()
                except OSError:
                    pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeAgora/1.0"
    server: _Server

    def version_string(self) -> str:
        return self.server_version

    # --- plumbing ---------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (signature from base)
        self.server.fake._note("%s %s" % (self.address_string(), format % args))

    def _read_body(self, limit: int) -> bytes:
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            n = int(length)
        except ValueError:
            return b""
        if n > limit:
            raise ValueError(f"request body of {n} bytes exceeds {limit}")
        return self.rfile.read(n)

    def _send(self, status: int, body: bytes, headers: Sequence[Tuple[str, str]] = (),
              include_body: bool = True) -> None:
        self.send_response(status)
        names = {name.lower() for name, _ in headers}
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if include_body and body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 (BaseHTTPRequestHandler naming)
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PATCH(self) -> None:  # noqa: N802
        self._dispatch()

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith(CONTROL_PREFIX):
            self._control(path)
        else:
            self._api(path)

    # --- the Agora API ----------------------------------------------------------------------------

    def _api(self, path: str) -> None:
        fake = self.server.fake
        try:
            self._read_body(64 << 20)
        except ValueError:
            self.close_connection = True
        record, spec = fake._begin_request(self, path)
        stopping = fake._stopping

        if spec.get("drop"):
            fake._finish_request(record, None)
            self.close_connection = True
            self._shutdown_socket()
            return
        if spec.get("hang"):
            fake._finish_request(record, None)
            stopping.wait()
            self.close_connection = True
            return
        if spec.get("delay") and stopping.wait(float(spec["delay"])):
            self.close_connection = True
            return

        status, body, headers = fake._build_response(self.command, path, record, spec)
        fake._finish_request(record, status)
        include_body = self.command != "HEAD"
        truncate_at = spec.get("truncate_at")
        trickle = spec.get("trickle")
        if truncate_at is None and not trickle:
            self._send(status, body, headers, include_body)
            return

        # Slow or truncated body: announce the whole length, then write piecewise.
        self._send(status, b"", [("Content-Length", str(len(body)))] + headers, False)
        if not include_body:
            return
        payload = body if truncate_at is None else body[:int(truncate_at)]
        chunk = int(trickle.get("chunk", 1)) if trickle else len(payload) or 1
        interval = float(trickle.get("interval", 0.1)) if trickle else 0.0
        for offset in range(0, len(payload), chunk):
            if offset and interval and stopping.wait(interval):
                break
            self.wfile.write(payload[offset:offset + chunk])
        if truncate_at is not None or stopping.is_set():
            self.close_connection = True
            self._shutdown_socket()

    def _shutdown_socket(self) -> None:
        try:
            socket.socket.shutdown(self.connection, socket.SHUT_RDWR)
        except OSError:
            pass

    # --- the control API --------------------------------------------------------------------------

    def _control(self, path: str) -> None:
        fake = self.server.fake
        name = path[len(CONTROL_PREFIX):].strip("/")
        try:
            raw = self._read_body(_MAX_CONTROL_BODY)
            payload = json.loads(raw.decode("utf-8")) if raw.strip() else {}
            result = fake._control(self.command, name, payload)
            status = 200
        except KeyError as err:
            status, result = 404, {"message": f"no control endpoint {self.command} {path}: {err}"}
        except (ValueError, TypeError) as err:
            status, result = 400, {"message": f"bad control request: {err}"}
        body = json.dumps(result, indent=1, sort_keys=True).encode("utf-8") + b"\n"
        self._send(status, body, [("Content-Type", _JSON_CONTENT_TYPE)],
                   self.command != "HEAD")


class LoopbackServer:
    """What the tests' servers share: ``with server:`` around :meth:`start` and :meth:`stop`, and
    the port the socketserver kept in ``_server`` bound (port 0 asked for, so any free one)."""

    _server: Any = None

    def start(self) -> Any:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Any:
        return self if self._server is not None else self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} not started")
        return int(self._server.server_address[1])


class FakeAgora(LoopbackServer):
    """An in-process fake Agora API on a background thread.

    Usage::

        with FakeAgora(customer_id="id", customer_secret="s") as fake:
            fake.script([{"status": 500, "message": "boom"}, {"status": 200}])
            ... point the provider at fake.url ...
            assert fake.request_count("/v2/ncs/ip") == 2

    All methods are thread-safe. ``start()`` returns once the socket accepts connections;
    ``stop()`` (idempotent) closes the listener, releases hung and slow responses, closes every open
    connection and joins the threads.
    """

    def __init__(self, customer_id: str = DEFAULT_CUSTOMER_ID,
                 customer_secret: str = DEFAULT_CUSTOMER_SECRET,
                 ips: Optional[Iterable[str]] = None,
                 tls_cert: Optional[os.PathLike | str] = None,
                 tls_key: Optional[os.PathLike | str] = None,
                 verbose: bool = False) -> None:
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        self._lock = threading.Condition()
        self._customer_id = customer_id
        self._customer_secret = customer_secret
        self._ips: List[str] = list(DEFAULT_IPS if ips is None else ips)
        self._rules: List[_Rule] = []
        self._log: List[Dict[str, Any]] = []
        self._by_path: Dict[str, int] = {}
        self._by_status: Dict[str, int] = {}
        self._connections_total = 0
        self._open: Dict[int, Tuple[socket.socket, int]] = {}  # id(socket) -> (socket, number)
        self._handler_threads: List[threading.Thread] = []
        self._stopping = threading.Event()
        self._verbose = verbose
        self._tls_context: Optional[ssl.SSLContext] = None
        if tls_cert is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_cert_chain(str(tls_cert), str(tls_key))
            context.set_alpn_protocols(["http/1.1"])
            self._tls_context = context
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._stopped = False

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "FakeAgora":
        """Binds 127.0.0.1:0 and serves on a daemon thread. Returns self."""
        with self._lock:
            if self._server is not None:
                raise RuntimeError("FakeAgora already started")
            self._server = _Server(self, self._tls_context)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"fake-agora-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stops serving and closes everything; safe to call more than once."""
        with self._lock:
            if self._server is None or self._stopped:
                return
            self._stopped = True
            server = self._server
        self._stopping.set()
        server.shutdown()
        server.server_close()
        with self._lock:
            sockets = [conn for conn, _ in self._open.values()]
            threads = list(self._handler_threads)
        for conn in sockets:
            try:
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def host(self) -> str:
        return LOOPBACK

    @property
    def scheme(self) -> str:
        return "https" if self._tls_context is not None else "http"

    @property
    def url(self) -> str:
        """The base URL to configure as an endpoint, e.g. ``http://127.0.0.1:41234``."""
        return f"{self.scheme}://{LOOPBACK}:{self.port}"

    # --- configuration ----------------------------------------------------------------------------

    def set_ips(self, ips: Optional[Iterable[str]]) -> None:
        """Sets the addresses served by default (in this order, duplicates kept); None = default."""
        with self._lock:
            self._ips = list(DEFAULT_IPS if ips is None else ips)

    @property
    def ips(self) -> List[str]:
        with self._lock:
            return list(self._ips)

    def set_credentials(self, customer_id: str, customer_secret: str) -> None:
        """Sets the only credentials the API accepts."""
        with self._lock:
            self._customer_id, self._customer_secret = customer_id, customer_secret

    @property
    def customer_id(self) -> str:
        with self._lock:
            return self._customer_id

    def expected_authorization(self) -> str:
        """The ``Authorization`` header value the current credentials produce."""
        with self._lock:
            return basic_authorization(self._customer_id, self._customer_secret)

    def add_rule(self, path: Optional[str] = None, times: Optional[int] = None,
                 **response: Any) -> None:
        """Appends a rule: answer requests (to ``path``, if given) with ``response``, ``times``
        times (unlimited if None). See the module docstring for the response keys."""
        self.add_rules([dict(response, path=path, times=times)])

    def add_rules(self, rules: Sequence[Dict[str, Any]], replace: bool = False) -> None:
        """Appends (or, with ``replace``, installs exactly) rules given as flat dicts."""
        parsed = []
        for rule in rules:
            _validate_spec(rule, _RULE_KEYS)
            response = {k: copy.deepcopy(v) for k, v in rule.items() if k in _RESPONSE_KEYS}
            parsed.append(_Rule(response=response, path=rule.get("path"), times=rule.get("times")))
        with self._lock:
            if replace:
                self._rules.clear()
            self._rules.extend(parsed)

    def script(self, responses: Sequence[Dict[str, Any]], path: Optional[str] = None) -> None:
        """Queues single-use responses, consumed one per request in order, then the default.

        An entry's own ``path`` wins over the ``path`` argument."""
        self.add_rules([dict({"path": path}, **r, times=1) for r in responses])

    def clear_rules(self) -> None:
        with self._lock:
            self._rules.clear()

    def reset(self) -> None:
        """Clears rules, counters and the request log; keeps the IP list and credentials."""
        with self._lock:
            self._rules.clear()
            self._log.clear()
            self._by_path.clear()
            self._by_status.clear()
            self._lock.notify_all()

    # --- observations -----------------------------------------------------------------------------

    def requests(self, path: Optional[str] = None) -> List[Dict[str, Any]]:
        """Copies of the logged API requests (optionally only those to ``path``), oldest first.

        Each has: ``seq``, ``time``, ``method``, ``path``, ``query``, ``headers`` (lower-case
        names), ``host``, ``authorization_present``, ``auth_user``, ``auth_ok``, ``request_id``,
        ``resource_id``, ``status`` (None while in flight or for hang/drop), ``connection``
        (a number per TCP connection; equal numbers mean keep-alive reuse), ``rule``."""
        with self._lock:
            return [copy.deepcopy(r) for r in self._log if path is None or r["path"] == path]

    def request_count(self, path: Optional[str] = None) -> int:
        with self._lock:
            if path is None:
                return len(self._log)
            return self._by_path.get(path, 0)

    def request_ids(self) -> List[str]:
        """The ``X-Request-ID`` values sent, in request order."""
        with self._lock:
            return [r["request_id"] for r in self._log]

    def resource_ids(self) -> List[str]:
        """The ``X-Resource-ID`` values sent, in request order."""
        with self._lock:
            return [r["resource_id"] for r in self._log]

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Blocks until at least ``count`` API requests arrived; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._log) >= count, timeout=timeout)

    def stats(self, redact: bool = False) -> Dict[str, Any]:
        """Counters and state as a JSON-serialisable dict (what ``GET /_control/stats`` returns)."""
        with self._lock:
            return {
                "total": len(self._log),
                "by_path": dict(self._by_path),
                "by_status": dict(self._by_status),
                "request_ids": [r["request_id"] for r in self._log],
                "resource_ids": [r["resource_id"] for r in self._log],
                "connections": self._connections_total,
                "open_connections": len(self._open),
                "rules": [rule.describe() for rule in self._rules],
                "ips": list(self._ips),
                "customer_id": self._customer_id,
                "url": self.url if self._server is not None else None,
            }

    # --- internals (called from handler threads) --------------------------------------------------

    def _note(self, message: str) -> None:
        if self._verbose:
            sys.stderr.write(f"fake-agora: {message}\n")
            sys.stderr.flush()

    def _connection_opened(self, conn: socket.socket) -> int:
        with self._lock:
            self._connections_total += 1
            self._open[id(conn)] = (conn, self._connections_total)
            self._handler_threads = [t for t in self._handler_threads if t.is_alive()]
            self._handler_threads.append(threading.current_thread())
            number = self._connections_total
        if self._stopping.is_set():  # Raced with stop(): do not serve.
            try:
                socket.socket.shutdown(conn, socket.SHUT_RDWR)
            except OSError:
                pass
        return number

    def _connection_closed(self, conn: socket.socket, number: int) -> None:
        with self._lock:
            self._open.pop(id(conn), None)

    def _begin_request(self, handler: _Handler, path: str) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        authorization = headers.get("authorization")
        auth_user: Optional[str] = None
        with self._lock:
            expected = basic_authorization(self._customer_id, self._customer_secret)
            if authorization and authorization.startswith("Basic "):
                try:
                    decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
                    auth_user = decoded.split(":", 1)[0]
                except (binascii.Error, UnicodeDecodeError):
                    auth_user = None
            record = {
                "seq": len(self._log) + 1,
                "time": time.time(),
                "method": handler.command,
                "path": path,
                "query": urllib.parse.urlsplit(handler.path).query,
                "headers": headers,
                "host": headers.get("host"),
                "authorization_present": authorization is not None,
                "auth_user": auth_user,
                "auth_ok": authorization == expected,
                "request_id": uuid.uuid4().hex,
                "resource_id": uuid.uuid4().hex,
                "status": None,
                "connection": self._open.get(id(handler.connection), (None, None))[1],
                "rule": None,
            }
            spec: Dict[str, Any] = {}
            for rule in self._rules:
                if rule.path is not None and rule.path != path:
                    continue
                spec = copy.deepcopy(rule.response)
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                break
            record["rule"] = spec or None
            self._log.append(record)
            self._by_path[path] = self._by_path.get(path, 0) + 1
            self._lock.notify_all()
        return record, spec

    def _finish_request(self, record: Dict[str, Any], status: Optional[int]) -> None:
        with self._lock:
            record["status"] = status
            key = str(status) if status is not None else "none"
            self._by_status[key] = self._by_status.get(key, 0) + 1

    def _build_response(self, method: str, path: str, record: Dict[str, Any],
                        spec: Dict[str, Any]) -> Tuple[int, bytes, List[Tuple[str, str]]]:
        status: Optional[int] = spec.get("status")
        check_auth = spec.get("check_auth", status is None or 200 <= status < 300)
        extra_headers: List[Tuple[str, str]] = []
        message = spec.get("message")
        if status is None:
            if path not in API_PATHS:
                status, message = 404, message or f"No such resource: {path}"
                check_auth = False
            elif method not in ("GET", "HEAD"):
                status, message = 405, message or f"{method} is not allowed on {path}; use GET"
                extra_headers.append(("Allow", "GET"))
                check_auth = False
            else:
                status = 200
        if check_auth and not record["auth_ok"]:
            status, message = 401, _DEFAULT_MESSAGES[401]
            extra_headers.append(("WWW-Authenticate", 'Basic realm="Agora RESTful API"'))
            spec = {k: v for k, v in spec.items() if k in ("headers", "content_type")}

        if "raw_base64" in spec:
            body = base64.b64decode(spec["raw_base64"])
        elif "raw" in spec:
            body = spec["raw"].encode("utf-8")
        else:
            if "json" in spec:
                document: Any = copy.deepcopy(spec["json"])
            elif status == 200:
                with self._lock:
                    ips = list(spec.get("ips", self._ips))
                hosts = spec["hosts"] if "hosts" in spec else _hosts_for(ips)
                document = _success_document(hosts, record["request_id"])
            else:
                document = {
                    "message": message or _DEFAULT_MESSAGES.get(status, f"HTTP {status}"),
                    "status": "error",
                }
            body = _pad(document, int(spec.get("pad_to", 0)))

        headers: List[Tuple[str, str]] = [
            ("Content-Type", spec.get("content_type", _JSON_CONTENT_TYPE)),
            ("X-Request-ID", record["request_id"]),
            ("X-Resource-ID", record["resource_id"]),
        ] + extra_headers
        overrides = {str(k): str(v) for k, v in spec.get("headers", {}).items()}
        if overrides:
            lowered = {k.lower() for k in overrides}
            headers = [(k, v) for k, v in headers if k.lower() not in lowered]
            headers.extend(overrides.items())
        return status, body, headers

    def _control(self, method: str, name: str, payload: Any) -> Dict[str, Any]:
        if not isinstance(payload, dict):
            raise ValueError("the request body must be a JSON object")
        if method in ("GET", "HEAD") and name == "stats":
            return self.stats()
        if method in ("GET", "HEAD") and name == "requests":
            records = self.requests()
            for record in records:
                if "authorization" in record["headers"]:
                    record["headers"]["authorization"] = "<redacted>"
            return {"requests": records}
        if method == "POST" and name == "ips":
            ips = payload.get("ips")
            if ips is not None and (not isinstance(ips, list)
                                    or not all(isinstance(ip, str) for ip in ips)):
                raise ValueError("ips must be a list of strings or null")
            self.set_ips(ips)
            return {"ok": True, "ips": self.ips}
        if method == "POST" and name == "credentials":
            cid, secret = payload.get("customer_id"), payload.get("customer_secret")
            if not isinstance(cid, str) or not isinstance(secret, str):
                raise ValueError("customer_id and customer_secret must be strings")
            self.set_credentials(cid, secret)
            return {"ok": True}
        if method == "POST" and name == "rules":
            rules = payload.get("rules", [])
            if not isinstance(rules, list):
                raise ValueError("rules must be a list")
            self.add_rules(rules, replace=bool(payload.get("replace", False)))
            return {"ok": True, "rules": self.stats()["rules"]}
        if method == "POST" and name == "script":
            responses = payload.get("responses", [])
            if not isinstance(responses, list):
                raise ValueError("responses must be a list")
            self.script(responses, path=payload.get("path"))
            return {"ok": True, "rules": self.stats()["rules"]}
        if method == "POST" and name == "reset":
            self.reset()
            return {"ok": True}
        raise KeyError(name)


def _hosts_for(ips: Sequence[str]) -> List[Dict[str, Any]]:
    """Host objects as Agora shapes them, plus fields the provider must ignore."""
    return [
        {
            "primaryIP": ip,
            "region": _REGIONS[i % len(_REGIONS)],
            "weight": 100 - i,
            "isp": "fake",
            "ports": [443],
            "meta": {"rack": f"r{i}", "healthy": True},
        }
        for i, ip in enumerate(ips)
    ]


def _success_document(hosts: Any, request_id: str) -> Dict[str, Any]:
    return {
        "data": {
            "service": {
                "name": "ncs",
                "hosts": hosts,
                "updatedAt": "2025-01-01T00:00:00Z",
            },
            "ttl": 86400,
            "version": 2,
        },
        "success": True,
        "code": 0,
        "requestId": request_id,
    }


def _pad(document: Any, pad_to: int) -> bytes:
    """Serialises ``document``; pads an object with ``padding`` (other values with trailing
    whitespace) until the body has at least ``pad_to`` bytes."""
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    if len(body) >= pad_to:
        return body
    if isinstance(document, dict):
        padded = dict(document, padding="")
        base = len(json.dumps(padded, separators=(",", ":")).encode("utf-8"))
        padded["padding"] = "x" * max(0, pad_to - base)
        return json.dumps(padded, separators=(",", ":")).encode("utf-8")
    return body + b" " * (pad_to - len(body))


def _read_ips_file(path: str) -> List[str]:
    """A JSON list of strings, or one address per line (blank lines and ``#`` comments ignored)."""
    text = Path(path).read_text(encoding="utf-8")
    stripped = text.strip()
    if stripped.startswith("["):
        ips = json.loads(stripped)
        if not isinstance(ips, list) or not all(isinstance(ip, str) for ip in ips):
            raise ValueError(f"{path}: expected a JSON list of strings")
        return ips
    return [line.split("#", 1)[0].strip() for line in text.splitlines()
            if line.split("#", 1)[0].strip()]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fake Agora REST API (GET /v2/ncs/ip, /v1/ncs/ip) on 127.0.0.1. Prints "
                    "'LISTENING <port>' once ready; control API under /_control/.")
    parser.add_argument("--customer-id", default=DEFAULT_CUSTOMER_ID)
    parser.add_argument("--customer-secret", default=DEFAULT_CUSTOMER_SECRET)
    parser.add_argument("--ips-file", help="JSON list or one address per line")
    parser.add_argument("--tls-cert", help="PEM certificate (serve HTTPS)")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    args = parser.parse_args(argv)
    if (args.tls_cert is None) != (args.tls_key is None):
        parser.error("--tls-cert and --tls-key go together")

    ips = _read_ips_file(args.ips_file) if args.ips_file else None
    fake = FakeAgora(customer_id=args.customer_id, customer_secret=args.customer_secret, ips=ips,
                     tls_cert=args.tls_cert, tls_key=args.tls_key, verbose=not args.quiet)
    # Block SIGTERM/SIGINT before any thread starts (threads inherit the mask), then wait for
    # them synchronously in the main thread: no handler can run on a server thread.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    fake.start()
    try:
        sys.stdout.write(f"LISTENING {fake.port}\n")
        sys.stdout.flush()
        received = signal.sigwait(stop_signals)
        fake._note(f"received {signal.Signals(received).name}, stopping")
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

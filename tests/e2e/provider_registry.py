"""Loopback HTTPS servers for Terraform's provider installation protocols (stdlib only).

Both serve a dist directory written by ``scripts/release.py`` (``make release``):

* :class:`StaticSite`: the dist directory as a static web site, every file at its path and nothing
  else, as S3, GCS or nginx would serve it once copied there. ``make release`` writes a provider
  network mirror into it, so it serves the CLI configuration
  ``provider_installation { network_mirror { url = site.url } }``.
* :class:`Registry`: the provider registry protocol (``providers.v1``), for the CLI configuration
  ``host "registry.terraform.io" { services = { "providers.v1" = registry.services_url } }``.
  Answers ``GET /v1/providers/NAMESPACE/TYPE/versions`` (every platform with a zip in the dist),
  ``.../VERSION/download/OS/ARCH`` (file name, absolute URLs, SHA-256, the GPG public key given)
  and the files under ``/files/``.

Both bind 127.0.0.1 on port 0 and speak HTTPS only, with the certificate given (make Terraform
trust its CA with ``SSL_CERT_FILE``); each answer closes its connection. Anything else gets 404.
Every request is recorded (:meth:`requests`, :meth:`paths`). Use ``start()``/``stop()`` or
``with``.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import socket
import socketserver
import ssl
import threading
import urllib.parse
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import harness  # noqa: F401  (puts tests/ on sys.path)
from fake_agora.server import LoopbackServer

LOOPBACK = "127.0.0.1"
HOSTNAME = "registry.terraform.io"
NAMESPACE = "agora"
TYPE = "agora"

Route = Tuple[str, bytes]  # (Content-Type, body)
NOT_FOUND: Route = ("text/plain", b"not found\n")


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, in hex (as in a SHA256SUMS file and a registry's ``shasum``)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def h1_hash(zip_path: Path) -> str:
    """The ``h1:`` hash Terraform records for a provider package zip (Go's dirhash.HashZip with
    Hash1): base64 (standard, padded) of the SHA-256 of the lines
    ``"<sha256 hex of the entry>  <name of the entry>\\n"`` of all its entries, sorted by name."""
    with zipfile.ZipFile(zip_path) as archive:
        lines = [f"{hashlib.sha256(archive.read(name)).hexdigest()}  {name}\n"
                 for name in sorted(archive.namelist())]
    digest = hashlib.sha256("".join(lines).encode("utf-8")).digest()
    return "h1:" + base64.b64encode(digest).decode("ascii")


def _json(document: Any) -> Route:
    return "application/json", json.dumps(document).encode("utf-8")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: "_ProviderServer") -> None:
        self.owner = owner
        super().__init__((LOOPBACK, 0), _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # No getfqdn(): no DNS lookup.
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        request.settimeout(30)
        try:  # The TLS handshake runs in the connection's thread, not in the accept loop.
            conn = self.owner.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (ssl.SSLError, OSError):
            pass  # The client went away.
        finally:
            conn.close()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        route = self.server.owner._lookup(self.command, path)
        status, (content_type, body) = (200, route) if route else (404, NOT_FOUND)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if send_body:
            self.wfile.write(body)
        self.close_connection = True


class _ProviderServer(LoopbackServer):
    """What both servers share: the dist's files, TLS, the thread, the request log."""

    def __init__(self, dist: Path, cert: Path, key: Path, version: str) -> None:
        self.dist = Path(dist)
        self.version = version
        self.name = f"terraform-provider-{TYPE}_{version}"
        self.tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.tls_context.minimum_version = ssl.TLSVersion.TLSv1_2
        self.tls_context.load_cert_chain(str(cert), str(key))
        self._routes: Dict[str, Route] = {}
        self._requests: List[Tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None

    def start(self) -> "_ProviderServer":
        self._server = _Server(self)
        self._routes = self._build_routes()  # After binding: the answers hold the port.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name=f"{type(self).__name__}-{self.port}")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"https://{LOOPBACK}:{self.port}/"

    def requests(self) -> List[Tuple[str, str]]:
        """``(method, path)`` of every request so far, in order (404s included)."""
        with self._lock:
            return list(self._requests)

    def paths(self, method: str = "GET") -> List[str]:
        """The paths requested so far with ``method``, in order."""
        return [path for verb, path in self.requests() if verb == method]

    def file(self, name: str) -> bytes:
        return (self.dist / name).read_bytes()

    def _lookup(self, method: str, path: str) -> Optional[Route]:
        with self._lock:
            self._requests.append((method, path))
            return self._routes.get(path)

    def _build_routes(self) -> Dict[str, Route]:
        raise NotImplementedError


class StaticSite(_ProviderServer):
    """Every regular file under the dist directory at its relative path, read at start, with the
    Content-Type a static host gives its extension (terraform requires application/json for a
    network mirror's documents: docs/install.md)."""

    CONTENT_TYPES = {".json": "application/json", ".zip": "application/zip"}

    def _build_routes(self) -> Dict[str, Route]:
        return {"/" + path.relative_to(self.dist).as_posix():
                (self.CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                 path.read_bytes())
                for path in sorted(self.dist.rglob("*")) if path.is_file()}


class Registry(_ProviderServer):
    """The provider registry protocol, advertising ``public_key`` (ASCII-armored) with ``key_id``
    as the signing key of the dist's SHA256SUMS. The supported protocols come from the dist's
    manifest, as the public registry takes them."""

    def __init__(self, dist: Path, cert: Path, key: Path, version: str, public_key: str,
                 key_id: str, **kw: Any) -> None:
        super().__init__(dist, cert, key, version, **kw)
        self.public_key = public_key
        self.key_id = key_id
        self.base_path = f"/v1/providers/{NAMESPACE}/{TYPE}/"

    @property
    def services_url(self) -> str:
        """The ``providers.v1`` service URL for the CLI configuration's ``host`` block."""
        return f"{self.url}v1/providers/"

    def platforms(self) -> List[Tuple[str, str]]:
        """``(os, arch)`` of every zip of the version in the dist."""
        prefix, suffix = f"{self.name}_", ".zip"
        return sorted(tuple(path.name[len(prefix):-len(suffix)].split("_", 1))  # type: ignore
                      for path in self.dist.glob(f"{prefix}*{suffix}"))

    def _build_routes(self) -> Dict[str, Route]:
        manifest = json.loads(self.file(f"{self.name}_manifest.json"))
        protocols = manifest["metadata"]["protocol_versions"]
        sums, sig = f"{self.name}_SHA256SUMS", f"{self.name}_SHA256SUMS.sig"
        routes: Dict[str, Route] = {}
        for os_name, arch in self.platforms():
            zip_name = f"{self.name}_{os_name}_{arch}.zip"
            download = {
                "protocols": protocols,
                "os": os_name,
                "arch": arch,
                "filename": zip_name,
                "download_url": f"{self.url}files/{zip_name}",
                "shasums_url": f"{self.url}files/{sums}",
                "shasums_signature_url": f"{self.url}files/{sig}",
                "shasum": sha256_file(self.dist / zip_name),
                "signing_keys": {"gpg_public_keys": [{
                    "key_id": self.key_id,
                    "ascii_armor": self.public_key,
                    "trust_signature": "",
                    "source": "terraform-provider-agora e2e",
                    "source_url": None,
                }]},
            }
            routes[self.base_path + f"{self.version}/download/{os_name}/{arch}"] = \
                _json(download)
            routes[f"/files/{zip_name}"] = ("application/octet-stream", self.file(zip_name))
        versions = {"versions": [{"version": self.version, "protocols": protocols,
                                  "platforms": [{"os": o, "arch": a}
                                                for o, a in self.platforms()]}]}
        routes[self.base_path + "versions"] = _json(versions)
        for name in (sums, sig):
            if (self.dist / name).is_file():
                routes[f"/files/{name}"] = ("application/octet-stream", self.file(name))
        return routes

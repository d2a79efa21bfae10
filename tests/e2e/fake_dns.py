"""A fake authoritative DNS server on a loopback address, port 53, for the end-to-end tests
(stdlib only): :class:`FakeDns`.

A root's ``/etc/resolv.conf`` cannot name a port, so the server listens on port 53 of an address
of its own, ``127.0.0.N`` with N random in 2..250 (never 127.0.0.1, where a local resolver may
listen, nor systemd-resolved's 127.0.0.53): every 127/8 address is the loopback interface's on
Linux, so nothing needs configuring, and a query to it never leaves the machine. When the bind
fails (the address is taken), another N is tried. Binding port 53 needs root.

Contract
--------
* UDP only. glibc's stub resolver (the static provider's, Terraform's Go resolver alike) asks
  over UDP and switches to TCP only for a truncated answer; answers here are a few dozen bytes
  and never truncated.
* It is authoritative for the names it is given (``name -> IPv4 address``), and only for them:

  - ``A`` (or ``ANY``) for a known name: NOERROR, AA, the one record (small TTL); the answer's
    owner name is a compression pointer to the question's name;
  - any other type (``AAAA``, ...) for a known name: NOERROR, AA, no record ("no data");
  - a name it does not know: NXDOMAIN, AA;
  - a class other than IN: REFUSED; an opcode other than QUERY: NOTIMP; a query without exactly
    one question: FORMERR.

* Every query with a readable question is recorded (:meth:`FakeDns.queries`: name in lower case
  without the final dot, type, the rcode sent, the client's address). Packets too short for a
  header, responses, and questions that cannot be parsed (a truncated name, a label over 63
  bytes, a compression pointer) are ignored without an answer and only counted
  (:attr:`FakeDns.ignored`).
* Each datagram is answered on its own, at once: glibc sends the A and AAAA queries of one
  lookup in parallel from one socket (``single-request`` not set) and waits for both.
* Queries with EDNS (an OPT record) are answered without one (RFC 6891 6.1.1: a responder that
  does not implement EDNS).

Usage::

    with FakeDns({"api.dns.agora.test": "127.0.0.1"}) as dns:
        root.write_file("/etc/resolv.conf", dns.resolv_conf())
        ...
        assert ("api.dns.agora.test", "A") in dns.questions()

``start()`` returns once the socket is bound; ``stop()`` (idempotent) wakes the serving thread,
joins it and closes the socket.
"""

from __future__ import annotations

import errno
import ipaddress
import random
import select
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

__all__ = ["FakeDns", "Query", "RCODE_NAMES", "TYPE_NAMES"]

DNS_PORT = 53
TTL = 5
BIND_ATTEMPTS = 20

# Header flags (RFC 1035 4.1.1).
_QR = 0x8000
_AA = 0x0400
_RD = 0x0100
_CD = 0x0010
_OPCODE_SHIFT = 11
_OPCODE_MASK = 0xF

OPCODE_QUERY = 0
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 0, 1, 2, 3, 4, 5
RCODE_NAMES = {NOERROR: "NOERROR", FORMERR: "FORMERR", SERVFAIL: "SERVFAIL",
               NXDOMAIN: "NXDOMAIN", NOTIMP: "NOTIMP", REFUSED: "REFUSED"}

CLASS_IN = 1
TYPE_A = 1
TYPE_ANY = 255
TYPE_NAMES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA",
              33: "SRV", 41: "OPT", 64: "SVCB", 65: "HTTPS", 255: "ANY"}

_HEADER = struct.Struct("!HHHHHH")
_QUESTION_TAIL = struct.Struct("!HH")
_MAX_NAME = 255
_MAX_LABEL = 63
_MAX_DATAGRAM = 65535


def type_name(qtype: int) -> str:
    """The mnemonic of a record type (``TYPE<n>`` for one not listed, as RFC 3597 writes it)."""
    return TYPE_NAMES.get(qtype, f"TYPE{qtype}")


def normalize_name(name: str) -> str:
    """A domain name as the server compares it: lower case, no final dot."""
    return name.rstrip(".").lower()


class MalformedMessage(ValueError):
    pass


@dataclass(frozen=True)
class Query:
    """One query the server answered."""

    name: str     # Lower case, without the final dot.
    type: str     # "A", "AAAA", ... ("TYPE<n>" for others).
    qtype: int
    rcode: str    # What was answered: "NOERROR", "NXDOMAIN", ...
    answers: int  # How many records the answer carried.
    client: Tuple[str, int]
    time: float


def parse_question(packet: bytes, offset: int = _HEADER.size) -> Tuple[bytes, str, int, int, int]:
    """The question at ``offset``: ``(its wire bytes, name, qtype, qclass, end offset)``; the
    name is decoded as ASCII with non-printable bytes escaped, in lower case, without the final
    dot ("" for the root). Raises :class:`MalformedMessage`."""
    labels: List[str] = []
    position = offset
    wire_length = 0
    while True:
        if position >= len(packet):
            raise MalformedMessage("the question's name runs past the end of the packet")
        length = packet[position]
        if length & 0xC0:
            # 0xC0 is a compression pointer, 0x40/0x80 are reserved label types: a question's name
            # is the first one in a message, so a pointer has nothing to point back to.
            raise MalformedMessage(f"unsupported label type 0x{length:02x} in the question")
        position += 1
        wire_length += 1 + length
        if wire_length > _MAX_NAME:
            raise MalformedMessage("the question's name is longer than 255 bytes")
        if length == 0:
            break
        if position + length > len(packet):
            raise MalformedMessage("a label runs past the end of the packet")
        raw = packet[position:position + length]
        labels.append("".join(chr(b) if 0x21 <= b <= 0x7E and b not in (0x2E, 0x5C)
                              else f"\\{b:03d}" for b in raw))
        position += length
    if position + _QUESTION_TAIL.size > len(packet):
        raise MalformedMessage("the question has no type and class")
    qtype, qclass = _QUESTION_TAIL.unpack_from(packet, position)
    end = position + _QUESTION_TAIL.size
    return packet[offset:end], normalize_name(".".join(labels)), qtype, qclass, end


def encode_name(name: str) -> bytes:
    """``name`` in wire format (ASCII labels, no escapes)."""
    out = bytearray()
    for label in normalize_name(name).split(".") if normalize_name(name) else []:
        raw = label.encode("ascii")
        if not 0 < len(raw) <= _MAX_LABEL:
            raise ValueError(f"bad label {label!r} in {name!r}")
        out += bytes([len(raw)]) + raw
    out += b"\0"
    if len(out) > _MAX_NAME:
        raise ValueError(f"name too long: {name!r}")
    return bytes(out)


def build_query(name: str, qtype: int = TYPE_A, ident: int = 0x1234, qclass: int = CLASS_IN,
                recursion_desired: bool = True) -> bytes:
    """A standard query for ``name`` (for checking the server without a resolver)."""
    flags = _RD if recursion_desired else 0
    return (_HEADER.pack(ident, flags, 1, 0, 0, 0) + encode_name(name)
            + _QUESTION_TAIL.pack(qtype, qclass))


def parse_response(packet: bytes) -> Dict[str, Any]:
    """The parts of one of this server's answers a check needs: ``id``, ``flags``, ``rcode``,
    ``question`` (name, qtype), and ``answers`` as ``(type, ttl, rdata)``; an A record's rdata is
    the address as text. Follows only the compression pointers this server writes."""
    ident, flags, qdcount, ancount, _, _ = _HEADER.unpack_from(packet, 0)
    position = _HEADER.size
    question = None
    if qdcount:
        _, name, qtype, _, position = parse_question(packet, position)
        question = (name, qtype)
    answers = []
    for _ in range(ancount):
        if packet[position] & 0xC0 == 0xC0:
            position += 2
        else:
            _, _, _, _, end = parse_question(packet, position)  # Skips the name (and 4 bytes).
            position = end - _QUESTION_TAIL.size
        rtype, _, ttl, rdlength = struct.unpack_from("!HHIH", packet, position)
        position += 10
        rdata: Any = packet[position:position + rdlength]
        if rtype == TYPE_A and rdlength == 4:
            rdata = str(ipaddress.IPv4Address(rdata))
        answers.append((type_name(rtype), ttl, rdata))
        position += rdlength
    return {"id": ident, "flags": flags, "rcode": RCODE_NAMES.get(flags & 0xF, str(flags & 0xF)),
            "question": question, "answers": answers}


class FakeDns:
    """An authoritative DNS server for ``records`` (``name -> IPv4 address``) on
    ``127.0.0.N:53`` (see the module docstring), served by a daemon thread.

    All methods are thread-safe. ``address`` (or an explicit one given to the constructor, tried
    alone) is known after :meth:`start`; :meth:`resolv_conf` is the ``/etc/resolv.conf`` that
    names only this server.
    """

    def __init__(self, records: Mapping[str, str], ttl: int = TTL, address: Optional[str] = None,
                 port: int = DNS_PORT, verbose: bool = False) -> None:
        self._records: Dict[str, bytes] = {}
        for name, value in records.items():
            encode_name(name)  # Validates it.
            self._records[normalize_name(name)] = ipaddress.IPv4Address(value).packed
        if not 0 <= ttl < 2 ** 31:
            raise ValueError(f"bad TTL {ttl}")
        self._ttl = ttl
        self._requested_address = address
        self._requested_port = port
        self._verbose = verbose
        self._lock = threading.Condition()
        self._queries: List[Query] = []
        self._ignored = 0
        self._socket: Optional[socket.socket] = None
        self._bound: Optional[Tuple[str, int]] = None
        self._wakeup: Optional[Tuple[socket.socket, socket.socket]] = None
        self._thread: Optional[threading.Thread] = None
        self._stopped = False

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "FakeDns":
        """Binds the UDP socket (another 127.0.0.N on failure, up to 20 addresses) and serves on
        a daemon thread. Returns self."""
        with self._lock:
            if self._socket is not None or self._stopped:
                raise RuntimeError("FakeDns already started")
            self._socket = self._bind()
            host, port = self._socket.getsockname()[:2]
            self._bound = (str(host), int(port))
            self._wakeup = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, name=f"fake-dns-{self.address}",
                                        daemon=True)
        self._thread.start()
        return self

    def _bind(self) -> socket.socket:
        if self._requested_address is not None:
            candidates = [self._requested_address]
        else:
            candidates = [f"127.0.0.{n}" for n in
                          random.SystemRandom().sample([n for n in range(2, 251) if n != 53],
                                                       BIND_ATTEMPTS)]
        failures = []
        for address in candidates:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.bind((address, self._requested_port))
            except OSError as err:
                sock.close()
                if err.errno in (errno.EACCES, errno.EPERM):
                    raise PermissionError(
                        f"cannot bind {address}:{self._requested_port} (port 53 needs root): "
                        f"{err}") from err
                failures.append(f"{address}: {err.strerror}")
                continue
            return sock
        raise OSError(f"FakeDns could not bind port {self._requested_port} on any of "
                      f"{len(candidates)} loopback addresses: {'; '.join(failures)}")

    def stop(self) -> None:
        """Stops serving and closes the socket; safe to call more than once."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            wakeup = self._wakeup
        if wakeup is not None:
            try:
                wakeup[1].send(b"x")
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            for sock in ([self._socket] if self._socket else []) + list(wakeup or ()):
                sock.close()

    def __enter__(self) -> "FakeDns":
        return self if self._socket is not None else self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- facts ------------------------------------------------------------------------------------

    @property
    def address(self) -> str:
        if self._bound is None:
            raise RuntimeError("FakeDns not started")
        return self._bound[0]

    @property
    def port(self) -> int:
        if self._bound is None:
            raise RuntimeError("FakeDns not started")
        return self._bound[1]

    def resolv_conf(self, options: str = "timeout:1 attempts:2") -> str:
        """An ``/etc/resolv.conf`` naming this server only (port 53 is implied: resolv.conf has
        no way to name another)."""
        if self.port != DNS_PORT:
            raise RuntimeError(f"resolv.conf cannot name port {self.port}")
        return f"nameserver {self.address}\n" + (f"options {options}\n" if options else "")

    @property
    def records(self) -> Dict[str, str]:
        return {name: str(ipaddress.IPv4Address(raw)) for name, raw in self._records.items()}

    # --- observations -----------------------------------------------------------------------------

    def queries(self) -> List[Query]:
        """Every query answered, oldest first."""
        with self._lock:
            return list(self._queries)

    def questions(self) -> List[Tuple[str, str]]:
        """``(name, type)`` of every query answered, oldest first."""
        return [(q.name, q.type) for q in self.queries()]

    @property
    def ignored(self) -> int:
        """How many packets were dropped unanswered (malformed, or responses)."""
        with self._lock:
            return self._ignored

    def wait_for_queries(self, count: int, timeout: float = 10.0) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: len(self._queries) >= count, timeout=timeout)

    def describe(self) -> str:
        """For assertion messages: the address and the queries answered."""
        lines = [f"fake DNS {self.address}:{self.port}, {self.ignored} packet(s) ignored"]
        lines += [f"  {q.client[0]}:{q.client[1]} {q.name} {q.type} -> {q.rcode}"
                  f" ({q.answers} answer(s))" for q in self.queries()]
        return "\n".join(lines)

    # --- serving ----------------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._socket is not None and self._wakeup is not None
        sock, wakeup = self._socket, self._wakeup[0]
        while True:
            try:
                readable, _, _ = select.select([sock, wakeup], [], [])
            except OSError:
                return
            if wakeup in readable:
                return
            try:
                packet, client = sock.recvfrom(_MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                return
            answer = self._answer(packet, client)
            if answer is None:
                continue
            try:
                sock.sendto(answer, client)
            except OSError as err:
                self._note(f"could not answer {client}: {err}")

    def _note(self, message: str) -> None:
        if self._verbose:
            sys.stderr.write(f"fake-dns: {message}\n")
            sys.stderr.flush()

    def _ignore(self, client: Tuple[str, int], why: str) -> None:
        with self._lock:
            self._ignored += 1
        self._note(f"ignored a packet from {client[0]}:{client[1]}: {why}")

    def _answer(self, packet: bytes, client: Tuple[str, int]) -> Optional[bytes]:
        """The response to ``packet``, or None to send nothing."""
        if len(packet) < _HEADER.size:
            self._ignore(client, f"{len(packet)} bytes, shorter than a header")
            return None
        ident, flags, qdcount, _, _, _ = _HEADER.unpack_from(packet, 0)
        if flags & _QR:
            self._ignore(client, "a response, not a query")
            return None
        opcode = (flags >> _OPCODE_SHIFT) & _OPCODE_MASK
        # QR, the query's opcode, AA (authoritative for everything it answers), RD and CD copied;
        # RA clear: this server does not recurse.
        reply_flags = _QR | (opcode << _OPCODE_SHIFT) | _AA | (flags & (_RD | _CD))
        if opcode != OPCODE_QUERY:
            self._note(f"opcode {opcode} from {client[0]}:{client[1]}: NOTIMP")
            return _HEADER.pack(ident, reply_flags | NOTIMP, 0, 0, 0, 0)
        if qdcount != 1:
            self._note(f"{qdcount} questions from {client[0]}:{client[1]}: FORMERR")
            return _HEADER.pack(ident, reply_flags | FORMERR, 0, 0, 0, 0)
        try:
            question, name, qtype, qclass, _ = parse_question(packet)
        except MalformedMessage as err:
            self._ignore(client, str(err))
            return None
        # Anything after the question (an OPT record, say) is not looked at.
        answers = b""
        ancount = 0
        if qclass != CLASS_IN:
            rcode = REFUSED
        elif name not in self._records:
            rcode = NXDOMAIN
        else:
            rcode = NOERROR
            if qtype in (TYPE_A, TYPE_ANY):
                # Owner: a pointer to the question's name at offset 12; type A, class IN, TTL.
                answers = (struct.pack("!HHHIH", 0xC000 | _HEADER.size, TYPE_A, CLASS_IN,
                                       self._ttl, 4) + self._records[name])
                ancount = 1
        record = Query(name=name, type=type_name(qtype), qtype=qtype, rcode=RCODE_NAMES[rcode],
                       answers=ancount, client=(str(client[0]), int(client[1])), time=time.time())
        with self._lock:
            self._queries.append(record)
            self._lock.notify_all()
        self._note(f"{client[0]}:{client[1]} {name} {record.type} -> {record.rcode}"
                   f" ({ancount} answer(s))")
        return (_HEADER.pack(ident, reply_flags | rcode, 1, ancount, 0, 0) + question + answers)

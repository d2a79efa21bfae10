#!/usr/bin/env python3
"""Writes the seed corpora of the libFuzzer targets: tests/fuzz/corpus/<target>/seed-*.

A handful of small valid and invalid inputs per target. Regression inputs (regression-*) found by
fuzzing are added by hand and never touched here. Run from anywhere:
    python3 tests/fuzz/make_corpus.py
"""
import os
import struct

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


# --- a minimal msgpack encoder (what cty's wire form needs) ---------------------------------------
class Ext:
    def __init__(self, code, data):
        self.code, self.data = code, data


def mp(value):
    if value is None:
        return b"\xc0"
    if value is True:
        return b"\xc3"
    if value is False:
        return b"\xc2"
    if isinstance(value, Ext):
        if len(value.data) == 1:
            return b"\xd4" + struct.pack("b", value.code) + value.data
        return b"\xc7" + struct.pack("Bb", len(value.data), value.code) + value.data
    if isinstance(value, int):
        if 0 <= value < 128:
            return struct.pack("B", value)
        if -32 <= value < 0:
            return struct.pack("b", value)
        if 0 <= value < 2**64:
            return b"\xcf" + struct.pack(">Q", value)
        return b"\xd3" + struct.pack(">q", value)
    if isinstance(value, float):
        return b"\xcb" + struct.pack(">d", value)
    if isinstance(value, bytes):
        return b"\xc4" + struct.pack("B", len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        if len(data) < 32:
            return struct.pack("B", 0xA0 | len(data)) + data
        return b"\xd9" + struct.pack("B", len(data)) + data
    if isinstance(value, list):
        out = b"\xdc" + struct.pack(">H", len(value)) if len(value) >= 16 else struct.pack(
            "B", 0x90 | len(value))
        return out + b"".join(mp(v) for v in value)
    if isinstance(value, dict):
        out = b"\xde" + struct.pack(">H", len(value)) if len(value) >= 16 else struct.pack(
            "B", 0x80 | len(value))
        return out + b"".join(mp(k) + mp(v) for k, v in sorted(value.items()))
    raise TypeError(value)


UNKNOWN = Ext(0, b"\x00")

PROVIDER_ATTRS = ["ca_cert_file", "ca_cert_pem", "customer_id", "customer_secret", "endpoints",
                  "insecure", "max_retries", "proxy_url", "region", "request_timeout",
                  "total_timeout"]
DATA_SOURCE_ATTRS = ["aggregate", "chunk_size", "cidr_block_chunks", "cidr_blocks", "fingerprint",
                     "id", "ip_addresses", "ipv4_addresses", "ipv6_addresses",
                     "ipv6_cidr_block_chunks", "ipv6_cidr_blocks", "min_count", "service"]
RESOURCE_ATTRS = ["added", "aggregate", "changed_at", "chunk_size", "cidr_block_chunks",
                  "cidr_blocks", "fingerprint", "grace_period", "id", "ip_addresses",
                  "ipv4_addresses", "ipv6_addresses", "ipv6_cidr_block_chunks",
                  "ipv6_cidr_blocks", "max_removed_percent", "min_count", "on_fetch_error",
                  "pending_removal", "removed", "service"]


def nulls(attrs, **values):
    obj = {name: None for name in attrs}
    obj.update(values)
    return obj


def msgpack_value():
    # First byte: 0 provider, 1 data source, 2 resource schema type; 3 a type read from the bytes
    # that follow (one byte per node: kind = b % 9, count = (b // 9) % 4), then the value.
    seeds = {
        "provider-nulls": b"\x00" + mp(nulls(PROVIDER_ATTRS)),
        "provider-config": b"\x00" + mp(nulls(
            PROVIDER_ATTRS, customer_id="id", endpoints=["https://api.agora.io"], insecure=False,
            max_retries=3, request_timeout="10s", total_timeout=UNKNOWN)),
        "provider-null": b"\x00\xc0",
        "provider-unknown": b"\x00" + mp(UNKNOWN),
        "data-source-read": b"\x01" + mp(nulls(
            DATA_SOURCE_ATTRS, service="ncs", chunk_size=50, aggregate=True, min_count=1,
            ip_addresses=["203.0.113.1", "2001:db8::1"],
            cidr_block_chunks=[["203.0.113.0/31"]], fingerprint="sha256:00", id="ncs")),
        "data-source-refined": b"\x01" + mp(nulls(
            DATA_SOURCE_ATTRS,
            ip_addresses=Ext(12, mp({1: False, 5: 1, 6: 10})),
            chunk_size=1.5)),
        "resource-state": b"\x02" + mp(nulls(
            RESOURCE_ATTRS, service="ncs", grace_period="24h", on_fetch_error="keep",
            pending_removal={"203.0.113.9": "2030-01-01T00:00:00Z"}, max_removed_percent=25,
            min_count=12345678901234567890, added=[], removed=["203.0.113.9"])),
        "resource-missing-attribute": b"\x02" + mp({"id": "x"}),
        # list(number)
        "type-list-number": b"\x03\x04\x01" + mp([1, -1, 2**40, 0.5, "1e400", "12.000"]),
        # map(dynamic): values as [type JSON, value]
        "type-map-dynamic": b"\x03\x06\x03" + mp({"a": [b'"string"', "x"],
                                                    "b": [b'["list","number"]', [1, 2]]}),
        # object({a: string, b: set(bool)})  (7 + 9*2 = 25)
        "type-object": b"\x03\x19\x00\x05\x02" + mp({"a": "x", "b": [True, False, True]}),
        # tuple([number, bool, dynamic])  (8 + 9*3 = 35)
        "type-tuple": b"\x03\x23\x01\x02\x03" + mp([1.25, None, UNKNOWN]),
        "type-string-truncated": b"\x03\x00\xd9\x20abc",
        "type-deep-list": b"\x03" + b"\x04" * 8 + b"\x91" * 10 + b"\xa1x",
        "garbage": b"\x03\xff\xff\xc1",
    }
    return seeds


def type_json():
    return {
        "string": b'"string"',
        "list-number": b'["list","number"]',
        "set-map": b'["set",["map","bool"]]',
        "object": b'["object",{"a":"string","b":["tuple",["number","dynamic"]]}]',
        "object-optional": b'["object",{"a":"string","b":"number"},["b"]]',
        "tuple-empty": b'["tuple",[]]',
        "dynamic": b'"dynamic"',
        "unknown-name": b'"strin"',
        "extra-element": b'["list","string","x"]',
        "trailing": b'"bool" 1',
        "deep": b'["list",' * 120 + b'"string"' + b"]" * 120,
    }


def state_json():
    return {
        "v1-state": b'{"id":"ncs","service":"ncs","aggregate":true,"chunk_size":50,'
                    b'"min_count":1,"ip_addresses":["203.0.113.1","2001:db8::1"],'
                    b'"cidr_block_chunks":[["203.0.113.1/32"]],"grace_period":"24h",'
                    b'"pending_removal":{"203.0.113.9":"2030-01-01T00:00:00Z"},'
                    b'"max_removed_percent":"25","on_fetch_error":"keep"}',
        "nulls": b'{"id":null,"added":null,"pending_removal":null}',
        "unknown-attribute": b'{"id":"x","retired_attribute":[1,{"a":2}]}',
        "string-number": b'{"chunk_size":"12345678901234567890123.5","aggregate":"1"}',
        "duplicate-key": b'{"id":"a","id":"b"}',
        "wrong-type": b'{"added":"203.0.113.1"}',
        "not-object": b"[]",
        "trailing-data": b'{} {}',
        "deep": b'{"retired":' + b"[" * 600 + b"]" * 600 + b"}",
        "bad-utf8": b'{"id":"\xff"}',
    }


def ncs_response():
    def hosts(*ips):
        return ('{"data":{"service":{"hosts":[' + ",".join(
            '{"primaryIP":"%s"}' % ip for ip in ips) + ']}}}').encode()
    return {
        "v4-run": hosts("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.0",
                        "203.0.113.4", "198.51.100.7", "203.0.113.2"),
        "v6": hosts("2001:db8::", "2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8:0:1::"),
        "mixed": hosts("192.0.2.255", "192.0.3.0", "2001:db8::ffff", "8.8.8.8"),
        "empty-hosts": b'{"data":{"service":{"hosts":[]}}}',
        "skipped-host": b'{"data":{"service":{"hosts":[{"backupIP":"x"},{"primaryIP":null},'
                        b'{"primaryIP":"192.0.2.1"}]}}}',
        "private": hosts("10.0.0.1"),
        "prefix": hosts("203.0.113.1/32"),
        "number-ip": b'{"data":{"service":{"hosts":[{"primaryIP":7}]}}}',
        "top-array": b"[1,2]",
        "extra-fields": b'{"code":0,"data":{"service":{"hosts":[{"primaryIP":"203.0.113.8",'
                        b'"region":"x"}],"name":"ncs"}},"message":"ok"}',
    }


def boundary():
    # tests/fuzz/boundary_fuzz.cc: shape byte (bit 0: two endpoints, bit 1: max_retries 1, bit 2:
    # an oversized body), the status as 2 bytes (100 + n % 500), header lines, an empty line, the
    # body.
    def answer(status, body=b"", headers=(), shape=0):
        n = status - 100
        head = b"".join(h + b"\n" for h in headers)
        return bytes([shape, n >> 8, n & 0xFF]) + head + b"\n" + body
    good = b'{"data":{"service":{"hosts":[{"primaryIP":"203.0.113.1"},{"primaryIP":"2001:db8::1"}]}}}'
    return {
        "ok": answer(200, good, [b"X-Request-ID: rid-1", b"X-Resource-ID: res-1"]),
        "cut-character-503": answer(503, b"<html>x" + "\u00e9".encode() * 70,
                                    [b"Content-Type: text/html", b"X-Request-ID: rid-2"]),
        "lone-surrogate-503": answer(503, b'{"message":"bad \\udc00 thing"}'),
        "latin1-header-503": answer(503, b"", [b"X-Request-ID: rid-\xe9-17"]),
        "deep-200": answer(200, b"[" * 200_000),
        "deep-500": answer(500, b"[" * 200_000, shape=1),
        "captive-portal-200": answer(200, b"<html>Sign in</html>", shape=1),
        "redirect-302": answer(302, b"", [b"Location: https://portal.example/"], shape=1),
        "unauthorized-401": answer(401, b'{"message":"Invalid authentication credentials"}'),
        "retry-after-429": answer(429, b"", [b"Retry-After: 2"], shape=2),
        "oversized": answer(200, b"", shape=4 | 1),
        "primary-ip-latin1": answer(200, b'{"data":{"service":{"hosts":[{"primaryIP":"203.0.113.\xe9"}]}}}'),
    }


def ip_text():
    return {
        "v4": b"203.0.113.1",
        "v4-zero": b"0.0.0.0",
        "v4-leading-zero": b"203.0.113.01",
        "v4-overflow": b"256.1.1.1",
        "v6-full": b"2001:0db8:0000:0000:0000:0000:0000:0001",
        "v6-compressed": b"2001:db8::1",
        "v6-mapped": b"::ffff:192.0.2.1",
        "v6-any": b"::",
        "v6-zone": b"fe80::1%eth0",
        "v6-double-gap": b"1::2::3",
        "v6-upper": b"2001:DB8::A",
        "space": b" 203.0.113.1",
    }


def settings_text():
    return {
        "endpoint": b"https://api.agora.io/",
        "endpoint-port-path": b"https://api.sd-rtn.com:443/base//",
        "endpoint-http-loopback": b"http://127.0.0.1:8080",
        "endpoint-v6": b"http://[::1]:9/",
        "endpoint-user": b"https://user:pw@api.agora.io",
        "endpoint-query": b"https://api.agora.io/?a=b",
        "proxy-socks": b"socks5h://proxy.example:1080",
        "proxy-bad-port": b"http://proxy:99999",
        "duration": b"1m30s",
        "duration-ms": b"500ms",
        "duration-negative": b"-1s",
        "duration-inf": b"inf",
        "retry-after-seconds": b"120",
        "retry-after-date": b"Wed, 21 Oct 2015 07:28:00 GMT",
        "retry-after-huge": b"9223372036854775807",
        "region": b"eu-central-1",
        "customer-id-colon": b"a:b",
        "localhost": b"LOCALHOST",
        "ca-pem": """-----BEGIN CERTIFICATE-----
MIIBfjCCASOgAwIBAgIUGPeB3lVhorDRohiRl6SHEUZ338AwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTIwMTE0MTQ1M1oXDTM2MTEyODE0
MTQ1M1owFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEwo1rgi42rQAEHwyiAUmOztZbSUdQHHPtf3bgfwBDD10kS2MAYlghJ++5
es1nXuDRMS6r4SN3xJ6Avt6Q/TMTaqNTMFEwHQYDVR0OBBYEFGWlwjUKMzbcLZJs
UVFrLx0z8GGrMB8GA1UdIwQYMBaAFGWlwjUKMzbcLZJsUVFrLx0z8GGrMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAJ+DRNq4Tm6QnICsmxW8CJsb
h9rYF5xM7t3eLlWfLXiHAiEAsU0K+hlIv0y96fWY/kbyij0DxmGIuXu01Qc/OiJk
WqQ=
-----END CERTIFICATE-----
""".encode(),
    }


CERT = """-----BEGIN CERTIFICATE-----
MIIBfjCCASOgAwIBAgIUGPeB3lVhorDRohiRl6SHEUZ338AwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MB4XDTI2MTIwMTE0MTQ1M1oXDTM2MTEyODE0
MTQ1M1owFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEwo1rgi42rQAEHwyiAUmOztZbSUdQHHPtf3bgfwBDD10kS2MAYlghJ++5
es1nXuDRMS6r4SN3xJ6Avt6Q/TMTaqNTMFEwHQYDVR0OBBYEFGWlwjUKMzbcLZJs
UVFrLx0z8GGrMB8GA1UdIwQYMBaAFGWlwjUKMzbcLZJsUVFrLx0z8GGrMA8GA1Ud
EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAJ+DRNq4Tm6QnICsmxW8CJsb
h9rYF5xM7t3eLlWfLXiHAiEAsU0K+hlIv0y96fWY/kbyij0DxmGIuXu01Qc/OiJk
WqQ=
-----END CERTIFICATE-----
""".encode()


def client_cert_pem():
    return {
        "cert": CERT,
        "cert-crlf": CERT.replace(b"\n", b"\r\n"),
        "two-certs": CERT + CERT,
        "truncated": CERT[: len(CERT) // 2],
        "wrong-label": CERT.replace(b"CERTIFICATE", b"PUBLIC KEY"),
        "bad-base64": b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        "empty-block": b"-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
        "not-pem": b"hello",
    }


def main():
    targets = {
        "msgpack_value": msgpack_value(),
        "type_json": type_json(),
        "state_json": state_json(),
        "ncs_response": ncs_response(),
        "ip_text": ip_text(),
        "settings_text": settings_text(),
        "client_cert_pem": client_cert_pem(),
        "boundary": boundary(),
    }
    for target, seeds in targets.items():
        directory = os.path.join(CORPUS, target)
        os.makedirs(directory, exist_ok=True)
        for name in os.listdir(directory):
            if name.startswith("seed-"):
                os.remove(os.path.join(directory, name))
        for name, data in seeds.items():
            with open(os.path.join(directory, "seed-" + name), "wb") as f:
                f.write(data)
        print(f"{target}: {len(seeds)} seeds")


if __name__ == "__main__":
    main()

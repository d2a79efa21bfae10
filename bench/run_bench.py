#!/usr/bin/env python3
"""Whole-process benchmarks of terraform-provider-agora (``make bench``; never part of ``make test``).

    python3 bench/run_bench.py [--provider build/release/terraform-provider-agora_vX.Y.Z] [--runs 15]

Measures, each figure as the median of ``--runs`` runs (with min and max) next to a baseline taken
in the same run, and interleaving the runs of figures that are compared:

* exec -> handshake line: a static no-op binary (the exec floor), the provider with AutoMTLS on
  (``PLUGIN_CLIENT_CERT`` = a P-521 certificate, as Terraform sends) and with TLS off;
* ``terraform plan`` wall time: a configuration with no provider (the baseline), 200 ``for_each``
  instances of terraform's built-in ``terraform_remote_state`` data source (terraform's own cost
  for 200 data source instances, with no plugin process), one ``agora_ncs_ips`` data source, 200
  ``for_each`` instances of it, against the fake Agora API on 127.0.0.1; and the HTTP requests the
  fake saw for the 200-instance plan;
* peak RSS (the kernel's ``ru_maxrss``) and most threads of the provider processes terraform
  starts for a plan, through ``bench/rusage_wrapper.c`` installed in a dev_overrides directory;
* with root and unshare: a 1-data-source plan over HTTPS, the fake's certificate trusted through
  a copy of the system CA store (/etc/ssl/certs plus the test CA) mounted over the real one in a
  private mount namespace, as Agora's is in production: wall time, peak RSS and CPU;
* the size of the stripped provider binary and of its release zip.

Prints one table with the issue's targets (a missed target is marked, never an error) and writes it
as JSON to ``bench/results/<UTC timestamp>.json``. Nothing leaves 127.0.0.1. Standard library only;
needs ``cc`` (static libc), ``openssl``, ``strip`` and ``terraform``. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(REPO_ROOT / "tests" / "e2e"))

sys.path.insert(0, str(REPO_ROOT / "scripts"))

import harness  # noqa: E402  (tests/e2e/harness.py)
import release  # noqa: E402  (scripts/release.py)
from fake_agora.server import generate_test_certificates  # noqa: E402

MAGIC_COOKIE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
HANDSHAKE_TIMEOUT = 10.0
FOR_EACH_INSTANCES = 200
MIB = 1024 * 1024
CUSTOMER_ID = "bench-customer-id"
CUSTOMER_SECRET = "bench-customer-secret"


# --- figures and the table -------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """The issue's target for a figure: ``limit`` on its value, or on its ratio to the baseline."""

    limit: float
    on_ratio: bool = False

    def met(self, value: float, ratio: Optional[float]) -> bool:
        return (ratio if self.on_ratio else value) <= self.limit

    def describe(self, unit: str) -> str:
        return f"<= {self.limit:g}x" if self.on_ratio else f"<= {self.limit:g} {unit}"


@dataclass
class Figure:
    name: str
    unit: str
    samples: List[float] = field(default_factory=list)
    baseline: Optional["Figure"] = None
    target: Optional[Target] = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ratio(self) -> Optional[float]:
        return self.median / self.baseline.median if self.baseline else None

    @property
    def met(self) -> Optional[bool]:
        return self.target.met(self.median, self.ratio) if self.target else None

    def to_json(self) -> Dict[str, object]:
        return {
            "name": self.name,
            "unit": self.unit,
            "median": self.median,
            "min": min(self.samples),
            "max": max(self.samples),
            "samples": self.samples,
            "baseline": self.baseline.name if self.baseline else None,
            "ratio": self.ratio,
            "target": self.target.describe(self.unit) if self.target else None,
            "met": self.met,
        }


def _number(value: float, unit: str) -> str:
    return f"{value:.0f}" if unit == "count" or value >= 100 else f"{value:.2f}"


def render_table(figures: Sequence[Figure]) -> str:
    header = ("figure", "unit", "median", "min", "max", "baseline", "ratio", "target", "result")
    rows = [header]
    for f in figures:
        rows.append((
            f.name, f.unit, _number(f.median, f.unit), _number(min(f.samples), f.unit),
            _number(max(f.samples), f.unit),
            _number(f.baseline.median, f.baseline.unit) if f.baseline else "-",
            f"{f.ratio:.2f}x" if f.ratio is not None else "-",
            f.target.describe(f.unit) if f.target else "-",
            {True: "ok", False: "MISS", None: ""}[f.met],
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.ljust(w) if i in (0, 1, 7, 8) else cell.rjust(w)
                 for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- tools built at bench time ---------------------------------------------------------------------

def compile_tool(name: str, build_dir: Path) -> Path:
    """Compiles ``bench/NAME.c`` with ``cc -O2 -static`` into ``build_dir``."""
    output = build_dir / name
    subprocess.run(["cc", "-O2", "-static", "-Wall", "-Wextra", "-o", str(output),
                    str(BENCH_DIR / f"{name}.c")], check=True)
    return output


def p521_client_certificate(directory: Path) -> str:
    """A self-signed P-521 certificate shaped like the one Terraform's AutoMTLS generates (PEM)."""
    cert = directory / "client.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-521",
         "-nodes", "-keyout", str(directory / "client.key"), "-out", str(cert), "-days", "1",
         "-subj", "/O=HashiCorp/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=digitalSignature,keyEncipherment,keyCertSign",
         "-addext", "extendedKeyUsage=clientAuth,serverAuth"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert.read_text()


# --- exec -> handshake line ------------------------------------------------------------------------

def plugin_env(socket_dir: Path, client_cert: Optional[str]) -> Dict[str, str]:
    """The environment Terraform gives a provider it starts (PLUGIN_CLIENT_CERT = AutoMTLS on)."""
    env = {
        "PATH": harness.SYSTEM_PATH,
        "TF_PLUGIN_MAGIC_COOKIE": MAGIC_COOKIE,
        "PLUGIN_PROTOCOL_VERSIONS": "5,6",
        "PLUGIN_UNIX_SOCKET_DIR": str(socket_dir),
    }
    if client_cert is not None:
        env["PLUGIN_CLIENT_CERT"] = client_cert
    return env


def time_handshake(binary: Path, env: Mapping[str, str], expect_certificate: bool) -> float:
    """Milliseconds from just before exec until the first stdout line; then SIGTERMs the process.

    Checks that the line is a go-plugin handshake and carries a server certificate exactly when
    AutoMTLS is on, so a misconfigured run cannot pass for a fast one."""
    start = time.perf_counter()
    proc = subprocess.Popen([str(binary)], env=dict(env), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0)
    try:
        line = b""
        while not line.endswith(b"\n"):
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError(f"{binary} exited without a handshake line (status "
                                   f"{proc.wait()}); output so far: {line!r}")
            line += chunk
        elapsed_ms = (time.perf_counter() - start) * 1000
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=HANDSHAKE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    fields = line.decode().strip().split("|")
    has_certificate = len(fields) > 5 and fields[5] != ""
    if len(fields) < 5 or fields[4] != "grpc" or has_certificate != expect_certificate:
        raise RuntimeError(f"{binary}: unexpected handshake line {line!r} "
                           f"(expected a certificate: {expect_certificate})")
    return elapsed_ms


# --- terraform plan --------------------------------------------------------------------------------

def provider_config(fake: harness.FakeAgora) -> str:
    return harness.required_providers_block() + harness.hcl_block('provider "agora"', {
        "customer_id": CUSTOMER_ID,
        "customer_secret": CUSTOMER_SECRET,
        "endpoints": [fake.url],
    })


# An empty state that terraform_remote_state reads (backend "local") in the "builtin" plan.
EMPTY_STATE = ('{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "bench",'
               ' "outputs": {}, "resources": []}\n')


def configurations(fake: harness.FakeAgora) -> Dict[str, str]:
    """The plan configurations: no provider; 200 for_each instances of terraform's built-in
    terraform_remote_state data source (in-process: no plugin at all), which is terraform's own
    floor for 200 data source instances; one agora_ncs_ips; 200 for_each instances of it."""
    return {
        "none": 'output "x" {\n  value = 1\n}\n',
        "builtin": (
            'data "terraform_remote_state" "many" {\n'
            f"  for_each = toset([for i in range({FOR_EACH_INSTANCES}) : tostring(i)])\n"
            '  backend  = "local"\n'
            '  config   = { path = "${path.module}/empty.tfstate" }\n'
            "}\n"),
        "one": provider_config(fake) + 'data "agora_ncs_ips" "one" {}\n',
        "many": provider_config(fake) + (
            'data "agora_ncs_ips" "many" {\n'
            f"  for_each = toset([for i in range({FOR_EACH_INSTANCES}) : tostring(i)])\n"
            "}\n"),
    }


def time_plan(workdir: harness.Workdir, prefix: Sequence[str] = ()) -> float:
    """Wall milliseconds of ``terraform plan`` in ``workdir``, terraform started directly (without
    the harness's DNS-isolation prefix, whose cost would otherwise be timed too: every endpoint
    is 127.0.0.1 anyway), or through ``prefix``. Its process group is killed afterwards,
    stragglers included."""
    command = [*prefix, harness.terraform_binary(), "plan", "-no-color", "-input=false"]
    env = harness.clean_env(workdir.home, workdir.env)
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=str(workdir.path), env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=harness.TERRAFORM_TIMEOUT)
        elapsed_ms = (time.perf_counter() - start) * 1000
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(harness.TerraformResult(proc.returncode, stdout, stderr,
                                                   command).describe())
    return elapsed_ms


# --- peak RSS and threads --------------------------------------------------------------------------

_LOG_LINE = re.compile(
    r"pid=(\d+) max_rss_kib=(\d+) max_threads=(\d+) cpu_us=(\d+) status=(-?\d+)")


def dev_override_config(wrapper: Path, directory: Path, mirror_root: Path) -> Path:
    """A CLI config whose dev_overrides run ``wrapper`` as the agora provider (a copy named
    terraform-provider-agora in ``directory``); anything else resolves only from the mirror."""
    shutil.copy2(wrapper, directory / "terraform-provider-agora")
    config = directory / "terraform.rc"
    config.write_text(
        "provider_installation {\n"
        f'  dev_overrides {{ "{harness.PROVIDER_SOURCE}" = {harness.hcl_string(str(directory))} }}\n'
        f"  filesystem_mirror {{ path = {harness.hcl_string(str(mirror_root))} }}\n"
        "}\n")
    return config


def plan_footprint(workdir: harness.Workdir, log: Path) -> Tuple[float, int, int, float]:
    """Runs one plan through the rusage wrapper; returns the largest peak RSS (MiB) and thread
    count over the provider processes terraform started, how many it started, and the CPU time
    (user + system, ms) they used together."""
    log.unlink(missing_ok=True)
    result = workdir.plan()
    if not result.ok:
        raise RuntimeError(result.describe())
    records = [_LOG_LINE.fullmatch(line) for line in log.read_text().splitlines()]
    if not records or None in records:
        raise RuntimeError(f"unexpected rusage log {log}:\n{log.read_text() if log.exists() else ''}")
    peak_rss_mib = max(int(r.group(2)) for r in records) / 1024
    threads = max(int(r.group(3)) for r in records)
    cpu_ms = sum(int(r.group(4)) for r in records) / 1000
    return peak_rss_mib, threads, len(records), cpu_ms


# --- HTTPS with the system CA store -----------------------------------------------------------------

SYSTEM_CA_DIRECTORY = Path("/etc/ssl/certs")


def stand_in_system_store(directory: Path, ca_cert: Path) -> Path:
    """A copy of /etc/ssl/certs (its hashed links and its bundle) that also trusts ``ca_cert``:
    mounted over the real one, it makes the fake's certificate verify through the system store
    exactly as Agora's does, with every system CA still there."""
    store = directory / "certs"
    shutil.copytree(SYSTEM_CA_DIRECTORY, store, symlinks=True)
    subject_hash = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", str(ca_cert)],
                                  check=True, capture_output=True, text=True).stdout.strip()
    shutil.copyfile(ca_cert, store / f"{subject_hash}.0")
    bundle = store / "ca-certificates.crt"
    system_bundle = (SYSTEM_CA_DIRECTORY / "ca-certificates.crt").read_text()
    bundle.unlink(missing_ok=True)
    bundle.write_text(system_bundle + ca_cert.read_text())
    return store


def https_figures(provider: Path, wrapper: Path, scratch: Path, runs: int,
                  alone: Figure) -> List[Figure]:
    """A 1-data-source plan against the fake over HTTPS, trusted through the system CA store as
    in production: wall time, and the plan-walk process's peak RSS and all processes' CPU. Runs
    terraform in a private mount namespace with :func:`stand_in_system_store` over
    /etc/ssl/certs, so it needs root and unshare; returns nothing (and says so) otherwise."""
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None or not SYSTEM_CA_DIRECTORY.is_dir():
        print("HTTPS figures skipped: they need root, unshare and /etc/ssl/certs", file=sys.stderr)
        return []
    certs = generate_test_certificates(scratch / "tls")
    store = stand_in_system_store(scratch / "store", certs.ca_cert)
    fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET,
                              tls_cert=certs.server_cert, tls_key=certs.server_key)
    try:
        overrides = scratch / "dev-overrides-https"
        overrides.mkdir()
        log = scratch / "rusage-https.log"
        workdir = harness.Workdir("plan-https", env={
            "TF_CLI_CONFIG_FILE": str(dev_override_config(wrapper, overrides,
                                                          harness.provider_mirror().root)),
            "AGORA_BENCH_PROVIDER": str(provider),
            "AGORA_BENCH_RUSAGE_LOG": str(log),
        })
        workdir.write_main_tf(configurations(fake)["one"])
        prefix = [unshare, "--mount", "--propagation", "private", "sh", "-c",
                  f'mount --bind "$0" {SYSTEM_CA_DIRECTORY} && exec "$@"', str(store)]
        wall = Figure("terraform plan, 1 data source, HTTPS with the system CA store", "ms",
                      baseline=alone)
        rss = Figure("peak RSS of the plan-walk provider, 1 data source, HTTPS", "MiB")
        cpu = Figure("provider CPU time per plan (all processes), 1 data source, HTTPS", "ms")
        for index in range(runs + 1):
            log.unlink(missing_ok=True)
            elapsed = time_plan(workdir, prefix)
            if not index:
                continue
            records = [_LOG_LINE.fullmatch(line) for line in log.read_text().splitlines()]
            if not records or None in records:
                raise RuntimeError(f"unexpected rusage log {log}")
            wall.samples.append(elapsed)
            rss.samples.append(max(int(r.group(2)) for r in records) / 1024)
            cpu.samples.append(sum(int(r.group(4)) for r in records) / 1000)
        return [wall, rss, cpu]
    finally:
        fake.stop()


# --- the run ---------------------------------------------------------------------------------------

def zip_size_mib(provider: Path, directory: Path) -> float:
    """The size of the registry zip `make release` would make of ``provider``."""
    archive = directory / "provider.zip"
    release.write_zip(archive, provider, "terraform-provider-agora", release.ZIP_EPOCH_MIN)
    return archive.stat().st_size / MIB


def stripped_size_mib(provider: Path, directory: Path, strip: str = "strip") -> float:
    stripped = directory / "terraform-provider-agora.stripped"
    subprocess.run([strip, "-o", str(stripped), str(provider)], check=True)
    return stripped.stat().st_size / MIB


def arm64_size_figures(provider: Path, directory: Path) -> List["Figure"]:
    """The sizes of the cross-built linux_arm64 release binary (it cannot run here outside
    qemu-user, so sizes are its only figures), with the same 11 MiB target."""
    return [Figure("linux_arm64 release binary, stripped", "MiB",
                   samples=[stripped_size_mib(provider, directory, "aarch64-linux-gnu-strip")],
                   target=Target(11)),
            Figure("linux_arm64 release zip", "MiB", samples=[zip_size_mib(provider, directory)])]


def terraform_version() -> str:
    out = subprocess.run([harness.terraform_binary(), "version", "-json"], check=True,
                         capture_output=True, text=True,
                         env=harness.clean_env(harness.make_temp_dir("version"))).stdout
    return json.loads(out)["terraform_version"]


def init_workdir(name: str, config: str, env: Optional[Dict[str, str]] = None) -> harness.Workdir:
    workdir = harness.Workdir(name, env=env)
    workdir.write_main_tf(config)
    result = workdir.init()
    if not result.ok:
        raise RuntimeError(result.describe())
    return workdir


def run(provider: Path, runs: int, build_dir: Path) -> List[Figure]:
    os.environ["AGORA_PROVIDER_BINARY"] = str(provider)
    build_dir.mkdir(parents=True, exist_ok=True)
    scratch = harness.make_temp_dir("bench")
    noop = compile_tool("noop_handshake", build_dir)
    wrapper = compile_tool("rusage_wrapper", build_dir)
    client_cert = p521_client_certificate(scratch)
    socket_dir = scratch / "sockets"
    socket_dir.mkdir()

    floor = Figure("exec floor: static no-op -> handshake line", "ms")
    mtls = Figure("provider exec -> handshake line, AutoMTLS on", "ms", baseline=floor,
                  target=Target(4))
    plain = Figure("provider exec -> handshake line, TLS off", "ms", baseline=floor,
                   target=Target(2))
    handshakes = [(floor, noop, plugin_env(socket_dir, client_cert), False),
                  (mtls, provider, plugin_env(socket_dir, client_cert), True),
                  (plain, provider, plugin_env(socket_dir, None), False)]
    for index in range(runs + 1):  # Run 0 warms the page cache and is not recorded.
        for figure, binary, env, expect_certificate in handshakes:
            elapsed = time_handshake(binary, env, expect_certificate)
            if index:
                figure.samples.append(elapsed)

    fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
    try:
        configs = configurations(fake)
        workdirs = {name: init_workdir(f"plan-{name}", text) for name, text in configs.items()}
        (workdirs["builtin"].path / "empty.tfstate").write_text(EMPTY_STATE)
        alone = Figure("terraform plan, no provider", "ms")
        builtin = Figure(f"terraform plan, {FOR_EACH_INSTANCES} built-in data source instances "
                         "(no plugin)", "ms", baseline=alone)
        one = Figure("terraform plan, 1 data source", "ms", baseline=alone,
                     target=Target(2.5, on_ratio=True))
        many = Figure(f"terraform plan, {FOR_EACH_INSTANCES} for_each instances", "ms",
                      baseline=alone, target=Target(14, on_ratio=True))
        requests = Figure(f"HTTP requests, {FOR_EACH_INSTANCES}-instance plan", "count",
                          target=Target(1))
        for index in range(runs + 1):
            for figure, name in ((alone, "none"), (builtin, "builtin"), (one, "one"),
                                 (many, "many")):
                fake.reset()
                elapsed = time_plan(workdirs[name])
                if index:
                    figure.samples.append(elapsed)
                    if figure is many:
                        requests.samples.append(fake.request_count())

        overrides = scratch / "dev-overrides"
        overrides.mkdir()
        rusage_log = scratch / "rusage.log"
        override_env = {
            "TF_CLI_CONFIG_FILE": str(dev_override_config(wrapper, overrides,
                                                          harness.provider_mirror().root)),
            "AGORA_BENCH_PROVIDER": str(provider),
            "AGORA_BENCH_RUSAGE_LOG": str(rusage_log),
        }
        footprints = []
        for name, label, rss_target in (("one", "1 data source", 10),
                                        ("many", f"{FOR_EACH_INSTANCES} instances", 11)):
            workdir = harness.Workdir(f"rss-{name}", env=override_env)
            workdir.write_main_tf(configs[name])
            rss = Figure(f"peak RSS of the plan-walk provider, {label}", "MiB",
                         target=Target(rss_target))
            threads = Figure(f"threads of the plan-walk provider, {label}", "count")
            processes = Figure(f"provider processes per plan, {label}", "count")
            cpu = Figure(f"provider CPU time per plan (all processes), {label}", "ms")
            for _ in range(runs):
                peak, most_threads, started, cpu_ms = plan_footprint(workdir, rusage_log)
                rss.samples.append(peak)
                threads.samples.append(most_threads)
                processes.samples.append(started)
                cpu.samples.append(cpu_ms)
            footprints += [rss, threads, processes, cpu]
    finally:
        fake.stop()
    https = https_figures(provider, wrapper, scratch, runs, alone)

    size = Figure("release binary, stripped", "MiB", samples=[stripped_size_mib(provider, scratch)],
                  target=Target(11))
    packed = Figure("release zip", "MiB", samples=[zip_size_mib(provider, scratch)])
    return [floor, mtls, plain, alone, builtin, one, many, requests, *footprints, *https, size,
            packed]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    releases = sorted((REPO_ROOT / "build" / "release").glob("terraform-provider-agora_v*"))
    parser.add_argument("--provider", type=Path,
                        default=releases[-1] if releases else REPO_ROOT / "build" / "release",
                        help="the provider binary to measure (default: the release binary, "
                             "%(default)s)")
    parser.add_argument("--runs", type=int, default=15,
                        help="measured runs per figure; medians are reported (default: 15)")
    parser.add_argument("--build-dir", type=Path,
                        help="where the C helpers are compiled (default: build/bench-tools)")
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results",
                        help="where the JSON results go (default: %(default)s)")
    parser.add_argument("--arm64-provider", type=Path,
                        help="the cross-built linux_arm64 release binary, whose sizes are "
                             "reported too (make bench passes it)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    provider = args.provider.resolve()
    if not provider.is_file():
        parser.error(f"provider binary not found: {provider} (build it first)")
    build_dir = (args.build_dir or REPO_ROOT / "build" / "bench-tools").resolve()

    figures = run(provider, args.runs, build_dir)
    if args.arm64_provider:
        if not args.arm64_provider.is_file():
            parser.error(f"arm64 provider binary not found: {args.arm64_provider}")
        scratch = harness.make_temp_dir("arm64-size")
        figures += arm64_size_figures(args.arm64_provider.resolve(), scratch)
    when = datetime.now(timezone.utc)
    version = terraform_version()
    print(f"terraform-provider-agora benchmarks: {when:%Y-%m-%d %H:%M:%S} UTC, terraform {version}, "
          f"{args.runs} runs per figure, medians; provider {provider}")
    print(render_table(figures))
    missed = [f.name for f in figures if f.met is False]
    print(f"targets missed: {len(missed)}" + (f" ({'; '.join(missed)})" if missed else ""))

    args.results_dir.mkdir(parents=True, exist_ok=True)
    output = args.results_dir / f"{when:%Y%m%dT%H%M%SZ}.json"
    output.write_text(json.dumps({
        "time": when.isoformat(),
        "terraform_version": version,
        "provider": str(provider),
        "runs": args.runs,
        "figures": [f.to_json() for f in figures],
    }, indent=2) + "\n")
    print(f"results: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

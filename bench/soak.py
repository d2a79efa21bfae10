#!/usr/bin/env python3
"""Soak tests of terraform-provider-agora (``make soak``; never part of ``make test``).

    python3 bench/soak.py [--provider build/release/terraform-provider-agora_vX.Y.Z]
                          [--scale 1.0] [--parts 1,2,3,4] [--seed N]

Four parts, each against the fake Agora API on 127.0.0.1 with real terraform (3 with a gRPC
client of our own), each with a TMPDIR of its own that is listed afterwards:

1. ``for_each`` over 1,000 (``--instances``) keys of ``data "agora_ncs_ips"`` at
   ``-parallelism=50``, and over 200: exactly one API request each; wall time and the plan-walk
   provider's peak RSS (the kernel's ``ru_maxrss``, through run_bench.py's rusage wrapper) and
   their ratio 1,000 / 200.
2. 300 consecutive ``terraform plan`` runs of one data source: afterwards no provider process of
   ours left (a /proc scan: command ``terraform-provi...`` whose executable lies in this soak's
   mirror or working directory), nothing left in the TMPDIR given to terraform (go-plugin's
   sockets go there), and no file-descriptor growth: the soak process's open fds (the fake API
   server runs in it, so its sockets count) after the first tenth of the runs and after the last;
   the most fds any provider process had, sampled every 20 ms, over the first tenth and the last
   tenth of the runs.
3. One provider in debug mode (``-debug``) serving 10,000 ReadDataSource calls from
   ``build/soak_client`` over its unix socket, in rounds: fast reads 8 at once (a new
   ConfigureProvider every 20 reads, so about one API request per 20 reads), 64 at once against a
   fake answering after 0.3 s (a ConfigureProvider before each read, so each goes to the API),
   64 at once against a 1 s fake with StopProvider in the middle, 64 with a 200 ms client
   deadline against a 0.5 s fake. Every call must be answered (a state, a cancelled diagnostic, or
   the client's deadline); VmRSS (/proc/PID/status) at the end of each round, once the provider is
   idle, must stay within 1 MiB of its value after the first (warm-up) round; so must its fd count.
4. ``terraform plan`` 50 times against a fake that answers with a random fault of the resilience
   suite (every response key of tests/fake_agora/server.py, error statuses, a refused connection,
   an unresolvable name when DNS is isolated), once or on every request, with
   ``request_timeout = "2s"``, ``total_timeout = "5s"``, ``max_retries = 1``: each run ends with
   the right addresses (exit 0) or a readable error (exit 1, ``Error:``, no "Plugin did not
   respond", "plugin crashed" or "panic"), within total_timeout + 10 s.

``--scale`` (or ``SOAK_SCALE``) multiplies the counts of parts 2 to 4 (300 plans, 10,000 reads,
50 fault runs); the default takes about 10 minutes. Prints one table (part, figure, value,
expectation, ok/FAIL) and exits 1 when any row is FAIL. Standard library only; needs ``cc``,
``terraform`` and ``build/soak_client`` (built with the tests). See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Set

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import run_bench  # noqa: E402  (bench/run_bench.py: harness, the rusage wrapper)
from run_bench import harness  # noqa: E402  (tests/e2e/harness.py)

CUSTOMER_ID = "soak-customer-id"
CUSTOMER_SECRET = "soak-customer-secret"
MIB = 1024 * 1024
TOTAL_TIMEOUT_S = 5.0
HANG_MARGIN_S = 10.0
PROVIDER_COMM = "terraform-provi"  # /proc/PID/comm keeps 15 characters
BAD_OUTPUT = ("Plugin did not respond", "plugin crashed", "panic")


# --- the table -------------------------------------------------------------------------------------

@dataclass
class Row:
    part: str
    figure: str
    value: str
    expectation: str
    ok: Optional[bool]  # None: a figure reported without an expectation


class Table:
    def __init__(self) -> None:
        self.rows: List[Row] = []

    def add(self, part: str, figure: str, value: object, expectation: str = "-",
            ok: Optional[bool] = None) -> None:
        self.rows.append(Row(part, figure, str(value), expectation, ok))
        mark = {True: "ok", False: "FAIL", None: ""}[ok]
        print(f"  [{part}] {figure}: {value} ({expectation}) {mark}", file=sys.stderr, flush=True)

    def render(self) -> str:
        header = ("part", "figure", "value", "expectation", "result")
        rows = [header] + [(r.part, r.figure, r.value, r.expectation,
                            {True: "ok", False: "FAIL", None: ""}[r.ok]) for r in self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    @property
    def failed(self) -> List[Row]:
        return [r for r in self.rows if r.ok is False]


# --- processes, fds, memory ------------------------------------------------------------------------

def provider_processes(roots: Sequence[Path]) -> List[int]:
    """Live (non-zombie) provider processes whose executable lies under one of ``roots``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != PROVIDER_COMM:
                continue
            stat = (entry / "stat").read_text()
            exe = os.readlink(entry / "exe").removesuffix(" (deleted)")
        except OSError:
            continue
        if stat[stat.rindex(")") + 2:].split()[0] == "Z":
            continue
        if any(exe.startswith(str(root) + "/") for root in roots):
            found.append(int(entry.name))
    return found


def fd_count(pid: object = "self") -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def vm_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class FdSampler:
    """Every 20 ms, the fd count of each live provider process under ``roots``; ``window``
    names the bucket the samples go to (the most fds seen per bucket is kept)."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = roots
        self.window = "none"
        self.most: Dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            for pid in provider_processes(self.roots):
                count = fd_count(pid)
                self.most[self.window] = max(self.most.get(self.window, 0), count)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def listing(directory: Path) -> List[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def own_tmpdir(name: str) -> Path:
    return harness.make_temp_dir(f"soak-tmp-{name}")


def provider_block(endpoints: Sequence[str], **extra: object) -> str:
    return harness.required_providers_block() + harness.hcl_block('provider "agora"', {
        "customer_id": CUSTOMER_ID, "customer_secret": CUSTOMER_SECRET,
        "endpoints": list(endpoints), **extra})


def for_each_config(fake_url: str, instances: int) -> str:
    return provider_block([fake_url]) + (
        'data "agora_ncs_ips" "many" {\n'
        f"  for_each = toset([for i in range({instances}) : tostring(i)])\n"
        "}\n"
        'output "distinct_fingerprints" {\n'
        "  value = length(distinct([for d in data.agora_ncs_ips.many : d.fingerprint]))\n}\n")


def one_config(endpoints: Sequence[str], **extra: object) -> str:
    return provider_block(endpoints, **extra) + (
        'data "agora_ncs_ips" "ncs" {}\n'
        'output "ips" {\n  value = data.agora_ncs_ips.ncs.ip_addresses\n}\n')


def expected_ips() -> Set[str]:
    import ipaddress
    return {str(ipaddress.ip_address(ip)) for ip in harness.DEFAULT_IPS}


def init_workdir(name: str, config: str, env: Dict[str, str]) -> harness.Workdir:
    workdir = harness.Workdir(name, env=env)
    workdir.write_main_tf(config)
    result = workdir.init()
    if not result.ok:
        raise RuntimeError(result.describe())
    return workdir


# --- part 1: many for_each instances ---------------------------------------------------------------

def part_for_each(table: Table, provider: Path, instances: int, baseline: int,
                  build_dir: Path) -> None:
    wrapper = run_bench.compile_tool("rusage_wrapper", build_dir)
    scratch = harness.make_temp_dir("soak-foreach")
    tmpdir = own_tmpdir("foreach")
    overrides = scratch / "dev-overrides"
    overrides.mkdir()
    log = scratch / "rusage.log"
    env = {"TF_CLI_CONFIG_FILE": str(run_bench.dev_override_config(
               wrapper, overrides, harness.provider_mirror().root)),
           "AGORA_BENCH_PROVIDER": str(provider), "AGORA_BENCH_RUSAGE_LOG": str(log),
           "TMPDIR": str(tmpdir)}
    fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
    results = {}
    builtin = {}
    try:
        for count in (baseline, instances):
            # Terraform's own cost for as many data source instances, with no plugin at all.
            workdir = harness.Workdir(f"soak-builtin-{count}", env={"TMPDIR": str(tmpdir)})
            (workdir.path / "empty.tfstate").write_text(run_bench.EMPTY_STATE)
            workdir.write_main_tf(
                'data "terraform_remote_state" "many" {\n'
                f"  for_each = toset([for i in range({count}) : tostring(i)])\n"
                '  backend  = "local"\n'
                '  config   = { path = "${path.module}/empty.tfstate" }\n}\n')
            start = time.perf_counter()
            result = workdir.plan("-parallelism=50")
            builtin[count] = time.perf_counter() - start
            if not result.ok:
                raise RuntimeError(result.describe())
            table.add("1", f"terraform alone: plan of {count} built-in data sources",
                      f"{builtin[count]:.2f} s")
            workdir.cleanup()

            workdir = harness.Workdir(f"soak-foreach-{count}", env=env)
            workdir.write_main_tf(for_each_config(fake.url, count))
            fake.reset()
            log.unlink(missing_ok=True)
            start = time.perf_counter()
            result = workdir.plan("-parallelism=50")
            elapsed = time.perf_counter() - start
            if not result.ok:
                table.add("1", f"plan of {count} instances", "failed: " + result.text[-300:],
                          "exit 0", False)
                continue
            records = [run_bench._LOG_LINE.fullmatch(line) for line in log.read_text().splitlines()]
            if not records or None in records:
                raise RuntimeError(f"unexpected rusage log {log}")
            rss = max(int(r.group(2)) for r in records) / 1024
            cpu = sum(int(r.group(4)) for r in records) / 1e6
            results[count] = (elapsed, rss, cpu)
            requests = fake.request_count()
            table.add("1", f"API requests, {count} instances, -parallelism=50", requests, "== 1",
                      requests == 1)
            table.add("1", f"plan wall time, {count} instances", f"{elapsed:.2f} s")
            table.add("1", f"plan-walk provider peak RSS, {count} instances", f"{rss:.1f} MiB")
            table.add("1", f"provider CPU (all processes), {count} instances", f"{cpu:.2f} s")
            workdir.cleanup()
    finally:
        fake.stop()
    if baseline in results and instances in results:
        n = instances / baseline
        time_ratio = results[instances][0] / results[baseline][0]
        rss_ratio = results[instances][1] / results[baseline][1]
        cpu_ratio = results[instances][2] / results[baseline][2]
        own_ratio = builtin[instances] / builtin[baseline]
        table.add("1", f"wall time ratio {instances}/{baseline}", f"{time_ratio:.2f}x",
                  f"<= 1.5 x terraform's own {own_ratio:.2f}x", time_ratio <= 1.5 * own_ratio)
        table.add("1", f"provider CPU ratio {instances}/{baseline}", f"{cpu_ratio:.2f}x",
                  f"<= {n:g}x (linear)", cpu_ratio <= n)
        table.add("1", f"peak RSS ratio {instances}/{baseline}", f"{rss_ratio:.2f}x", "<= 1.5x",
                  rss_ratio <= 1.5)
    left = listing(tmpdir)
    table.add("1", "files left in TMPDIR", len(left) if not left else f"{len(left)}: {left[:3]}",
              "== 0", not left)


# --- part 2: consecutive plans ---------------------------------------------------------------------

def part_consecutive(table: Table, runs: int) -> None:
    tmpdir = own_tmpdir("plans")
    fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
    workdir = init_workdir("soak-plans", one_config([fake.url]), {"TMPDIR": str(tmpdir)})
    roots = [harness.provider_mirror().root, workdir.root]
    tenth = max(1, runs // 10)
    sampler = FdSampler(roots)
    failures, fds_early, open_connections = [], None, 0
    fake.reset()
    start = time.perf_counter()
    try:
        for index in range(runs):
            sampler.window = ("first" if index < tenth else
                              "last" if index >= runs - tenth else "middle")
            result = workdir.plan()
            if not result.ok and len(failures) < 3:
                failures.append(result.text[-300:])
            if index + 1 == tenth:
                time.sleep(0.2)
                fds_early = fd_count()
        elapsed = time.perf_counter() - start
        time.sleep(0.5)
        fds_late = fd_count()
        open_connections = fake.stats()["open_connections"]
        requests = fake.request_count()
    finally:
        sampler.stop()
        fake.stop()
    table.add("2", f"plans that failed of {runs}", len(failures) if not failures else
              f"{len(failures)}+: {failures[0]!r}", "== 0", not failures)
    table.add("2", "mean plan wall time", f"{elapsed / runs:.2f} s")
    table.add("2", "API requests", requests, f"== {runs} (one per plan)", requests == runs)
    left = provider_processes(roots)
    table.add("2", "provider processes left", len(left), "== 0", not left)
    files = listing(tmpdir)
    table.add("2", "files/sockets left in TMPDIR", len(files) if not files else
              f"{len(files)}: {files[:3]}", "== 0", not files)
    table.add("2", f"soak process fds (fake API included), after run {tenth} -> {runs}",
              f"{fds_early} -> {fds_late}", "growth <= 2", fds_late - fds_early <= 2)
    table.add("2", "fake API connections still open after the last plan", open_connections,
              "== 0", open_connections == 0)
    first, last = sampler.most.get("first", 0), sampler.most.get("last", 0)
    table.add("2", f"most fds of a provider process, first {tenth} -> last {tenth} runs",
              f"{first} -> {last}", "last <= first, both > 0", 0 < last <= first)
    workdir.cleanup()


# --- part 3: one debug-mode provider, many reads ---------------------------------------------------

def reattach_address(proc: subprocess.Popen, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    prefix = "TF_REATTACH_PROVIDERS='"
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(prefix):
            value = json.loads(line.strip()[len(prefix):-1])
            address = next(iter(value.values()))["Addr"]
            return f"{address['Network']}:{address['String']}"
    raise RuntimeError("no TF_REATTACH_PROVIDERS line from the debug-mode provider")


def part_debug(table: Table, provider: Path, client: Path, reads: int, rounds: int) -> None:
    tmpdir = own_tmpdir("debug")
    socket_dir = harness.make_temp_dir("soak-debug-sockets")
    fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
    proc = subprocess.Popen([str(provider), "-debug"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env={"PATH": harness.SYSTEM_PATH, "TMPDIR": str(tmpdir),
                                 "PLUGIN_UNIX_SOCKET_DIR": str(socket_dir),
                                 # glibc malloc tuning, to tell allocator growth from leaks.
                                 **{k: v for k, v in os.environ.items()
                                    if k.startswith("MALLOC_") or k.startswith("GLIBC_TUNABLES")}},
                            start_new_session=True)
    totals = {"requests": 0, "ok": 0, "cancelled": 0, "deadline": 0, "error_diagnostics": 0,
              "rpc_errors": 0, "configures": 0, "stops": 0}
    errors: List[str] = []
    latencies: Dict[str, List[float]] = {}
    rss_kib: List[int] = []
    fds: List[int] = []
    peak = [0]
    stop_sampling = threading.Event()

    def sample_peak() -> None:
        while not stop_sampling.wait(0.05):
            try:
                peak[0] = max(peak[0], vm_rss_kib(proc.pid))
            except (OSError, RuntimeError):
                return

    try:
        address = reattach_address(proc)
        threading.Thread(target=sample_peak, daemon=True).start()
        per_round = max(1, reads // rounds)
        slow, cancel, late = (min(256, per_round // 4), min(128, per_round // 8),
                              min(64, per_round // 16))
        fast = per_round - slow - cancel - late

        def batch(name: str, requests: int, concurrency: int, delay: float,
                  *extra: str) -> None:
            if requests <= 0:
                return
            fake.clear_rules()
            if delay:
                fake.add_rule(delay=delay)
            out = subprocess.run(
                [str(client), "--addr", address, "--endpoint", fake.url,
                 "--customer-id", CUSTOMER_ID, "--customer-secret", CUSTOMER_SECRET,
                 "--total-timeout", "30s", "--requests", str(requests),
                 "--concurrency", str(concurrency), *extra],
                capture_output=True, text=True, timeout=600)
            try:
                report = json.loads(out.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                errors.append(f"{name}: exit {out.returncode}: {out.stdout[-200:]}"
                              f"{out.stderr[-200:]}")
                totals["requests"] += requests
                return
            if "fatal" in report:
                errors.append(f"{name}: {report['fatal']}")
                totals["requests"] += requests
                return
            for key in totals:
                totals[key] += report[key]
            if report["first_error"]:
                errors.append(f"{name}: {report['first_error']}")
            latencies.setdefault(name, []).append(report["p99_ms"])
            if name == "stop" and report["cancelled"] == 0:
                errors.append("stop: StopProvider cancelled no read in flight")

        for _ in range(rounds):
            batch("fast", fast, 8, 0, "--reconfigure-every", "20")
            batch("slow", slow, 64, 0.3, "--reconfigure-every", "1")
            batch("stop", cancel, 64, 1.0, "--reconfigure-every", "1",
                  "--stop-at", str(cancel // 2), "--stop-delay-ms", "300")
            batch("deadline", late, 64, 0.5, "--reconfigure-every", "1", "--deadline-ms", "200")
            fake.clear_rules()
            time.sleep(1.0)  # reads the client gave up on finish on the provider's side
            idle_by = time.monotonic() + 5.0  # and their connections close: up to 5 s more
            while fds and fd_count(proc.pid) > fds[0] and time.monotonic() < idle_by:
                time.sleep(0.1)
            rss_kib.append(vm_rss_kib(proc.pid))
            fds.append(fd_count(proc.pid))
        stop_sampling.set()
        alive = proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)
        try:
            status = proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            status = None
    finally:
        stop_sampling.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        fake.stop()

    answered = totals["ok"] + totals["cancelled"] + totals["deadline"]
    table.add("3", "ReadDataSource calls answered (ok + cancelled + deadline) / issued",
              f"{answered} / {totals['requests']} ({totals['ok']} ok, {totals['cancelled']} "
              f"cancelled, {totals['deadline']} deadline)", "all, >= 1 cancelled",
              answered == totals["requests"] > 0 and totals["cancelled"] > 0)
    table.add("3", "other error diagnostics / gRPC errors",
              f"{totals['error_diagnostics']} / {totals['rpc_errors']}"
              + (f" ({errors[0]})" if errors else ""), "0 / 0",
              totals["error_diagnostics"] == totals["rpc_errors"] == 0 and not errors)
    table.add("3", "ConfigureProvider / StopProvider calls",
              f"{totals['configures']} / {totals['stops']}")
    for name, values in latencies.items():
        table.add("3", f"p99 latency, {name} reads (worst round)", f"{max(values):.0f} ms")
    if len(rss_kib) >= 2:
        growth = (max(rss_kib[1:]) - rss_kib[0]) / 1024
        table.add("3", f"idle VmRSS after each of {rounds} rounds",
                  " ".join(f"{v / 1024:.1f}" for v in rss_kib) + " MiB")
        table.add("3", "VmRSS growth after warm-up (max of later rounds - round 1)",
                  f"{growth:+.2f} MiB", "<= 1 MiB", growth <= 1.0)
        table.add("3", "peak VmRSS while serving", f"{peak[0] / 1024:.1f} MiB")
        table.add("3", "provider fds after each round", " ".join(map(str, fds)),
                  "flat after round 1", max(fds[1:]) <= fds[0])
    table.add("3", "provider alive at the end, then exit status on SIGINT",
              f"{alive}, {status}", "True, 0", alive and status == 0)
    leftovers = listing(socket_dir) + listing(tmpdir)
    table.add("3", "files left in socket dir and TMPDIR", len(leftovers), "== 0", not leftovers)


# --- part 4: random faults -------------------------------------------------------------------------

def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Every response key of the fake (tests/fake_agora/server.py) and the resilience suite's statuses.
FAULTS: Dict[str, Dict[str, object]] = {
    "500": {"status": 500, "message": "temporary"},
    "502": {"status": 502, "raw": "<html>bad gateway</html>", "content_type": "text/html"},
    "503": {"status": 503, "message": "down"},
    "429 Retry-After 1": {"status": 429, "message": "slow down", "headers": {"Retry-After": "1"}},
    "401": {"status": 401},
    "403": {"status": 403, "message": "forbidden"},
    "404": {"status": 404, "message": "no such API here"},
    "400": {"status": 400},
    "200 malformed JSON": {"raw": "{\"data\": {\"service\": "},
    "200 wrong JSON shape": {"json": {"data": []}},
    "200 text/html": {"content_type": "text/html"},
    "200 empty hosts": {"hosts": []},
    "200 host without primaryIP": {"hosts": [{"ip": "192.0.2.1"}]},
    "200 invalid address": {"ips": ["192.0.2.300"]},
    "200 5 MiB body": {"pad_to": 5 * 1024 * 1024},
    "200 padded 100 KiB": {"pad_to": 100 * 1024},
    "delay 1s": {"delay": 1.0},
    "delay 3s (> request_timeout)": {"delay": 3.0},
    "trickle": {"trickle": {"chunk": 64, "interval": 0.05}},
    "trickle too slow": {"trickle": {"chunk": 8, "interval": 0.5}},
    "truncate_at 10": {"truncate_at": 10},
    "hang": {"hang": True},
    "drop": {"drop": True},
}
ENDPOINT_FAULTS = ("refused connection", "unresolvable name")


def part_faults(table: Table, runs: int, rng: random.Random) -> None:
    tmpdir = own_tmpdir("faults")
    fake = harness.start_fake(customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
    dns_isolated = bool(harness._loopback_dns_prefix())
    kinds = list(FAULTS) + ["refused connection"] + (["unresolvable name"] if dns_isolated else [])
    settings = {"request_timeout": "2s", "total_timeout": f"{TOTAL_TIMEOUT_S:g}s",
                "max_retries": 1}
    workdir = init_workdir("soak-faults", one_config([fake.url], **settings),
                           {"TMPDIR": str(tmpdir)})
    roots = [harness.provider_mirror().root, workdir.root]
    limit = TOTAL_TIMEOUT_S + HANG_MARGIN_S
    outcomes = {"ok": 0, "error": 0}
    bad: List[str] = []
    slowest = (0.0, "")
    seen: Set[str] = set()
    order = kinds * (runs // len(kinds)) + rng.sample(kinds, runs % len(kinds))
    rng.shuffle(order)
    try:
        for kind in order:
            once = rng.random() < 0.5
            seen.add(kind)
            fake.reset()
            endpoints = [fake.url]
            if kind in ENDPOINT_FAULTS:
                dead = (f"http://127.0.0.1:{closed_port()}" if kind == "refused connection"
                        else "https://agora-soak.invalid")
                # "once": a second, healthy endpoint that failover must reach.
                endpoints = [dead, fake.url] if once else [dead]
            else:
                fake.add_rule(times=1 if once else None, **FAULTS[kind])
            workdir.write_main_tf(one_config(endpoints, **settings))
            label = f"{kind} ({'once' if once else 'always'})"
            start = time.perf_counter()
            try:
                result = workdir.plan(timeout=limit + 30)
            except harness.TerraformTimeout:
                bad.append(f"{label}: no end within {limit + 30:.0f} s")
                continue
            elapsed = time.perf_counter() - start
            slowest = max(slowest, (elapsed, label))
            text = result.text
            if elapsed > limit:
                bad.append(f"{label}: took {elapsed:.1f} s")
            if any(marker in text for marker in BAD_OUTPUT):
                bad.append(f"{label}: {text[-200:]!r}")
            elif result.returncode == 0:
                ips = set(re.findall(r'"([0-9a-f.:]+)"', text.split("Changes to Outputs:")[-1]))
                if ips != expected_ips():
                    bad.append(f"{label}: exit 0 with addresses {sorted(ips)}")
                outcomes["ok"] += 1
            elif result.returncode == 1 and "Error:" in text:
                outcomes["error"] += 1
            else:
                bad.append(f"{label}: exit {result.returncode}: {text[-200:]!r}")
    finally:
        fake.stop()
    table.add("4", f"fault runs: right addresses / readable error, of {runs}",
              f"{outcomes['ok']} / {outcomes['error']}", f"sum == {runs}",
              outcomes["ok"] + outcomes["error"] == runs)
    table.add("4", "fault kinds exercised", f"{len(seen)} of {len(kinds)}"
              + ("" if dns_isolated else " (no DNS isolation: no unresolvable name)"))
    table.add("4", "runs with a hang, a crash, a bad exit or wrong addresses",
              len(bad) if not bad else f"{len(bad)}: {bad[0]}", "== 0", not bad)
    table.add("4", "slowest run", f"{slowest[0]:.1f} s, {slowest[1]}",
              f"<= {limit:g} s (total_timeout + {HANG_MARGIN_S:g} s)", slowest[0] <= limit)
    left = provider_processes(roots)
    table.add("4", "provider processes left", len(left), "== 0", not left)
    files = listing(tmpdir)
    table.add("4", "files left in TMPDIR", len(files), "== 0", not files)
    workdir.cleanup()


# --- main ------------------------------------------------------------------------------------------

def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    releases = sorted((REPO_ROOT / "build" / "release").glob("terraform-provider-agora_v*"))
    parser.add_argument("--provider", type=Path,
                        default=releases[-1] if releases else REPO_ROOT / "build" / "release")
    parser.add_argument("--soak-client", type=Path, default=REPO_ROOT / "build" / "soak_client")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SOAK_SCALE", "1")),
                        help="multiplies the counts of parts 2-4 (default: SOAK_SCALE or 1)")
    parser.add_argument("--parts", default="1,2,3,4", help="which parts to run (default: all)")
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--baseline-instances", type=int, default=200)
    parser.add_argument("--debug-rounds", type=int, default=5,
                        help="rounds of part 3; the first is the warm-up (default: 5)")
    parser.add_argument("--seed", type=int, default=None, help="seed of part 4's faults")
    parser.add_argument("--build-dir", type=Path, default=REPO_ROOT / "build" / "bench-tools")
    args = parser.parse_args(argv)
    provider = args.provider.resolve()
    if not provider.is_file():
        parser.error(f"provider binary not found: {provider} (build it first)")
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if "3" in parts and not args.soak_client.is_file():
        parser.error(f"{args.soak_client} not found: cmake --build build --target soak_client")
    version = re.search(r"_v(\d+\.\d+\.\d+)$", provider.name)
    os.environ["AGORA_PROVIDER_BINARY"] = str(provider)
    if version:
        os.environ["AGORA_PROVIDER_VERSION"] = version.group(1)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    scale = args.scale
    args.build_dir.mkdir(parents=True, exist_ok=True)

    table = Table()
    steps: List[tuple] = [
        ("1", lambda: part_for_each(table, provider, args.instances, args.baseline_instances,
                                    args.build_dir.resolve())),
        ("2", lambda: part_consecutive(table, max(10, round(300 * scale)))),
        ("4", lambda: part_faults(table, max(1, round(50 * scale)), random.Random(seed))),
        ("3", lambda: part_debug(table, provider, args.soak_client.resolve(),
                                 max(500, round(10000 * scale)), max(2, args.debug_rounds))),
    ]
    started = time.perf_counter()
    for part, step in steps:
        if part not in parts:
            continue
        print(f"soak: part {part}...", file=sys.stderr, flush=True)
        part_started = time.perf_counter()
        try:
            step()
        except Exception as error:  # noqa: BLE001 (one part's failure is a FAIL row, not a stop)
            table.add(part, "part ran to the end", f"{type(error).__name__}: {error}"[:300],
                      "no exception", False)
        print(f"soak: part {part} took {time.perf_counter() - part_started:.0f} s",
              file=sys.stderr, flush=True)
    print(f"terraform-provider-agora soak: provider {provider}, scale {scale:g}, seed {seed}, "
          f"{time.perf_counter() - started:.0f} s")
    print(table.render())
    print(f"FAIL: {len(table.failed)}" if table.failed else "all ok")
    return 1 if table.failed else 0


if __name__ == "__main__":
    sys.exit(main())

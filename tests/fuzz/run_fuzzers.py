#!/usr/bin/env python3
"""Runs the libFuzzer targets built in the fuzz build directory (make fuzz) and prints one table.

Each target runs for --seconds over a working corpus under BUILD/fuzz-corpus/<target>: the
committed seeds (tests/fuzz/corpus/<target>) are copied in first and what the fuzzer adds stays
there for the next run, so the committed corpus is never written. Findings go to
BUILD/fuzz-artifacts/<target>/ and the full log to BUILD/fuzz-logs/<target>.log.

    run_fuzzers.py --build build-fuzz --seconds 60 TARGET...
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

SOURCE_CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
# Longest input per target, where the default is too short: boundary must reach nesting deep
# enough to have overflowed a recursive parser (200 KB of "[" did).
DEFAULT_MAX_LEN = 65536
MAX_LEN = {"boundary": 262144}


def run(build, target, seconds):
    binary = os.path.join(build, f"{target}_fuzz")
    work = os.path.join(build, "fuzz-corpus", target)
    artifacts = os.path.join(build, "fuzz-artifacts", target)
    logs = os.path.join(build, "fuzz-logs")
    for directory in (work, artifacts, logs):
        os.makedirs(directory, exist_ok=True)
    seeds = os.path.join(SOURCE_CORPUS, target)
    for name in os.listdir(seeds):
        shutil.copyfile(os.path.join(seeds, name), os.path.join(work, name))
    log_path = os.path.join(logs, f"{target}.log")
    command = [binary, f"-max_total_time={seconds}", "-print_final_stats=1", "-timeout=10",
               "-rss_limit_mb=2048", f"-max_len={MAX_LEN.get(target, DEFAULT_MAX_LEN)}",
               f"-artifact_prefix={artifacts}/", work]
    print(f"fuzz: {target} for {seconds} s (log {log_path})", flush=True)
    with open(log_path, "w") as log:
        code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT).returncode
    text = open(log_path, errors="replace").read()
    executions = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    coverage = re.findall(r"\bcov: (\d+) ft: (\d+)", text)
    corpus = re.findall(r"\bcorp: (\d+)/", text)
    found = re.findall(r"Test unit written to (\S+)", text)
    return {
        "target": target,
        "result": "ok" if code == 0 and not found else f"FAILED (exit {code})",
        "executions": executions[-1] if executions else "?",
        "cov": coverage[-1][0] if coverage else "?",
        "ft": coverage[-1][1] if coverage else "?",
        "corpus": corpus[-1] if corpus else "?",
        "found": found,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", required=True)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    rows = [run(args.build, target, args.seconds) for target in args.targets]

    header = ("target", "executions", "cov", "ft", "corpus", "result")
    table = [header] + [tuple(str(row[key]) for key in
                              ("target", "executions", "cov", "ft", "corpus", "result"))
                        for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    print()
    print(f"libFuzzer, {args.seconds} s per target (executions: stat::number_of_executed_units; "
          "cov/ft: final coverage)")
    for i, line in enumerate(table):
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * width for width in widths))
    failed = [row for row in rows if row["result"] != "ok"]
    for row in failed:
        print(f"{row['target']}: see {args.build}/fuzz-logs/{row['target']}.log; inputs: "
              + (", ".join(row["found"]) or "none written"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

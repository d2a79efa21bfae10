#!/usr/bin/env python3
"""``make demo``: the quickstart, end to end, against a fake Agora API on this machine.

    python3 tests/demo.py --provider build/terraform-provider-agora --version 0.1.0 [--keep]

1. starts the fake Agora API on 127.0.0.1 (in this process; nothing leaves the machine),
2. installs the provider into a filesystem mirror in a temporary directory,
3. copies examples/quickstart into a working directory there,
4. runs ``terraform init`` and ``terraform apply -auto-approve`` with AGORA_ENDPOINTS,
   AGORA_CUSTOMER_ID and AGORA_CUSTOMER_SECRET pointing the provider at the fake (terraform's
   output is shown as it comes),
5. prints the addresses and CIDR blocks from ``terraform output -json``.

Exits 0 on success, non-zero (with the reason on stderr) if any step fails. The temporary
directory is removed at the end unless ``--keep`` is given. Standard library only; needs the
``terraform`` CLI on PATH.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
QUICKSTART = REPO_ROOT / "examples" / "quickstart"
sys.path.insert(0, str(TESTS_DIR / "e2e"))

import harness  # noqa: E402  (tests/e2e/harness.py: clean environment, process-group handling)
import install_mirror  # noqa: E402  (scripts/install_mirror.py, on sys.path via harness)
from fake_agora.server import FakeAgora  # noqa: E402

DEMO_CUSTOMER_ID = "demo-customer-id"
DEMO_CUSTOMER_SECRET = "demo-customer-secret"


class DemoError(Exception):
    pass


def step(message: str) -> None:
    print(f"\n==> {message}", flush=True)


def terraform(workdir: Path, env: Dict[str, str], *args: str) -> None:
    """Runs terraform with its output going straight to the user; raises DemoError on failure."""
    color = [] if sys.stdout.isatty() else ["-no-color"]
    command = [args[0], *color, *args[1:]]
    print(f"$ terraform {' '.join(command)}", flush=True)
    result = harness.run_terraform(command, cwd=workdir, env=env, capture=False)
    if not result.ok:
        raise DemoError(f"terraform {args[0]} exited with status {result.returncode}")


def print_list(title: str, items: List[str]) -> None:
    print(f"  {title} ({len(items)}):")
    for item in items:
        print(f"    {item}")
    if not items:
        print("    (none)")


def run(provider: Path, version: str, base: Path) -> None:
    if not provider.is_file():
        raise DemoError(f"provider binary not found: {provider} (run `make build` first)")
    if not QUICKSTART.is_dir():
        raise DemoError(f"example not found: {QUICKSTART}")
    harness.terraform_binary()  # Fails early with a clear message if terraform is missing.

    with FakeAgora(customer_id=DEMO_CUSTOMER_ID, customer_secret=DEMO_CUSTOMER_SECRET) as fake:
        step(f"Fake Agora API listening on {fake.url} (GET /v2/ncs/ip, Basic auth)")

        step(f"Installing {install_mirror.SOURCE} {version} into a filesystem mirror")
        mirror = base / "mirror"
        binary = install_mirror.install(provider, version, mirror)
        cli_config = install_mirror.write_cli_config(mirror, base / "terraform.rc")
        print(f"  {binary}")
        print(f"  CLI configuration: {cli_config}")

        workdir = base / "quickstart"
        shutil.copytree(QUICKSTART, workdir, ignore=shutil.ignore_patterns(
            ".terraform", ".terraform.lock.hcl", "terraform.tfstate*"))
        home = base / "home"
        home.mkdir()
        env = harness.clean_env(home, {
            "AGORA_ENDPOINTS": fake.url,
            "AGORA_CUSTOMER_ID": DEMO_CUSTOMER_ID,
            "AGORA_CUSTOMER_SECRET": DEMO_CUSTOMER_SECRET,
        }, cli_config_file=cli_config)

        step(f"terraform init in {workdir} (a copy of examples/quickstart)")
        terraform(workdir, env, "init", "-input=false")
        step("terraform apply (AGORA_ENDPOINTS, AGORA_CUSTOMER_ID, AGORA_CUSTOMER_SECRET "
             "point at the fake)")
        terraform(workdir, env, "apply", "-input=false", "-auto-approve")

        result = harness.run_terraform(["output", "-no-color", "-json"], cwd=workdir, env=env)
        if not result.ok:
            raise DemoError("terraform output failed:\n" + result.stderr)
        outputs: Dict[str, Any] = {k: v["value"] for k, v in (result.json() or {}).items()}
        missing = [name for name in ("ip_addresses", "cidr_blocks", "ipv6_cidr_blocks",
                                     "fingerprint") if name not in outputs]
        if missing:
            raise DemoError(f"the quickstart is missing outputs: {', '.join(missing)}")

        step("Agora Notifications (NCS) sender addresses")
        print(f"  fingerprint: {outputs['fingerprint']}")
        print_list("addresses", outputs["ip_addresses"])
        print_list("IPv4 CIDR blocks", outputs["cidr_blocks"])
        print_list("IPv6 CIDR blocks", outputs["ipv6_cidr_blocks"])
        served = fake.requests()
        print(f"\n  The fake API served {len(served)} request(s): "
              + ", ".join(f"{r['method']} {r['path']} -> {r['status']}" for r in served))
        if not outputs["ip_addresses"]:
            raise DemoError("no addresses were returned")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--provider", required=True, type=Path, help="built provider binary")
    parser.add_argument("--version", required=True, help="provider version, e.g. 0.1.0")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temporary directory (mirror, working directory, state)")
    args = parser.parse_args(argv)

    base = Path(tempfile.mkdtemp(prefix="agora-demo-")).resolve()
    try:
        run(args.provider.resolve(), args.version, base)
    except (DemoError, OSError, ValueError, RuntimeError) as err:
        print(f"\ndemo failed: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            print(f"\nKept {base}", file=sys.stderr)
        else:
            shutil.rmtree(base, ignore_errors=True)
    print("\nDemo complete: the provider read the notification IPs through real terraform.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

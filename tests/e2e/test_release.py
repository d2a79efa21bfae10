"""End-to-end tests of ``make release`` (scripts/release.py) and of installing what it writes.

Each class builds its dist ONCE with the real command, ``make -C <repo> release
BUILD_DIR=$AGORA_BUILD_DIR DIST=<temp>`` (the build step is a no-op on a built tree; both
platforms, linux_amd64 and linux_arm64), unsigned or signed by a throw-away GPG key. Then real
terraform installs that dist from loopback HTTPS servers (provider_registry.py): the dist folder
served as a static site, as the network mirror ``make release`` writes into it, and through the
provider registry protocol with the signed SHA256SUMS; a plan against the fake Agora proves the
installed binary runs. The arm64 zip is installed as it is, where terraform looks for this
machine's package, in a namespace whose private binfmt_misc runs arm64 executables with qemu-user
(harness.arm64_binfmt_prefix). Terraform trusts the test CA through SSL_CERT_FILE; nothing leaves
127.0.0.1.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Tuple

import harness
import provider_registry
from make_targets import inherited_env, release_binary, run_make
from processes import CommandResult
from provider_registry import sha256_file

VERSION = harness.provider_version()
NAME = f"terraform-provider-agora_{VERSION}"
ZIP, MANIFEST = f"{NAME}_linux_amd64.zip", f"{NAME}_manifest.json"
ZIP_ARM64 = f"{NAME}_linux_arm64.zip"
ZIPS = {"linux_amd64": ZIP, "linux_arm64": ZIP_ARM64}
MIRROR_DIR = "registry.terraform.io"  # the network mirror's tree in the dist
MIRROR_PATH = f"{MIRROR_DIR}/agora/agora"
SUMS, SIG = f"{NAME}_SHA256SUMS", f"{NAME}_SHA256SUMS.sig"
ENTRY = f"terraform-provider-agora_v{VERSION}"
EXPECTED_MANIFEST = {"version": 1, "metadata": {"protocol_versions": ["6.0"]}}
RELEASE_SCRIPT = harness.REPO_ROOT / "scripts" / "release.py"
CUSTOMER_ID, CUSTOMER_SECRET = "release-e2e-customer", "release-e2e-secret"
UNSIGNED_NOTICE = re.compile(rf"^release: notice: {re.escape(SUMS)} is unsigned .*GPG_FINGERPRINT")


def run(command: List[Any], env: Dict[str, str], **kw: Any) -> CommandResult:
    kw.setdefault("stdin", None if "input" in kw else subprocess.DEVNULL)
    return CommandResult.of(subprocess.run([str(c) for c in command], env=env,
                                           capture_output=True, text=True, timeout=600, **kw))


def make_release(dist: Path, **env: str) -> CommandResult:
    return run_make("release", inherited_env(**env), DIST=str(dist))


def release_script(binary: Path, out: Path, *args: Any, **env: str) -> CommandResult:
    """scripts/release.py with ``binary`` for this machine's platform only."""
    return run([sys.executable, RELEASE_SCRIPT, "--binary", binary, "--version", VERSION,
                "--out", out, *args], inherited_env(**env))


def release_both(amd64: Path, arm64: Path, out: Path, *args: Any, **env: str) -> CommandResult:
    """scripts/release.py with both platforms' binaries, as make release runs it."""
    return run([sys.executable, RELEASE_SCRIPT, "--binary", f"linux_amd64={amd64}",
                "--binary", f"linux_arm64={arm64}", "--version", VERSION, "--out", out, *args],
               inherited_env(**env))


def mirror_config(url: str) -> str:
    """The CLI configuration of docs/install.md: agora/* from the network mirror at ``url``."""
    return ("provider_installation {\n  network_mirror {\n"
            f"    url     = {harness.hcl_string(url)}\n"
            '    include = ["registry.terraform.io/agora/*"]\n  }\n}\n')


def read_sums(path: Path) -> Dict[str, str]:
    """``{file name: sha256}`` from a SHA256SUMS file; every line must be ``<hex>  <name>``."""
    lines = path.read_text(encoding="ascii").splitlines()
    pairs = [re.fullmatch(r"([0-9a-f]{64})  (\S+)", line) for line in lines]
    if not all(pairs):
        raise AssertionError(f"malformed {path.name}:\n{path.read_text()}")
    return {m.group(2): m.group(1) for m in pairs}


@functools.lru_cache(maxsize=None)
def tls() -> harness.TlsFiles:
    return harness.generate_test_certificates(harness.make_temp_dir("release-tls"))


class InstallMixin(unittest.TestCase):
    """terraform init from a provider_registry server, then a plan against the fake Agora."""

    def workdir(self, cli_config: str) -> harness.Workdir:
        workdir = harness.Workdir("release-install")
        self.addCleanup(workdir.cleanup)
        config_file = workdir.root / "terraform.rc"
        config_file.write_text(cli_config, encoding="utf-8")
        workdir.env["TF_CLI_CONFIG_FILE"] = str(config_file)
        workdir.write_main_tf(harness.required_providers_block())
        return workdir

    def init(self, cli_config: str) -> Tuple[harness.Workdir, harness.TerraformResult]:
        workdir = self.workdir(cli_config)
        return workdir, self.terraform(workdir, "init", "-no-color", "-input=false")

    def terraform(self, workdir: harness.Workdir, *args: str,
                  prefix: Tuple[str, ...] = ()) -> harness.TerraformResult:
        env = harness.clean_env(workdir.home, {**workdir.env, "SSL_CERT_FILE": str(tls().ca_cert)},
                                cli_config_file=Path(workdir.env["TF_CLI_CONFIG_FILE"]))
        result = harness.run_terraform(args, cwd=workdir.path, env=env, prefix=prefix)
        harness.record_served(result.stdout + result.stderr)
        return result

    def lock_hashes(self, workdir: harness.Workdir) -> List[str]:
        text = (workdir.path / ".terraform.lock.hcl").read_text(encoding="utf-8")
        self.assertIn('provider "registry.terraform.io/agora/agora"', text)
        self.assertRegex(text, rf'version\s*=\s*"{re.escape(VERSION)}"')
        return sorted(re.findall(r'"((?:h1|zh):[^"]+)"', text))

    def assert_plan_uses_fake(self, workdir: harness.Workdir, platform: str = "linux_amd64",
                              prefix: Tuple[str, ...] = ()) -> None:
        """A plan reads the fake's addresses with the installed provider, which says (in its
        debug log) it was built for ``platform``."""
        fake = harness.start_fake(self, customer_id=CUSTOMER_ID, customer_secret=CUSTOMER_SECRET)
        provider = {"endpoints": [fake.url], "customer_id": CUSTOMER_ID,
                    "customer_secret": CUSTOMER_SECRET}
        workdir.write_main_tf(harness.ncs_ips_config(provider))
        before = harness.served_platforms().get(platform, 0)
        workdir.env["TF_LOG_PROVIDER"] = "DEBUG"
        try:
            result = self.terraform(workdir, "plan", "-no-color", "-input=false", prefix=prefix)
        finally:
            del workdir.env["TF_LOG_PROVIDER"]
        self.assertEqual(result.returncode, 0, result.describe())
        for ip in set(fake.ips):
            self.assertIn(f'"{ip}"', result.stdout, result.describe())
        self.assertGreaterEqual(fake.request_count(), 1, "the installed provider asked the fake")
        self.assertGreater(harness.served_platforms().get(platform, 0), before,
                           f"a provider built for {platform} served the plan")


class UnsignedReleaseTest(InstallMixin):
    dist: Path
    made: CommandResult

    @classmethod
    def setUpClass(cls) -> None:
        cls.dist = harness.make_temp_dir("dist") / "dist"  # make release must create it.
        cls.made = make_release(cls.dist)
        if cls.made.returncode != 0:
            raise AssertionError("make release failed\n" + cls.made.describe())

    def test_dist_is_the_registry_release_format(self) -> None:
        self.assertEqual(sorted(os.listdir(self.dist)),
                         sorted([ZIP, ZIP_ARM64, MANIFEST, SUMS, MIRROR_DIR]))
        for platform, name in ZIPS.items():
            with zipfile.ZipFile(self.dist / name) as archive:
                self.assertEqual(archive.namelist(), [ENTRY])
                info = archive.getinfo(ENTRY)
                self.assertEqual(info.create_system, 3, "Unix attributes")
                self.assertEqual(info.external_attr >> 16, 0o100755,
                                 oct(info.external_attr >> 16))
                self.assertEqual(info.compress_type, zipfile.ZIP_DEFLATED)
                self.assertEqual(info.extra, b"")
                self.assertTrue(archive.read(ENTRY) == release_binary(platform).read_bytes(),
                                f"the zip's entry differs from {release_binary(platform)}")
        self.assertEqual(json.loads((self.dist / MANIFEST).read_text()), EXPECTED_MANIFEST)
        self.assertEqual((self.dist / MANIFEST).read_bytes(),
                         (harness.REPO_ROOT / "terraform-registry-manifest.json").read_bytes())
        self.assertEqual((self.dist / SUMS).read_text(),
                         "".join(f"{sha256_file(self.dist / name)}  {name}\n"
                                 for name in sorted([ZIP, ZIP_ARM64, MANIFEST])))
        for name in (ZIP, ZIP_ARM64, MANIFEST, SUMS, f"{MIRROR_PATH}/index.json",
                     f"{MIRROR_PATH}/{VERSION}.json"):
            self.assertIn(f"release: wrote {self.dist / name}", self.made.stdout)
        notices = [line for line in self.made.stderr.splitlines() if "unsigned" in line]
        self.assertEqual(len(notices), 1, self.made.describe())
        self.assertRegex(notices[0], UNSIGNED_NOTICE)

    def test_dist_holds_a_network_mirror_of_both_zips(self) -> None:
        mirror = self.dist / MIRROR_PATH
        self.assertEqual(sorted(os.listdir(mirror)), sorted(["index.json", f"{VERSION}.json"]))
        self.assertEqual(json.loads((mirror / "index.json").read_text()),
                         {"versions": {VERSION: {}}})
        archives = json.loads((mirror / f"{VERSION}.json").read_text())["archives"]
        self.assertEqual(set(archives), set(ZIPS))
        for platform, name in ZIPS.items():
            self.assertEqual(archives[platform]["url"], f"../../../{name}")
            self.assertEqual((mirror / archives[platform]["url"]).resolve(),
                             (self.dist / name).resolve())
            self.assertEqual(sorted(archives[platform]["hashes"]),
                             sorted([provider_registry.h1_hash(self.dist / name),
                                     f"zh:{sha256_file(self.dist / name)}"]))

    def test_zip_is_reproducible(self) -> None:
        work = harness.make_temp_dir("repro")
        copies = {}
        for platform in ZIPS:
            copy = work / "elsewhere" / f"provider-copy-{platform}"
            copy.parent.mkdir(exist_ok=True)
            shutil.copyfile(release_binary(platform), copy)
            os.chmod(copy, 0o700)
            os.utime(copy, (1_000_000_000, 1_000_000_000))
            if os.geteuid() == 0:
                os.chown(copy, 65534, 65534)
            copies[platform] = copy
        first = release_both(release_binary("linux_amd64"), release_binary("linux_arm64"),
                             work / "one")
        time.sleep(2.5)  # Zip times have a 2 s resolution: "now" would differ by now.
        second = release_both(copies["linux_amd64"], copies["linux_arm64"],
                              work / "two" / "nested")
        for result in (first, second):
            self.assertEqual(result.returncode, 0, result.describe())
        for name in (ZIP, ZIP_ARM64, SUMS, f"{MIRROR_PATH}/{VERSION}.json"):
            reference = (self.dist / name).read_bytes()
            self.assertTrue((work / "one" / name).read_bytes() == reference, name)
            self.assertTrue((work / "two" / "nested" / name).read_bytes() == reference, name)

    def test_entry_time_comes_from_epoch_then_source_date_epoch(self) -> None:
        work = harness.make_temp_dir("epoch")
        cases = [  # (arguments, environment, expected entry time)
            ((), {"SOURCE_DATE_EPOCH": "1700000000"}, (2023, 11, 14, 22, 13, 20)),
            (("--epoch", "1234567890"), {"SOURCE_DATE_EPOCH": "1700000000"},
             (2009, 2, 13, 23, 31, 30)),
            (("--epoch", "0"), {}, (1980, 1, 1, 0, 0, 0)),
        ]
        for number, (args, env, expected) in enumerate(cases):
            with self.subTest(args=args, env=env):
                result = release_script(release_binary(), work / str(number), *args, **env)
                self.assertEqual(result.returncode, 0, result.describe())
                with zipfile.ZipFile(work / str(number) / ZIP) as archive:
                    self.assertEqual(archive.getinfo(ENTRY).date_time, expected)

    def test_bad_inputs_fail_clearly_and_write_nothing(self) -> None:
        work = harness.make_temp_dir("bad")
        cases = [
            ([work / "missing"], VERSION, "provider binary not found"),
            ([work], VERSION, "provider binary not found"),  # A directory.
            ([release_binary()], "0.1", "is not a semantic version"),
            ([f"darwin_arm64={release_binary()}"], VERSION,
             "platform 'darwin_arm64' is not supported; supported: linux_amd64, linux_arm64"),
            ([f"linux_amd64={release_binary()}", f"linux_amd64={release_binary()}"], VERSION,
             "platform linux_amd64 is given twice"),
        ]
        for binaries, version, message in cases:
            with self.subTest(binaries=binaries, version=version):
                args = [arg for binary in binaries for arg in ("--binary", binary)]
                result = run([sys.executable, RELEASE_SCRIPT, *args, "--version", version,
                              "--out", work / "out"], inherited_env())
                self.assertEqual(result.returncode, 1, result.describe())
                self.assertEqual(len(result.stderr.splitlines()), 1, result.describe())
                self.assertIn(message, result.stderr)
                self.assertFalse((work / "out").exists(), "nothing written")

    def test_unknown_platform_stops_make_release_before_anything_is_written(self) -> None:
        dist = harness.make_temp_dir("badplatform") / "dist"
        result = make_release(dist, PLATFORMS="linux_amd64 darwin_arm64")
        self.assertEqual(result.returncode, 2, result.describe())
        self.assertIn("PLATFORMS: unknown platform(s) 'darwin_arm64'", result.stderr)
        self.assertIn("supported: linux_amd64 linux_arm64", result.stderr)
        self.assertNotIn("deps:", result.stdout, "nothing installed or built first")
        self.assertFalse(dist.exists(), "nothing written")

    def test_one_platform_and_a_stale_signature(self) -> None:
        # A platform left out this time leaves no zip of its own behind (it would be in neither
        # the sums nor the mirror), and a stale signature goes too.
        out = harness.make_temp_dir("stale")
        (out / SIG).write_bytes(b"a signature of some older SHA256SUMS")
        (out / ZIP_ARM64).write_bytes(b"an arm64 zip of some older release")
        result = release_script(release_binary(), out)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual(sorted(os.listdir(out)), sorted([ZIP, MANIFEST, SUMS, MIRROR_DIR]))
        archives = json.loads((out / MIRROR_PATH / f"{VERSION}.json").read_text())["archives"]
        self.assertEqual(list(archives), ["linux_amd64"])

    def site(self, dist: Path) -> provider_registry.StaticSite:
        """``dist`` served as a static site over loopback HTTPS, as S3 or nginx would."""
        site = provider_registry.StaticSite(dist, tls().server_cert, tls().server_key,
                                            VERSION).start()
        self.addCleanup(site.stop)
        return site

    def test_network_mirror_install_from_the_dist_folder_as_it_is(self) -> None:
        site = self.site(self.dist)
        workdir, result = self.init(mirror_config(site.url))
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn(f"- Installed agora/agora v{VERSION} (verified checksum)", result.stdout)
        self.assertEqual(set(site.paths()), {f"/{MIRROR_PATH}/index.json",
                                             f"/{MIRROR_PATH}/{VERSION}.json", f"/{ZIP}"})
        h1 = provider_registry.h1_hash(self.dist / ZIP)
        self.assertIn(h1, self.lock_hashes(workdir))
        self.assertEqual(harness.unpacked_provider(workdir.path).read_bytes(),
                         release_binary().read_bytes())
        self.assert_plan_uses_fake(workdir)

    def test_a_lock_file_for_both_platforms_and_init_on_each(self) -> None:
        site = self.site(self.dist)
        locker = self.workdir(mirror_config(site.url))
        result = self.terraform(locker, "providers", "lock", "-no-color", f"-net-mirror={site.url}",
                                "-platform=linux_amd64", "-platform=linux_arm64")
        self.assertEqual(result.returncode, 0, result.describe())
        hashes = self.lock_hashes(locker)
        for name in ZIPS.values():
            self.assertIn(provider_registry.h1_hash(self.dist / name), hashes, name)
        lock_file = (locker.path / ".terraform.lock.hcl").read_text(encoding="utf-8")

        # amd64, this machine: init from the mirror accepts the lock file as it is.
        amd64 = self.workdir(mirror_config(site.url))
        (amd64.path / ".terraform.lock.hcl").write_text(lock_file, encoding="utf-8")
        result = self.terraform(amd64, "init", "-no-color", "-input=false")
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual((amd64.path / ".terraform.lock.hcl").read_text(encoding="utf-8"),
                         lock_file, "init accepted the lock file and changed nothing")
        self.assert_plan_uses_fake(amd64)

        # arm64: the arm64 zip, as released, where terraform looks for this machine's package
        # (a packed filesystem mirror), and arm64 executables run by qemu-user through a private
        # binfmt_misc: init accepts the lock file's arm64 hashes, and the arm64 build serves.
        prefix = harness.arm64_binfmt_prefix()
        mirror = harness.make_temp_dir("arm64-mirror")
        (mirror / "registry.terraform.io" / "agora" / "agora").mkdir(parents=True)
        shutil.copyfile(self.dist / ZIP_ARM64,
                        mirror / "registry.terraform.io" / "agora" / "agora" / ZIP)
        arm64 = self.workdir(f"provider_installation {{\n  filesystem_mirror {{\n"
                             f"    path = {harness.hcl_string(str(mirror))}\n  }}\n}}\n")
        (arm64.path / ".terraform.lock.hcl").write_text(lock_file, encoding="utf-8")
        result = self.terraform(arm64, "init", "-no-color", "-input=false", prefix=prefix)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertEqual((arm64.path / ".terraform.lock.hcl").read_text(encoding="utf-8"),
                         lock_file, "init accepted the lock file and changed nothing")
        self.assert_plan_uses_fake(arm64, "linux_arm64", prefix)

        # The lock file is what is checked: without the arm64 hashes, the same init fails.
        amd64_only = "".join(line for line in lock_file.splitlines(keepends=True)
                             if provider_registry.h1_hash(self.dist / ZIP_ARM64) not in line
                             and sha256_file(self.dist / ZIP_ARM64) not in line)
        self.assertNotEqual(amd64_only, lock_file)
        (arm64.path / ".terraform.lock.hcl").write_text(amd64_only, encoding="utf-8")
        shutil.rmtree(arm64.path / ".terraform")
        result = self.terraform(arm64, "init", "-no-color", "-input=false", prefix=prefix)
        self.assertNotEqual(result.returncode, 0, result.describe())
        self.assertIn("doesn't match any of the checksums previously recorded", result.text,
                      result.describe())

    def test_a_tampered_zip_of_either_platform_is_refused(self) -> None:
        for platform, name in ZIPS.items():
            with self.subTest(platform):
                dist = harness.make_temp_dir("tampered") / "dist"
                shutil.copytree(self.dist, dist)
                # A well-formed zip whose binary has one byte changed, as a tampering host
                # would serve it.
                with zipfile.ZipFile(dist / name) as archive:
                    data = bytearray(archive.read(ENTRY))
                data[len(data) // 2] ^= 0xFF
                with zipfile.ZipFile(dist / name, "w", zipfile.ZIP_DEFLATED) as archive:
                    archive.writestr(ENTRY, bytes(data))
                site = self.site(dist)
                locker = self.workdir(mirror_config(site.url))
                result = self.terraform(locker, "providers", "lock", "-no-color", f"-net-mirror={site.url}",
                                        f"-platform={platform}")
                self.assertNotEqual(result.returncode, 0, result.describe())
                self.assertIn("doesn't match", result.text, result.describe())
                self.assertIn(platform, result.text, result.describe())
                self.assertFalse((locker.path / ".terraform.lock.hcl").exists())


class SignedReleaseTest(InstallMixin):
    gnupg: Path
    fingerprint: str
    key_id: str
    public_key: str
    dist: Path
    made: CommandResult

    @classmethod
    def gpg(cls, *args: str, **kw: Any) -> CommandResult:
        return run(["gpg", "--batch", *args], inherited_env(GNUPGHOME=str(cls.gnupg)), **kw)

    @classmethod
    def new_key(cls, name: str) -> str:
        """Generates an RSA key without passphrase; returns its fingerprint."""
        params = ("%no-protection\nKey-Type: RSA\nKey-Length: 2048\nKey-Usage: sign\n"
                  f"Name-Real: {name}\nName-Email: {name}@example.invalid\nExpire-Date: 0\n"
                  "%commit\n")
        generated = cls.gpg("--gen-key", input=params)
        listed = cls.gpg("--with-colons", "--list-secret-keys", f"{name}@example.invalid")
        if generated.returncode != 0 or listed.returncode != 0:
            raise AssertionError(generated.describe() + listed.describe())
        return re.search(r"^fpr:+([0-9A-F]{40}):", listed.stdout, re.MULTILINE).group(1)

    @classmethod
    def setUpClass(cls) -> None:
        # Short path: gpg-agent's socket lives here and socket paths are limited to ~100 bytes.
        cls.gnupg = Path(tempfile.mkdtemp(prefix="agora-gpg-", dir="/tmp"))
        cls.addClassCleanup(shutil.rmtree, cls.gnupg, ignore_errors=True)
        cls.addClassCleanup(run, ["gpgconf", "--kill", "gpg-agent"],
                            inherited_env(GNUPGHOME=str(cls.gnupg)))
        cls.fingerprint = cls.new_key("agora-release-test")
        cls.key_id = cls.fingerprint[-16:]
        cls.public_key = cls.gpg("--armor", "--export", cls.fingerprint).stdout
        cls.dist = harness.make_temp_dir("signed") / "dist"
        cls.made = make_release(cls.dist, GPG_FINGERPRINT=cls.fingerprint,
                                GNUPGHOME=str(cls.gnupg))
        if cls.made.returncode != 0:
            raise AssertionError("signed make release failed\n" + cls.made.describe())

    def registry(self, dist: Path) -> provider_registry.Registry:
        server = provider_registry.Registry(dist, tls().server_cert, tls().server_key, VERSION,
                                            self.public_key, self.key_id).start()
        self.addCleanup(server.stop)
        return server

    def init_from(self, server: provider_registry.Registry) -> Any:
        return self.init('host "registry.terraform.io" {\n  services = {\n'
                         f'    "providers.v1" = {harness.hcl_string(server.services_url)}\n'
                         "  }\n}\n")

    def test_signature_verifies_with_gpg(self) -> None:
        self.assertEqual(sorted(os.listdir(self.dist)),
                         sorted([ZIP, ZIP_ARM64, MANIFEST, SUMS, SIG, MIRROR_DIR]))
        self.assertNotIn("unsigned", self.made.stderr)
        self.assertIn(f"release: wrote {self.dist / SIG}", self.made.stdout)
        self.assertFalse((self.dist / SIG).read_bytes().startswith(b"-----BEGIN"), "binary")
        verified = self.gpg("--status-fd", "1", "--verify", self.dist / SIG, self.dist / SUMS)
        self.assertEqual(verified.returncode, 0, verified.describe())
        self.assertIn(f"[GNUPG:] VALIDSIG {self.fingerprint} ", verified.stdout)
        # The signature covers the SHA256SUMS: one more line breaks it.
        tampered = harness.make_temp_dir("tampered") / SUMS
        tampered.write_text((self.dist / SUMS).read_text() + f"{'0' * 64}  extra.zip\n")
        self.assertNotEqual(self.gpg("--verify", self.dist / SIG, tampered).returncode, 0)

    def test_unknown_fingerprint_fails_clearly(self) -> None:
        dist = harness.make_temp_dir("nokey") / "dist"
        unknown = "0123456789ABCDEF0123456789ABCDEF01234567"
        result = make_release(dist, GPG_FINGERPRINT=unknown, GNUPGHOME=str(self.gnupg))
        self.assertNotEqual(result.returncode, 0, result.describe())
        self.assertIn(f"release: error: GPG_FINGERPRINT={unknown} names no secret key",
                      result.stderr)
        self.assertFalse(dist.exists(), "nothing written")

    def test_registry_install_is_signed_by_the_key(self) -> None:
        server = self.registry(self.dist)
        workdir, result = self.init_from(server)
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn(f"- Installed agora/agora v{VERSION} (self-signed, key ID {self.key_id})",
                      result.stdout)
        self.assertNotIn("unauthenticated", result.output)
        files = {f"/files/{name}" for name in (ZIP, SUMS, SIG)}
        self.assertTrue(files <= set(server.paths()), server.requests())
        sums = read_sums(self.dist / SUMS)
        # Terraform trusts every line of a signed SHA256SUMS: a zh: per line, and the h1: it saw.
        expected = [provider_registry.h1_hash(self.dist / ZIP)] + [f"zh:{h}" for h in sums.values()]
        self.assertEqual(self.lock_hashes(workdir), sorted(expected))
        self.assertIn(f"zh:{sha256_file(self.dist / ZIP)}", expected)
        self.assertIn(f"zh:{sha256_file(self.dist / ZIP_ARM64)}", expected)
        self.assert_plan_uses_fake(workdir)

    def test_registry_offers_both_platforms_signed(self) -> None:
        server = self.registry(self.dist)
        self.assertEqual(server.platforms(), [("linux", "amd64"), ("linux", "arm64")])
        workdir = self.workdir('host "registry.terraform.io" {\n  services = {\n'
                               f'    "providers.v1" = {harness.hcl_string(server.services_url)}\n'
                               "  }\n}\n")
        result = self.terraform(workdir, "providers", "lock", "-no-color", "-platform=linux_arm64",
                                "-platform=linux_amd64")
        self.assertEqual(result.returncode, 0, result.describe())
        self.assertIn(f"(self-signed, key ID {self.key_id})", result.text, result.describe())
        for name in ZIPS.values():
            self.assertIn(f"/files/{name}", server.paths())
            self.assertIn(provider_registry.h1_hash(self.dist / name), self.lock_hashes(workdir))

    def test_registry_refuses_a_bad_signature(self) -> None:
        other = self.new_key("agora-release-other")
        cases = {"signed by another key": "authentication signature from unknown issuer",
                 "tampered SHA256SUMS": "invalid signature"}
        for case, message in cases.items():
            with self.subTest(case):
                dist = harness.make_temp_dir("badsig") / "dist"
                shutil.copytree(self.dist, dist)
                if case == "signed by another key":
                    signed = self.gpg("--yes", "--local-user", other, "--output", dist / SIG,
                                      "--detach-sign", dist / SUMS)
                    self.assertEqual(signed.returncode, 0, signed.describe())
                else:
                    with (dist / SUMS).open("a") as sums:
                        sums.write(f"{'0' * 64}  {NAME}_darwin_arm64.zip\n")
                workdir, result = self.init_from(self.registry(dist))
                self.assertNotEqual(result.returncode, 0, result.describe())
                self.assertIn(message, result.text, result.describe())
                self.assertFalse(harness.unpacked_provider(workdir.path).exists())


if __name__ == "__main__":
    unittest.main()

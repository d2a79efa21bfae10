"""The CI files are valid YAML with the keys GitHub Actions and GitLab CI require, their shell
snippets parse, and the parts that can run here do what they say:

* examples/ci/, the scheduled-pipeline recipes: a CLI configuration naming the team's provider
  network mirror is written and named by TF_CLI_CONFIG_FILE before ``terraform init`` (run here,
  and the file read by real terraform), plan -detailed-exitcode into a saved plan, apply of that
  plan only on exit code 2, one run at a time, a failure notification, credentials from secrets,
  and a word on arm64 runners.
* .github/workflows/release.yml: on a ``v*`` tag, in debian:12, checks the tag against
  CMakeLists.txt, imports the signing key from secrets, runs ``make release`` and publishes
  exactly the registry's files that make release writes. Its version check and key import run
  here (a throw-away key with a passphrase), and scripts/release.py then signs with that key.
* terraform-registry-manifest.json is the registry's manifest for protocol 6.
* The CLI configurations docs/install.md shows are read by terraform without a problem.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unittest
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence, Tuple

import yaml

import harness

CI_DIR = harness.REPO_ROOT / "examples" / "ci"
RELEASE_WORKFLOW = harness.REPO_ROOT / ".github" / "workflows" / "release.yml"
RELEASE_SCRIPT = harness.REPO_ROOT / "scripts" / "release.py"
REGISTRY_MANIFEST = harness.REPO_ROOT / "terraform-registry-manifest.json"
INSTALL_PAGE = harness.REPO_ROOT / "docs" / "install.md"
MIRROR_URL = "https://mirror.example.com/terraform/"
AGORA = "registry.terraform.io/agora/*"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# How GitHub runs a `run:` step under `shell: bash`.
GITHUB_BASH = ("bash", "--noprofile", "--norc", "-eo", "pipefail")

# Keys GitLab accepts under `default:` and in a job (docs.gitlab.com/ee/ci/yaml/).
GITLAB_DEFAULT_KEYS = {"after_script", "artifacts", "before_script", "cache", "hooks", "image",
                       "interruptible", "retry", "services", "tags", "timeout"}
GITLAB_JOB_KEYS = GITLAB_DEFAULT_KEYS | {
    "allow_failure", "coverage", "dast_configuration", "dependencies", "environment", "except",
    "extends", "id_tokens", "inherit", "needs", "only", "pages", "parallel", "release",
    "resource_group", "rules", "script", "secrets", "stage", "trigger", "variables", "when"}
GITLAB_GLOBAL_KEYS = {"default", "include", "stages", "variables", "workflow", "image", "services",
                      "cache", "before_script", "after_script"}


def project_version() -> str:
    text = (harness.REPO_ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    return re.search(r"^project\(terraform-provider-agora VERSION ([0-9.]+)", text, re.M).group(1)


def shell_syntax_ok(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)


def without_expressions(script: str) -> str:
    """GitHub substitutes ``${{ ... }}`` before the shell sees the script."""
    return re.sub(r"\$\{\{[^}]*\}\}", "x", script)


def run_script(shell: Sequence[str], script: str, env: Mapping[str, str],
               cwd: Path) -> subprocess.CompletedProcess:
    """Runs ``script`` as a CI runner would, from a file, with an environment given whole."""
    path = harness.make_temp_dir("script") / "script.sh"
    path.write_text(script, encoding="utf-8")
    home = harness.make_temp_dir("home")
    return subprocess.run([*shell, str(path)], cwd=str(cwd), capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120,
                          env={"PATH": SYSTEM_PATH, "HOME": str(home), "LANG": "C.UTF-8", **env})


def key_values(path: Path) -> Dict[str, str]:
    """The ``NAME=value`` lines of a GITHUB_ENV or GITHUB_OUTPUT file."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


class CliConfigMixin(unittest.TestCase):
    def assert_terraform_reads(self, cli_config: Path) -> None:
        """Real terraform (1.11) loads the file with no warning or error about it."""
        home = harness.make_temp_dir("tf-home")
        result = subprocess.run([harness.terraform_binary(), "version"], cwd=str(home),
                                env=harness.clean_env(home, cli_config_file=cli_config),
                                capture_output=True, text=True, stdin=subprocess.DEVNULL,
                                timeout=120)
        output = result.stdout + result.stderr
        self.assertEqual(result.returncode, 0, output)
        self.assertNotIn("problems", output, cli_config.read_text(encoding="utf-8"))

    def assert_mirror_config(self, cli_config: Path, url: str) -> None:
        text = cli_config.read_text(encoding="utf-8")
        self.assertRegex(text, r"network_mirror \{\s*url\s*= " + re.escape(f'"{url}"'))
        self.assertRegex(text, r"direct \{\s*exclude = " + re.escape(f'["{AGORA}"]'),
                         "every other provider still comes from its registry")
        self.assert_terraform_reads(cli_config)


class GitHubActionsRecipeTest(CliConfigMixin):
    def setUp(self) -> None:
        self.text = (CI_DIR / "github-actions.yml").read_text(encoding="utf-8")
        self.doc: Dict[Any, Any] = yaml.safe_load(self.text)

    def triggers(self) -> Dict[str, Any]:
        # YAML 1.1 reads the bare key `on` as the boolean true.
        return self.doc.get("on", self.doc.get(True))

    def steps(self) -> List[Dict[str, Any]]:
        (job,) = self.doc["jobs"].values()
        return job["steps"]

    def test_required_keys_and_schedule(self) -> None:
        self.assertIsInstance(self.doc.get("name"), str)
        cron = self.triggers()["schedule"][0]["cron"]
        fields = cron.split()
        self.assertEqual(len(fields), 5, cron)
        self.assertRegex(fields[1], r"^\*/(6|8|12)$", "every 6 to 12 hours")
        self.assertIn("group", self.doc["concurrency"])
        self.assertFalse(self.doc["concurrency"]["cancel-in-progress"],
                         "a running apply must never be cancelled")
        for name, job in self.doc["jobs"].items():
            self.assertIn("runs-on", job, name)
            self.assertIsInstance(job["steps"], list, name)
            for step in job["steps"]:
                self.assertEqual(len({"uses", "run"} & set(step)), 1, step)

    def test_the_keep_warning_with_its_age_reaches_the_output_and_the_notification(self) -> None:
        (plan,) = [s for s in self.steps() if "terraform plan" in s.get("run", "")]
        work = harness.make_temp_dir("gha-plan")
        stub = work / "bin"
        stub.mkdir()
        warning = ("Warning: Agora did not answer in time: keeping the last good list\n\n"
                   "...They were confirmed by Agora 3h12m5s ago (last_read_at "
                   "2026-01-02T03:04:05Z); plans fail once it is older than max_staleness (24h).")
        (stub / "terraform").write_text(f"#!/bin/sh\ncat <<'EOF'\n{warning}\nEOF\nexit 0\n")
        (stub / "terraform").chmod(0o755)
        output = work / "github_output"
        result = run_script(("bash", "-e", "-o", "pipefail"), plan["run"], cwd=work,
                            env={"PATH": f"{stub}:{SYSTEM_PATH}", "GITHUB_OUTPUT": str(output)})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("::warning title=Agora cannot be read::keeping the last good list "
                      "(confirmed by Agora 3h12m5s ago)", result.stdout)
        outputs = key_values(output)
        self.assertEqual(outputs["exitcode"], "0")
        self.assertEqual(outputs["stale"], "confirmed by Agora 3h12m5s ago")
        notify = [s for s in self.steps() if s.get("if") == "steps.plan.outputs.stale != ''"]
        self.assertEqual(len(notify), 1)
        self.assertIn("$STALE", notify[0]["run"])

    def test_credentials_come_from_secrets(self) -> None:
        (job,) = self.doc["jobs"].values()
        self.assertEqual(job["env"]["AGORA_CUSTOMER_ID"], "${{ secrets.AGORA_CUSTOMER_ID }}")
        self.assertEqual(job["env"]["AGORA_CUSTOMER_SECRET"],
                         "${{ secrets.AGORA_CUSTOMER_SECRET }}")

    def test_plan_then_apply_of_the_saved_plan_then_notify(self) -> None:
        runs = [(s.get("id"), s.get("if", ""), s["run"]) for s in self.steps() if "run" in s]
        plan = [r for r in runs if "terraform plan" in r[2]]
        self.assertEqual(len(plan), 1)
        self.assertIn("-detailed-exitcode", plan[0][2])
        self.assertIn("-out=tfplan", plan[0][2])
        apply = [r for r in runs if "terraform apply" in r[2]]
        self.assertEqual(len(apply), 1)
        self.assertRegex(apply[0][2], r"terraform apply .*tfplan\s*$")
        self.assertNotIn("-auto-approve", apply[0][2], "a saved plan needs no approval flag")
        self.assertIn(f"steps.{plan[0][0]}.outputs.exitcode == '2'", apply[0][1])
        self.assertTrue(any(r[1] == "failure()" for r in runs), "a failure notification")
        setup = [s for s in self.steps() if s.get("uses", "").startswith("hashicorp/setup-terraform")]
        self.assertFalse(setup[0]["with"]["terraform_wrapper"], "the wrapper hides exit codes")
        for _, _, script in runs:
            checked = shell_syntax_ok(without_expressions(script))
            self.assertEqual(checked.returncode, 0, checked.stderr + script)

    def config_step(self) -> Dict[str, Any]:
        steps = self.steps()
        writes = [i for i, s in enumerate(steps) if "TF_CLI_CONFIG_FILE=" in s.get("run", "")]
        init = [i for i, s in enumerate(steps) if "terraform init" in s.get("run", "")]
        self.assertEqual(len(writes), 1, "one step writes the CLI configuration")
        self.assertEqual(len(init), 1)
        self.assertLess(writes[0], init[0], "the CLI configuration is written before init")
        return steps[writes[0]]

    def run_config_step(self, mirror: str) -> Tuple[subprocess.CompletedProcess, Path, Path]:
        runner_temp = harness.make_temp_dir("runner-temp")
        github_env = runner_temp / "github_env"
        result = run_script(GITHUB_BASH, self.config_step()["run"], cwd=runner_temp,
                            env={"AGORA_PROVIDER_MIRROR": mirror,
                                 "RUNNER_TEMP": str(runner_temp),
                                 "GITHUB_ENV": str(github_env)})
        return result, runner_temp, github_env

    def test_the_provider_comes_from_the_mirror_named_before_init(self) -> None:
        step = self.config_step()
        self.assertEqual(step["env"]["AGORA_PROVIDER_MIRROR"],
                         "${{ vars.AGORA_PROVIDER_MIRROR }}")
        result, runner_temp, github_env = self.run_config_step(MIRROR_URL)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        cli_config = Path(key_values(github_env)["TF_CLI_CONFIG_FILE"])
        self.assertEqual(cli_config.parent, runner_temp)
        self.assert_mirror_config(cli_config, MIRROR_URL)

    def test_a_mirror_url_terraform_would_refuse_or_misread_fails_the_step(self) -> None:
        # Terraform takes only https: mirrors, and resolves paths against a URL without the
        # final "/" as if its last segment were a file.
        for bad in ("", "http://mirror.example.com/terraform/", MIRROR_URL.rstrip("/")):
            with self.subTest(url=bad):
                result, _, github_env = self.run_config_step(bad)
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("::error::set the variable AGORA_PROVIDER_MIRROR", result.stdout)
                self.assertEqual(key_values(github_env), {})

    def test_says_how_to_run_on_arm64_runners(self) -> None:
        self.assertIn("ubuntu-24.04-arm", self.text)
        self.assertIn("[self-hosted, linux, ARM64]", self.text)
        self.assertIn("linux_arm64", self.text)


class GitLabRecipeTest(CliConfigMixin):
    def setUp(self) -> None:
        self.text = (CI_DIR / "gitlab-ci.yml").read_text(encoding="utf-8")
        self.doc: Dict[str, Any] = yaml.safe_load(self.text)
        self.jobs = {k: v for k, v in self.doc.items() if k not in GITLAB_GLOBAL_KEYS}

    def test_keys_are_ones_gitlab_accepts(self) -> None:
        self.assertLessEqual(set(self.doc["default"]), GITLAB_DEFAULT_KEYS)
        stages = set(self.doc["stages"]) | {".pre", ".post"}
        self.assertTrue(self.jobs)
        for name, job in self.jobs.items():
            self.assertLessEqual(set(job), GITLAB_JOB_KEYS, name)
            self.assertIn("script", job, name)
            self.assertIn(job.get("stage", "test"), stages, name)

    def test_runs_on_a_schedule_one_at_a_time(self) -> None:
        rules = [r["if"] for r in self.doc["workflow"]["rules"]]
        self.assertIn('$CI_PIPELINE_SOURCE == "schedule"', rules)
        self.assertEqual(self.jobs["plan"]["resource_group"], self.jobs["apply"]["resource_group"])

    def test_plan_then_apply_of_the_saved_plan_then_notify(self) -> None:
        plan = "\n".join(self.jobs["plan"]["script"])
        self.assertIn("-detailed-exitcode", plan)
        self.assertIn("-out=tfplan", plan)
        self.assertIn("$TF_ROOT/tfplan", self.jobs["plan"]["artifacts"]["paths"])
        apply = "\n".join(self.jobs["apply"]["script"])
        self.assertRegex(apply, r"terraform apply -input=false tfplan")
        self.assertIn('"$PLAN_EXITCODE" != "2"', apply)
        self.assertEqual(self.jobs["apply"]["needs"][0]["job"], "plan")
        self.assertTrue(any(j.get("when") == "on_failure" for j in self.jobs.values()))
        for name, job in self.jobs.items():
            script = "\n".join(job.get("before_script", self.doc["default"]["before_script"])
                               + job["script"])
            checked = shell_syntax_ok(script)
            self.assertEqual(checked.returncode, 0, f"{name}: {checked.stderr}")

    def before_init(self) -> List[str]:
        """The default before_script up to `terraform init`, which every terraform job runs."""
        lines: List[str] = self.doc["default"]["before_script"]
        init = [i for i, line in enumerate(lines) if line.startswith("terraform init")]
        self.assertEqual(len(init), 1)
        exports = [i for i, line in enumerate(lines[:init[0]])
                   if line.startswith("export TF_CLI_CONFIG_FILE=")]
        self.assertEqual(len(exports), 1, "TF_CLI_CONFIG_FILE is exported before init")
        return lines[:init[0]]

    def run_before_init(self, mirror: str) -> Tuple[subprocess.CompletedProcess, Path]:
        """Runs that part in a fake project directory; it then writes the value of
        TF_CLI_CONFIG_FILE that init would see into PROJECT/named."""
        project = harness.make_temp_dir("ci-project")
        (project / self.doc["variables"]["TF_ROOT"]).mkdir(parents=True)
        script = "\n".join(self.before_init()
                           + ['printf "%s" "$TF_CLI_CONFIG_FILE" > "$CI_PROJECT_DIR/named"'])
        # The hashicorp/terraform image's shell is a POSIX sh (busybox's), not bash.
        result = run_script(("sh", "-e"), script, cwd=project,
                            env={"AGORA_PROVIDER_MIRROR": mirror, "CI_PROJECT_DIR": str(project),
                                 "TF_ROOT": self.doc["variables"]["TF_ROOT"]})
        return result, project

    def test_the_provider_comes_from_the_mirror_named_before_init(self) -> None:
        self.assertIn("$AGORA_PROVIDER_MIRROR", "\n".join(self.before_init()))
        result, project = self.run_before_init(MIRROR_URL)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        cli_config = Path((project / "named").read_text(encoding="utf-8"))
        self.assertEqual(cli_config.parent, project)
        self.assert_mirror_config(cli_config, MIRROR_URL)

    def test_a_mirror_url_terraform_would_refuse_or_misread_fails_the_job(self) -> None:
        for bad in ("", "http://mirror.example.com/terraform/", MIRROR_URL.rstrip("/")):
            with self.subTest(url=bad):
                result, project = self.run_before_init(bad)
                self.assertNotEqual(result.returncode, 0, result.stdout)
                self.assertIn("Set the CI/CD variable AGORA_PROVIDER_MIRROR", result.stderr)
                self.assertFalse((project / ".agora.tfrc").exists())

    def test_says_how_to_run_on_arm64_runners(self) -> None:
        self.assertRegex(self.text, r"# tags: \[saas-linux-small-arm64\]")
        self.assertIn("linux_arm64", self.text)


class ReleaseWorkflowMixin(unittest.TestCase):
    """.github/workflows/release.yml, its steps, and scripts/release.py on dummy binaries."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.doc: Dict[Any, Any] = yaml.safe_load(RELEASE_WORKFLOW.read_text(encoding="utf-8"))
        cls.job: Dict[str, Any] = cls.doc["jobs"]["release"]
        cls.steps: List[Dict[str, Any]] = cls.job["steps"]
        cls.version = project_version()

    def step(self, *, uses: str = "", run: str = "", step_id: str = "") -> Tuple[int, Dict]:
        """The one step that uses the action ``uses``, or whose script matches ``run``, or whose
        id is ``step_id``; with its index."""
        found = [(i, s) for i, s in enumerate(self.steps)
                 if (uses and s.get("uses", "").split("@")[0] == uses)
                 or (run and re.search(run, s.get("run", ""), re.M))
                 or (step_id and s.get("id") == step_id)]
        self.assertEqual(len(found), 1, f"one step for {uses or run or step_id}")
        return found[0]

    def uploaded_names(self) -> List[str]:
        """The release step's files, for this version, as names in dist/."""
        _, release = self.step(uses="softprops/action-gh-release")
        self.assertTrue(release["with"]["fail_on_unmatched_files"])
        names = []
        for line in filter(None, map(str.strip, release["with"]["files"].splitlines())):
            path = line.replace("${{ steps.version.outputs.version }}", self.version)
            self.assertNotRegex(path, r"[*?\[{$]", "named one by one, not by pattern")
            self.assertTrue(path.startswith("dist/"), path)
            names.append(path[len("dist/"):])
        return names

    def release_py(self, out: Path, **env: str) -> subprocess.CompletedProcess:
        dummy = harness.make_temp_dir("dummy") / "provider"
        dummy.write_bytes(b"#!/bin/sh\nexit 0\n")
        dummy.chmod(0o755)
        return subprocess.run(
            [sys.executable, str(RELEASE_SCRIPT), "--version", self.version, "--out", str(out),
             "--epoch", "0", "--binary", f"linux_amd64={dummy}", "--binary",
             f"linux_arm64={dummy}"],
            env={**{k: v for k, v in os.environ.items() if k != "GPG_FINGERPRINT"}, **env},
            capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


class ReleaseWorkflowTest(ReleaseWorkflowMixin):
    def test_triggers_container_permissions_and_steps(self) -> None:
        self.assertIn("v*", self.doc.get("on", self.doc.get(True))["push"]["tags"])
        self.assertEqual(self.job["runs-on"], "ubuntu-latest")
        self.assertEqual(self.job["container"], "debian:12")
        self.assertEqual(self.job["permissions"], {"contents": "write"})
        self.assertEqual(self.job["defaults"]["run"]["shell"], "bash")
        self.assertTrue(self.steps)
        for step in self.steps:
            self.assertEqual(len({"uses", "run"} & set(step)), 1, step)

    def test_every_run_step_parses(self) -> None:
        runs = [s["run"] for s in self.steps if "run" in s]
        self.assertGreaterEqual(len(runs), 5)
        for script in runs:
            checked = shell_syntax_ok(without_expressions(script))
            self.assertEqual(checked.returncode, 0, checked.stderr + script)

    def test_git_is_there_for_the_checkout_and_trusted_before_make_release(self) -> None:
        tools, step = self.step(run=r"apt-get install .*\\\n?.*\bgit\b")
        for package in ("git", "ca-certificates", "make", "gnupg"):
            self.assertRegex(step["run"], rf"\s{package}(\s|$)")
        checkout, step = self.step(uses="actions/checkout")
        trust, _ = self.step(run=r'safe\.directory "\$GITHUB_WORKSPACE"')
        make, _ = self.step(run=r"^make release\b")
        self.assertLess(tools, checkout)
        self.assertLess(checkout, trust)
        self.assertLess(trust, make)

    def test_make_release_is_signed_with_the_key_from_the_secrets(self) -> None:
        key, step = self.step(step_id="key")
        self.assertEqual(step["env"], {"GPG_PRIVATE_KEY": "${{ secrets.GPG_PRIVATE_KEY }}",
                                       "PASSPHRASE": "${{ secrets.PASSPHRASE }}"})
        make, step = self.step(run=r"^make release\b")
        self.assertLess(key, make)
        self.assertEqual(step["env"]["GPG_FINGERPRINT"], "${{ steps.key.outputs.fingerprint }}")
        self.assertIn('GPG_FINGERPRINT="$GPG_FINGERPRINT"', step["run"])
        self.assertNotIn("PLATFORMS", step["run"], "both platforms: the Makefile's default")

    def test_the_tag_must_be_the_version_in_cmakelists(self) -> None:
        _, step = self.step(step_id="version")
        for tag, ok in ((f"v{self.version}", True), ("v99.0.0", False), (self.version, False)):
            with self.subTest(tag=tag):
                output = harness.make_temp_dir("gh-output") / "output"
                result = run_script(GITHUB_BASH, step["run"], cwd=harness.REPO_ROOT,
                                    env={"GITHUB_REF_NAME": tag, "GITHUB_OUTPUT": str(output)})
                self.assertEqual(result.returncode == 0, ok, result.stdout + result.stderr)
                if ok:
                    self.assertEqual(key_values(output), {"version": self.version})
                else:
                    self.assertIn(f"::error::tag {tag} does not match version {self.version} "
                                  "in CMakeLists.txt", result.stdout)
                    self.assertEqual(key_values(output), {})

    def test_the_release_gets_exactly_the_registry_files_make_release_writes(self) -> None:
        out = harness.make_temp_dir("release") / "dist"
        made = self.release_py(out)
        self.assertEqual(made.returncode, 0, made.stdout + made.stderr)
        written = sorted(p.name for p in out.iterdir() if p.is_file())
        sig = f"terraform-provider-agora_{self.version}_SHA256SUMS.sig"
        self.assertIn(sig, self.uploaded_names())
        self.assertNotIn(sig, written, "unsigned: no GPG_FINGERPRINT")
        self.assertEqual(sorted(self.uploaded_names()), sorted(written + [sig]))
        self.assertTrue((out / "registry.terraform.io").is_dir(), "the mirror: not uploaded")
        self.assertEqual(len(self.uploaded_names()), 5)

    def test_the_whole_dist_is_kept_as_an_artifact(self) -> None:
        paths = [s["with"]["path"] for s in self.steps
                 if s.get("uses", "").startswith("actions/upload-artifact@")]
        self.assertIn("dist/", paths)


def stop_gpg_agent(gnupg_home: Path) -> None:
    subprocess.run(["gpgconf", "--kill", "gpg-agent"],
                   env={**os.environ, "GNUPGHOME": str(gnupg_home)}, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=60)


class ReleaseSigningTest(ReleaseWorkflowMixin):
    """The workflow's key import, run with a throw-away RSA key behind a passphrase: then
    scripts/release.py, as make release runs it, signs the SHA256SUMS with that key unattended."""

    PASSPHRASE = "a throw-away passphrase"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # A short path: gpg-agent's socket lives here, and socket paths are limited to ~100 bytes.
        cls.gnupg = harness.make_temp_dir("gpg")
        cls.addClassCleanup(stop_gpg_agent, cls.gnupg)
        gpg = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", cls.PASSPHRASE]
        env = {**os.environ, "GNUPGHOME": str(cls.gnupg)}
        subprocess.run([*gpg, "--quick-gen-key", "Agora Release Test <release@example.invalid>",
                        "rsa2048", "sign", "never"], env=env, check=True, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=300)
        listed = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys"],
                                env=env, check=True, capture_output=True, text=True, timeout=60)
        cls.fingerprint = re.search(r"^fpr:+([0-9A-F]{40}):", listed.stdout, re.M).group(1)
        cls.secret_key = subprocess.run([*gpg, "--armor", "--export-secret-keys"], env=env,
                                        check=True, capture_output=True, text=True,
                                        stdin=subprocess.DEVNULL, timeout=60).stdout

    def import_key(self, secret_key: str,
                   passphrase: str) -> Tuple[subprocess.CompletedProcess, Dict, Dict]:
        """Runs the import step; returns its result, GITHUB_ENV and GITHUB_OUTPUT."""
        _, step = self.step(step_id="key")
        runner_temp = harness.make_temp_dir("runner-temp")
        self.addCleanup(stop_gpg_agent, runner_temp / "gnupg")
        files = {name: runner_temp / name.lower() for name in ("GITHUB_ENV", "GITHUB_OUTPUT")}
        result = run_script(GITHUB_BASH, step["run"], cwd=runner_temp,
                            env={"GPG_PRIVATE_KEY": secret_key, "PASSPHRASE": passphrase,
                                 "RUNNER_TEMP": str(runner_temp),
                                 **{name: str(path) for name, path in files.items()}})
        return result, key_values(files["GITHUB_ENV"]), key_values(files["GITHUB_OUTPUT"])

    def test_release_py_signs_with_the_imported_key_and_the_release_gets_every_file(self) -> None:
        result, env, outputs = self.import_key(self.secret_key, self.PASSPHRASE)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(outputs, {"fingerprint": self.fingerprint})
        self.assertEqual(set(env), {"GNUPGHOME"})
        out = harness.make_temp_dir("signed") / "dist"
        made = self.release_py(out, GPG_FINGERPRINT=self.fingerprint, GNUPGHOME=env["GNUPGHOME"])
        self.assertEqual(made.returncode, 0, made.stdout + made.stderr)
        self.assertEqual(sorted(self.uploaded_names()),
                         sorted(p.name for p in out.iterdir() if p.is_file()))
        sums = out / f"terraform-provider-agora_{self.version}_SHA256SUMS"
        verified = subprocess.run(
            ["gpg", "--batch", "--status-fd", "1", "--verify", f"{sums}.sig", str(sums)],
            env={**os.environ, "GNUPGHOME": str(self.gnupg)}, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=60)
        self.assertIn(f"[GNUPG:] VALIDSIG {self.fingerprint} ", verified.stdout, verified.stderr)

    def test_the_passphrase_is_the_one_gpg_uses(self) -> None:
        result, env, _ = self.import_key(self.secret_key, "not the passphrase")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        out = harness.make_temp_dir("badpass") / "dist"
        made = self.release_py(out, GPG_FINGERPRINT=self.fingerprint, GNUPGHOME=env["GNUPGHOME"])
        self.assertNotEqual(made.returncode, 0, made.stdout)
        self.assertIn(f"release: error: gpg could not sign with {self.fingerprint}", made.stderr)
        self.assertIn("Bad passphrase", made.stderr)

    def test_no_key_in_the_secrets_fails_the_step(self) -> None:
        result, env, outputs = self.import_key("", "")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("::error::the secret GPG_PRIVATE_KEY is not set", result.stdout)
        self.assertEqual((env, outputs), ({}, {}))


class RegistryManifestTest(unittest.TestCase):
    def test_the_manifest_says_protocol_6(self) -> None:
        self.assertEqual(json.loads(REGISTRY_MANIFEST.read_text(encoding="utf-8")),
                         {"version": 1, "metadata": {"protocol_versions": ["6.0"]}})


class InstallPageTest(CliConfigMixin):
    """docs/install.md: what a user copies from it is valid for terraform 1.11 and bash."""

    def setUp(self) -> None:
        text = INSTALL_PAGE.read_text(encoding="utf-8")
        self.blocks = re.findall(r"^```(\w+)\n(.*?)^```$", text, re.M | re.S)

    def test_cli_configurations_are_ones_terraform_reads(self) -> None:
        configs = [body for lang, body in self.blocks
                   if lang == "hcl" and "provider_installation" in body]
        self.assertGreaterEqual(len(configs), 2)
        for body in configs:
            with self.subTest(config=body):
                self.assertIn(f'exclude = ["{AGORA}"]', body, "other providers: direct")
                cli_config = harness.make_temp_dir("install-md") / "cli.tfrc"
                cli_config.write_text(body, encoding="utf-8")
                self.assert_terraform_reads(cli_config)

    def test_shell_snippets_parse_and_lock_both_platforms_from_a_mirror(self) -> None:
        scripts = [body for lang, body in self.blocks if lang == "sh"]
        for script in scripts:
            with self.subTest(script=script):
                checked = shell_syntax_ok(script)
                self.assertEqual(checked.returncode, 0, checked.stderr)
        everything = "".join(body for _, body in self.blocks)
        urls = re.findall(r'(?:url +=|-net-mirror=)\s*"?(\S+?)"?\s', everything)
        self.assertTrue(urls)
        for url in urls:
            self.assertRegex(url, r"^(https://.*/|\$AGORA_PROVIDER_MIRROR)$", "https, final /")
        # One command per lock snippet, its continuation lines joined.
        locks = [" ".join(s[s.index("terraform providers lock"):].replace("\\\n", " ").split())
                 for s in scripts if "terraform providers lock" in s]
        self.assertEqual(len(locks), 2)
        for command in locks:
            self.assertRegex(command, r"^terraform providers lock -(net|fs)-mirror=")
            self.assertTrue(command.endswith(
                " -platform=linux_amd64 -platform=linux_arm64 agora/agora"), command)

if __name__ == "__main__":
    unittest.main()

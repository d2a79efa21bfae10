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
        self.assertEqual(step["env"]["AGORA_PROVIDER_MIRROR"], "${{ vars.AGORA_PROVIDER_MIRROR }}")
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

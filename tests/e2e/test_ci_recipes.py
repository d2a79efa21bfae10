"""The scheduled-pipeline recipes in examples/ci/ are valid YAML with the keys GitHub Actions and
GitLab CI require, run the documented steps (plan -detailed-exitcode into a saved plan, apply of
that plan only on exit code 2, a failure notification), take the credentials from secrets, and
their shell snippets parse.
"""

from __future__ import annotations

import re
import subprocess
import unittest
from typing import Any, Dict, List

import yaml

import harness

CI_DIR = harness.REPO_ROOT / "examples" / "ci"

# Keys GitLab accepts under `default:` and in a job (docs.gitlab.com/ee/ci/yaml/).
GITLAB_DEFAULT_KEYS = {"after_script", "artifacts", "before_script", "cache", "hooks", "image",
                       "interruptible", "retry", "services", "tags", "timeout"}
GITLAB_JOB_KEYS = GITLAB_DEFAULT_KEYS | {
    "allow_failure", "coverage", "dast_configuration", "dependencies", "environment", "except",
    "extends", "id_tokens", "inherit", "needs", "only", "pages", "parallel", "release",
    "resource_group", "rules", "script", "secrets", "stage", "trigger", "variables", "when"}
GITLAB_GLOBAL_KEYS = {"default", "include", "stages", "variables", "workflow", "image", "services",
                      "cache", "before_script", "after_script"}


def shell_syntax_ok(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-n"], input=script, text=True, capture_output=True)


class GitHubActionsRecipeTest(unittest.TestCase):
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
            # GitHub expressions are substituted before the shell sees the script.
            checked = shell_syntax_ok(re.sub(r"\$\{\{[^}]*\}\}", "x", script))
            self.assertEqual(checked.returncode, 0, checked.stderr + script)


class GitLabRecipeTest(unittest.TestCase):
    def setUp(self) -> None:
        self.doc: Dict[str, Any] = yaml.safe_load(
            (CI_DIR / "gitlab-ci.yml").read_text(encoding="utf-8"))
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


if __name__ == "__main__":
    unittest.main()

"""The planning repo's coverage review, run locally: every ``run:`` step of the workflow's
job in order, with bash as GitHub runs it, on a temporary copy of examples/planning-repo.

Stubbed: the ``uses:`` steps (checkout, setup-python, the PR comment, the artifact
upload: GitHub's own) and the ``install`` step (coverage-sim is already installed here,
so its ``coverage-sim`` is put first on PATH). A held gate passes; a broken one fails
the job, after the comment and the report are written.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from coverage_sim.cli import main

pytest.importorskip("matplotlib")  # the report step draws charts (the report extra)

REPO = Path(__file__).parents[2] / "examples" / "planning-repo"
WORKFLOW = Path(".github") / "workflows" / "coverage-review.yml"
INSTALLED_HERE = {"install"}  # run: steps stubbed because coverage-sim is installed
FAST = {"TRIALS": "200"}  # the workflow's 4,000 trials, cut for the test


@dataclass(frozen=True)
class JobRun:
    ran: list[str]
    skipped: list[str]
    failed: str | None  # the step that failed the job, if one did
    code: int
    log: str


def step_name(step: dict[str, Any]) -> str:
    return str(step.get("id") or step.get("name") or step.get("uses"))


def run_job(workspace: Path, extra_env: dict[str, str]) -> JobRun:
    """The job's ``run:`` steps in order, each in ``bash --noprofile --norc -eo pipefail``
    (GitHub's default shell), stopping at the first that fails, as a job does."""
    workflow = yaml.safe_load((workspace / WORKFLOW).read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    runner_files = workspace.parent / "runner"
    runner_files.mkdir()
    env = {
        **os.environ,
        **{k: str(v) for k, v in job.get("env", {}).items()},
        **extra_env,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_OUTPUT": str(runner_files / "output"),
        "GITHUB_STEP_SUMMARY": str(runner_files / "summary.md"),
        "CI": "true",
    }
    ran, skipped, log = [], [], []
    for step in job["steps"]:
        name = step_name(step)
        if "uses" in step or name in INSTALLED_HERE:
            skipped.append(name)
            continue
        assert "${{" not in step["run"], f"{name}: a GitHub expression the test cannot run"
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=workspace,
            env={**env, **{k: str(v) for k, v in step.get("env", {}).items()}},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=300,
        )
        ran.append(name)
        log.append(f"--- {name}: exit {done.returncode}\n{done.stdout}{done.stderr}")
        if done.returncode != 0:
            return JobRun(ran, skipped, name, done.returncode, "\n".join(log))
    return JobRun(ran, skipped, None, 0, "\n".join(log))


@pytest.fixture
def planning_repo(tmp_path: Path) -> Path:
    workspace = tmp_path / "planning-repo"
    shutil.copytree(REPO, workspace)
    return workspace


def with_gates(workspace: Path, *gates: str) -> None:
    (workspace / "gates.txt").write_text("# gates of this test\n" + "\n".join(gates) + "\n")


def test_a_held_gate_passes_and_the_comment_and_report_are_written(planning_repo: Path) -> None:
    with_gates(planning_repo, "proposal:nrr.p50 >= 100%")

    job = run_job(planning_repo, FAST)

    assert job.failed is None, job.log
    assert job.ran == ["validate", "compare", "report", "gate"]
    assert job.skipped == [
        "actions/checkout@v4",
        "actions/setup-python@v5",
        "install",
        "Post the review as a pull-request comment (updated in place)",
        "Attach the HTML report",
    ]
    comment = (planning_repo / "review" / "comment.md").read_text(encoding="utf-8")
    assert comment.startswith("## Coverage review")
    assert "Every gate in gates.txt held." in comment
    assert "1 requirement(s) met" in comment
    assert "| Proposal |" in comment  # the comparison's Markdown tables
    assert (planning_repo / "review" / "coverage-report.html").stat().st_size > 10_000


def test_a_broken_gate_fails_the_job_after_commenting(planning_repo: Path) -> None:
    with_gates(planning_repo, "proposal:nrr.p50 >= 100%", "proposal:nrr.p50 >= 500%")

    job = run_job(planning_repo, FAST)

    assert (job.failed, job.code) == ("gate", 1), job.log
    comment = (planning_repo / "review" / "comment.md").read_text(encoding="utf-8")
    assert "did not hold" in comment
    assert re.search(r'requirement "proposal:nrr.p50 >= 500%" not met', comment)
    assert (planning_repo / "review" / "coverage-report.html").exists()  # still attached


def test_an_invalid_plan_fails_at_validation(planning_repo: Path) -> None:
    proposal = planning_repo / "plans" / "proposal.yaml"
    proposal.write_text(proposal.read_text().replace("25%", "lots"))

    job = run_job(planning_repo, FAST)

    assert (job.failed, job.code) == ("validate", 2), job.log
    assert "proposal.yaml" in job.log and "customer_success_manager" in job.log


def test_the_workflow_runs_on_pull_requests_that_touch_plans() -> None:
    workflow = yaml.safe_load((REPO / WORKFLOW).read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true

    assert "plans/**" in triggers["pull_request"]["paths"]


def test_the_pre_commit_hook_validates_plan_files_only(tmp_path: Path) -> None:
    (hook,) = yaml.safe_load((REPO.parents[1] / ".pre-commit-hooks.yaml").read_text())
    files = re.compile(hook["files"])
    assert files.search("plans/proposal.yaml") and files.search("scenarios/xaas.yaml")
    assert not files.search(".github/workflows/coverage-review.yml")

    broken = tmp_path / "plans" / "broken.yaml"
    broken.parent.mkdir()
    broken.write_text("name: Broken\n")
    program, *command = hook["entry"].split()  # pre-commit appends the changed files
    assert program == "coverage-sim"

    assert main([*command, str(REPO / "plans" / "proposal.yaml")]) == 0
    assert main([*command, str(broken)]) == 2


def test_the_planning_repo_ships_the_current_schema() -> None:
    shipped = (REPO / "scenario.schema.json").read_bytes()
    assert shipped == (REPO.parents[1] / "scenario.schema.json").read_bytes()

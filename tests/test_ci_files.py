"""The generated project's CI/CD files parse and lint clean, in each bake that ships them.

The workflows go through actionlint (types, expressions, known actions' inputs) and GitHub's
workflow JSON schema (check-jsonschema's vendored copy: no network); the Dockerfile through
hadolint; the team stack's compose file through the Compose Specification's schema. Nothing is
installed: the linters are the template's dev tools, and a file's commands are checked against
the baked Makefile and params.yaml they call.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sysconfig
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE

# The bakes whose files differ: the release needs the service; a practice project grades its
# exercises (or counts its planted bugs) instead of failing on them.
VARIANTS = {
    "default": {},
    "no-api": {"include_api": "no", "include_ab_testing": "no", "include_monitoring": "no"},
    "exercises": {"exercises": "yes", "python_version": "3.12"},
    "bugs": {"exercises": "bugs"},
}
WORKFLOWS = {
    "default": {"ci.yml", "release.yml", "nightly.yml"},
    "no-api": {"ci.yml"},
    "exercises": {"ci.yml", "release.yml", "nightly.yml"},
    "bugs": {"ci.yml", "release.yml", "nightly.yml"},
}
SETTING = re.compile(r"-S ([\w.]+)=(\S+)")


@pytest.fixture(scope="module")
def bakes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """Each variant baked once: its project folder and its answers."""
    from cookiecutter.main import cookiecutter

    baked = {}
    for name, answers in VARIANTS.items():
        output = tmp_path_factory.mktemp(name)
        project = cookiecutter(
            str(TEMPLATE), no_input=True, output_dir=output, extra_context=answers
        )
        context = yaml.safe_load((TEMPLATE / "cookiecutter.json").read_text(encoding="utf-8"))
        python = answers.get("python_version", context["python_version"][0])
        baked[name] = (Path(project), {**answers, "python_version": python})
    return baked


def tool(name: str) -> str:
    """A linter installed with the template's dev dependencies (beside this Python)."""
    path = Path(sysconfig.get_path("scripts")) / name
    assert path.exists(), f"{name} is missing: run `uv sync` in the template (dev group)"
    return str(path)


def lint(command: list[str], project: Path) -> subprocess.CompletedProcess:
    """Run a linter in the baked project; the test reads its exit code and output."""
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=120, check=False
    )


def workflows(project: Path) -> list[Path]:
    """The project's GitHub Actions workflows."""
    return sorted((project / ".github/workflows").glob("*.yml"))


def steps(project: Path, workflow: str) -> list[dict]:
    """The steps of a workflow's one job."""
    document = yaml.safe_load((project / ".github/workflows" / workflow).read_text("utf-8"))
    (job,) = document["jobs"].values()
    return job["steps"]


def commands(project: Path, workflow: str) -> list[str]:
    """Every line of the workflow's `run:` steps."""
    return [
        line.strip()
        for step in steps(project, workflow)
        for line in step.get("run", "").splitlines()
        if line.strip()
    ]


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_bake_ships_the_workflows_its_answers_need(bakes, variant: str) -> None:
    project, _ = bakes[variant]

    assert {path.name for path in workflows(project)} == WORKFLOWS[variant]
    assert (project / "Dockerfile").exists() == ("release.yml" in WORKFLOWS[variant])


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_workflow_passes_actionlint(bakes, variant: str) -> None:
    project, _ = bakes[variant]
    # No shellcheck or pyflakes, even where installed: the result must not depend on the machine.
    command = [tool("actionlint"), "-no-color", "-shellcheck=", "-pyflakes="]

    result = lint([*command, *map(str, workflows(project))], project)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_workflow_matches_github_s_workflow_schema(bakes, variant: str) -> None:
    project, _ = bakes[variant]
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]

    result = lint([*command, *map(str, workflows(project))], project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_the_team_stack_matches_the_compose_specification(bakes, tmp_path: Path) -> None:
    # No compose tool exists without an engine here: the Compose Specification's JSON schema
    # (check-jsonschema's vendored copy) checks every key and type of deploy/compose.yaml.
    project, _ = bakes["default"]
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec"]

    result = lint([*command, "deploy/compose.yaml"], project)

    assert result.returncode == 0, result.stdout + result.stderr
    # The check is real: one misspelt key fails it, named.
    broken = tmp_path / "compose.yaml"
    text = (project / "deploy/compose.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("healthcheck:", "healthchek:", 1), encoding="utf-8")
    result = lint([*command, str(broken)], project)
    assert result.returncode == 1 and "'healthchek' was unexpected" in result.stdout


@pytest.mark.parametrize("variant", ["default", "exercises"])
def test_the_dockerfile_passes_hadolint(bakes, variant: str) -> None:
    project, _ = bakes[variant]

    result = lint([tool("hadolint"), "--no-color", "Dockerfile"], project)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("variant", VARIANTS)
def test_ci_installs_the_project_s_python_with_a_cache_and_a_time_cap(bakes, variant: str) -> None:
    project, answers = bakes[variant]
    ci = yaml.safe_load((project / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    (job,) = ci["jobs"].values()
    setup_uv = next(step for step in job["steps"] if step.get("uses", "").startswith("astral-sh/"))

    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on".
    assert set(ci[True]) == {"push", "pull_request"}
    assert ci["env"]["MLFLOW_DISABLE_TELEMETRY"] == "true"
    assert 0 < job["timeout-minutes"] <= 30
    assert setup_uv["with"] == {"enable-cache": True, "python-version": answers["python_version"]}


@pytest.mark.parametrize("variant", VARIANTS)
def test_ci_runs_make_targets_and_params_that_exist(bakes, variant: str) -> None:
    project, _ = bakes[variant]
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    params = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    lines = commands(project, "ci.yml")
    targets = [word for line in lines if line.startswith("make ") for word in line.split()[1:]]
    pipeline = next(line for line in lines if line.startswith("uv run dvc exp run "))

    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), f"no make {target}"
    settings = SETTING.findall(pipeline)
    assert {key for key, _ in settings} >= {"data.n_rows", "model.curves"}
    for key, value in settings:
        section, name = key.split(".")
        assert name in params[section], f"ci.yml sets {key}, which params.yaml lacks"
        assert type(yaml.safe_load(value)) is type(params[section][name]), key
    assert "uv run customer-churn check" in lines  # bad params stop before any stage


def test_a_plain_project_must_pass_its_tests_and_run_the_pipeline(bakes) -> None:
    project, _ = bakes["default"]
    by_name = {step.get("name"): step for step in steps(project, "ci.yml")}

    assert [line for line in commands(project, "ci.yml") if line.startswith("make")] == [
        "make install",
        "make lint",
        "make test",
    ]
    assert not any("continue-on-error" in step or "if" in step for step in by_name.values())


def test_a_practice_project_grades_its_exercises_without_failing_the_job(bakes) -> None:
    project, _ = bakes["exercises"]
    by_id = {step.get("id"): step for step in steps(project, "ci.yml")}
    lines = commands(project, "ci.yml")

    # The graded tests fail until the learner writes the exercises: `make test` would too.
    assert "make test" not in lines
    assert 'uv run pytest -m "not exercise"' in lines
    assert by_id["exercises"]["run"] == "make exercises"
    assert by_id["exercises"]["continue-on-error"] is True
    pipeline = next(step for step in by_id.values() if "dvc exp run" in step.get("run", ""))
    assert pipeline["if"] == "steps.exercises.outcome == 'success'"


def test_a_bug_hunt_project_counts_the_faults_found_without_failing_the_job(bakes) -> None:
    project, _ = bakes["bugs"]
    by_run = {step.get("run", "").strip(): step for step in steps(project, "ci.yml")}
    lines = commands(project, "ci.yml")

    # The symptoms' tests fail until the learner fixes the faults: `make test` would too.
    assert "make test" not in lines
    assert 'uv run pytest -m "not bug and not stage"' in lines
    assert by_run["make bugs"]["continue-on-error"] is True
    # The faults leave the pipeline running: it always runs.
    pipeline = next(step for step in by_run.values() if "dvc exp run" in step.get("run", ""))
    assert "if" not in pipeline


def test_the_release_pushes_the_image_of_a_version_tag_to_ghcr(bakes) -> None:
    project, _ = bakes["default"]
    release = yaml.safe_load((project / ".github/workflows/release.yml").read_text("utf-8"))
    uses = {
        step["uses"].split("@")[0]: step for step in steps(project, "release.yml") if "uses" in step
    }

    assert release[True] == {"push": {"tags": ["v*"]}}
    assert release["permissions"] == {"contents": "read", "packages": "write"}
    assert uses["docker/login-action"]["with"]["registry"] == "ghcr.io"
    assert uses["docker/login-action"]["with"]["password"] == "${{ secrets.GITHUB_TOKEN }}"
    assert "docker/setup-buildx-action" in uses
    meta = uses["docker/metadata-action"]["with"]
    assert meta["images"] == "ghcr.io/${{ github.repository }}"
    assert meta["tags"].split() == ["type=ref,event=tag", "type=raw,value=latest"]
    build = uses["docker/build-push-action"]["with"]
    assert (build["context"], build["push"]) == (".", True)
    assert build["tags"] == "${{ steps.meta.outputs.tags }}"
    # The image installs uv.lock exactly: the job stops first, with one sentence, without it.
    assert any(
        shlex.split(line)[:3] == ["test", "-f", "uv.lock"]
        for line in commands(project, "release.yml")
    )


@pytest.mark.parametrize("variant", ["default", "exercises"])
def test_the_nightly_workflow_runs_make_nightly_at_two_with_the_team_s_stores(
    bakes, variant: str
) -> None:
    project, _ = bakes[variant]
    nightly = yaml.safe_load((project / ".github/workflows/nightly.yml").read_text("utf-8"))
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    readme = (project / "README.md").read_text(encoding="utf-8")
    lines = commands(project, "nightly.yml")

    assert nightly[True] == {"schedule": [{"cron": "0 2 * * *"}], "workflow_dispatch": None}
    assert nightly["env"]["MLFLOW_TRACKING_URI"] == "${{ secrets.MLFLOW_TRACKING_URI }}"
    assert (
        nightly["env"]["CUSTOMER_CHURN_PREDICTION_LOG_URL"] == "${{ secrets.PREDICTION_LOG_URL }}"
    )
    assert lines[:3] == [
        "make install",
        "uv run customer-churn nightly customers --n 2000",
        "make nightly",
    ]
    assert re.search(r"^nightly:", makefile, flags=re.MULTILINE)
    assert 'cat reports/morning.md >> "$GITHUB_STEP_SUMMARY"' in lines
    assert "0 2 * * * cd /path/to/customer-churn && make nightly" in readme  # the cron line

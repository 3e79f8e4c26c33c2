"""The projects without the API or without the A/B toolkit install, lint, and their tests run.

The default project is exercised in full by test_workflow.py; here the point is that what the
flags remove leaves nothing behind that still needs it (an import, a test, a Makefile target).
The variants install into the session's shared virtualenv (conftest.env): `make install` only
adds or removes the packages in which they differ, instead of installing and compiling anew.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TEMPLATE

pytestmark = pytest.mark.slow
# The numbers of the practice exercises a baked project has.
PRESENT_EXERCISES = (
    "from customer_churn.exercises import present; print(*(ex.number for ex in present()))"
)
# How a test that needs a blank exercise says why it skips.
DEPENDS = re.compile(r"depends on exercise \d \([^)]+\), not solved yet$")


def bake(answers: dict[str, str], root: Path, env: dict[str, str]) -> Path:
    """Bake the template with the answers (defaults otherwise) below root."""
    extra = [f"{key}={value}" for key, value in answers.items()]
    run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "--output-dir",
            str(root),
            str(TEMPLATE),
            *extra,
        ],
        root,
        env,
    )
    return root / "customer-churn"


def run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run a command; return its output, failing the test with its tail if it fails."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"`{' '.join(command)}` failed:\n{output[-4000:]}"
    return output


def outcome(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run a command that may fail; return its exit code and its output."""
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False
    )
    return done.returncode, done.stdout + done.stderr


def make_targets(project: Path, env: dict[str, str]) -> set[str]:
    """The targets `make help` lists."""
    output = re.sub(r"\x1b\[[0-9;]*m", "", run(["make", "help"], project, env))  # no colours
    return set(re.findall(r"^\s+([a-z-]+)\s", output, flags=re.MULTILINE))


def test_without_the_api_the_project_lints_collects_and_its_cli_tests_pass(
    env: dict[str, str], tmp_path: Path
) -> None:
    project = bake(
        {"include_api": "no", "include_ab_testing": "no", "include_monitoring": "no"},
        tmp_path,
        env,
    )

    run(["make", "install", "lint"], project, env)
    collected = run(["uv", "run", "pytest", "--collect-only", "-q"], project, env)
    # The files the flags edit (cli.py, config.py) and what imports them; the model tests are
    # the default project's own, run by test_workflow.py.
    tests = run(
        ["uv", "run", "pytest", "-q", "tests/test_cli.py", "tests/test_config.py"], project, env
    )
    help_text = run(["uv", "run", "customer-churn", "--help"], project, env)
    exercises = run(["uv", "run", "python", "-c", PRESENT_EXERCISES], project, env)

    assert re.search(r"\d+ tests collected", collected)
    assert re.search(r"\d+ passed", tests) and " failed" not in tests
    assert make_targets(project, env) == {
        *("help", "install", "test", "lint", "format", "pipeline", "compare", "mlflow-ui"),
        *("bench", "exercises"),
    }
    assert "serve" not in help_text and " ab " not in help_text
    # The first line is the program's; uv may add a warning about the active virtualenv after it.
    assert exercises.splitlines()[0].split() == ["1", "2", "3", "4", "7"]  # 5, 6: no service
    pyproject = (project / "pyproject.toml").read_text()
    assert "fastapi" not in pyproject and "uvicorn" not in pyproject


def test_without_ab_testing_the_service_still_serves(env: dict[str, str], tmp_path: Path) -> None:
    project = bake({"include_ab_testing": "no"}, tmp_path, env)

    run(["make", "install", "lint"], project, env)
    collected = run(["uv", "run", "pytest", "--collect-only", "-q"], project, env)
    routes = ["tests/serving/test_app.py", "tests/serving/routes"]
    serving = run(["uv", "run", "pytest", *routes, "-q"], project, env)

    assert re.search(r"\d+ tests collected", collected)
    assert re.search(r"\d+ passed", serving) and " failed" not in serving
    assert make_targets(project, env) >= {"serve", "bench-serve"}
    assert "ab-report" not in make_targets(project, env)


def test_with_exercises_only_the_graded_tests_fail_and_the_rest_passes_or_skips(
    env: dict[str, str], tmp_path: Path
) -> None:
    project = bake({"exercises": "yes"}, tmp_path, env)
    pytest_quietly = ["uv", "run", "pytest", "-q", "-p", "no:cacheprovider"]

    run(["make", "install", "lint"], project, env)
    run(["uv", "run", "python", "-c", "import customer_churn.cli"], project, env)
    graded_exit, graded = outcome([*pytest_quietly, "-m", "exercise", "-rA"], project, env)
    others = run([*pytest_quietly, "-m", "not exercise", "-rs"], project, env)
    progress_exit, progress = outcome(["uv", "run", "customer-churn", "exercises"], project, env)

    # Every graded test fails, but those that need another blank exercise, which skip.
    assert graded_exit == 1, graded[-3000:]
    assert not re.search(r"^PASSED ", graded, flags=re.MULTILINE)
    failed = set(re.findall(r"^FAILED (tests/[\w/]+\.py)::", graded, flags=re.MULTILINE))
    assert failed == {
        *("tests/data/test_transformers.py", "tests/model/test_folds.py"),
        *("tests/model/test_metrics.py", "tests/model/test_gate.py"),
        *("tests/serving/test_assignment.py", "tests/ab/test_stats.py"),
        "tests/monitoring/test_drift.py",
        "tests/serving/test_batch_score.py",
    }
    # The rest pass, or skip naming the exercise they need.
    assert re.search(r"\d+ passed", others) and " failed" not in others
    skipped = graded + others
    reasons = re.findall(r"^SKIPPED \[\d+\] \S+ (.*)$", skipped, flags=re.MULTILINE)
    assert reasons and all(DEPENDS.match(reason) for reason in reasons), reasons
    # The progress table: nothing done yet, and the first exercise's hint.
    assert progress_exit == 1, progress[-3000:]
    assert "0/8 exercises done." in progress
    assert len(re.findall(r"│ to do\s+│", progress)) == 8
    assert "Next: exercise 1, outlier clipping" in progress and "Hints: " in progress

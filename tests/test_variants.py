"""The projects without the API or without the A/B toolkit install, lint, and their tests run.

The default project is exercised in full by test_workflow.py; here the point is that what the
flags remove leaves nothing behind that still needs it (an import, a test, a Makefile target).
The variants install into the session's shared virtualenv (conftest.env): `make install` only
adds or removes the packages in which they differ, instead of installing and compiling anew.
"""

from __future__ import annotations

import filecmp
import json
import re
import shutil
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
DEPENDS = re.compile(r"depends on exercise \d+ \(.+\), not solved yet$")  # titles hold ()


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
    assert re.search(r"\d+ passed", tests) and not re.search(r"\d+ failed", tests)
    assert make_targets(project, env) == {
        *("help", "install", "test", "lint", "format", "pipeline", "compare", "mlflow-ui"),
        *("bench", "exercises", "hint", "solution", "quiz", "bugs"),
    }
    assert "serve" not in help_text and " ab " not in help_text
    # The first line is the program's; uv may add a warning about the active virtualenv after it.
    # 5, 6, 12, 14, 16, 27 leave with the service, the A/B toolkit and the monitor, 28 and 38
    # with the batch scoring and the nightly run; 7, 15, 26 stay solved (their code stays, their
    # chapter goes with monitoring).
    present = [1, 2, 3, 4, *range(8, 12), 13, *range(17, 26), *range(30, 38), 39, 40]
    assert exercises.splitlines()[0].split() == [str(number) for number in present]
    pyproject = (project / "pyproject.toml").read_text()
    assert "fastapi" not in pyproject and "uvicorn" not in pyproject


def test_without_ab_testing_the_service_still_serves(env: dict[str, str], tmp_path: Path) -> None:
    project = bake({"include_ab_testing": "no"}, tmp_path, env)

    run(["make", "install", "lint"], project, env)
    collected = run(["uv", "run", "pytest", "--collect-only", "-q"], project, env)
    routes = ["tests/serving/test_app.py", "tests/serving/routes"]
    serving = run(["uv", "run", "pytest", *routes, "-q"], project, env)

    assert re.search(r"\d+ tests collected", collected)
    assert re.search(r"\d+ passed", serving) and not re.search(r"\d+ failed", serving)
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
    hint = run(["make", "hint", "N=1"], project, env)
    bad_exit, bad = outcome(["make", "hint", "N=99"], project, env)
    solution = subprocess.run(
        ["make", "solution", "N=2"],
        cwd=project,
        env=env,
        input="y\n",
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    progress_exit, progress = outcome(["uv", "run", "customer-churn", "exercises"], project, env)

    # Every graded test fails, but those that need another blank exercise, which skip.
    assert graded_exit == 1, graded[-3000:]
    assert not re.search(r"^PASSED ", graded, flags=re.MULTILINE)
    failed = set(re.findall(r"^FAILED (tests/[\w/]+\.py)::", graded, flags=re.MULTILINE))
    assert failed == {
        *("tests/data/test_transformers.py", "tests/model/test_folds.py"),
        *("tests/model/test_metrics.py", "tests/model/test_gate.py"),
        "tests/model/test_guardrails.py",
        *("tests/serving/test_assignment.py", "tests/ab/test_stats.py"),
        *("tests/monitoring/test_drift.py", "tests/data/test_numbers.py"),
        *("tests/data/test_spelling.py", "tests/data/test_quality_rules.py"),
        *("tests/model/test_leakage.py", "tests/model/test_cross_validation.py"),
        *("tests/monitoring/test_two_sample.py", "tests/monitoring/test_monitor.py"),
        *(f"tests/practice/test_write_{n}.py" for n in ("24_expected_cost", "25_in_range")),
        *(f"tests/practice/test_write_{n}.py" for n in ("26_psi_band", "27_unit_hash")),
        *(f"tests/model/scratch/test_{name}.py" for name in ("linear", "kmeans", "naive_bayes")),
        *(f"tests/model/scratch/test_{name}.py" for name in ("tree", "boosting", "svm", "neural")),
        "tests/serving/test_batch_score.py",
        *("tests/data/test_ingest.py", "tests/data/test_acquire.py"),
        *("tests/data/test_eda_stats.py", "tests/model/test_features.py"),
        "tests/model/test_compare.py",
        *("tests/nightly/test_morning_report.py", "tests/model/test_register.py"),
    }
    # The rest pass, or skip naming the exercise they need.
    assert re.search(r"\d+ passed", others) and not re.search(r"\d+ failed", others)
    skipped = graded + others
    reasons = re.findall(r"^SKIPPED \[\d+\] \S+ (.*)$", skipped, flags=re.MULTILINE)
    assert reasons and all(DEPENDS.match(reason) for reason in reasons), reasons
    # The progress table: nothing done yet, and the first exercise's hint.
    assert progress_exit == 1, progress[-3000:]
    assert "0/39 exercises done." in progress
    assert len(re.findall(r"│ to do\s+│", progress)) == 39
    assert "Next: exercise 1, outlier clipping" in progress
    # One hint seen (the table counts it), the next one offered; the solution of another.
    assert "Exercise 1, outlier clipping: hint 1 of 3" in hint and "What must transform()" in hint
    assert re.search(r"│\s+1 │ outlier clipping .*│\s+1/3 │ to do", progress)
    assert "Stuck? make hint N=1 shows hint 2 of 3" in progress
    assert "Show the solution of exercise 2 (group k-fold)? [y/N]:" in solution
    assert "StratifiedKFold(" in solution and "NotImplementedError" not in solution
    assert bad_exit != 0 and "Error: This project has no exercise 99: its exercises are" in bad


def test_a_bug_hunt_shows_its_symptoms_and_the_reference_code_fixes_every_bug(
    env: dict[str, str], tmp_path: Path
) -> None:
    for folder in ("bugs", "reference"):
        (tmp_path / folder).mkdir()
    project = bake({"exercises": "bugs"}, tmp_path / "bugs", env)
    reference = bake({}, tmp_path / "reference", env)
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("n_rows: 20000", "n_rows: 3000"))
    cli = "uv run customer-churn"

    run(["make", "install"], project, env)
    wide = {**env, "COLUMNS": "200"}  # one line per symptom in the table
    hunt_exit, hunt = outcome(["make", "bugs"], project, wide)
    # The pipeline runs with the faults in place, and its reports show them: here the split.
    stages = f"{cli} data acquire && {cli} data clean && {cli} model split"
    run(["bash", "-c", stages], project, env)
    split = json.loads((project / "reports/split.json").read_text())
    # The reference code, copied over the faulty files, is the fix of every fault.
    source = Path("src/customer_churn")
    faulty = [
        path.relative_to(project / source)
        for path in (project / source).rglob("*.py")
        if not filecmp.cmp(path, reference / source / path.relative_to(project / source))
    ]
    for relative in faulty:
        shutil.copyfile(reference / source / relative, project / source / relative)
    fixed_exit, fixed = outcome(["make", "bugs"], project, wide)

    assert hunt_exit != 0, hunt[-3000:]
    assert "0 of 7 bugs found." in hunt
    assert len(re.findall(r"│ not found\s+│", hunt)) == 7
    assert "symptom" in hunt and ".py" not in hunt  # symptoms, never a file name
    assert split["mode"] == "time"
    assert split["test"]["first_signup"] < split["development"]["last_signup"]
    assert len(faulty) == 6
    assert fixed_exit == 0, fixed[-3000:]
    assert "7 of 7 bugs found." in fixed

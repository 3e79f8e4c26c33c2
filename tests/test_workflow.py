"""`make demo` for real, then every command of the generated project, as a user would run them.

The demo project and one installed environment are shared by every test here (installing costs
seconds with uv; the workflow runs once). Tests run in file order and build on each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE, free_port, get_json, in_background, post_json, run, wait_for_json

pytestmark = pytest.mark.slow

# Every Makefile target of the generated project must be exercised here or in test_tutorial.py.
TESTED_TARGETS = {
    "help",
    "install",
    "test",
    "lint",
    "format",
    "pipeline",
    "compare",
    "exercises",
    "hint",  # hint and solution: test_variants.py, on a project with the exercises blank
    "solution",
    "mlflow-ui",
    "serve",
    "ab-report",
    "bench",
    "bench-serve",
    "retrain",
    "quiz",  # with answers on stdin: the project's test_make_quiz_runs_a_session_from_stdin
    "bugs",  # on a bug-hunt project: test_variants.py
    "nightly",  # the tutorial's chapter 12
}


@pytest.fixture(scope="module")
def demo(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Run `make demo` into a temporary folder; return the demo project and what make printed."""
    root = tmp_path_factory.mktemp("demo")
    output = run(f"make demo DEMO_ROOT={root}", TEMPLATE, env)
    return root / "customer-churn", output


@pytest.fixture(scope="module")
def project(demo: tuple[Path, str]) -> Path:
    """The demo project: baked with the default answers, installed, its pipeline run once."""
    return demo[0]


def readme_blocks(project: Path) -> list[str]:
    """Every ```bash block of the generated README, in order."""
    text = (project / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)


def digest(path: Path) -> str:
    """The SHA-256 of a file, to compare contents before and after."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_make_demo_runs_the_workflow_and_says_where_everything_is(
    demo: tuple[Path, str],
) -> None:
    project, output = demo
    listed = re.findall(r"^  [a-z ]+:\s+(\S.*)$", output, flags=re.MULTILINE)

    assert "Running stage 'explore'" in output
    assert "Running stage 'register'" in output
    assert f"The demo project is in {project}:" in output
    paths = [path.strip() for line in listed for path in line.split(",")]
    assert len(paths) == 12
    for path in paths:
        assert Path(path).exists(), path
    assert (project / "dvc.lock").exists()
    promotion = json.loads((project / "reports/promotion.json").read_text())
    # The first version has no champion to beat; on the default data it clears the baseline.
    assert (promotion["version"], promotion["promoted"], promotion["champion_after"]) == (
        "1",
        True,
        "1",
    )
    # The training run says which commit and which data it came from: the bake's first commit,
    # untouched, and the MD5 that dvc.lock records for the development rows.
    run_id = json.loads((project / "models/training.json").read_text())["run_id"]
    with sqlite3.connect(project / "mlflow.db") as connection:
        query = "SELECT key, value FROM tags WHERE run_uuid = ?"
        tags = dict(connection.execute(query, (run_id,)).fetchall())
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    )
    assert tags["mlflow.source.git.commit"] == head.stdout.strip()
    assert tags["git_dirty"] == "false"
    lock = yaml.safe_load((project / "dvc.lock").read_text())
    outs = {out["path"]: out["md5"] for out in lock["stages"]["split"]["outs"]}
    assert tags["data_md5.development.parquet"] == outs["data/split/development.parquet"]


def test_every_readme_command_runs(project: Path, env: dict[str, str]) -> None:
    # The README keeps its quick start; the walk-through is TUTORIAL.md's (test_tutorial.py).
    blocks = readme_blocks(project)
    assert blocks, "the README's quick start has no command"

    output = "".join(run(block, project, env) for block in blocks)

    assert "Data and pipelines are up to date." in output  # make demo ran the pipeline already
    assert (project / "uv.lock").exists()
    assert (project / "data/raw/customers.csv").exists()
    assert (project / "data/processed/customers.parquet").exists()
    for report in ("data_quality_raw.md", "data_quality.md", "cleaning.json", "eda.md"):
        assert (project / "reports" / report).stat().st_size > 100
    assert len(list((project / "reports/figures/eda").glob("*.png"))) >= 5
    assert (project / "reports/model_card.md").stat().st_size > 1000
    metrics = json.loads((project / "reports/metrics.json").read_text())
    assert metrics["model"]["roc_auc"]["estimate"] > metrics["reference"]["roc_auc"]


def test_make_help_lists_every_target(project: Path, env: dict[str, str]) -> None:
    makefile = (project / "Makefile").read_text()
    targets = set(re.findall(r"^([a-zA-Z_-]+):.*## ", makefile, flags=re.MULTILINE))

    output = run("make help", project, env)

    assert targets == TESTED_TARGETS, "a new Makefile target needs a test here"
    for target in targets:
        assert target in output


def test_make_exercises_grades_the_reference_solutions_as_done(
    project: Path, env: dict[str, str]
) -> None:
    # The default project has the reference solutions in place: every exercise is done.
    output = run("make exercises", project, env)

    # 24-27 too: the reference tests pass and catch every planted bug of their function.
    assert "39/39 exercises done." in output
    assert len(re.findall(r"│ done\s+│", output)) == 39
    assert "Next:" not in output
    # The skills table: the row of "testing" (its list may wrap; the count is on its first line).
    testing = next(line for line in output.splitlines() if line.startswith("│ testing "))
    assert "4, 24, 25" in testing and re.search(r"│\s+6/6 │", testing)


def test_a_second_pipeline_run_does_nothing(project: Path, env: dict[str, str]) -> None:
    output = run("make pipeline", project, env)

    assert "Running stage" not in output
    assert "Data and pipelines are up to date." in output


def test_a_param_change_reruns_only_what_depends_on_it(project: Path, env: dict[str, str]) -> None:
    params = project / "params.yaml"
    original = params.read_text()
    params.write_text(original.replace("later_share: 0.2", "later_share: 0.3"))
    try:
        output = run("make pipeline", project, env)
    finally:
        params.write_text(original)

    assert "Running stage 'explore'" in output
    for upstream in ("acquire", "validate_raw", "clean", "validate"):
        assert f"Running stage '{upstream}'" not in output
    run("make pipeline", project, env)


def test_a_failed_stage_is_one_sentence_and_checkout_restores(
    project: Path, env: dict[str, str]
) -> None:
    raw = project / "data/raw/customers.csv"
    before = digest(raw)
    params = project / "params.yaml"
    original = params.read_text()
    params.write_text(original.replace("n_rows: 20000", "n_rows: 5"))
    try:
        output = run("make pipeline", project, env, ok=False)
    finally:
        params.write_text(original)

    assert "Error: params.yaml is invalid: data.n_rows Input should be greater" in output
    assert "Traceback" not in output
    run("uv run dvc checkout", project, env)
    assert digest(raw) == before
    assert "up to date" in run("uv run dvc status", project, env)


def registered_versions(project: Path) -> int:
    """How many model versions the project's MLflow registry holds."""
    with sqlite3.connect(project / "mlflow.db") as connection:
        return connection.execute("SELECT count(*) FROM model_versions").fetchone()[0]


def error_lines(output: str) -> list[str]:
    """The lines of a command's output that the CLI printed as its error."""
    return [line for line in output.splitlines() if line.startswith("Error:")]


def test_a_refused_run_keeps_the_last_good_outputs_and_registry(
    project: Path, env: dict[str, str]
) -> None:
    kept = [
        "data/raw/customers.csv",
        "data/processed/customers.parquet",
        "models/model.skops",
        "models/training.json",
        "reports/cleaning.json",
        "reports/training.json",
        "reports/metrics.json",
        *(str(path.relative_to(project)) for path in project.glob("reports/figures/*/*.png")),
    ]
    before = {path: digest(project / path) for path in [*kept, "dvc.lock"]}
    versions = registered_versions(project)
    params = project / "params.yaml"
    original = params.read_text()
    no_target = project / "data/external/no-target.csv"
    no_target.write_text("customer_id,age\nC1,40\n")
    use_it = original.replace("source: synthetic", "source: csv").replace(
        "csv_path: null", "csv_path: data/external/no-target.csv"
    )
    try:
        params.write_text(use_it)
        refused_csv = run("make pipeline", project, env, ok=False)
        # The same CSV straight through DVC: the acquire stage refuses, its output persists.
        refused_by_dvc = run("uv run dvc repro", project, env, ok=False)
        params.write_text(original.replace("n_splits: 5", "n_splits: 1"))
        refused_params = run("make pipeline", project, env, ok=False)
    finally:
        params.write_text(original)
        no_target.unlink()

    sentence = (
        "Error: data/external/no-target.csv has no target column 'churn' "
        "(columns.target in params.yaml)."
    )
    assert error_lines(refused_csv) == [sentence]
    assert error_lines(refused_by_dvc) == [sentence]
    assert "Running stage 'acquire'" in refused_by_dvc
    assert error_lines(refused_params) == [
        "Error: params.yaml is invalid: validation.n_splits Input should be greater than or "
        "equal to 2."
    ]
    assert "Running stage" not in refused_csv + refused_params
    assert {path: digest(project / path) for path in before} == before
    assert registered_versions(project) == versions
    assert "Data and pipelines are up to date." in run("make pipeline", project, env)


def test_dvc_pull_restores_pushed_data(project: Path, env: dict[str, str]) -> None:
    raw = project / "data/raw/customers.csv"
    before = digest(raw)
    run("uv run dvc push", project, env)
    raw.unlink()
    run("rm -rf .dvc/cache", project, env)

    run("uv run dvc pull", project, env)

    assert digest(raw) == before
    assert (project.parent / f"{project.name}-dvc-storage").is_dir()


def test_make_format_leaves_the_generated_code_unchanged(
    project: Path, env: dict[str, str]
) -> None:
    sources = sorted(project.glob("src/**/*.py")) + sorted(project.glob("tests/**/*.py"))
    before = {path: digest(path) for path in sources}

    run("make format", project, env)

    assert {path: digest(path) for path in sources} == before


def test_mlflow_ui_serves_the_registry_and_the_cli_uses_it(
    project: Path, env: dict[str, str]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = in_background(["make", "mlflow-ui", f"MLFLOW_PORT={port}"], project, env)
    try:
        wait_for_json(f"{base}/api/2.0/mlflow/experiments/search?max_results=1", server)
        model = get_json(f"{base}/api/2.0/mlflow/registered-models/get?name=customer-churn")
        aliases = {a["alias"]: a["version"] for a in model["registered_model"]["aliases"]}
        assert set(aliases) == {"champion", "challenger"}
        # The demo registered one version; the same model again, as version 2, through the
        # server's REST API, gives the champion somewhere to move. It gets version 1's tags
        # (its file's sha256, its threshold), as the register stage would give it: promote
        # refuses a version the service could not load.
        first = get_json(f"{base}/api/2.0/mlflow/model-versions/get?name=customer-churn&version=1")
        source, run_id = first["model_version"]["source"], first["model_version"]["run_id"]
        model_id = source.removeprefix("models:/")  # MLflow 3: the logged model of the run
        body = {"name": "customer-churn", "source": source, "run_id": run_id, "model_id": model_id}
        post_json(f"{base}/api/2.0/mlflow/model-versions/create", body)
        for tag in first["model_version"]["tags"]:
            tagged = {"name": "customer-churn", "version": "2", **tag}
            post_json(f"{base}/api/2.0/mlflow/model-versions/set-tag", tagged)

        # The CLI against the real server: move the champion, then read it back over HTTP.
        run(f"MLFLOW_TRACKING_URI={base} uv run customer-churn model promote 2", project, env)

        model = get_json(f"{base}/api/2.0/mlflow/registered-models/get?name=customer-churn")
        aliases = {a["alias"]: a["version"] for a in model["registered_model"]["aliases"]}
        assert aliases["champion"] == "2"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    run("uv run customer-churn model rollback", project, env)


def test_an_unreachable_tracking_server_is_one_sentence(project: Path, env: dict[str, str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"

    output = run(
        f"MLFLOW_TRACKING_URI={url} uv run customer-churn model register", project, env, ok=False
    )

    assert f"Error: The MLflow tracking server {url} cannot be reached" in output
    assert "Traceback" not in output


# A raw customer record of the default data contract, as a client of the service sends it.
RECORD = {
    "customer_id": "C9000001",
    "signup_date": "2024-03-15",
    "tenure_months": 3,
    "plan": "basic",
    "contract": "month_to_month",
    "monthly_charges": 79.9,
    "total_charges": 239.7,
    "payment_method": "electronic_check",
    "country": "France",
    "age": 29,
    "support_tickets": 4,
    "days_since_last_login": 40,
    "support_message": "Your prices went up again",
}


def readme_text_block(project: Path, first_line: str) -> list[str]:
    """The lines of the README's ```text block that starts with `first_line`."""
    text = (project / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)```", text, flags=re.DOTALL)
    return next(block for block in blocks if block.startswith(first_line)).splitlines()


def test_make_serve_answers_logs_feedback_and_reloads(project: Path, env: dict[str, str]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve, *commands = (
        line.replace("8000", str(port)) for line in readme_text_block(project, "make serve")
    )
    log = project / "logs/predictions.db"
    served_before = sqlite_count(log, "served = 1") if log.exists() else 0
    server = subprocess.Popen(
        ["bash", "-c", f"{serve} PORT={port} WORKERS=2"],
        cwd=project,
        env={**env, "CUSTOMER_CHURN_ADMIN_API_KEY": "e2e-key"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        ready = wait_for_json(f"{base}/ready", server)
        assert ready["status"] == "ready"
        for command in commands:  # the README's own calls, on this test's port
            assert '"status":"ready"' in run(command, project, env)

        answers = [
            post_json(f"{base}/predict", {**RECORD, "customer_id": f"C9{i:06d}"}) for i in range(20)
        ]
        feedback = post_json(
            f"{base}/feedback", {"prediction_id": answers[0]["prediction_id"], "outcome": 1}
        )
        reloaded = post_json(f"{base}/admin/reload", {}, headers={"X-API-Key": "e2e-key"})
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            metrics = response.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    assert all(0 <= a["score"] <= 1 and a["variant"] == "champion" for a in answers)
    assert feedback == {"prediction_id": answers[0]["prediction_id"], "outcome": 1}
    assert set(reloaded["models"]) >= {"champion"}
    assert "predictions_total" in metrics
    # Every answer the clients got is in the log (written before the answer was sent).
    assert sqlite_count(log, "served = 1") == served_before + 20
    assert sqlite_count(log, "prediction_id IN (SELECT prediction_id FROM feedback)") >= 1


def sqlite_count(path: Path, where: str) -> int:
    """Rows of the prediction log's predictions table that match `where`."""
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM predictions WHERE {where}").fetchone()[0]


def test_make_retrain_learns_from_outcomes_and_the_running_service_reloads(
    project: Path, env: dict[str, str]
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    admin = {**env, "CUSTOMER_CHURN_ADMIN_API_KEY": "e2e-key"}
    # The retraining is what is under test, not the learning curves: they would triple the train
    # stage (a learner may switch them off the same way).
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("curves: true", "curves: false"))
    server = in_background(["make", "serve", f"PORT={port}"], project, admin)
    try:
        before = wait_for_json(f"{base}/ready", server)["models"]["champion"]
        run("uv run customer-churn monitor simulate --n 1500 --seed 21", project, env)

        output = run(f"make retrain SERVICE_URL={base}", project, admin)

        after = get_json(f"{base}/ready")["models"]["champion"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    rows = len((project / "data/feedback/customers.csv").read_text().splitlines()) - 1
    # At least the 80% of the 1,500 whose outcome came back (earlier tests fed back others).
    assert rows >= 1200
    assert re.search(rf"feedback rows\s+│\s+{rows}\s", output)
    assert "Running stage 'register'" in output
    promotion = json.loads((project / "reports/promotion.json").read_text())
    assert after == promotion["champion_after"]
    assert f"The service at {base} reloaded its models: champion = version {after}" in output
    assert before != promotion["version"]  # a new version was registered and judged

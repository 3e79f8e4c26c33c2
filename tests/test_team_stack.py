"""The team stack of deploy/compose.yaml, without containers, on a real PostgreSQL server.

The same topology, one process per container: PostgreSQL (tests/postgres.py); an `mlflow
server` with PostgreSQL as its backend store and proxied artifacts; two replicas of the service
on two ports, sharing one prediction log in PostgreSQL and checking the registry every second.
Traffic goes to both; `monitor simulate` adds realistic traffic with outcomes; `monitor check`
and `make retrain` read the PostgreSQL log; a new champion is promoted, and both replicas serve
it within the interval plus one second, with no reload asked for.

Without PostgreSQL's server binaries the test is skipped with one line, except in CI (CI=true),
where a missing server is a failure: .ci/run installs it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE, free_port, get_json, post_json, run
from .postgres import MISSING, Postgres, new_server, server_binaries
from .test_image import QUICK, STAGES, answer, example_record, logged, stop

pytestmark = pytest.mark.slow

SLUG = "customer-churn"
INTERVAL = 1  # serving.reload_interval of the replicas, seconds
PER_REPLICA = 20  # requests sent to each replica over HTTP


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    """A PostgreSQL server with two empty databases: mlflow and predictions."""
    binaries = server_binaries()
    if binaries is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{MISSING}: .ci/run installs Debian's postgresql package.")
        pytest.skip(MISSING)
    server = new_server(binaries, free_port())
    try:
        server.start()
        for name in ("mlflow", "predictions"):
            server.create_database(name)
        yield server
    finally:
        server.stop()


def champion_of(base: str) -> tuple[int, str]:
    """The process that answered GET /model, and the champion version it serves."""
    info = get_json(f"{base}/model")
    versions = {m["variant"]: m["model_version"] for m in info["models"]}
    return info["pid"], versions["champion"]


def test_the_team_stack_runs_on_postgresql(
    postgres: Postgres, env: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path
    run(f"{sys.executable} -m cookiecutter --no-input --output-dir {root} {TEMPLATE}", root, env)
    project = root / SLUG
    params_file = project / "params.yaml"
    params = params_file.read_text(encoding="utf-8")
    for old, new in {**QUICK, "reload_interval: 10 ": f"reload_interval: {INTERVAL} "}.items():
        assert params.count(old) == 1, f"params.yaml has {old!r} {params.count(old)} times"
        params = params.replace(old, new)
    params_file.write_text(params, encoding="utf-8")
    # The virtualenv the other tests of this worker share (they run one at a time): the
    # drivers come with the postgres extra here, and the next `make install` takes them away.
    venv = Path(env["UV_PROJECT_ENVIRONMENT"])
    stack_env = env
    run("make install EXTRAS=postgres", project, stack_env)

    # The tracking server: runs and registry in PostgreSQL, artifacts proxied to its folder.
    mlflow_port = free_port()
    tracking_uri = f"http://127.0.0.1:{mlflow_port}"
    mlflow_log = root / "mlflow.log"
    mlflow = logged(
        [
            str(venv / "bin/mlflow"), "server",
            "--backend-store-uri", postgres.url("mlflow"),
            "--serve-artifacts", "--artifacts-destination", str(root / "artifacts"),
            "--host", "127.0.0.1", "--port", str(mlflow_port), "--workers", "1",
        ],
        root, stack_env, mlflow_log,
    )  # fmt: skip
    servers = [mlflow]
    log_url = postgres.url("predictions")
    team = {
        **stack_env,
        "MLFLOW_TRACKING_URI": tracking_uri,
        "CUSTOMER_CHURN_PREDICTION_LOG_URL": log_url,
    }
    cli = venv / "bin" / SLUG
    try:
        answer(
            f"{tracking_uri}/api/2.0/mlflow/experiments/search?max_results=1", mlflow, mlflow_log
        )
        started = time.monotonic()
        for command in STAGES:
            run(f"{cli} {command}", project, team)
        if not json.loads((project / "reports/promotion.json").read_text())["promoted"]:
            run(f"{cli} model promote 1", project, team)  # the gate may refuse on small data
        assert postgres.query("mlflow", "SELECT count(*) FROM model_versions") == "1"
        assert any((root / "artifacts").rglob("*.skops"))

        # Two replicas, one log: traffic to both lands in PostgreSQL.
        replicas = []
        for number in (1, 2):
            port = free_port()
            log = root / f"replica{number}.log"
            server = logged([str(cli), "serve", "--port", str(port)], project, team, log)
            servers.append(server)
            replicas.append((f"http://127.0.0.1:{port}", server, log))
        for base, server, log in replicas:
            assert answer(f"{base}/ready", server, log)["models"]["champion"] == "1"
        body = example_record(yaml.safe_load(params))
        for index in range(PER_REPLICA):
            for number, (base, _, _) in enumerate(replicas):
                customer = f"T{number}{index:05d}"
                scored = post_json(f"{base}/predict", {**body, "customer_id": customer})
                assert scored["model_version"] == "1"
        assert postgres.query("predictions", "SELECT count(*) FROM predictions WHERE served") == (
            str(2 * PER_REPLICA)
        )
        assert len({champion_of(base)[0] for base, _, _ in replicas}) == 2

        # Realistic traffic with outcomes, then the monitoring and retraining loop on that log.
        run(f"{cli} monitor simulate --n 400 --seed 3", project, team)
        served = int(postgres.query("predictions", "SELECT count(*) FROM predictions WHERE served"))
        assert served == 2 * PER_REPLICA + 400
        checked = run(f"{cli} monitor check; echo exit=$?", project, team)
        assert re.search(r"exit=[01]\n", checked)  # 1: an alert, on this small model
        # Both replicas' requests and the simulation's, read back from PostgreSQL.
        assert f"Version 1: {2 * PER_REPLICA + 400} predictions" in checked
        retrained = run("make retrain", project, team)
        rows = len((project / "data/feedback/customers.csv").read_text().splitlines()) - 1
        # One row per customer whose served prediction got its outcome back, in PostgreSQL.
        labelled = "SELECT count(DISTINCT unit_id) FROM predictions p JOIN feedback f "
        labelled += "ON f.prediction_id = p.prediction_id WHERE p.served"
        assert rows == int(postgres.query("predictions", labelled)) >= 300
        assert "Running stage 'register'" in retrained

        # The new version becomes champion (the gate's decision, or ours): both replicas
        # follow it on their own within the interval plus one second.
        assert postgres.query("mlflow", "SELECT count(*) FROM model_versions") == "2"
        promoted = time.monotonic()
        if json.loads((project / "reports/promotion.json").read_text())["champion_after"] != "2":
            run(f"{cli} model promote 2", project, team)
            promoted = time.monotonic()
        deadline = promoted + INTERVAL + 1
        while {champion_of(base)[1] for base, _, _ in replicas} != {"2"}:
            assert time.monotonic() < deadline, "a replica still serves version 1"
            time.sleep(0.1)
        for base, _, _ in replicas:
            assert post_json(f"{base}/predict", body)["model_version"] == "2"
        print(f"team stack: {time.monotonic() - started:.0f} s from the first stage")
    finally:
        for server in reversed(servers):
            stop(server)

"""A canary through the real service: a failing challenger is rolled back by `ab canary`, and
the running service follows at its next check, answering everyone with the champion."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.ab import canary, simulate
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Params, load_params
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.experiment_override import (
    ADMIN,
    GUARDRAIL,
    latest_override,
    write_override,
)
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, now
from {{ cookiecutter.package_name }}.settings import Settings, get_settings

from ..conftest import require_exercises
from .conftest import KEY, record


class BrokenPipeline:
    """A model that fails on every record, as one with a missing column would."""

    def predict_proba(self, frame: object) -> None:
        """Fail."""
        raise RuntimeError("the challenger cannot score")


def canary_params(params: Params) -> Params:
    """A canary on a fifth of the units, judged from 10 requests, checked every 0.2 s."""
    experiment = params.serving.experiment.model_copy(
        update={"mode": "canary", "challenger_share": 0.2}
    )
    limits = params.serving.canary.model_copy(update={"min_requests": 10})
    serving = params.serving.model_copy(
        update={"experiment": experiment, "canary": limits, "reload_interval": 0.2}
    )
    return params.model_copy(update={"serving": serving})


def with_broken_challenger(store: ModelStore) -> ModelStore:
    """The workspace's champion and a challenger that fails every record (same aliases)."""
    broken = ModelStore(store.name, store.columns)
    challenger = replace(store.models["challenger"], pipeline=BrokenPipeline(), scorer=None)
    broken.models = {"champion": store.models["champion"], "challenger": challenger}
    broken.aliases, broken.problem = dict(store.aliases), None
    return broken


def answered_by(client: TestClient, params: Params, customers: int) -> list[str]:
    """Send customers one by one; the variant of each answer, or 'error'."""
    variants = []
    for number in range(customers):
        response = client.post("/predict", json=record(params, customer=f"C{number:07d}"))
        variants.append(response.json()["variant"] if response.status_code == 200 else "error")
    return variants


def test_a_failing_canary_is_rolled_back_and_the_service_follows(
    workspace: Path, workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    require_exercises(5)  # assign() splits the units
    params = canary_params(workspace_params)
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'log.db'}", admin_api_key=KEY)
    service_app = create_app(params, settings, with_broken_challenger(store))
    with TestClient(service_app, raise_server_exceptions=False) as client:
        # Given a canary whose challenger fails every customer it gets
        before = answered_by(client, params, customers=100)
        assert 10 <= before.count("error") <= 35 and "challenger" not in before

        # When the guardrails are checked
        report = canary.run(params, settings)

        # Then the error rate is broken and the share set to 0 for every worker, with why
        assert report.action == canary.ROLLED_BACK
        assert [g.name for g in report.judgement.broken] == ["error rate"]
        assert report.judgement.guardrails[0].challenger == 1.0
        written = json.loads(canary.CANARY_REPORT.read_text(encoding="utf-8"))
        assert written["verdict"] == "broken" and written["action"] == "rolled back"
        # ... and once the service has checked again, the champion answers everyone
        deadline = time.monotonic() + 5
        while client.get("/model").json()["experiment"]["challenger_share"] != 0:
            assert time.monotonic() < deadline, "the service did not follow in 5 s"
            time.sleep(0.05)
        shown = client.get("/model").json()
        assert shown["experiment"]["mode"] == "canary"
        assert shown["experiment_source"]["set_by"] == "canary guardrail"
        assert shown["experiment_source"]["reason"].startswith("Challenger version 2 broke")
        # (the same customers: those the challenger failed now get the champion)
        assert answered_by(client, params, customers=50) == ["champion"] * 50


def test_an_admin_change_reaches_a_worker_that_did_not_take_the_request(
    workspace: Path, workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    # Given two workers (two apps) on one log; the second checks the experiment every 0.2 s
    params = canary_params(workspace_params)
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'log.db'}", admin_api_key=KEY)
    with (
        TestClient(create_app(params, settings, store)) as first,
        TestClient(create_app(params, settings, store)) as second,
    ):
        changed = {**params.serving.experiment.model_dump(), "mode": "ab", "challenger_share": 0.5}

        # When an admin sets a 50/50 test on the first
        response = first.put(
            "/admin/experiment?reason=ramp up", json=changed, headers={"X-API-Key": KEY}
        )

        # Then the first serves it at once, the second within its interval
        assert response.status_code == 200
        assert first.get("/model").json()["experiment_source"]["reason"] == "ramp up"
        deadline = time.monotonic() + 5
        while second.get("/model").json()["experiment"]["mode"] != "ab":
            assert time.monotonic() < deadline, "the second worker did not follow in 5 s"
            time.sleep(0.05)
        assert second.get("/model").json()["experiment_source"]["set_by"] == "admin"


def logged(variant: str, version: str, latency_ms: float) -> dict:
    """One answered prediction of the log."""
    return {
        "prediction_id": str(uuid.uuid4()), "created_at": now(), "unit_id": str(uuid.uuid4()),
        "variant": variant, "model_version": version, "served": True, "inputs": {},
        "score": 0.3, "decision": False, "latency_ms": latency_ms,
    }  # fmt: skip


def test_the_window_bounds_what_the_canary_reads_even_when_nearly_every_request_failed(
    tmp_path: Path,
) -> None:
    # Given a log of 150 answers, then 400 failures of the challenger
    log = PredictionLog(f"sqlite:///{tmp_path / 'window.db'}")
    log.record([logged("champion", "1", 10.0) for _ in range(150)])
    failed = {"variant": "challenger", "model_version": "2", "error": "RuntimeError"}
    log.record_failures([{"created_at": now(), "unit_id": f"u{i}", **failed} for i in range(400)])

    # When the canary reads a window of 100
    answered, failures = canary.recent_traffic(log, 100)

    # Then it holds the last 100 of each, oldest first, without the records scored
    assert len(answered) == 100 and "inputs" not in answered.columns
    assert failures["unit_id"].tolist() == [f"u{i}" for i in range(300, 400)]


def test_the_cli_rolls_back_a_slow_canary_with_exit_3(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a log where the challenger (150 requests) is four times as slow as the champion
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    rows = [logged("champion", "1", 10.0) for _ in range(150)]
    rows += [logged("challenger", "2", 40.0) for _ in range(150)]
    PredictionLog(url).record(rows)
    monkeypatch.setenv("{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL", url)
    get_settings.cache_clear()
    try:
        # When `ab canary` runs twice on a canary started by an admin
        running = load_params().serving.experiment.model_copy(
            update={"mode": "canary", "challenger_share": 0.1}
        )
        write_override(PredictionLog(url), running, ADMIN, "canary started")
        first = CliRunner().invoke(app, ["ab", "canary"])
        again = CliRunner().invoke(app, ["ab", "canary"])
    finally:
        get_settings.cache_clear()

    # Then the latency guardrail is broken, the share set to 0, and the next run says so
    assert first.exit_code == 3, first.output
    assert "latency p99 (ms)" in first.output and "broken" in first.output
    assert "Rolled back: the challenger's share is now 0 on every worker." in first.output
    assert again.exit_code == 3
    assert "no traffic already (canary guardrail)" in again.output


def test_a_simulated_canary_is_started_once_and_follows_a_rollback(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    require_exercises(5)  # assign() splits the units
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'sim.db'}")
    # Given a simulated canary on a fifth of the customers, which stores it for every worker
    first = simulate.run(workspace_params, settings, n=200, effect=0.0, share=0.2, mode="canary")
    log = PredictionLog(settings.prediction_log_url)
    started = latest_override(log)
    assert started.source.reason == "canary started by ab simulate"
    assert first["challenger share"] != "0.000 (asked: 0.2)"

    # When the guardrails stop it, then the canary is simulated again
    stopped = started.settings.model_copy(update={"challenger_share": 0.0})
    write_override(log, stopped, GUARDRAIL, "error rate 0.5 > 0.01")
    again = simulate.run(workspace_params, settings, n=200, effect=0.0, share=0.2, mode="canary")

    # Then the stored rollback wins over the share asked for: the champion answers everyone
    assert again["challenger share"] == "0.000 (asked: 0.2)"
    assert latest_override(log).source.set_by == GUARDRAIL

"""GET /health, /ready and /model: the process answers, and with which models.

The registry (champion 1, challenger 2) and the `client` fixture (a fresh app with its own
prediction log) come from ../conftest.py.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params


def test_health_and_ready_name_the_loaded_versions(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "models": {"champion": "1", "challenger": "2"}}


def test_model_lists_the_served_versions_and_the_experiment(
    client: TestClient, workspace_params: Params
) -> None:
    info = client.get("/model").json()

    assert [(m["variant"], m["model_version"]) for m in info["models"]] == [
        ("champion", "1"),
        ("challenger", "2"),
    ]
    assert info["models"][0]["algorithm"] == workspace_params.model.name  # params.yaml's
    assert info["models"][1]["algorithm"] == "decision_tree"  # the weak challenger
    assert info["experiment"] == workspace_params.serving.experiment.model_dump()
    # Which process answers, and when it loaded each version: how to see that every worker
    # took a promotion (the test client runs the app in this process).
    assert info["pid"] == os.getpid()
    assert info["reload_interval"] == workspace_params.serving.reload_interval
    loaded = [datetime.fromisoformat(m["loaded_at"]) for m in info["models"]]
    assert all(timedelta(0) <= datetime.now(UTC) - at < timedelta(hours=1) for at in loaded)

"""The app factory: it starts without a champion, mounts every router, and /admin only with a key.

The registry (champion 1, challenger 2) comes from conftest.py; the routes themselves are tested
in routes/.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.settings import Settings

from ..model.conftest import small_params
from .conftest import client_for, record


def test_every_router_is_mounted_at_its_paths(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    assert {path: sorted(methods) for path, methods in paths.items()} == {
        "/health": ["get"],
        "/ready": ["get"],
        "/model": ["get"],
        "/predict": ["post"],
        "/predict/batch": ["post"],
        "/feedback": ["post"],
        "/metrics": ["get"],
        "/admin/reload": ["post"],
        "/admin/experiment": ["put"],
    }


def test_without_a_champion_the_service_starts_but_is_not_ready(
    workspace_params: Params, tmp_path: Path
) -> None:
    raw = small_params()
    raw["registry"]["model_name"] = "never-registered"
    unregistered = parse_params(raw)

    with client_for(
        unregistered, ModelStore("never-registered", input_columns(workspace_params)), tmp_path
    ) as client:
        ready = client.get("/ready")
        predicted = client.post("/predict", json=record(workspace_params))

    assert ready.status_code == 503
    assert (
        ready.json()["detail"]
        == "The registry has no 'champion' version of 'never-registered' yet."
    )
    assert predicted.status_code == 503
    assert predicted.json()["detail"] == ready.json()["detail"]


def test_without_a_key_there_are_no_admin_routes(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    with client_for(workspace_params, store, tmp_path, admin_key="") as client:
        assert client.post("/admin/reload", headers={"X-API-Key": ""}).status_code == 404


def test_a_frozen_start_up_asks_the_registry_once_and_freezes_what_it_loaded(
    workspace_params: Params, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `serve` builds its app with freeze_heap=True. A registry that fails is asked once at
    # start-up (MLflow retries an unreachable server for seconds; twice would double the wait).
    store = ModelStore("never-registered", input_columns(workspace_params))
    attempts, real_reload = [], store.reload
    monkeypatch.setattr(store, "reload", lambda: (attempts.append(1), real_reload()))
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'log.db'}", admin_api_key="")
    app = create_app(workspace_params, settings, store, freeze_heap=True)
    assert gc.get_freeze_count() == 0
    try:
        with TestClient(app) as client:
            frozen = gc.get_freeze_count()
            ready = client.get("/ready")
    finally:
        gc.unfreeze()

    assert attempts == [1]
    assert frozen > 0
    assert ready.status_code == 503

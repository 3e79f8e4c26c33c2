"""Loading the served models: one registry query for the aliases, and every failure logged with
the version and alias it concerns (the service log, not only /ready)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }} import errors
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving import model_store as served
from {{ cookiecutter.package_name }}.serving import registry_watch
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore, registered_aliases, registry_client
from {{ cookiecutter.package_name }}.settings import Settings


def test_one_query_reads_every_alias(workspace_params: Params) -> None:
    client = registry_client()

    aliases = registered_aliases(client, workspace_params.registry.model_name)

    assert aliases == {"champion": "1", "challenger": "2"}


def unloadable(version: str) -> object:
    """tracking.load_logged_model, except that `version`'s file is missing."""
    real = tracking.load_logged_model

    def load(model_uri: str, sha256: str) -> object:
        if model_uri.endswith(f"/{version}"):
            raise errors.ModelError("/tmp/model-x1y2/model.skops does not exist.")
        return real(model_uri, sha256)

    return load


def test_a_champion_that_cannot_load_is_logged_at_start_up_naming_version_and_alias(
    workspace_params: Params,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(tracking, "load_logged_model", unloadable("1"))
    name = workspace_params.registry.model_name
    store = ModelStore(name, input_columns(workspace_params))
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}")

    app = create_app(workspace_params, settings, store)
    with caplog.at_level(logging.INFO, logger=served.__name__), TestClient(app) as client:
        ready = client.get("/ready")

    expected = f"Version 1 (champion) of '{name}' cannot be loaded: "
    assert ready.status_code == 503
    assert ready.json()["detail"].startswith(expected)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors == [f"No model is served: {ready.json()['detail']}"]


def test_a_challenger_that_cannot_load_is_logged_and_the_champion_served(
    workspace_params: Params, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(tracking, "load_logged_model", unloadable("2"))
    name = workspace_params.registry.model_name
    store = ModelStore(name, input_columns(workspace_params))

    with caplog.at_level(logging.INFO, logger=served.__name__):
        store.try_reload()

    assert {v: m.version for v, m in store.models.items()} == {"champion": "1"}
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        f"The challenger is not served: Version 2 (challenger) of '{name}' cannot be loaded: "
        "/tmp/model-x1y2/model.skops does not exist."
    ]
    assert caplog.records[-1].getMessage() == f"Serving champion version 1 of '{name}'."


def test_a_challenger_that_is_the_champion_is_loaded_once(
    workspace_params: Params, store: ModelStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = []
    real = tracking.load_logged_model

    def counted(model_uri: str, sha256: str) -> object:
        loads.append(model_uri)
        return real(model_uri, sha256)

    monkeypatch.setattr(tracking, "load_logged_model", counted)
    monkeypatch.setattr(
        served, "registered_aliases", lambda client, name: {"champion": "1", "challenger": "1"}
    )
    fresh = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))

    fresh.reload()

    assert loads == [f"models:/{workspace_params.registry.model_name}/1"]
    assert fresh.models["challenger"].pipeline is fresh.models["champion"].pipeline
    assert fresh.models["challenger"].variant == "challenger"


def aliases_at(monkeypatch: pytest.MonkeyPatch, champion: str, challenger: str) -> None:
    """Make the registry's query of the aliases answer these versions."""
    monkeypatch.setattr(
        served,
        "registered_aliases",
        lambda client, name: {"champion": champion, "challenger": challenger, "old": "1"},
    )


def test_refresh_reloads_only_when_the_champion_or_challenger_moved(
    workspace_params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    loads = []
    real = tracking.load_logged_model
    monkeypatch.setattr(
        tracking, "load_logged_model", lambda uri, sha256: loads.append(uri) or real(uri, sha256)
    )
    aliases_at(monkeypatch, champion="1", challenger="2")
    store = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))
    store.reload()
    first = store.models["champion"].loaded_at

    unchanged = store.refresh()
    aliases_at(monkeypatch, champion="2", challenger="1")
    moved = store.refresh()

    assert unchanged is False
    assert moved is True
    # 1 and 2 at the reload; none after: the move swaps two versions this process holds.
    assert len(loads) == 2
    assert {v: m.version for v, m in store.models.items()} == {"champion": "2", "challenger": "1"}
    assert store.models["champion"].pipeline is not None
    assert store.aliases == {"champion": "2", "challenger": "1"}
    assert store.models["champion"].loaded_at > first


def test_a_failed_check_keeps_the_served_models_and_says_why(
    workspace_params: Params, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    store = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))
    store.reload()
    served_before = store.models

    def unreachable(client: object, name: str) -> dict[str, str]:
        raise errors.ProjectError("The registry at http://mlflow:5000 cannot be read: refused.")

    monkeypatch.setattr(served, "registered_aliases", unreachable)
    with caplog.at_level(logging.WARNING, logger=registry_watch.__name__):
        result = registry_watch.check_once(store)

    assert result == "failed"
    assert store.models is served_before
    assert store.problem is None  # still ready: the old models answer
    assert [r.getMessage() for r in caplog.records] == [
        "The registry check failed, the current models stay: "
        "The registry at http://mlflow:5000 cannot be read: refused."
    ]


def test_a_check_before_any_model_loaded_gives_ready_its_reason(
    workspace_params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(served, "registered_aliases", lambda client, name: {"old": "1"})
    store = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))

    result = registry_watch.check_once(store)

    assert result == "failed"
    assert store.models == {}
    name = workspace_params.registry.model_name
    assert store.problem == f"The registry has no 'champion' version of '{name}' yet."

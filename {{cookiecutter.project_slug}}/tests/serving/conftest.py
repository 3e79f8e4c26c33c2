"""Shared by the serving tests: a trained registry with a champion (1) and a challenger (2).

Built once for the package (training and registering take seconds): version 1, the default
model, made champion; version 2, a one-split tree, left challenger. Each test of the service
builds its own app with its own prediction log around the same loaded models (`client`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.model import evaluate, register, train
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.serving.schemas import example_number
from {{ cookiecutter.package_name }}.settings import Settings

from ..conftest import require_exercises
from ..model.conftest import make_workspace, small_params

KEY = "test-admin-key"


@pytest.fixture(scope="package")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A trained workspace whose registry holds a champion (1) and a challenger (2)."""
    # Training (see make_workspace), then the promotion gate (4) and the champion alias (39).
    require_exercises(1, 3, 4, 9, 11, 39)
    for root in make_workspace(tmp_path_factory, small_params()):
        params = parse_params(small_params())
        register.run(params)
        register.promote(params, "1")  # whatever the gate said on this small test set
        weak = small_params()
        weak["model"]["name"] = "decision_tree"
        weak["model"]["hyperparameters"]["decision_tree"] = {"max_depth": 1}
        weak = parse_params(weak)
        train.run(weak)
        evaluate.run(weak)
        register.run(weak)
        yield root


@pytest.fixture(scope="package")
def workspace_params(workspace: Path) -> Params:
    """The workspace's params: params.yaml made small (the tests' own contract is `params`)."""
    return parse_params(small_params())


@pytest.fixture(scope="package")
def store(workspace_params: Params) -> ModelStore:
    """The registry's champion and challenger, loaded once."""
    models = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))
    models.reload()
    return models


def record(params: Params, customer: str = "C0000042", **changes: Any) -> dict[str, Any]:
    """A valid raw record of the data contract, as a client sends it."""
    columns = params.model_columns
    body: dict[str, Any] = {columns.id: customer, columns.time: "2024-03-15"}
    if columns.group is not None:
        body[columns.group] = "A0000007"  # the customer's account (household or company)
    body.update({name: example_number(spec) for name, spec in columns.numeric.items()})
    body.update({name: spec.allowed[0] for name, spec in columns.categorical.items()})
    body.update({name: "The app keeps crashing" for name in columns.text})
    return {**body, **changes}


def client_for(
    params: Params, store: ModelStore, tmp_path: Path, admin_key: str = KEY
) -> TestClient:
    """A test client of a fresh app with its own prediction log."""
    settings = Settings(
        prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}", admin_api_key=admin_key
    )
    return TestClient(create_app(params, settings, store))


@pytest.fixture
def client(workspace_params: Params, store: ModelStore, tmp_path: Path) -> Iterator[TestClient]:
    """A running app (lifespan included) with the default experiment: shadow."""
    with client_for(workspace_params, store, tmp_path) as running:
        yield running


def log_of(tmp_path: Path) -> pd.DataFrame:
    """What the app in tmp_path logged."""
    return PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}").read()


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def two_workers(
    workspace: Path, environment: dict[str, str], log_folder: Path
) -> Iterator[tuple[str, int]]:
    """`serve --workers 2` on a free port, as `make serve WORKERS=2` starts it; URL and pid.

    The CLI also sets up Prometheus' multiprocess folder, so /metrics counts both workers. The
    server's output goes to log_folder/server.log; it is stopped when the block ends.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "{{ cookiecutter.package_name }}", "serve", "--port", str(port), "--workers", "2"
    ]  # fmt: skip
    output = (log_folder / "server.log").open("w")
    process = subprocess.Popen(
        command,
        cwd=workspace,
        env={**os.environ, **environment},
        stdout=output,
        stderr=output,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/ready", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                assert process.poll() is None, "uvicorn exited"
                assert time.monotonic() < deadline, "the service was not ready in 120 s"
                time.sleep(0.3)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        output.close()

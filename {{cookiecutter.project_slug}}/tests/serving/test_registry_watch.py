"""Every worker follows the registry: two uvicorn workers take a promotion on their own.

A real server with two worker processes on the package's registry (champion 1, challenger 2),
checking the aliases every second; the champion alias moves to version 2 under steady traffic.
No reload is asked for: each worker finds the move itself within the interval.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving.model_store import registry_client

from .conftest import record, two_workers

INTERVAL = 1.0
# Seconds each sender waits between two requests: steady traffic, not a saturated server (the
# load test is tests/serving/test_load_generator.py). Saturated, the registry check's thread
# competes for the interpreter with every request, and the promotion's deadline measures that
# contention (on a CI machine that also runs other jobs), not the check's interval.
PAUSE = 0.02


@pytest.fixture
def server(workspace: Path, tmp_path: Path) -> Iterator[str]:
    """`serve --workers 2` on the workspace's registry, checking it every INTERVAL; its URL."""
    raw = yaml.safe_load((workspace / "params.yaml").read_text(encoding="utf-8"))
    raw["serving"]["reload_interval"] = INTERVAL
    raw["serving"]["experiment"]["mode"] = "off"  # every answer comes from the champion
    params_file = tmp_path / "params.yaml"
    params_file.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    environment = {
        "MLFLOW_TRACKING_URI": f"sqlite:///{workspace / 'mlflow.db'}",
        "{{ cookiecutter.package_name | upper }}_PARAMS_PATH": str(params_file),
        "{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL": f"sqlite:///{tmp_path / 'log.db'}",
    }
    with two_workers(workspace, environment, tmp_path) as (base, _):
        yield base


@pytest.fixture
def champion_restored(workspace_params: Params) -> Iterator[str]:
    """The model's name; the champion alias is back on version 1 afterwards (shared registry)."""
    name = workspace_params.registry.model_name
    yield name
    registry_client().set_registered_model_alias(name, "champion", "1")


def predict(base: str, body: dict) -> tuple[int, str]:
    """POST /predict; its status and the version that answered ('' when it failed)."""
    request = urllib.request.Request(
        f"{base}/predict",
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())["model_version"]
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return 0, ""


def traffic(base: str, body: dict, stop: threading.Event) -> list[tuple[float, int, str]]:
    """Requests one after the other until stopped: when each was sent, its status, its version."""
    answers = []
    while not stop.is_set():
        sent = time.monotonic()
        answers.append((sent, *predict(base, body)))
        stop.wait(PAUSE)
    return answers


def served_by_process(base: str) -> dict[int, str]:
    """The champion version each worker process reports on GET /model.

    Asked in parallel bursts until both workers have answered (at most five bursts): which
    worker takes a connection is the kernel's choice.
    """

    def ask(_: int) -> tuple[int, str]:
        with urllib.request.urlopen(f"{base}/model", timeout=10) as response:
            info = json.loads(response.read())
        return info["pid"], {m["variant"]: m["model_version"] for m in info["models"]}["champion"]

    answers: dict[int, str] = {}
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            answers.update(pool.map(ask, range(24)))
            if len(answers) == 2:
                break
    return answers


def test_both_workers_serve_a_promotion_within_the_interval_without_failing_a_request(
    server: str, champion_restored: str, workspace_params: Params
) -> None:
    body = record(workspace_params)
    assert set(served_by_process(server).values()) == {"1"}
    stop = threading.Event()
    with ThreadPoolExecutor(4) as pool:
        senders = [pool.submit(traffic, server, body, stop) for _ in range(4)]
        time.sleep(0.5)
        promoted = time.monotonic()
        registry_client().set_registered_model_alias(champion_restored, "champion", "2")
        time.sleep(INTERVAL + 2.5)
        stop.set()
        answers = sorted(answer for sender in senders for answer in sender.result())

    settled = promoted + INTERVAL + 1
    assert [a for a in answers if a[1] != 200] == []
    assert {version for sent, _, version in answers if sent < promoted} == {"1"}
    late = [version for sent, _, version in answers if sent >= settled]
    assert len(late) >= 10
    last_old = max(sent for sent, _, version in answers if version == "1") - promoted
    assert set(late) == {"2"}, f"version 1 still answered {last_old:.2f} s after the promotion"
    workers = served_by_process(server)
    assert len(workers) == 2, f"only {workers} answered /model"
    assert set(workers.values()) == {"2"}

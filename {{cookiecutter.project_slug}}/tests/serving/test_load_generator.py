"""Bounded load on a real uvicorn server at 127.0.0.1, with reloads: no error, all logged."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.serving.load_generator import send_load

from .conftest import record, two_workers

# Bounded: 10-20 seconds at about a hundred requests per second here (make bench-serve measures
# it), long enough for several reloads (one every two seconds) to land under load.
REQUESTS, CONCURRENCY = 1500, 32
KEY = "load-test-key"


@pytest.fixture
def server(workspace: Path, tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    """uvicorn with two workers on the workspace's registry; its URL, prediction log and pid.

    Its temporary folder (tmp_path/tmp) holds the Prometheus folder a killed run left behind.
    """
    log = tmp_path / "load.db"
    temporary = tmp_path / "tmp"
    (temporary / f"prometheus-{gone_pid()}-killed").mkdir(parents=True)
    environment = {
        "TMPDIR": str(temporary),
        "MLFLOW_TRACKING_URI": f"sqlite:///{workspace / 'mlflow.db'}",
        "{{ cookiecutter.package_name | upper }}_PARAMS_PATH": str(workspace / "params.yaml"),
        "{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL": f"sqlite:///{log}",
        "{{ cookiecutter.package_name | upper }}_ADMIN_API_KEY": KEY,
    }
    with two_workers(workspace, environment, tmp_path) as (base, pid):
        yield base, log, pid


def gone_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_load_is_only_sent_to_this_machine() -> None:
    with pytest.raises(ParamsError, match="only sent to this machine"):
        send_load("http://192.0.2.1:8000/predict", lambda i: {}, requests=1)


def reload_now_and_then(base: str, stop: threading.Event) -> list[int]:
    """POST /admin/reload every two seconds until stopped; the statuses it got."""
    statuses = []
    while not stop.wait(2.0):
        request = urllib.request.Request(
            f"{base}/admin/reload", method="POST", headers={"X-API-Key": KEY}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            statuses.append(response.status)
    return statuses


def test_every_request_under_load_is_answered_and_logged_even_during_reloads(
    server: tuple[str, Path, int], workspace_params: Params, tmp_path: Path
) -> None:
    base, log, pid = server
    stop = threading.Event()
    with ThreadPoolExecutor(1) as pool:
        reloads = pool.submit(reload_now_and_then, base, stop)
        try:
            result = send_load(
                f"{base}/predict",
                lambda i: record(workspace_params, customer=f"L{i:06d}"),
                requests=REQUESTS,
                concurrency=CONCURRENCY,
                max_seconds=300,
            )
        finally:
            stop.set()

    assert result.statuses == {200: REQUESTS}
    assert reloads.result() and set(reloads.result()) == {200}  # models swapped under load
    with sqlite3.connect(log) as connection:
        served = connection.execute("SELECT count(*) FROM predictions WHERE served").fetchone()[0]
    assert served == result.ok  # every answer a client got is in the log
    with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
        metrics = response.read().decode()
    # Whichever worker answers /metrics, it reports the requests of both.
    assert counter_total(metrics, "predictions_total", 'served="true"') == REQUESTS
    # The killed run's Prometheus folder is gone; this run's is named after its serve process.
    folders = [p.name for p in (tmp_path / "tmp").glob("prometheus-*")]
    assert [name.split("-")[1] for name in folders] == [str(pid)]


def counter_total(metrics: str, name: str, label: str) -> float:
    """The sum of a Prometheus counter's samples that carry the label."""
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in metrics.splitlines()
        if line.startswith(name + "{") and label in line
    )

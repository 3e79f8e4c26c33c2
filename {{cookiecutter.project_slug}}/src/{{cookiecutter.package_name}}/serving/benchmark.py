"""Serving benchmark: this service and `mlflow models serve` on the same champion, side by side.

Both servers run on 127.0.0.1 with one worker process and load the registry's champion; the
same client (serving/load_generator.py) sends both the same single-record requests, first one at a
time, then CONCURRENCY at once. This service runs as in production, its prediction log on
(in a temporary SQLite file, so the project's own log is untouched), with the experiment
off so that it scores with one model, as MLflow does. The model's own predict_proba on one
record, in this process, is timed too: the floor under any HTTP service of this model.

Targets, all measured in the same run (ratios, since the machine is shared):
- median latency one request at a time <= 0.25 x mlflow models serve;
- throughput with CONCURRENCY requests in flight >= 3 x mlflow models serve;
- median latency one request at a time <= 2 x the in-process predict of one record.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.model.aliases import CHAMPION
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.load_generator import LoadResult, send_load, simulated_customers
from {{ cookiecutter.package_name }}.serving.model_store import ServedModel, load_alias
from {{ cookiecutter.package_name }}.serving.predict import records_frame, score
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.settings import Settings

CONCURRENCY = 16
COMPARED = 50  # records both servers score, to check they give the same scores
WARM_UP = 20  # requests sent to each server before measuring (imports, caches, connections)
MAX_SECONDS = 120.0  # per measured run: the benchmark always stops
START_SECONDS = 120.0  # a server not ready by then is reported, not waited for
MAX_P50_VS_MLFLOW = 0.25
MIN_THROUGHPUT_VS_MLFLOW = 3.0
MAX_P50_VS_IN_PROCESS = 2.0


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running(name: str, command: list[str], ready_url: str, env: dict[str, str]) -> Iterator[None]:
    """Run a server until the block ends; a ProjectError if it is not ready in START_SECONDS."""
    with tempfile.TemporaryFile() as log:
        # Its own process group: uvicorn's workers are stopped with it.
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while not answers(ready_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace").strip().splitlines() or ["?"]
                    raise ProjectError(f"{name} did not start ({output[-1].strip()}).")
                time.sleep(0.25)
            yield
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop the process and its children: SIGTERM, then SIGKILL after 30 s."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def answers(url: str) -> bool:
    """True when GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def measure(url: str, body: Callable[[int], Any], sequential: int, concurrent: int) -> dict:
    """Warm up, then the sequential and the concurrent runs against one server."""
    send_load(url, body, WARM_UP, concurrency=1, max_seconds=MAX_SECONDS)
    return {
        "sequential": send_load(url, body, sequential, concurrency=1, max_seconds=MAX_SECONDS),
        "concurrent": send_load(
            url, body, concurrent, concurrency=CONCURRENCY, max_seconds=MAX_SECONDS
        ),
    }


def in_process_ms(
    model: ServedModel, params: Params, records: list[dict[str, Any]], count: int
) -> float:
    """Median milliseconds of the model's predict_proba on one record, in this process."""
    frames = [records_frame([record], params)[model.columns] for record in records[:count]]
    model.pipeline.predict_proba(frames[0])  # the first call pays for lazy set-up
    seconds = []
    for frame in frames:
        started = time.perf_counter()
        model.pipeline.predict_proba(frame)
        seconds.append(time.perf_counter() - started)
    return float(np.median(seconds) * 1000)


def mlflow_body(records: list[dict[str, Any]], columns: list[str]) -> dict[str, Any]:
    """Records as MLflow's scoring server takes them: the model's columns, values as the API's.

    The model's signature is the data contract's (numbers as numbers), so MLflow takes the
    very values this service takes.
    """
    rows = [{name: record.get(name) for name in columns} for record in records]
    return {"dataframe_records": rows}


def mlflow_scores(url: str, records: list[dict[str, Any]], columns: list[str]) -> np.ndarray:
    """The churn scores `mlflow models serve` gives the records, in one request."""
    body = json.dumps(mlflow_body(records, columns)).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=START_SECONDS) as response:
        return np.asarray(json.load(response)["predictions"], dtype="float64")[:, 1]


def service_env(params: Params, workdir: Path) -> dict[str, str]:
    """This service's environment: experiment off, prediction log in a temporary file."""
    raw = params.model_dump(mode="json")
    raw["serving"]["experiment"]["mode"] = "off"
    params_path = workdir / "params.yaml"
    params_path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    prefix = Settings.model_config["env_prefix"]
    return {
        **server_env(),
        f"{prefix}PARAMS_PATH": str(params_path),
        f"{prefix}PREDICTION_LOG_URL": f"sqlite:///{workdir / 'predictions.db'}",
    }


def server_env() -> dict[str, str]:
    """What both servers run with: this environment's programs first, one OpenMP thread.

    `mlflow models serve` starts `uvicorn` by name, hence the PATH. One thread is what
    `serve` sets for this service (see cli.py); MLflow gets the same, for a fair comparison.
    """
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "OMP_NUM_THREADS": "1",
    }


def run(params: Params, sequential: int, concurrent: int, console: Console) -> dict[str, Any]:
    """Benchmark both servers and print the table and the verdicts; return the figures."""
    if not 1 <= sequential <= 100_000 or not CONCURRENCY <= concurrent <= 100_000:
        raise ProjectError(
            f"Give 1 to 100,000 sequential and {CONCURRENCY} to 100,000 concurrent requests."
        )
    records, _ = simulated_customers(params, max(sequential, concurrent) + WARM_UP, params.seed)
    # Fails here, with one sentence, when there is no champion to serve.
    model = load_alias(params.registry.model_name, CHAMPION, input_columns(params))
    bodies = [mlflow_body([record], model.columns) for record in records]
    results: dict[str, dict[str, LoadResult]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as workdir:
        port = free_port()
        # Started as `make serve` starts it: the CLI's serve command, one worker.
        command = [sys.executable, "-m", __package__.split(".")[0], "serve", "--port", str(port)]
        base = f"http://127.0.0.1:{port}"
        with running("This service", command, f"{base}/ready", service_env(params, Path(workdir))):
            console.print("Measuring this service…")
            results["this service"] = measure(
                f"{base}/predict", lambda i: records[i], sequential, concurrent
            )
        logged = PredictionLog(f"sqlite:///{Path(workdir) / 'predictions.db'}").count()
        port = free_port()
        command = [
            sys.executable, "-m", "mlflow", "models", "serve",
            "-m", f"models:/{params.registry.model_name}@{CHAMPION}", "--env-manager", "local",
            "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
        ]  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        with running("mlflow models serve", command, f"{base}/ping", server_env()):
            console.print("Measuring mlflow models serve…")
            results["mlflow models serve"] = measure(
                f"{base}/invocations", lambda i: bodies[i], sequential, concurrent
            )
            theirs = mlflow_scores(f"{base}/invocations", records[:COMPARED], model.columns)
    ours, _ = score(model, records[:COMPARED], params)
    in_process = in_process_ms(model, params, records, min(sequential, 200))
    figures = summary(results, in_process)
    answered = WARM_UP + sum(result.ok for result in results["this service"].values())
    figures["logged"], figures["answered"] = logged, answered
    figures["compared"] = len(ours)
    figures["largest_score_difference"] = float(np.max(np.abs(ours - theirs)))
    print_results(results, figures, console)
    return figures


def summary(results: dict[str, dict[str, LoadResult]], in_process: float) -> dict[str, Any]:
    """The figures the targets are about, and any request that did not get a 200."""
    ours, theirs = results["this service"], results["mlflow models serve"]
    p50 = ours["sequential"].percentile(50)
    return {
        "p50_ms": p50,
        "mlflow_p50_ms": theirs["sequential"].percentile(50),
        "throughput": ours["concurrent"].throughput,
        "mlflow_throughput": theirs["concurrent"].throughput,
        "in_process_ms": in_process,
        "failed": {
            f"{server}, {run}": result.sent - result.ok
            for server, runs in results.items()
            for run, result in runs.items()
            if result.sent != result.ok
        },
    }


def verdicts(figures: dict[str, Any]) -> list[str]:
    """One line per target: the measured ratio, the target, ok or OVER TARGET."""
    lines = []
    for label, value, limit, at_most in (
        (
            "median latency vs mlflow models serve",
            figures["p50_ms"] / figures["mlflow_p50_ms"],
            MAX_P50_VS_MLFLOW,
            True,
        ),
        (
            f"throughput at {CONCURRENCY} in flight vs mlflow models serve",
            figures["throughput"] / figures["mlflow_throughput"],
            MIN_THROUGHPUT_VS_MLFLOW,
            False,
        ),
        (
            "median latency vs the model's in-process predict",
            figures["p50_ms"] / figures["in_process_ms"],
            MAX_P50_VS_IN_PROCESS,
            True,
        ),
    ):
        met = value <= limit if at_most else value >= limit
        sign = "<=" if at_most else ">="
        lines.append(
            f"{label}: x{value:.2f} (target {sign} x{limit:.2f}) {'ok' if met else 'OVER TARGET'}"
        )
    return lines


def print_results(
    results: dict[str, dict[str, LoadResult]], figures: dict[str, Any], console: Console
) -> None:
    """The side-by-side table, the in-process floor and the verdicts."""
    table = Table(title="Single-record predictions over HTTP (127.0.0.1)", title_justify="left")
    for header in ("server", "requests", "p50 ms", "p99 ms", "req/s", "not 200"):
        table.add_column(header, justify="left" if header in ("server", "requests") else "right")
    for server, runs in results.items():
        for run, label in (
            ("sequential", "one at a time"),
            ("concurrent", f"{CONCURRENCY} at once"),
        ):
            result = runs[run]
            table.add_row(
                server,
                label,
                f"{result.percentile(50):.1f}",
                f"{result.percentile(99):.1f}",
                f"{result.throughput:.0f}",
                f"{result.sent - result.ok}",
            )
    console.print(table)
    console.print(
        f"The champion's predict_proba on one record, in process: {figures['in_process_ms']:.1f} "
        "ms (median)"
    )
    for line in verdicts(figures):
        console.print(line)
    console.print(
        f"This service logged {figures['logged']:,} predictions for {figures['answered']:,} "
        "answered requests (warm-up included)."
    )
    console.print(
        f"Scores of the same {figures['compared']} records by mlflow models serve and by this "
        f"service's scoring: largest difference {figures['largest_score_difference']:.1e}."
    )
    for where, count in figures["failed"].items():
        console.print(f"{count} requests did not get a 200 ({where}).")

"""Serving benchmark: this service, `mlflow models serve` and a bare FastAPI app, side by side.

The three servers (bench_servers.py) run on 127.0.0.1 at each worker count asked for (1 and 2
by default) and are measured in the same run. The same client (load_generator.py) sends them
the same single-record requests: one at a time (latency, at the first worker count), then
CONCURRENCY at once (throughput); when wrk is installed it measures each server again with
CONCURRENCY connections (wrk.py), with far less client work per request. This service runs as in
production, its prediction log on (in a temporary file, so the project's own log is untouched),
with the experiment off so that it scores with one model, as MLflow does. The bare FastAPI app
parses the same body and answers a constant: the framework's ceiling on this machine. The
model's own predict_proba on one record, in this process, is timed too: the floor under any HTTP
service of this model.

Targets at the first worker count, all measured in the same run (ratios: the machine is shared):
- median latency one request at a time <= 0.25 x mlflow models serve;
- throughput with CONCURRENCY requests in flight >= 3 x mlflow models serve;
- throughput with CONCURRENCY requests in flight >= 0.5 x the bare FastAPI app (the ceiling);
- median latency one request at a time <= 2 x the in-process predict of one record.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.model.aliases import CHAMPION
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving import wrk
from {{ cookiecutter.package_name }}.serving.bench_servers import (
    CEILING,
    MLFLOW,
    SERVICE,
    START_SECONDS,
    Server,
    ceiling_server,
    mlflow_server,
    running,
    this_service,
)
from {{ cookiecutter.package_name }}.serving.load_generator import LoadResult, send_load, simulated_customers
from {{ cookiecutter.package_name }}.serving.model_store import ServedModel, load_alias
from {{ cookiecutter.package_name }}.serving.predict import records_frame, score
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

CONCURRENCY = 16
COMPARED = 50  # records both servers score, to check they give the same scores
WARM_UP = 20  # requests sent to each server before measuring (imports, caches, connections)
MAX_SECONDS = 120.0  # per measured run: the benchmark always stops
MAX_P50_VS_MLFLOW = 0.25
MIN_THROUGHPUT_VS_MLFLOW = 3.0
MIN_THROUGHPUT_VS_CEILING = 0.5
MAX_P50_VS_IN_PROCESS = 2.0
SEQUENTIAL, CONCURRENT, WRK = "one at a time", f"{CONCURRENCY} at once", "wrk"


@dataclass(frozen=True)
class Measured:
    """One server, at one worker count, under one load."""

    server: str
    workers: int
    startup_s: float
    load: str
    p50_ms: float
    p99_ms: float
    throughput: float
    failed: int
    answered: int


def from_load(server: str, workers: int, startup: float, load: str, result: LoadResult) -> Measured:
    """A run of the project's own client."""
    return Measured(
        server, workers, startup, load, result.percentile(50), result.percentile(99),
        result.throughput, result.sent - result.ok, result.ok,
    )  # fmt: skip


def from_wrk(server: str, workers: int, startup: float, result: wrk.WrkResult) -> Measured:
    """A wrk run."""
    return Measured(
        server, workers, startup, WRK, result.p50_ms, result.p99_ms,
        result.throughput, result.failed, result.requests - result.failed,
    )  # fmt: skip


def check_arguments(sequential: int, concurrent: int, workers: list[int], wrk_seconds: int) -> None:
    """One sentence for request counts, worker counts or a wrk duration out of range."""
    if not 1 <= sequential <= 100_000 or not CONCURRENCY <= concurrent <= 100_000:
        raise ProjectError(
            f"Give 1 to 100,000 sequential and {CONCURRENCY} to 100,000 concurrent requests."
        )
    if not workers or not all(1 <= count <= 16 for count in workers):
        raise ProjectError("Give one or more worker counts from 1 to 16 (--workers 1 --workers 2).")
    if not 1 <= wrk_seconds <= 600:
        raise ProjectError("Give wrk 1 to 600 seconds per run (--wrk-seconds).")


def measure_server(
    server: Server,
    workers: int,
    body: Callable[[int], Any],
    counts: tuple[int, int],
    wrk_seconds: int,
    while_running: Callable[[str], Any] | None = None,
) -> tuple[list[Measured], Any]:
    """Start the server, warm it up, run each load (and `while_running(url)`), stop it."""
    sequential, concurrent = counts
    url = server.base + server.predict_path
    rows, extra = [], None
    with running(server) as startup:
        send_load(url, body, WARM_UP, concurrency=1, max_seconds=MAX_SECONDS)
        if sequential:
            result = send_load(url, body, sequential, concurrency=1, max_seconds=MAX_SECONDS)
            rows.append(from_load(server.name, workers, startup, SEQUENTIAL, result))
        result = send_load(url, body, concurrent, concurrency=CONCURRENCY, max_seconds=MAX_SECONDS)
        rows.append(from_load(server.name, workers, startup, CONCURRENT, result))
        if wrk.installed():
            result = wrk.run(url, json.dumps(body(0)), CONCURRENCY, wrk_seconds)
            rows.append(from_wrk(server.name, workers, startup, result))
        if while_running is not None:
            extra = while_running(url)
    return rows, extra


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


def run(
    params: Params,
    sequential: int,
    concurrent: int,
    console: Console,
    workers: tuple[int, ...] | list[int] = (1, 2),
    wrk_seconds: int = 10,
) -> dict[str, Any]:
    """Benchmark the three servers at each worker count; print the tables and the verdicts."""
    workers = list(workers)
    check_arguments(sequential, concurrent, workers, wrk_seconds)
    records, _ = simulated_customers(params, max(sequential, concurrent) + WARM_UP, params.seed)
    # Fails here, with one sentence, when there is no champion to serve.
    model = load_alias(params.registry.model_name, CHAMPION, input_columns(params))
    bodies = [mlflow_body([record], model.columns) for record in records]
    rows: list[Measured] = []
    logged, theirs = 0, np.array([])
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as workdir:
        for index, count in enumerate(workers):
            # Latency one request at a time does not depend on the workers: measured once.
            counts = (sequential if index == 0 else 0, concurrent)
            folder = Path(workdir) / f"{count}-workers"
            folder.mkdir()
            console.print(f"Measuring the three servers with {count} worker(s)…")
            service = this_service(params, count, folder)
            ours, _ = measure_server(service, count, lambda i: records[i], counts, wrk_seconds)
            logged += PredictionLog(f"sqlite:///{folder / 'predictions.db'}").count()
            mlflow = mlflow_server(params, count)
            compare = (
                (lambda url: mlflow_scores(url, records[:COMPARED], model.columns))
                if index == 0
                else None
            )
            mlflow_rows, scores = measure_server(
                mlflow, count, lambda i: bodies[i], counts, wrk_seconds, compare
            )
            theirs = scores if scores is not None else theirs
            ceiling, _ = measure_server(
                ceiling_server(count), count, lambda i: records[i], counts, wrk_seconds
            )
            rows += ours + mlflow_rows + ceiling
    ours_scores, _ = score(model, records[:COMPARED], params)
    figures = summary(rows, workers[0], in_process_ms(model, params, records, min(sequential, 200)))
    figures["logged"] = logged
    served = sum(r.answered for r in rows if r.server == SERVICE)
    figures["answered"] = WARM_UP * len(workers) + served
    figures["compared"] = len(ours_scores)
    figures["largest_score_difference"] = float(np.max(np.abs(ours_scores - theirs)))
    print_results(rows, figures, console)
    return figures


def pick(rows: list[Measured], server: str, workers: int, load: str) -> Measured:
    """The row of one server, worker count and load."""
    return next(r for r in rows if (r.server, r.workers, r.load) == (server, workers, load))


def summary(rows: list[Measured], workers: int, in_process: float) -> dict[str, Any]:
    """The figures the targets are about (at `workers`), and any request that did not get a 200."""
    return {
        "p50_ms": pick(rows, SERVICE, workers, SEQUENTIAL).p50_ms,
        "mlflow_p50_ms": pick(rows, MLFLOW, workers, SEQUENTIAL).p50_ms,
        "throughput": pick(rows, SERVICE, workers, CONCURRENT).throughput,
        "mlflow_throughput": pick(rows, MLFLOW, workers, CONCURRENT).throughput,
        "ceiling_throughput": pick(rows, CEILING, workers, CONCURRENT).throughput,
        "in_process_ms": in_process,
        "startup_s": {f"{r.server}, {r.workers} worker(s)": r.startup_s for r in rows},
        "wrk": any(r.load == WRK for r in rows),
        "failed": {
            f"{r.server}, {r.workers} worker(s), {r.load}": r.failed for r in rows if r.failed
        },
    }


def ratios(rows: list[Measured]) -> list[str]:
    """This service's throughput against the other two, per worker count and client."""
    lines = []
    for workers in sorted({r.workers for r in rows}):
        for load in (CONCURRENT, WRK):
            found = [r for r in rows if r.workers == workers and r.load == load]
            if len(found) == 3:
                ours, theirs, ceiling = (
                    pick(found, name, workers, load) for name in (SERVICE, MLFLOW, CEILING)
                )
                vs_mlflow = ours.throughput / theirs.throughput
                vs_ceiling = ours.throughput / ceiling.throughput
                lines.append(
                    f"{workers} worker(s), {load}: this service serves x{vs_mlflow:.2f} mlflow "
                    f"models serve's requests/s and x{vs_ceiling:.2f} the bare FastAPI ceiling's"
                )
    return lines


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
            f"throughput at {CONCURRENCY} in flight vs the bare FastAPI ceiling",
            figures["throughput"] / figures["ceiling_throughput"],
            MIN_THROUGHPUT_VS_CEILING,
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


def results_table(rows: list[Measured]) -> Table:
    """Every measurement side by side."""
    table = Table(title="Single-record predictions over HTTP (127.0.0.1)", title_justify="left")
    headers = ("server", "workers", "start s", "load", "p50 ms", "p99 ms", "req/s", "not 200")
    for header in headers:
        table.add_column(header, justify="left" if header in ("server", "load") else "right")
    for r in rows:
        table.add_row(
            r.server, str(r.workers), f"{r.startup_s:.1f}", r.load, f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}", f"{r.throughput:.0f}", str(r.failed),
        )  # fmt: skip
    return table


def print_results(rows: list[Measured], figures: dict[str, Any], console: Console) -> None:
    """The side-by-side table, the ratios, the in-process floor and the verdicts."""
    console.print(results_table(rows))
    if not figures["wrk"]:
        console.print("wrk is not installed: only the project's own client measured.")
    for line in ratios(rows):
        console.print(line, soft_wrap=True)
    console.print(
        f"The champion's predict_proba on one record, in process: {figures['in_process_ms']:.1f} "
        "ms (median)"
    )
    for line in verdicts(figures):
        console.print(line)
    console.print(
        f"This service logged {figures['logged']:,} predictions for {figures['answered']:,} "
        "answered requests (warm-up included"
        + ("; wrk stops with up to 16 answers unread)." if figures["wrk"] else ").")
    )
    console.print(
        f"Scores of the same {figures['compared']} records by mlflow models serve and by this "
        f"service's scoring: largest difference {figures['largest_score_difference']:.1e}."
    )
    for where, count in figures["failed"].items():
        console.print(f"{count} requests did not get a 200 ({where}).")

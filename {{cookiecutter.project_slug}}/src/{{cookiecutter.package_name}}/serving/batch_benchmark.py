"""Benchmark of batch scoring (`bench score`): time per million customers and peak memory.

1. The synthetic generator writes N customers to a temporary CSV, 100,000 at a time, so the
   input of a million rows never sits in this process's memory either.
2. A fresh Python process (`python -m` this module) loads the champion and scores the file with
   `model score`'s own code, without the prediction log; it prints its seconds and its peak
   resident memory (ru_maxrss: imports, the model and the chunks, everything the OS counted).
3. Beside it, the single-request path: the champion on one record at a time, in this process
   (the serving benchmark's in-process figures), scaled to a million customers.

The target: a million customers within 2 GB of peak memory, whatever the file size, because
memory grows with `serving.batch_chunk_rows`, not with the rows.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.synthetic import generate
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.terminal import print_table

MAX_PEAK_MB = 2048  # a million customers within 2 GB
GENERATE_ROWS = 100_000  # rows generated (and held) at a time
SINGLE_RECORDS = 200  # single requests timed, each path
# CPU seconds beside the wall clock: on a shared machine the wall clock also counts the waits.
HEADERS = ("rows", "seconds", "CPU seconds", "s per million", "peak MB", "chunk rows")


def write_input(params: Params, path: Path, n_rows: int) -> list[dict]:
    """Write n_rows synthetic customers (no churn column) to a CSV; return a few as records."""
    written, part = 0, 0
    sample: list[dict] = []
    while written < n_rows:
        size = min(GENERATE_ROWS, n_rows - written)
        frame, _ = generate(size, params.data.dirt, params.columns, params.seed + part)
        frame = frame.drop(columns=[params.columns.target])
        # Each part's generator numbers its customers from 0: a prefix keeps the ids apart.
        frame[params.columns.id] = f"P{part}-" + frame[params.columns.id]
        frame.to_csv(path, mode="a" if written else "w", header=not written, index=False)
        if not sample:
            sample = frame.head(SINGLE_RECORDS).to_dict("records")
        written, part = written + size, part + 1
    return sample


def measure_batch(params: Params, source: Path) -> dict[str, float]:
    """Score `source` in a fresh process; its seconds, rows and peak memory."""
    result = subprocess.run(
        [sys.executable, "-m", __name__, str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProjectError(f"Batch scoring in the benchmark failed: {last}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def single_request_ms(params: Params, records: list[dict]) -> dict[str, float]:
    """Median milliseconds per customer on the single-request paths, in this process."""
    from {{ cookiecutter.package_name }}.serving.batch_score import load_champion
    from {{ cookiecutter.package_name }}.serving.benchmark import in_process_ms

    model = load_champion(params)
    figures = {"pipeline": in_process_ms(model, params, records, len(records))}
    if model.scorer is not None:
        raws = [{name: record.get(name) for name in model.columns} for record in records]
        model.scorer.score(raws[0])
        seconds = []
        for raw in raws:
            started = time.perf_counter()
            model.scorer.score(raw)
            seconds.append(time.perf_counter() - started)
        figures["record scorer"] = float(np.median(seconds) * 1000)
    return figures


def run(params: Params, sizes: list[int], console: Console) -> list[dict[str, float]]:
    """Measure batch scoring at each size and print it beside the single-request path."""
    results, records = [], []
    with tempfile.TemporaryDirectory(prefix="bench-score-") as workdir:
        for n_rows in sizes:
            source = Path(workdir) / f"customers-{n_rows}.csv"
            with console.status(f"bench score: writing {n_rows:,} customers..."):
                records = write_input(params, source, n_rows)
            with console.status(f"bench score: scoring {n_rows:,} customers..."):
                results.append(measure_batch(params, source))
            source.unlink()
    with console.status("bench score: single requests..."):
        single = single_request_ms(params, records)
    rows = [
        (
            f"{int(r['rows']):,}",
            f"{r['seconds']:.1f}",
            f"{r['cpu_seconds']:.1f}",
            f"{r['seconds'] * 1e6 / r['rows']:.0f}",
            f"{r['peak_mb']:.0f}",
            f"{params.serving.batch_chunk_rows:,}",
        )
        for r in results
    ]
    print_table("Batch scoring (model score): seconds and peak memory", rows, HEADERS)
    for line in verdicts(results, single):
        console.print(line)
    return results


def verdicts(results: list[dict[str, float]], single: dict[str, float]) -> list[str]:
    """Time per million customers, batch against single requests, and the memory target."""
    largest = results[-1]
    batch = largest["seconds"] * 1e6 / largest["rows"]
    lines = [f"batch scoring: {batch:,.0f} s per million customers"]
    for path, ms in single.items():
        per_million = ms * 1000  # ms per customer x 1e6 customers / 1000 ms per second
        lines.append(
            f"single requests ({path}, in process): {per_million:,.0f} s per million customers "
            f"({per_million / batch:.1f}x the batch time)"
        )
    verdict = "within" if largest["peak_mb"] <= MAX_PEAK_MB else "ABOVE"
    lines.append(
        f"peak memory at {int(largest['rows']):,} rows: {largest['peak_mb']:.0f} MB, {verdict} "
        f"the target of {MAX_PEAK_MB:,} MB"
    )
    return lines


def main(source: str) -> None:
    """Child process: score `source` with the champion, no log; print seconds and peak MB."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.serving.batch_score import load_champion, score_file

    params = load_params()
    model = load_champion(params)
    started, cpu_started = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix="bench-scored-") as workdir:
        result = score_file(params, model, Path(source), Path(workdir) / "scores.parquet")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    figures = {"rows": result.customers, "seconds": seconds, "cpu_seconds": cpu_seconds}
    print(json.dumps({**figures, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main(sys.argv[1])

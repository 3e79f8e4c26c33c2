"""Benchmarks: time and peak memory of the stages at several sizes, printed beside their targets.

Each size runs in a fresh Python process so one size's peak memory cannot hide another's,
and all sizes run in the same session so they share the machine's current load: compare the
ratios between sizes, not the absolute seconds, on a shared machine.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError

# Targets from the project's requirements, printed beside the measurements.
# Near-linear growth: 5x the rows (200k -> 1M) may take at most 6x the time, so the cost per
# row may grow by at most 6 / 5 between the two largest sizes.
MAX_PER_ROW_GROWTH = 6.0 / 5.0
MAX_PEAK_MB = 4096  # peak memory at 1M rows
STAGES = ("acquire", "validate", "clean")


def measure_data_stages() -> dict[str, float]:
    """Run acquire, validate (raw) and clean in the current directory: seconds and peak MB."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import acquire, clean, validate

    params = load_params()
    figures: dict[str, float] = {}
    for name, step in (
        ("acquire", lambda: acquire.run(params)),
        ("validate", lambda: validate.run(params, "raw")),
        ("clean", lambda: clean.run(params)),
    ):
        start = time.perf_counter()
        step()
        figures[name] = time.perf_counter() - start
    # ru_maxrss is in kilobytes on Linux: the peak resident memory of this whole process.
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def measure_in_subprocess(params: Params, n_rows: int) -> dict[str, float]:
    """Measure the data stages on n_rows rows in a fresh process and a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        # Always the synthetic generator: its size is the variable being measured.
        data = params.data.model_copy(
            update={"n_rows": n_rows, "source": "synthetic", "csv_path": None}
        )
        raw = params.model_copy(update={"data": data}).model_dump(mode="json")
        (Path(workdir) / "params.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", __name__],
            cwd=workdir,
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        last_line = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProjectError(f"The benchmark at {n_rows} rows failed: {last_line}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def growth_verdict(rows: list[int], totals: list[float]) -> str:
    """Describe how time grows between the two largest sizes, against the near-linear target."""
    if len(rows) < 2:
        return "Give at least two sizes to see how time grows."
    row_ratio = rows[-1] / rows[-2]
    time_ratio = totals[-1] / totals[-2]
    per_row = time_ratio / row_ratio
    status = "ok" if per_row <= MAX_PER_ROW_GROWTH else "OVER TARGET"
    return (
        f"{rows[-2]:,} -> {rows[-1]:,} rows (x{row_ratio:.1f}): time x{time_ratio:.2f}, "
        f"cost per row x{per_row:.2f} (target <= x{MAX_PER_ROW_GROWTH:.2f}) {status}"
    )


def run_data_bench(params: Params, sizes: list[int], console: Console) -> list[dict[str, float]]:
    """Measure every size, then print one table and the verdicts against the targets."""
    sizes = sorted(set(sizes))
    if not sizes or min(sizes) < 100:
        raise ProjectError("Give benchmark sizes of at least 100 rows, e.g. 20000 200000 1000000.")
    results = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("benchmarking the data stages", total=len(sizes))
        for n_rows in sizes:
            progress.update(task, description=f"{n_rows:,} rows")
            results.append({"rows": n_rows, **measure_in_subprocess(params, n_rows)})
            progress.advance(task)

    table = Table(title="Data stages: seconds and peak memory", title_justify="left")
    for header in ("rows", *STAGES, "total s", "s per 100k rows", "peak MB"):
        table.add_column(header, justify="right")
    for row in results:
        total = sum(row[stage] for stage in STAGES)
        row["total"] = total
        table.add_row(
            f"{row['rows']:,}",
            *(f"{row[stage]:.2f}" for stage in STAGES),
            f"{total:.2f}",
            f"{total / row['rows'] * 100_000:.2f}",
            f"{row['peak_mb']:.0f}",
        )
    console.print(table)
    console.print(growth_verdict(sizes, [row["total"] for row in results]))
    peak = results[-1]["peak_mb"]
    status = "ok" if peak <= MAX_PEAK_MB else "OVER TARGET"
    console.print(
        f"peak memory at {sizes[-1]:,} rows: {peak:.0f} MB (target <= {MAX_PEAK_MB} MB) {status}"
    )
    return results


if __name__ == "__main__":
    # Child process of measure_in_subprocess: print one JSON line for the parent.
    print(json.dumps(measure_data_stages()))

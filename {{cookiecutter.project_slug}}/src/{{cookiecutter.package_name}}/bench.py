"""Benchmarks: time and peak memory of the stages at several sizes, printed beside their targets.

Each measurement runs in a fresh Python process (`python -m this_module KIND`) so one size's
peak memory or warm caches cannot hide another's, and all run in the same session so they share
the machine's current load: compare the ratios, not the absolute seconds, on a shared machine.

- data: acquire, validate and clean at each size (near-linear growth, peak memory);
- model: one fit of every algorithm at each size, then the train stage on the default data
  split into model work (fit, predict), the learning and validation curves (diagnostics that
  `model.curves: false` skips, shown apart) and overhead (imports, MLflow logging, figures,
  the rest), against the target: overhead at most 30% of the fit time.

What counts as overhead: the stage's time outside fitting and predicting, including the
import of MLflow, matplotlib, skops and this project. The import of the model libraries
themselves (numpy, pandas, SciPy, scikit-learn: 2-3 s here) is shown in its own column and
not counted, because any script that fits this pipeline pays it; the verdict also prints the
share with it counted, so both readings are in front of you.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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
# The train stage's time outside model fitting, as a share of its fitting time.
MAX_OVERHEAD_SHARE = 0.30
# The whole stage (imports included) over one fit of the final model.
MAX_STAGE_TO_FINAL_FIT = 10.0
OVERHEAD_PARTS = ("imports", "mlflow", "figures", "other")
STAGE_PARTS = ("libraries", "fit", "predict", "curves", *OVERHEAD_PARTS)


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


def prepare_split(params: Params) -> None:
    """Make the development rows the model stages read: acquire, clean, split."""
    from {{ cookiecutter.package_name }}.data import acquire, clean
    from {{ cookiecutter.package_name }}.model import split

    acquire.run(params)
    clean.run(params)
    split.run(params)


def measure_model_fits() -> dict[str, float]:
    """Seconds of one fit of each algorithm's pipeline on the development rows."""
    import pandas as pd

    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, build_estimator
    from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
    from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA

    params = load_params()
    prepare_split(params)
    development = pd.read_parquet(DEVELOPMENT_DATA)
    X, y = model_input(development, params), development[params.columns.target]
    seconds = {}
    for name in ALGORITHMS:
        hyperparameters = params.model.hyperparameters.get(name, {})
        pipeline = build_pipeline(params, build_estimator(name, hyperparameters, params.seed))
        start = time.perf_counter()
        pipeline.fit(X, y)
        seconds[name] = time.perf_counter() - start
    return seconds


class Stopwatch:
    """Seconds spent in wrapped functions, by part; a call inside a timed call is not recounted."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.running = False

    def wrap(self, part: str, function: Callable) -> Callable:
        """The function, timed under `part`."""

        @functools.wraps(function)
        def timed(*args: object, **kwargs: object) -> object:
            if self.running:
                return function(*args, **kwargs)
            self.running = True
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[part] = self.seconds.get(part, 0.0) + time.perf_counter() - start
                self.running = False

        return timed


def measure_train_stage() -> dict[str, float]:
    """Time the train stage by part: fit, predict, curves, MLflow logging, figures, the rest.

    The tracking store is created before the clock starts: its first creation (seconds of
    schema migrations) happens once per project, not once per training.
    """
    # Timed apart: the model libraries any fit of this pipeline needs (the modules that build
    # it import numpy, pandas, SciPy and the scikit-learn estimators), then the stage's tooling.
    start = time.perf_counter()
    from sklearn.pipeline import Pipeline

    from {{ cookiecutter.package_name }}.model import algorithms, features  # noqa: F401

    libraries = time.perf_counter() - start
    start = time.perf_counter()
    import mlflow  # noqa: F401  (timed: the stage imports it)
    import skops.io  # noqa: F401  (timed: the stage saves its models with it)

    from {{ cookiecutter.package_name }} import files
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import tracking, train

    imports = time.perf_counter() - start
    params = load_params()
    prepare_split(params)
    tracking.connect(params.registry.model_name)
    watch, final = Stopwatch(), Stopwatch()
    # Timing wrappers, for this measuring process only: the stage's code is unchanged.
    Pipeline.fit = watch.wrap("fit", Pipeline.fit)
    Pipeline.predict_proba = watch.wrap("predict", Pipeline.predict_proba)
    train.log_run = watch.wrap("mlflow", train.log_run)
    # The curves' own fits and figures count as curves, not as fit or figures.
    train.bias_variance_curves = watch.wrap("curves", train.bias_variance_curves)
    files.save_figure = watch.wrap("figures", files.save_figure)
    # Its own stopwatch: the final model's fit is also counted in "fit" above.
    train.fit_final = final.wrap("final fit", train.fit_final)
    start = time.perf_counter()
    train.run(params)
    total = time.perf_counter() - start
    timed = ("fit", "predict", "curves", "mlflow", "figures")
    parts = {part: watch.seconds.get(part, 0.0) for part in timed}
    parts["other"] = total - sum(parts.values())
    return {"libraries": libraries, "imports": imports, **parts, **final.seconds}


MEASURES: dict[str, Callable[[], dict[str, float]]] = {
    "data": measure_data_stages,
    "fits": measure_model_fits,
    "train": measure_train_stage,
}


def measure_in_subprocess(params: Params, n_rows: int, kind: str = "data") -> dict[str, float]:
    """Run one of MEASURES on n_rows rows in a fresh process and a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        # Always the synthetic generator: its size is the variable being measured.
        data = params.data.model_copy(
            update={"n_rows": n_rows, "source": "synthetic", "csv_path": None}
        )
        raw = params.model_copy(update={"data": data}).model_dump(mode="json")
        (Path(workdir) / "params.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", __name__, kind],
            cwd=workdir,
            # Runs go to a throw-away store, never to the project's or a server's.
            env={**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{workdir}/mlflow.db"},
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


def overhead_verdict(parts: dict[str, float]) -> str:
    """Say how the train stage's overhead (not fit, not predict) compares with its fit time."""
    overhead = sum(parts[part] for part in OVERHEAD_PARTS)
    share = overhead / parts["fit"]
    with_libraries = (overhead + parts["libraries"]) / parts["fit"]
    status = "ok" if share <= MAX_OVERHEAD_SHARE else "OVER TARGET"
    return (
        f"train stage overhead (imports, MLflow, figures, the rest): {overhead:.1f} s = "
        f"{share:.0%} of the {parts['fit']:.1f} s of fitting (target <= "
        f"{MAX_OVERHEAD_SHARE:.0%}) {status}; {with_libraries:.0%} when the import of the "
        "model libraries, which any fit needs, is counted too"
    )


def stage_verdict(parts: dict[str, float]) -> str:
    """Say how the whole train stage compares with one fit of its final model."""
    stage = sum(parts[part] for part in STAGE_PARTS)
    ratio = stage / parts["final fit"]
    status = "ok" if ratio <= MAX_STAGE_TO_FINAL_FIT else "OVER TARGET"
    return (
        f"train stage: {stage:.1f} s in all, x{ratio:.0f} its final fit of "
        f"{parts['final fit']:.2f} s (target <= x{MAX_STAGE_TO_FINAL_FIT:.0f}) {status}"
    )


def run_model_bench(
    params: Params, sizes: list[int], console: Console
) -> tuple[list[dict[str, float]], dict[str, float]]:
    """Time every algorithm's fit at each size, then the train stage on the params' data size."""
    sizes = sorted(set(sizes))
    if not sizes or min(sizes) < 1000:
        raise ProjectError("Give model benchmark sizes of at least 1000 rows, e.g. 20000 200000.")
    fits = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("benchmarking the model fits", total=len(sizes) + 1)
        for n_rows in sizes:
            progress.update(task, description=f"fits at {n_rows:,} rows")
            fits.append(measure_in_subprocess(params, n_rows, "fits"))
            progress.advance(task)
        progress.update(task, description=f"train stage at {params.data.n_rows:,} rows")
        parts = measure_in_subprocess(params, params.data.n_rows, "train")
        progress.advance(task)

    table = Table(title="Model fits: seconds per algorithm (one fit)", title_justify="left")
    table.add_column("algorithm")
    for n_rows in sizes:
        table.add_column(f"{n_rows:,} rows", justify="right")
    if len(sizes) > 1:
        table.add_column(f"time x (rows x{sizes[-1] / sizes[0]:.0f})", justify="right")
    for name in sorted(fits[-1], key=fits[-1].get):
        cells = [f"{row[name]:.2f}" for row in fits]
        if len(sizes) > 1:
            cells.append(f"x{fits[-1][name] / fits[0][name]:.1f}")
        table.add_row(name, *cells)
    console.print(table)
    stage = Table(
        title=f"Train stage at {params.data.n_rows:,} rows ({params.model.name}): seconds",
        title_justify="left",
    )
    for part in STAGE_PARTS:
        stage.add_column(part, justify="right")
    stage.add_row(*(f"{parts[part]:.2f}" for part in STAGE_PARTS))
    console.print(stage)
    console.print(overhead_verdict(parts))
    console.print(stage_verdict(parts))
    return fits, parts


if __name__ == "__main__":
    # Child process of measure_in_subprocess: print one JSON line for the parent.
    print(json.dumps(MEASURES[sys.argv[1]]()))

"""Monitoring benchmark: how often does `monitor check` cry wolf, and how fast is it?

1. False alarms. Many windows of traffic with no drift at all: customers from the data
   generator's training period, scored by the trained model, outcomes from the generator.
   Each window goes through the same check as `monitor check` (monitor.check_version). The
   share of windows that raise an alert is the false-alarm rate; target: at most 5%.
2. Speed. The check of one window of 10,000 and of 100,000 current rows, every column: the
   parsing of the logged records, the version's cleaner, every drift test and the metrics.
   Targets: 100,000 rows within a few seconds (10 s here, a shared 2-core machine), and
   linear growth (10x the rows within 15x the time).

It reads the local outputs of the pipeline (models/, reports/metrics.json), not the registry:
what `make pipeline` just trained is what it measures.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.monitoring.monitor import Version, check_version
from {{ cookiecutter.package_name }}.monitoring.simulate import training_period
from {{ cookiecutter.package_name }}.paths import METRICS_JSON, MODEL_FILE, TRAINING_JSON, TRAINING_PROFILE

MAX_FALSE_ALARM_RATE = 0.05
MAX_SECONDS_100K = 10.0
MAX_GROWTH = 15.0
AWAITING = 0.2


def local_version(params: Params) -> tuple[Version, Any, float]:
    """The pipeline's trained model as a monitored version, with the model and its threshold."""
    training = files.read_json(TRAINING_JSON)
    model = tracking.load_model(MODEL_FILE, training["sha256"])
    metrics = files.read_json(METRICS_JSON)
    profile = files.read_parquet(TRAINING_PROFILE)
    test_metrics = {name: values["estimate"] for name, values in metrics["model"].items()}
    version = Version(version="local", cleaner=model[0], profile=profile, test_metrics=test_metrics)
    return version, model, float(metrics["threshold"])


def scored_window(
    records: list[dict[str, Any]],
    churned: np.ndarray,
    model: Any,
    threshold: float,
    params: Params,
    awaiting: float = AWAITING,
) -> pd.DataFrame:
    """The records as the prediction log gives them back: scored, decided, the older labelled."""
    from {{ cookiecutter.package_name }}.serving.predict import records_frame

    scores = model.predict_proba(records_frame(records, params))[:, 1]
    outcome = churned.astype(float)
    outcome[len(outcome) - round(awaiting * len(outcome)) :] = np.nan  # the newest await theirs
    return pd.DataFrame(
        {
            "inputs": records,
            "score": scores,
            "decision": (scores >= threshold).astype(int),
            "outcome": outcome,
            "variant": "champion",
            "served": True,
        }
    )


def quiet_window(params: Params, model: Any, threshold: float, n: int, seed: int) -> pd.DataFrame:
    """A window of n customers with no drift at all: the training period, as generated."""
    records, churned = training_period(params, n, seed)
    return scored_window(records, churned, model, threshold, params)


def false_alarms(params: Params, seeds: int, n: int) -> dict[str, Any]:
    """Run the check on `seeds` drift-free windows of n customers; count the alerts by kind."""
    version, model, threshold = local_version(params)
    kinds: dict[str, int] = {"Data drift": 0, "Performance": 0}
    alarmed = 0
    for seed in range(seeds):
        result = check_version(version, quiet_window(params, model, threshold, n, seed), params)
        alarmed += bool(result["alerts"])
        for alert in result["alerts"]:
            kinds[alert.split(":")[0]] += 1
    return {"windows": seeds, "customers": n, "alarmed": alarmed, "by_kind": kinds}


def check_seconds(params: Params, rows: int) -> float:
    """Seconds of one check of a drift-free window of `rows` customers (scoring not counted)."""
    version, model, threshold = local_version(params)
    window = quiet_window(params, model, threshold, rows, seed=rows)
    start = time.perf_counter()
    check_version(version, window, params)
    return time.perf_counter() - start


def run(params: Params, seeds: int, n: int, rows: list[int], console: Console) -> dict[str, Any]:
    """Measure the false-alarm rate and the check's time; print both against their targets."""
    console.print(f"Checking {seeds} drift-free windows of {n:,} customers…")
    alarms = false_alarms(params, seeds, n)
    rate = alarms["alarmed"] / seeds
    timings = {size: check_seconds(params, size) for size in rows}

    table = Table(title="Monitoring: false alarms and speed", title_justify="left")
    for header in ("figure", "measured", "target", "verdict"):
        table.add_column(header, justify="left" if header == "figure" else "right")
    detail = ", ".join(f"{kind} {count}" for kind, count in alarms["by_kind"].items())
    table.add_row(
        f"false-alarm rate ({detail})",
        f"{rate:.1%}",
        f"<= {MAX_FALSE_ALARM_RATE:.0%}",
        verdict(rate <= MAX_FALSE_ALARM_RATE),
    )
    for size, seconds in timings.items():
        table.add_row(f"check of {size:,} rows", f"{seconds:.2f} s", "", "")
    figures: dict[str, Any] = {"false_alarm_rate": rate, **alarms, "seconds": timings}
    if 100_000 in timings:
        table.add_row(
            "check of 100,000 rows",
            f"{timings[100_000]:.2f} s",
            f"<= {MAX_SECONDS_100K:g} s",
            verdict(timings[100_000] <= MAX_SECONDS_100K),
        )
    if {10_000, 100_000} <= set(timings):
        growth = timings[100_000] / timings[10_000]
        figures["growth"] = growth
        table.add_row(
            "time at 100,000 / at 10,000 rows",
            f"x{growth:.1f}",
            f"<= x{MAX_GROWTH:g}",
            verdict(growth <= MAX_GROWTH),
        )
    console.print(table)
    return figures


def verdict(ok: bool) -> str:
    """The word for a target met or missed."""
    return "ok" if ok else "MISSED"

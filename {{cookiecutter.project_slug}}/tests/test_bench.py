"""The benchmarks measure in fresh processes and judge growth and overhead against the targets."""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console

from {{ cookiecutter.package_name }}.bench import (
    STAGE_PARTS,
    Stopwatch,
    growth_verdict,
    overhead_verdict,
    run_data_bench,
    run_model_bench,
    stage_verdict,
)
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS

from .conftest import require_exercises


def test_linear_growth_is_within_target() -> None:
    verdict = growth_verdict([200_000, 1_000_000], [10.0, 52.0])

    assert "time x5.20, cost per row x1.04 (target <= x1.20) ok" in verdict


def test_superlinear_growth_is_flagged() -> None:
    verdict = growth_verdict([200_000, 1_000_000], [10.0, 80.0])

    assert "cost per row x1.60" in verdict
    assert verdict.endswith("OVER TARGET")


def test_one_size_cannot_show_growth() -> None:
    assert growth_verdict([1000], [1.0]).startswith("Give at least two sizes")


def test_a_small_bench_measures_every_stage(project_dir: Path, shipped_params: Params) -> None:
    require_exercises(1, 9, 10)  # cleaning clips, repairs typos; raw validation counts them
    console = Console(record=True, width=120)

    results = run_data_bench(shipped_params, [600, 300], console)

    assert [row["rows"] for row in results] == [300, 600]
    for row in results:
        assert row["acquire"] > 0 and row["validate"] > 0 and row["clean"] > 0
        assert 50 < row["peak_mb"] < 4096
    output = console.export_text()
    assert "Data stages: seconds and peak memory" in output
    assert "peak memory at 600 rows" in output
    assert list(project_dir.iterdir()) == [project_dir / "params.yaml"]


def test_overhead_within_a_third_of_fit_time_is_ok() -> None:
    parts = {
        "libraries": 3.0,
        "fit": 40.0,
        "predict": 5.0,
        "imports": 4.0,
        "mlflow": 1.0,
        "figures": 1.0,
        "other": 2.0,
    }

    verdict = overhead_verdict(parts)

    assert verdict.startswith(
        "train stage overhead (imports, MLflow, figures, the rest): 8.0 s = 20%"
    )
    assert "20% of the 40.0 s of fitting (target <= 30%) ok; 28% when the import" in verdict


def test_overhead_above_the_target_is_flagged() -> None:
    parts = {
        "libraries": 2.0,
        "fit": 10.0,
        "predict": 1.0,
        "imports": 4.0,
        "mlflow": 1.0,
        "figures": 0.5,
        "other": 0.5,
    }

    assert "60% of the 10.0 s of fitting (target <= 30%) OVER TARGET; 80% when" in (
        overhead_verdict(parts)
    )


def test_the_stage_is_compared_with_one_fit_of_its_final_model() -> None:
    parts = {"libraries": 3.0, "fit": 6.0, "predict": 1.0, "curves": 5.0}
    parts |= {"imports": 2.0, "mlflow": 2.0, "figures": 0.5, "other": 0.5, "final fit": 2.0}

    assert stage_verdict(parts) == (
        "train stage: 20.0 s in all, x10 its final fit of 2.00 s (target <= x10) ok"
    )
    parts["final fit"] = 0.5
    assert stage_verdict(parts).endswith("x40 its final fit of 0.50 s (target <= x10) OVER TARGET")


def test_the_stopwatch_does_not_count_a_nested_call_twice() -> None:
    watch = Stopwatch()
    inner = watch.wrap("fit", lambda: sum(range(1000)))
    outer = watch.wrap("fit", lambda: inner() + inner())

    assert outer() == 2 * sum(range(1000))
    assert list(watch.seconds) == ["fit"]
    assert 0 < watch.seconds["fit"] < 1


def test_a_small_model_bench_times_every_algorithm_and_the_train_stage(
    project_dir: Path, shipped_params: Params
) -> None:
    require_exercises(1, 3, 9, 11, 13)  # cleaning (1, 9); training: 11, 3 and the curves' 13
    console = Console(record=True, width=120)
    data = shipped_params.data.model_copy(update={"n_rows": 1500})
    validation = shipped_params.validation.model_copy(update={"n_splits": 3})
    small = shipped_params.model_copy(update={"data": data, "validation": validation})

    fits, parts = run_model_bench(small, [1000], console)

    assert len(fits) == 1
    assert set(fits[0]) == set(ALGORITHMS)
    assert all(seconds > 0 for seconds in fits[0].values())
    # Every part was measured; the curves (shipped params: on) apart from the fit.
    assert all(parts[part] > 0 for part in STAGE_PARTS if part != "other"), parts
    # The final model's fit, timed apart, is one of the fits.
    assert 0 < parts["final fit"] < parts["fit"]
    output = console.export_text()
    assert "Model fits: seconds per algorithm" in output
    assert f"Train stage at 1,500 rows ({shipped_params.model.name})" in output
    assert re.search(r"train stage: [0-9.]+ s in all, x[0-9]+ its final fit of", output)
    assert list(project_dir.iterdir()) == [project_dir / "params.yaml"]

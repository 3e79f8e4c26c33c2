"""The benchmark measures each size in its own process and judges growth against the target."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from {{ cookiecutter.package_name }}.bench import growth_verdict, run_data_bench
from {{ cookiecutter.package_name }}.config import Params


def test_linear_growth_is_within_target() -> None:
    verdict = growth_verdict([200_000, 1_000_000], [10.0, 52.0])

    assert "time x5.20, cost per row x1.04 (target <= x1.20) ok" in verdict


def test_superlinear_growth_is_flagged() -> None:
    verdict = growth_verdict([200_000, 1_000_000], [10.0, 80.0])

    assert "cost per row x1.60" in verdict
    assert verdict.endswith("OVER TARGET")


def test_one_size_cannot_show_growth() -> None:
    assert growth_verdict([1000], [1.0]).startswith("Give at least two sizes")


def test_a_small_bench_measures_every_stage(project_dir: Path, params: Params) -> None:
    console = Console(record=True, width=120)

    results = run_data_bench(params, [600, 300], console)

    assert [row["rows"] for row in results] == [300, 600]
    for row in results:
        assert row["acquire"] > 0 and row["validate"] > 0 and row["clean"] > 0
        assert 50 < row["peak_mb"] < 4096
    output = console.export_text()
    assert "Data stages: seconds and peak memory" in output
    assert "peak memory at 600 rows" in output
    assert list(project_dir.iterdir()) == [project_dir / "params.yaml"]

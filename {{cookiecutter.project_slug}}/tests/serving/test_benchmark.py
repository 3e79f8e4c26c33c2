"""make bench-serve: both servers really run and answer; the verdicts read the ratios right."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.serving import benchmark

MEASURED = {"p50_ms": 3.0, "mlflow_p50_ms": 20.0, "throughput": 300.0, "mlflow_throughput": 40.0}


def test_the_verdicts_compare_each_ratio_with_its_target() -> None:
    lines = benchmark.verdicts({**MEASURED, "in_process_ms": 15.0})

    assert lines == [
        "median latency vs mlflow models serve: x0.15 (target <= x0.25) ok",
        "throughput at 16 in flight vs mlflow models serve: x7.50 (target >= x3.00) ok",
        "median latency vs the model's in-process predict: x0.20 (target <= x2.00) ok",
    ]


def test_a_missed_target_is_flagged() -> None:
    slow = {**MEASURED, "p50_ms": 10.0, "throughput": 80.0, "in_process_ms": 4.0}

    assert [line.endswith("OVER TARGET") for line in benchmark.verdicts(slow)] == [True] * 3


def test_bad_request_counts_are_one_sentence(workspace_params: Params) -> None:
    with pytest.raises(ProjectError, match="Give 1 to 100,000 sequential and 16 to 100,000"):
        benchmark.run(workspace_params, sequential=0, concurrent=100, console=Console())


def test_both_servers_answer_every_request_and_every_answer_is_logged(
    workspace: Path, workspace_params: Params
) -> None:
    console = Console(record=True, width=100)
    project_log = workspace / "logs" / "predictions.db"
    before = project_log.stat().st_mtime_ns if project_log.exists() else None

    figures = benchmark.run(workspace_params, sequential=20, concurrent=32, console=console)

    assert figures["failed"] == {}
    assert figures["logged"] == figures["answered"] == benchmark.WARM_UP + 20 + 32
    assert figures["p50_ms"] > 0 and figures["mlflow_p50_ms"] > 0 and figures["in_process_ms"] > 0
    # MLflow's server took the API's records as they are and gave the same scores
    assert figures["compared"] == benchmark.COMPARED
    assert figures["largest_score_difference"] < 1e-9
    output = console.export_text()
    assert "this service" in output and "mlflow models serve" in output
    assert "median latency vs mlflow models serve: x" in output
    # The benchmark's predictions went to a temporary log, not to the project's.
    assert (project_log.stat().st_mtime_ns if project_log.exists() else None) == before

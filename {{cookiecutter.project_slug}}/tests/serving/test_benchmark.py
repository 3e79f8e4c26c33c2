"""make bench-serve: the three servers really run and answer; the verdicts read the ratios right."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.serving import benchmark, wrk

MEASURED = {
    "p50_ms": 3.0,
    "mlflow_p50_ms": 20.0,
    "throughput": 300.0,
    "mlflow_throughput": 40.0,
    "ceiling_throughput": 1000.0,
}


def test_the_verdicts_compare_each_ratio_with_its_target() -> None:
    lines = benchmark.verdicts({**MEASURED, "in_process_ms": 15.0})

    assert lines == [
        "median latency vs mlflow models serve: x0.15 (target <= x0.25) ok",
        "throughput at 16 in flight vs mlflow models serve: x7.50 (target >= x3.00) ok",
        "throughput at 16 in flight vs the bare FastAPI ceiling: x0.30 (target >= x0.50) "
        "OVER TARGET",
        "median latency vs the model's in-process predict: x0.20 (target <= x2.00) ok",
    ]


def test_a_missed_target_is_flagged() -> None:
    slow = {**MEASURED, "p50_ms": 10.0, "throughput": 80.0, "in_process_ms": 4.0}

    assert [line.endswith("OVER TARGET") for line in benchmark.verdicts(slow)] == [True] * 4


def test_bad_counts_are_one_sentence(workspace_params: Params) -> None:
    with pytest.raises(ProjectError, match="Give 1 to 100,000 sequential and 16 to 100,000"):
        benchmark.run(workspace_params, sequential=0, concurrent=100, console=Console())
    with pytest.raises(ProjectError, match="Give one or more worker counts from 1 to 16"):
        benchmark.run(workspace_params, 10, 100, Console(), workers=[0])
    with pytest.raises(ProjectError, match="Give wrk 1 to 600 seconds"):
        benchmark.run(workspace_params, 10, 100, Console(), wrk_seconds=0)


def test_wrk_s_report_is_read_in_milliseconds() -> None:
    report = """Running 2s test @ http://127.0.0.1:8000/predict
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.50ms    2.00ms   1.20s    80.00%
  Latency Distribution
     50%  850.00us
     75%   11.00ms
     90%   12.00ms
     99%    1.20s
  3000 requests in 2.00s, 2.00MB read
  Non-2xx or 3xx responses: 5
Requests/sec:   1500.00
Transfer/sec:    200.00KB
"""
    assert wrk.parse(report) == wrk.WrkResult(
        requests=3000, throughput=1500.0, p50_ms=0.85, p99_ms=1200.0, failed=5
    )
    with pytest.raises(ProjectError, match="wrk's report could not be read"):
        wrk.parse("unable to connect to 127.0.0.1:8000 Connection refused")


def test_wrk_only_targets_this_machine() -> None:
    with pytest.raises(ProjectError, match="only sent to this machine"):
        wrk.run("http://example.com/predict", "{}", 16, 1)


def test_the_three_servers_answer_every_request_and_every_answer_is_logged(
    workspace: Path, workspace_params: Params
) -> None:
    console = Console(record=True, width=140)
    project_log = workspace / "logs" / "predictions.db"
    before = project_log.stat().st_mtime_ns if project_log.exists() else None

    # One worker each: three servers of two workers take a minute to start on two cores, and
    # the registry-watch test already serves through two forked workers.
    figures = benchmark.run(workspace_params, 20, 32, console, workers=[1], wrk_seconds=1)

    assert figures["failed"] == {}
    expected = benchmark.WARM_UP + 20 + 32
    if figures["wrk"]:
        # wrk may stop with answers unread; each of them was logged before it was sent.
        assert 0 <= figures["logged"] - figures["answered"] <= benchmark.CONCURRENCY
        assert figures["answered"] > expected
    else:
        assert figures["logged"] == figures["answered"] == expected
    assert figures["p50_ms"] > 0 and figures["mlflow_p50_ms"] > 0 and figures["in_process_ms"] > 0
    assert figures["ceiling_throughput"] > 0
    assert len(figures["startup_s"]) == 3 and all(s > 0 for s in figures["startup_s"].values())
    # MLflow's server took the API's records as they are and gave the same scores
    assert figures["compared"] == benchmark.COMPARED
    assert figures["largest_score_difference"] < 1e-9
    output = console.export_text()
    for server in ("this service", "mlflow models serve", "bare FastAPI (ceiling)"):
        assert server in output
    assert "median latency vs mlflow models serve: x" in output
    assert "1 worker(s), 16 at once: this service serves x" in output
    assert "bare FastAPI ceiling: x" in output
    # The benchmark's predictions went to a temporary log, not to the project's.
    assert (project_log.stat().st_mtime_ns if project_log.exists() else None) == before

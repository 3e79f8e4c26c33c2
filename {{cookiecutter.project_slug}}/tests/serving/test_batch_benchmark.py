"""The batch benchmark's input and verdicts (the run itself is chapter 11's `make bench`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving import batch_benchmark


def test_the_input_is_generated_in_parts_without_outcomes(
    shipped_params: Params, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch_benchmark, "GENERATE_ROWS", 400)
    path = tmp_path / "customers.csv"

    sample = batch_benchmark.write_input(shipped_params, path, 1000)

    written = pd.read_csv(path, dtype=str)
    assert len(written) == 1000 and "churn" not in written.columns
    assert len(sample) == batch_benchmark.SINGLE_RECORDS
    # Parts of their own ids (the generator repeats about 3% of a part's ids, as dirt).
    assert written["customer_id"].nunique() > 950
    parts = written["customer_id"].str[:3].value_counts().to_dict()
    assert parts == {"P0-": 400, "P1-": 400, "P2-": 200}


def test_the_verdicts_put_batch_and_single_requests_per_million_side_by_side() -> None:
    results = [{"rows": 1_000_000, "seconds": 50.0, "cpu_seconds": 45.0, "peak_mb": 600.0}]

    lines = batch_benchmark.verdicts(results, {"record scorer": 2.5})

    assert lines == [
        "batch scoring: 50 s per million customers",
        "single requests (record scorer, in process): 2,500 s per million customers "
        "(50.0x the batch time)",
        "peak memory at 1,000,000 rows: 600 MB, within the target of 2,048 MB",
    ]
    heavy = [{**results[0], "peak_mb": 3000.0}]
    assert "3000 MB, ABOVE the target" in batch_benchmark.verdicts(heavy, {})[-1]

"""The nightly run's decisions that need no model: what it refuses, when it retrains."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.nightly import run as night
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

DAY = date(2026, 11, 30)


@pytest.fixture
def log(tmp_path: Path) -> PredictionLog:
    """An empty prediction log of the test's own."""
    return PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}")


def test_a_missing_day_file_names_the_command_that_writes_it(
    params: Params, log: PredictionLog, tmp_path: Path
) -> None:
    absent = tmp_path / "customers-2026-11-30.csv"

    with pytest.raises(ProjectError, match=r"no customers to score for 2026-11-30: .* \(nightly"):
        night.run(params, log, DAY, absent)


def test_an_unknown_retraining_policy_is_one_sentence(
    params: Params, log: PredictionLog, tmp_path: Path
) -> None:
    with pytest.raises(ProjectError, match="--retrain must be auto or skip, not 'always'"):
        night.run(params, log, DAY, tmp_path / "x.csv", policy="always")

"""The experiment shared by every worker: stored in the log's database, read back, cleared."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import insert

from {{ cookiecutter.package_name }}.config import ExperimentParams
from {{ cookiecutter.package_name }}.errors import PredictionLogError
from {{ cookiecutter.package_name }}.serving.experiment_override import (
    ADMIN,
    GUARDRAIL,
    clear_overrides,
    effective_experiment,
    latest_override,
    write_override,
)
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, experiment_overrides, now

DEFAULT = ExperimentParams(
    mode="canary",
    challenger_share=0.1,
    salt="s-1",
    minimum_detectable_effect=0.03,
    alpha=0.05,
    power=0.8,
)


@pytest.fixture
def log(tmp_path: Path) -> PredictionLog:
    """An empty prediction log in tmp_path."""
    return PredictionLog(f"sqlite:///{tmp_path / 'log.db'}")


def test_without_an_override_params_yaml_is_in_force(log: PredictionLog) -> None:
    assert latest_override(log) is None

    current = effective_experiment(log, DEFAULT)

    assert current.settings == DEFAULT
    assert current.source.set_by == "params.yaml" and current.source.set_at is None


def test_the_last_override_written_is_read_back_by_another_connection(
    log: PredictionLog, tmp_path: Path
) -> None:
    write_override(log, DEFAULT.model_copy(update={"challenger_share": 0.2}), ADMIN, "ramp up")
    stopped = DEFAULT.model_copy(update={"challenger_share": 0.0})
    write_override(log, stopped, GUARDRAIL, "error rate 0.09 > 0.01")

    # Another worker opens the same database
    current = effective_experiment(PredictionLog(log.url), DEFAULT)

    assert current.settings == stopped
    assert current.source.set_by == "canary guardrail"
    assert current.source.reason == "error rate 0.09 > 0.01"
    assert current.source.set_at is not None


def test_clearing_the_overrides_restores_params_yaml(log: PredictionLog) -> None:
    write_override(log, DEFAULT, ADMIN, "one")
    write_override(log, DEFAULT, ADMIN, "two")

    assert clear_overrides(log) == 2
    assert effective_experiment(log, DEFAULT).source.set_by == "params.yaml"


def test_a_stored_experiment_no_longer_valid_is_one_sentence(log: PredictionLog) -> None:
    row = {"set_at": now(), "set_by": ADMIN, "reason": "old", "experiment": {"mode": "bandit"}}
    with log.engine.begin() as connection:
        connection.execute(insert(experiment_overrides), row)

    with pytest.raises(PredictionLogError, match=r"is no longer valid .*PUT /admin/experiment"):
        latest_override(log)

"""The bug hunt's symptoms in the offline pipeline: each test fails while its fault is planted.

Each test is marked `bug(N)` after the fault of bug_hunt.py whose symptom it checks; `make bugs`
runs them. They check what a user observes (scores, the split, the reported threshold) on small
data built here, never the code that causes it: a fix that removes the symptom passes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model import split
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator
from {{ cookiecutter.package_name }}.model.evaluate import evaluation_report
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
from {{ cookiecutter.package_name }}.model.split import split_frame
from {{ cookiecutter.package_name }}.paths import (
    DEVELOPMENT_DATA,
    INTERIM_DATA,
    PROCESSED_DATA,
    TEST_DATA,
)

from ..conftest import clean_frame, make_params, require_exercises


def logistic_pipeline(params: Params, frame: pd.DataFrame) -> object:
    """The project's pipeline with a logistic regression, fitted on the frame."""
    hyperparameters = params.model.hyperparameters["logistic_regression"]
    estimator = build_estimator("logistic_regression", hyperparameters, params.seed)
    target = frame[params.columns.target]
    return build_pipeline(params, estimator).fit(model_input(frame, params), target)


@pytest.mark.bug(1)
def test_a_column_of_model_drop_columns_does_not_move_any_score() -> None:
    require_exercises(1)  # the pipeline clips outliers
    params = make_params(model={"drop_columns": ["visits"]})
    frame = clean_frame(params.columns, 120)
    # visits gives the target away, as a column known only after the outcome would.
    frame["visits"] = frame[params.columns.target] * 300.0
    pipeline = logistic_pipeline(params, frame)

    before = pipeline.predict_proba(model_input(frame, params))[:, 1]
    flipped = frame.assign(visits=300.0 - frame["visits"])
    after = pipeline.predict_proba(model_input(flipped, params))[:, 1]

    np.testing.assert_allclose(after, before, rtol=1e-12)


@pytest.mark.bug(2)
def test_a_time_split_tests_on_the_latest_signups(params: Params) -> None:
    assert params.validation.test_split == "time"
    frame = clean_frame(params.columns, 200).sample(frac=1.0, random_state=0)  # any row order
    time = params.columns.time

    development, test = split_frame(frame, params)

    assert (len(development), len(test)) == (160, 40)
    assert development[time].max() < test[time].min()


@pytest.mark.bug(3)
def test_the_test_report_keeps_the_threshold_training_chose(params: Params) -> None:
    rng = np.random.default_rng(0)
    y = np.tile([0, 0, 0, 1], 50)
    model = np.clip(0.3 * y + rng.uniform(0, 0.7, y.size), 0, 1)
    dummy = np.full(y.size, 0.25)
    scores = pd.DataFrame({"model": model, "reference": model[::-1], "dummy": dummy})

    report = evaluation_report(y, scores, {"threshold": 0.85}, params)

    assert report["threshold"] == 0.85


@pytest.mark.bug(7)
def test_the_split_rows_keep_their_raw_values_for_the_pipeline_to_clean(
    params: Params, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    interim = clean_frame(params.columns, 200)
    spend = next(iter(params.columns.numeric))
    interim.loc[::10, spend] = np.nan  # 20 gaps, for the model's own imputer to fill
    # What the clean stage also writes: every row's values cleaned with all rows' statistics.
    files.write_parquet(INTERIM_DATA, interim)
    files.write_parquet(PROCESSED_DATA, interim.fillna({spend: interim[spend].median()}))

    split.run(params)

    rows = pd.concat([files.read_parquet(DEVELOPMENT_DATA), files.read_parquet(TEST_DATA)])
    assert len(rows) == 200
    assert int(rows[spend].isna().sum()) == 20

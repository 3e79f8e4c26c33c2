"""The single-record path must give the pipeline's own scores, for every algorithm."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_limits

from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.data import clean, synthetic
from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, build_estimator
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
from {{ cookiecutter.package_name }}.serving.predict import as_raw_text, records_frame
from {{ cookiecutter.package_name }}.serving.record_scorer import NotReplayable, compile_pipeline

from ..conftest import require_exercises
from ..model.conftest import small_params

ODD_RECORDS: list[dict[str, Any]] = [
    {},  # every value missing
    {"plan": "  PREMIUM ", "country": "FR", "contract": "lifetime", "payment_method": None},
    {"monthly_charges": "1 234,50", "total_charges": "$1,234.50", "age": "abc"},
    {"tenure_months": "-3", "support_tickets": "1e400", "refund_amount": "inf"},
    {"age": "999999", "days_since_last_login": "-5", "monthly_charges": ""},
    {"signup_date": "2021-03-14T23:30:00-05:00", "support_message": "refund refund refund"},
    {"signup_date": "14/03/2021", "support_message": ""},
    {"signup_date": "2099-01-01", "support_message": "x" * 5000},
]


@pytest.fixture(scope="module")
def params() -> Params:
    """Small params with k-means segments off (a test below switches them on)."""
    return parse_params(small_params())


@pytest.fixture(scope="module")
def data(params: Params) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Clean training rows with their target, and dirty raw rows to score."""
    require_exercises(1)  # the pipelines clip outliers
    raw, _ = synthetic.generate(2000, params.data.dirt, params.columns, params.seed)
    rows, _ = clean.clean_rows(raw.iloc[:1500], params.columns)
    dirty = raw.iloc[1500:].reset_index(drop=True)  # not cleaned: impossible values too
    return model_input(rows, params), rows[params.columns.target].astype(int), dirty


def both_ways(pipeline: Pipeline, params: Params, records: list[dict]) -> tuple[list, list]:
    """Scores of each record through the pipeline and through its compiled replay.

    The pipeline scores the records as one batch; a record whose two scores differ is scored
    alone again, because k-nearest neighbours' distances depend in their last digits on the
    batch they are computed in (a single request is a batch of one, like the replay).
    """
    scorer = compile_pipeline(pipeline)
    columns = [str(name) for name in pipeline.feature_names_in_]
    # One thread, as in the service: OpenMP teams on one-row predictions are slow on a busy
    # machine, and the scores do not depend on the number of threads.
    with threadpool_limits(limits=1):
        expected = pipeline.predict_proba(records_frame(records, params)[columns])[:, 1]
        replayed = [
            scorer.score({name: as_raw_text(record.get(name)) for name in columns})
            for record in records
        ]
        for i in np.flatnonzero(~np.isclose(replayed, expected, rtol=1e-9, atol=1e-12)):
            alone = records_frame([records[i]], params)[columns]
            expected[i] = pipeline.predict_proba(alone)[0, 1]
    return list(expected), replayed


def dirty_records(dirty: pd.DataFrame) -> list[dict[str, Any]]:
    """The raw rows as a client would send them, missing cells left out, plus odd ones."""
    rows = [
        {name: value for name, value in row.items() if isinstance(value, str)}
        for row in dirty.to_dict("records")
    ]
    return rows + ODD_RECORDS


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_the_replay_scores_like_the_pipeline(
    algorithm: str, params: Params, data: tuple[pd.DataFrame, pd.Series, pd.DataFrame]
) -> None:
    X, y, dirty = data
    hyperparameters = params.model.hyperparameters.get(algorithm, {})
    pipeline = build_pipeline(params, build_estimator(algorithm, hyperparameters, params.seed))
    pipeline.fit(X, y)

    expected, replayed = both_ways(pipeline, params, dirty_records(dirty))

    assert len(replayed) == len(dirty) + len(ODD_RECORDS)
    np.testing.assert_allclose(replayed, expected, rtol=1e-9, atol=1e-12)


def test_the_replay_includes_the_customer_segments(
    data: tuple[pd.DataFrame, pd.Series, pd.DataFrame],
) -> None:
    raw = small_params()
    raw["model"]["segments"] = 3
    params = parse_params(raw)
    X, y, dirty = data
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline.fit(X, y)

    expected, replayed = both_ways(pipeline, params, dirty_records(dirty))

    np.testing.assert_allclose(replayed, expected, rtol=1e-9, atol=1e-12)


def test_an_unknown_step_is_not_replayed(
    params: Params, data: tuple[pd.DataFrame, pd.Series, pd.DataFrame]
) -> None:
    X, y, _ = data
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline.steps.insert(2, ("square", FunctionTransformer(np.square)))
    pipeline.fit(X, y)

    with pytest.raises(NotReplayable, match="a step between the features and the estimator"):
        compile_pipeline(pipeline)


def test_missing_values_and_unknown_categories_still_get_a_score(
    params: Params, data: tuple[pd.DataFrame, pd.Series, pd.DataFrame]
) -> None:
    X, y, _ = data
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    scorer = compile_pipeline(pipeline.fit(X, y))

    score = scorer.score({name: math.nan for name in pipeline.feature_names_in_})

    assert 0.0 < score < 1.0


def test_the_replay_reads_numbers_with_the_contract_s_decimal_mark(
    data: tuple[pd.DataFrame, pd.Series, pd.DataFrame],
) -> None:
    raw = small_params()
    raw["columns"]["decimal"] = ","
    params = parse_params(raw)
    X, y, _ = data
    numeric = [name for name in params.model_columns.numeric]
    europe = X.assign(**{name: X[name].str.replace(".", ",", regex=False) for name in numeric})
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline.fit(europe, y)
    # "1,234" is 1.234 with a decimal comma (a thousand with "auto"); "1.234,5" is 1234.5.
    records = [{"monthly_charges": "1,234"}, {"monthly_charges": "1.234,5"}]
    records += [{"monthly_charges": 1.234}, {"monthly_charges": 1234.5}, {"monthly_charges": 1234}]

    expected, replayed = both_ways(pipeline, params, records)

    np.testing.assert_allclose(replayed, expected, rtol=1e-9, atol=1e-12)
    assert replayed[0] == replayed[2] and replayed[1] == replayed[3]
    assert replayed[0] != replayed[4]
    assert pipeline[0].named_steps["numbers"].decimal == ","

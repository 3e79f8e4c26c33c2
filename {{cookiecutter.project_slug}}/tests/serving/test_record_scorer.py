"""The single-record path must give the pipeline's own scores, for every algorithm.

The pipelines are fitted on the tests' own contract (tests/conftest.py), not on params.yaml.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from threadpoolctl import threadpool_limits

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data import clean
from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, build_estimator
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
from {{ cookiecutter.package_name }}.serving.predict import as_raw_text, records_frame
from {{ cookiecutter.package_name }}.serving.record_scorer import (
    NotReplayable,
    compile_pipeline,
    tfidf_vector,
)

from ..conftest import dirty_frame, make_params, require_exercises

# Odd values of each kind of column, sent alone and all at once (see odd_records).
ODD_NUMBERS = ("1 234,50", "$1,234.50", "abc", "-3", "1e400", "inf", "999999", "", None, 12.5)
ODD_DATES = ("2021-03-14T23:30:00-05:00", "14/03/2021", "2099-01-01", "2024-02-30", "", None)
ODD_TEXTS = ("refund refund refund", "", None, "x" * 5000)
# Small models (the scores of the two paths are compared, not judged): seconds, not minutes.
HYPERPARAMETERS = {
    "gradient_boosting": {"max_iter": 50, "max_leaf_nodes": 15},
    "random_forest": {"n_estimators": 50, "max_depth": 12, "min_samples_leaf": 5},
    "bagging": {"n_estimators": 10, "max_samples": 0.8},
    "mlp": {"hidden_layer_sizes": [32], "max_iter": 300, "early_stopping": True},
}


def odd_records(columns: ColumnsParams) -> list[dict[str, Any]]:
    """Records with odd values, one column at a time, then one with odd values everywhere."""
    records: list[dict[str, Any]] = [{}]  # every value missing
    everywhere: dict[str, Any] = {}
    for name in columns.numeric:
        records += [{name: value} for value in ODD_NUMBERS]
        everywhere[name] = ODD_NUMBERS[len(everywhere) % len(ODD_NUMBERS)]
    for name, spec in columns.categorical.items():
        spellings = [f"  {spec.allowed[-1].upper()} ", *spec.synonyms, "lifetime", None]
        records += [{name: value} for value in spellings]
        everywhere[name] = spellings[0]
    if columns.time is not None:
        records += [{columns.time: value} for value in ODD_DATES]
        everywhere[columns.time] = ODD_DATES[0]
    for name in columns.text:
        records += [{name: value} for value in ODD_TEXTS]
        everywhere[name] = ODD_TEXTS[0]
    return [*records, everywhere]


@pytest.fixture(scope="module")
def params() -> Params:
    """The tests' own params (the serving tests' params fixture trains a whole workspace)."""
    return make_params()


@pytest.fixture(scope="module")
def data(params: Params) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame]:
    """Clean training rows with their target, and dirty raw rows to score."""
    require_exercises(1, 8, 9)  # clipping; one record's numbers (8) and typos (9)
    raw = dirty_frame(params.columns, 2000, seed=params.seed)
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


def dirty_records(dirty: pd.DataFrame, columns: ColumnsParams) -> list[dict[str, Any]]:
    """The raw rows as a client would send them, missing cells left out, plus odd ones."""
    rows = [
        {name: value for name, value in row.items() if isinstance(value, str)}
        for row in dirty.to_dict("records")
    ]
    return rows + odd_records(columns)


@pytest.mark.bug(4)
@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_the_replay_scores_like_the_pipeline(
    algorithm: str, params: Params, data: tuple[pd.DataFrame, pd.Series, pd.DataFrame]
) -> None:
    X, y, dirty = data
    default = params.model.hyperparameters.get(algorithm, {})
    hyperparameters = HYPERPARAMETERS.get(algorithm, default)
    pipeline = build_pipeline(params, build_estimator(algorithm, hyperparameters, params.seed))
    pipeline.fit(X, y)

    records = dirty_records(dirty, params.columns)

    expected, replayed = both_ways(pipeline, params, records)

    assert len(replayed) == len(records) > len(dirty)
    np.testing.assert_allclose(replayed, expected, rtol=1e-9, atol=1e-12)


def test_the_replay_includes_the_customer_segments(
    data: tuple[pd.DataFrame, pd.Series, pd.DataFrame],
) -> None:
    params = make_params(model={"segments": 3})
    X, y, dirty = data
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline.fit(X, y)

    expected, replayed = both_ways(pipeline, params, dirty_records(dirty, params.columns))

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


def test_a_cleaning_step_without_transform_record_is_not_replayed(
    params: Params, data: tuple[pd.DataFrame, pd.Series, pd.DataFrame]
) -> None:
    X, y, _ = data
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline[0].steps.insert(1, ("same", FunctionTransformer()))
    pipeline.fit(X, y)

    with pytest.raises(NotReplayable, match="a FunctionTransformer cleaning step"):
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
    params = make_params(columns={"decimal": ","})
    X, y, _ = data
    numeric = list(params.model_columns.numeric)
    europe = X.assign(**{name: X[name].str.replace(".", ",", regex=False) for name in numeric})
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline.fit(europe, y)
    # "1,234" is 1.234 with a decimal comma (a thousand with "auto"); "1.234,5" is 1234.5.
    number = numeric[0]
    records = [{number: "1,234"}, {number: "1.234,5"}]
    records += [{number: 1.234}, {number: 1234.5}, {number: 1234}]

    expected, replayed = both_ways(pipeline, params, records)

    np.testing.assert_allclose(replayed, expected, rtol=1e-9, atol=1e-12)
    assert replayed[0] == replayed[2] and replayed[1] == replayed[3]
    assert replayed[0] != replayed[4]
    assert pipeline[0].named_steps["numbers"].decimal == ","


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"binary": True},
        {"sublinear_tf": True, "norm": "l1"},
        {"use_idf": False, "norm": None},
        {"ngram_range": (1, 2), "stop_words": "english"},
    ],
)
def test_the_tfidf_replay_is_scikit_learns_transform(options: dict[str, Any]) -> None:
    texts = ["refund refund please", "the app crashes", "crashes again, refund!", "fine"]
    vectorizer = TfidfVectorizer(**options).fit(texts)
    vector = tfidf_vector(vectorizer)

    for text in [*texts, "refund refund refund crashes", "nothing known", ""]:
        expected = vectorizer.transform([text]).toarray()[0]
        np.testing.assert_allclose(vector(text), expected, rtol=1e-12, atol=1e-15)

"""Tests of model/features.py: raw records in, churn probabilities out, for every algorithm."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import check_estimator

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data import clean
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, build_estimator
from {{ cookiecutter.package_name }}.model.cross_validation import cross_validate, cross_validate_estimators
from {{ cookiecutter.package_name }}.model.features import (
    DATE_PARTS,
    CustomerSegments,
    DateFeatures,
    build_dummy,
    build_pipeline,
    build_reference,
    build_steps,
    feature_names,
    model_input,
)

from ..conftest import make_params, raw_frame, raw_row, require_exercises

SEED = 11
N_ROWS = 600
# Support messages, cycled over the rows: more distinct words than the vocabulary keeps, with
# "app" and "charged" among the most frequent (so they are always kept).
MESSAGES = (
    "The app keeps logging me out",
    "I was charged twice, the app is broken",
    "Charged again this month: please cancel my subscription",
    "Great service, thanks for the quick help with the app",
    "The price went up again and I was charged more",
    "How do I change my plan or cancel",
    "",
)
# Small versions of each algorithm, so that fitting all of them takes a few seconds.
SMALL = {
    "random_forest": {"n_estimators": 10, "max_depth": 6},
    "gradient_boosting": {"max_iter": 20},
    "bagging": {"n_estimators": 5},
    "mlp": {"hidden_layer_sizes": [8], "max_iter": 300, "early_stopping": True},
}


@pytest.fixture(scope="module")
def params() -> Params:
    """The tests' own params, for the whole module: the fitted pipelines are shared."""
    return make_params()


def input_names(contract: ColumnsParams) -> list[str]:
    """The pipeline's input columns: numeric, categorical, text, then the time column."""
    return [*contract.numeric, *contract.categorical, *contract.text, contract.time]


def numeric_features(contract: ColumnsParams) -> list[str]:
    """The scaled numeric features' names."""
    return [f"numeric__{name}" for name in contract.numeric]


@pytest.fixture(scope="module")
def rows(params: Params) -> pd.DataFrame:
    """600 interim rows of the tests' contract, values still raw text, messages varied."""
    contract = params.columns
    records = [
        raw_row(contract, i, **dict.fromkeys(contract.text, MESSAGES[i % len(MESSAGES)]))
        for i in range(N_ROWS)
    ]
    interim, _ = clean.clean_rows(raw_frame(contract, records), contract)
    return interim


@pytest.fixture(scope="module")
def X(rows: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The pipeline's input columns of the interim rows."""
    return model_input(rows, params)


@pytest.fixture(scope="module")
def y(rows: pd.DataFrame, params: Params) -> np.ndarray:
    """The churn labels."""
    return rows[params.columns.target].astype(int).to_numpy()


@pytest.fixture(scope="module")
def fitted(params: Params, X: pd.DataFrame, y: np.ndarray) -> dict:
    """A fitted pipeline per algorithm (small hyperparameters)."""
    require_exercises(1, 9)  # the pipelines start with the cleaner: it clips, repairs typos
    pipelines = {
        name: build_pipeline(params, build_estimator(name, SMALL.get(name, {}), SEED))
        for name in ALGORITHMS
    }
    return {name: pipeline.fit(X, y) for name, pipeline in pipelines.items()}


@pytest.fixture(scope="module")
def segmented(params: Params, X: pd.DataFrame, y: np.ndarray) -> Pipeline:
    """A fitted logistic regression whose features end with 3 customer segments."""
    require_exercises(1, 9, 36)  # the cleaner (1, 9); the segments' one-hot columns (36)
    pipeline = build_pipeline(
        with_segments(params, 3), build_estimator("logistic_regression", {}, SEED)
    )
    return pipeline.fit(X, y)


def with_segments(params: Params, segments: int) -> Params:
    """The params with model.segments set."""
    return params.model_copy(
        update={"model": params.model.model_copy(update={"segments": segments})}
    )


def record(contract: ColumnsParams, **changes: object) -> dict[str, object]:
    """One clean raw record (text, as in the CSV): the input columns only, some values changed."""
    row = raw_row(contract, 1, **dict.fromkeys(contract.text, MESSAGES[0]))
    return {name: row[name] for name in input_names(contract)} | changes


def other_category(contract: ColumnsParams) -> dict[str, str]:
    """Changes giving the first categorical column another allowed value than record()'s."""
    name, spec = next(iter(contract.categorical.items()))
    current = record(contract)[name]
    return {name: next(value for value in spec.allowed if value != current)}


# --- model_input.


@pytest.mark.bug(1)
def test_model_input_gives_the_feature_columns_in_a_fixed_order(
    rows: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given interim rows holding id and target too, and a feature that model.drop_columns drops
    dropped = list(contract.numeric)[-1]
    params = make_params(model={"drop_columns": [dropped]})
    shuffled = rows[list(reversed(rows.columns))]
    # When the model input is taken
    taken = model_input(shuffled, params)
    # Then it is numeric, categorical, text, then time columns, without id, target and dropped
    assert list(taken.columns) == [name for name in input_names(contract) if name != dropped]
    assert len(taken) == len(rows)
    first = next(iter(contract.numeric))
    assert taken[first].equals(rows[first])


def test_model_input_names_a_missing_column(
    rows: pd.DataFrame, params: Params, contract: ColumnsParams
) -> None:
    # Given data without two of the model's columns
    number, category = next(iter(contract.numeric)), next(iter(contract.categorical))
    # When the model input is taken
    # Then a DataError names them
    with pytest.raises(DataError) as caught:
        model_input(rows.drop(columns=[category, number]), params)
    assert str(caught.value) == (
        f"The data has no column '{number}', '{category}', which the model takes as input."
    )


# --- DateFeatures.


def test_date_features_are_fractional_year_month_and_day_of_week(contract: ColumnsParams) -> None:
    # Given dates as text, one of them garbage and one missing
    time = contract.time
    dates = pd.DataFrame({time: ["2020-01-01", "2021-07-02", "2023-12-31", "soon", None]})
    # When the date features are learned and computed
    transformer = DateFeatures().fit(dates.iloc[:3])
    result = transformer.transform(dates)
    # Then each date gives its year as a fraction, its month and its weekday (Monday = 0)
    np.testing.assert_allclose(result[0], [2020.0, 1, 2])
    np.testing.assert_allclose(result[1], [2021 + 182 / 365, 7, 4])
    np.testing.assert_allclose(result[2], [2023 + 364 / 365, 12, 6])
    # And unparseable or missing dates get the medians learned at fit (those of row 2021-07-02)
    np.testing.assert_allclose(result[3], result[1])
    np.testing.assert_allclose(result[4], result[1])
    assert list(transformer.get_feature_names_out()) == [f"{time}_{part}" for part in DATE_PARTS]


def test_date_features_read_each_cell_alone_by_the_date_order() -> None:
    # Given a slash date that reads both ways beside one that can only be day first
    text = pd.DataFrame({"d": ["2021-07-02", "03/04/2021", "25/12/2020"]})
    # When read with auto (no column evidence: a row must not depend on its batch) or day first
    auto = DateFeatures().fit(text.iloc[:1]).transform(text)
    day_first = DateFeatures("day_first").fit(text.iloc[:1]).transform(text)
    # Then auto leaves 03/04/2021 to the median (2021-07-02's), day first reads the 3rd of April
    np.testing.assert_allclose(auto[1], auto[0])
    np.testing.assert_allclose(day_first[1], [2021 + 92 / 365, 4, 5])
    np.testing.assert_allclose(auto[2], day_first[2])
    np.testing.assert_allclose(auto[2], [2020 + 359 / 366, 12, 4])


def test_date_features_accept_parsed_dates_too() -> None:
    # Given the same dates as text and as datetime64
    text = pd.DataFrame({"d": ["2021-03-14", "2024-02-29"]})
    parsed = pd.DataFrame({"d": pd.to_datetime(text["d"])})
    # When both are transformed
    # Then they give the same features
    np.testing.assert_allclose(
        DateFeatures().fit_transform(text), DateFeatures().fit_transform(parsed)
    )


# --- The pipeline on raw records.


def test_the_cleaner_passes_the_time_column_through_untouched(
    fitted: dict, X: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given a fitted pipeline
    # When its cleaning step transforms the input
    cleaned = fitted["logistic_regression"].named_steps["clean"].transform(X)
    # Then the raw dates reach the features step as they were
    assert cleaned[contract.time].equals(X[contract.time])


def test_dirty_raw_records_get_the_same_score_as_their_clean_spelling(
    fitted: dict, contract: ColumnsParams
) -> None:
    # Given raw records written differently, and the same records in canonical form
    number = next(iter(contract.numeric))
    category, spec = next(iter(contract.categorical.items()))
    synonym, canonical = next(iter(spec.synonyms.items()))
    dirty = pd.DataFrame(
        [
            record(contract, **{number: "$512.25", category: f" {canonical.upper()}"}),
            record(contract, **{number: "512,25", category: synonym}),
        ]
    )
    clean_spelling = record(contract, **{number: "512.25", category: canonical})
    canonical_rows = pd.DataFrame([clean_spelling, clean_spelling])
    for name in ("logistic_regression", "gradient_boosting"):
        # When both are scored
        # Then the scores are identical: the cleaner inside the pipeline did its work
        np.testing.assert_array_equal(
            fitted[name].predict_proba(dirty), fitted[name].predict_proba(canonical_rows)
        )


@pytest.mark.parametrize("name", [*ALGORITHMS, "segments"])
def test_the_pipeline_scores_messy_records_with_probabilities(
    name: str, fitted: dict, contract: ColumnsParams, request: pytest.FixtureRequest
) -> None:
    # Given raw records with empty cells, an unseen category, junk numbers and a garbage date
    first, last = next(iter(contract.numeric)), list(contract.numeric)[-1]
    category = next(iter(contract.categorical))
    empty_text = dict.fromkeys(contract.text, np.nan)
    messy = pd.DataFrame(
        [
            record(contract),
            record(contract, **{last: np.nan, first: None, category: "Mars"}, **empty_text),
            record(contract, **{first: "abc", category: "unheard-of", contract.time: "not a date"}),
            dict.fromkeys(input_names(contract), np.nan),
        ]
    )
    # When they are scored
    pipeline = request.getfixturevalue("segmented") if name == "segments" else fitted[name]
    probabilities = pipeline.predict_proba(messy)
    # Then each gets a probability in [0, 1], never NaN
    assert probabilities.shape == (4, 2)
    assert not np.isnan(probabilities).any()
    assert np.all((probabilities >= 0) & (probabilities <= 1))


def test_feature_names_hold_numbers_categories_words_and_dates(
    fitted: dict, params: Params, contract: ColumnsParams
) -> None:
    # Given a fitted pipeline
    # When its feature names are read
    names = feature_names(fitted["logistic_regression"])
    # Then they are the scaled numbers, the one-hot categories, the TF-IDF words, the dates
    one_hot = [
        f"categorical__{name}_{value}"
        for name, spec in contract.categorical.items()
        for value in sorted(spec.allowed)
    ]
    text = contract.text[0]
    words = [name for name in names if name.startswith(f"{text}__")]
    dates = [f"date__{contract.time}_{part}" for part in DATE_PARTS]
    assert names == [*numeric_features(contract), *one_hot, *words, *dates]
    assert {f"{text}__app", f"{text}__charged"} <= set(words)
    assert len(words) == params.model.text_max_features
    # And the matrix the model receives has one column per name
    two = pd.DataFrame([record(contract), record(contract)])
    matrix = fitted["logistic_regression"][:-1].transform(two)
    assert matrix.shape == (2, len(names))


@pytest.mark.exercise(36)
def test_segments_add_exactly_one_one_hot_column_per_segment(
    fitted: dict, segmented: Pipeline, X: pd.DataFrame
) -> None:
    # Given pipelines fitted without and with 3 customer segments
    plain = fitted["logistic_regression"]
    # When their feature matrices are computed
    names = feature_names(segmented)
    matrix = segmented[:-1].transform(X)
    # Then the segmented one has 3 more columns, named segment_0..2, one-hot (one 1 per row)
    assert names == [*feature_names(plain), "segment_0", "segment_1", "segment_2"]
    one_hot = matrix[:, -3:]
    assert set(np.unique(one_hot)) == {0.0, 1.0}
    np.testing.assert_array_equal(one_hot.sum(axis=1), 1.0)
    # And every segment holds some customers
    assert (one_hot.sum(axis=0) > 0).all()


@pytest.mark.exercise(36)
def test_customer_segments_follow_the_estimator_contract() -> None:
    # Given two well separated groups of points
    points = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [10.0, 10.1]])
    # When two segments are learned
    segments = CustomerSegments(n_segments=2, random_state=0).fit(points)
    result = segments.transform(points)
    # Then the points are kept, and each group gets its own one-hot column
    np.testing.assert_array_equal(result[:, :2], points)
    assert result[0, 2:].tolist() == result[1, 2:].tolist() != result[2, 2:].tolist()
    assert list(segments.get_feature_names_out(["a", "b"])) == ["a", "b", "segment_0", "segment_1"]
    assert segments.get_params() == {"n_segments": 2, "random_state": 0}


@pytest.mark.parametrize(
    "transformer",
    [
        DateFeatures(),
        pytest.param(
            CustomerSegments(n_segments=2, random_state=0), marks=pytest.mark.exercise(36)
        ),
    ],
    ids=["DateFeatures", "CustomerSegments"],
)
def test_the_feature_transformers_pass_scikit_learn_estimator_checks(
    transformer: BaseEstimator,
) -> None:
    # Given one of this module's transformers
    # When scikit-learn's estimator checks run on it (clone, fit, refit, pickling, shapes...)
    results = check_estimator(transformer, on_skip=None, on_fail=None)
    # Then none fails
    assert [result["check_name"] for result in results if result["status"] == "failed"] == []
    assert len(results) > 40


# --- The baselines.


def test_the_reference_model_uses_only_the_numeric_columns(
    params: Params, contract: ColumnsParams, X: pd.DataFrame, y: np.ndarray
) -> None:
    require_exercises(1, 9)  # the reference model cleans too
    # Given the fitted reference model
    reference = build_reference(params).fit(X, y)
    # When its features are read, and records differing only outside the numbers are scored
    elsewhere = {**other_category(contract), contract.time: "2019-01-01"}
    elsewhere |= dict.fromkeys(contract.text, "")
    others = pd.DataFrame([record(contract), record(contract, **elsewhere)])
    scores = reference.predict_proba(others)[:, 1]
    # Then it sees the numeric columns only, so both records get the same score
    assert feature_names(reference) == numeric_features(contract)
    assert type(reference[-1]).__name__ == "LogisticRegression"
    assert scores[0] == scores[1]


def test_the_dummy_model_gives_everyone_the_training_churn_rate(
    params: Params, contract: ColumnsParams, X: pd.DataFrame, y: np.ndarray
) -> None:
    # Given the fitted dummy model
    dummy = build_dummy(params).fit(X, y)
    # When raw records are scored
    records = [record(contract), record(contract, **other_category(contract))]
    scores = dummy.predict_proba(pd.DataFrame(records))[:, 1]
    # Then each gets the churn rate of the training rows, and it reads no feature
    np.testing.assert_allclose(scores, [y.mean(), y.mean()])
    assert feature_names(dummy) == []


# --- Safe serialisation.


@pytest.mark.parametrize("name", [*ALGORITHMS, "segments"])
def test_every_fitted_pipeline_round_trips_through_skops(
    name: str, fitted: dict, X: pd.DataFrame, request: pytest.FixtureRequest
) -> None:
    # Given a fitted pipeline, saved with skops
    pipeline = request.getfixturevalue("segmented") if name == "segments" else fitted[name]
    data = sio.dumps(pipeline)
    # When it is loaded back, trusting only the types it declares
    untrusted = sio.get_untrusted_types(data=data)
    loaded = sio.loads(data, trusted=untrusted)
    # Then it gives identical scores, and every type it needs is one the project trusts
    np.testing.assert_array_equal(loaded.predict_proba(X), pipeline.predict_proba(X))
    assert tracking.untrusted(untrusted) == []


def test_shared_steps_score_each_estimator_as_its_whole_pipeline(
    params: Params, X: pd.DataFrame, y: np.ndarray
) -> None:
    require_exercises(1, 9)  # the steps start with the cleaner
    half = len(X) // 2
    rows = np.arange(len(X))
    splits = [(rows[:half], rows[half:]), (rows[half:], rows[:half])]
    estimators = {
        name: build_estimator(name, SMALL.get(name, {}), SEED)
        for name in ("logistic_regression", "decision_tree")
    }

    shared = cross_validate_estimators(build_steps(params), estimators, X, y, splits)

    # compare and the validation curve rely on it: the same metrics as the whole pipeline's.
    for name, estimator in estimators.items():
        whole = cross_validate(build_pipeline(params, estimator), X, y, splits).folds
        pd.testing.assert_frame_equal(
            shared[name].drop(columns="fit_seconds"), whole.drop(columns="fit_seconds")
        )
        assert (shared[name]["fit_seconds"] > 0).all()

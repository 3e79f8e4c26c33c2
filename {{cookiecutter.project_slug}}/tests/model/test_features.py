"""Tests of model/features.py: raw records in, churn probabilities out, for every algorithm."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import check_estimator

from {{ cookiecutter.package_name }}.config import Params, load_params
from {{ cookiecutter.package_name }}.data import clean, synthetic
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, build_estimator
from {{ cookiecutter.package_name }}.model.features import (
    CustomerSegments,
    DateFeatures,
    build_dummy,
    build_pipeline,
    build_reference,
    feature_names,
    model_input,
)

from ..conftest import require_exercises

PARAMS_FILE = Path(__file__).resolve().parents[2] / "params.yaml"
SEED = 11
INPUT_COLUMNS = [
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "age",
    "support_tickets",
    "days_since_last_login",
    "plan",
    "contract",
    "payment_method",
    "country",
    "support_message",
    "signup_date",
]
NUMERIC_FEATURES = [f"numeric__{name}" for name in INPUT_COLUMNS[:6]]
DATE_FEATURES = [
    "date__signup_date_year",
    "date__signup_date_month",
    "date__signup_date_day_of_week",
]
# Small versions of each algorithm, so that fitting all of them takes a few seconds.
SMALL = {
    "random_forest": {"n_estimators": 10, "max_depth": 6},
    "gradient_boosting": {"max_iter": 20},
    "bagging": {"n_estimators": 5},
    "mlp": {"hidden_layer_sizes": [8], "max_iter": 300, "early_stopping": True},
}


@pytest.fixture(scope="module")
def yaml_params() -> Params:
    """The project's params.yaml."""
    return load_params(PARAMS_FILE)


@pytest.fixture(scope="module")
def rows(yaml_params: Params) -> pd.DataFrame:
    """~1,450 interim rows: clean synthetic customers, values still raw text."""
    raw, _ = synthetic.generate(1500, yaml_params.data.dirt, yaml_params.columns, seed=SEED)
    interim, _ = clean.clean_rows(raw, yaml_params.columns)
    return interim


@pytest.fixture(scope="module")
def X(rows: pd.DataFrame, yaml_params: Params) -> pd.DataFrame:
    """The pipeline's input columns of the interim rows."""
    return model_input(rows, yaml_params)


@pytest.fixture(scope="module")
def y(rows: pd.DataFrame) -> np.ndarray:
    """The churn labels."""
    return rows["churn"].to_numpy()


@pytest.fixture(scope="module")
def fitted(yaml_params: Params, X: pd.DataFrame, y: np.ndarray) -> dict:
    """A fitted pipeline per algorithm (small hyperparameters), and one with segments."""
    require_exercises(1)  # the pipelines start with the cleaner, which clips outliers
    pipelines = {
        name: build_pipeline(yaml_params, build_estimator(name, SMALL.get(name, {}), SEED))
        for name in ALGORITHMS
    }
    pipelines["segments"] = build_pipeline(
        with_segments(yaml_params, 3), build_estimator("logistic_regression", {}, SEED)
    )
    return {name: pipeline.fit(X, y) for name, pipeline in pipelines.items()}


def with_segments(params: Params, segments: int) -> Params:
    """The params with model.segments set."""
    return params.model_copy(
        update={"model": params.model.model_copy(update={"segments": segments})}
    )


def record(**changes: object) -> dict[str, object]:
    """One clean raw record (text, as in the CSV), with some values changed."""
    values: dict[str, object] = {
        "tenure_months": "24",
        "monthly_charges": "55.00",
        "total_charges": "1320.00",
        "age": "41",
        "support_tickets": "2",
        "days_since_last_login": "12",
        "plan": "standard",
        "contract": "month_to_month",
        "payment_method": "credit_card",
        "country": "France",
        "support_message": "The app keeps logging me out",
        "signup_date": "2022-06-15",
    }
    return values | changes


# --- model_input.


def test_model_input_gives_the_feature_columns_in_a_fixed_order(
    rows: pd.DataFrame, yaml_params: Params
) -> None:
    # Given interim rows holding id, target and the leaky refund_amount too
    shuffled = rows[list(reversed(rows.columns))]
    # When the model input is taken
    taken = model_input(shuffled, yaml_params)
    # Then it is numeric, categorical, text, then time columns, without id, target and refund
    assert list(taken.columns) == INPUT_COLUMNS
    assert len(taken) == len(rows)
    assert taken["total_charges"].equals(rows["total_charges"])


def test_model_input_names_a_missing_column(rows: pd.DataFrame, yaml_params: Params) -> None:
    # Given data without two of the model's columns
    # When the model input is taken
    # Then a DataError names them
    with pytest.raises(
        DataError,
        match=r"^The data has no column 'age', 'country', which the model takes as input\.$",
    ):
        model_input(rows.drop(columns=["age", "country"]), yaml_params)


# --- DateFeatures.


def test_date_features_are_fractional_year_month_and_day_of_week() -> None:
    # Given dates as text, one of them garbage and one missing
    dates = pd.DataFrame({"signup_date": ["2020-01-01", "2021-07-02", "2023-12-31", "soon", None]})
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
    assert list(transformer.get_feature_names_out()) == [
        "signup_date_year",
        "signup_date_month",
        "signup_date_day_of_week",
    ]


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
    fitted: dict, X: pd.DataFrame
) -> None:
    # Given a fitted pipeline
    # When its cleaning step transforms the input
    cleaned = fitted["logistic_regression"].named_steps["clean"].transform(X)
    # Then the raw dates reach the features step as they were
    assert cleaned["signup_date"].equals(X["signup_date"])


def test_dirty_raw_records_get_the_same_score_as_their_clean_spelling(fitted: dict) -> None:
    # Given raw records written differently, and the same records in canonical form
    dirty = pd.DataFrame(
        [
            record(total_charges="$1,320.00", plan=" STANDARD", country="FR"),
            record(total_charges="1 320,00", contract="Monthly", payment_method="Credit Card"),
        ]
    )
    canonical = pd.DataFrame([record(), record()])
    for name in ("logistic_regression", "gradient_boosting"):
        # When both are scored
        # Then the scores are identical: the cleaner inside the pipeline did its work
        np.testing.assert_array_equal(
            fitted[name].predict_proba(dirty), fitted[name].predict_proba(canonical)
        )


@pytest.mark.parametrize("name", [*ALGORITHMS, "segments"])
def test_the_pipeline_scores_messy_records_with_probabilities(name: str, fitted: dict) -> None:
    # Given raw records with empty cells, an unseen category, junk numbers and a garbage date
    messy = pd.DataFrame(
        [
            record(),
            record(age=np.nan, monthly_charges=None, support_message=np.nan, country="Mars"),
            record(total_charges="abc", plan="gold", signup_date="not a date"),
            dict.fromkeys(INPUT_COLUMNS, np.nan),
        ]
    )
    # When they are scored
    probabilities = fitted[name].predict_proba(messy)
    # Then each gets a probability in [0, 1], never NaN
    assert probabilities.shape == (4, 2)
    assert not np.isnan(probabilities).any()
    assert np.all((probabilities >= 0) & (probabilities <= 1))


def test_feature_names_hold_numbers_categories_words_and_dates(
    fitted: dict, yaml_params: Params
) -> None:
    # Given a fitted pipeline
    # When its feature names are read
    names = feature_names(fitted["logistic_regression"])
    # Then they are the scaled numbers, the one-hot categories, the TF-IDF words, the dates
    categories = yaml_params.model_columns.categorical
    one_hot = [
        f"categorical__{name}_{value}"
        for name, spec in categories.items()
        for value in sorted(spec.allowed)
    ]
    words = [name for name in names if name.startswith("support_message__")]
    assert names == [*NUMERIC_FEATURES, *one_hot, *words, *DATE_FEATURES]
    assert {"support_message__app", "support_message__charged"} <= set(words)
    assert 20 <= len(words) <= yaml_params.model.text_max_features
    # And the matrix the model receives has one column per name
    matrix = fitted["logistic_regression"][:-1].transform(pd.DataFrame([record(), record()]))
    assert matrix.shape == (2, len(names))


def test_segments_add_exactly_one_one_hot_column_per_segment(fitted: dict, X: pd.DataFrame) -> None:
    # Given pipelines fitted without and with 3 customer segments
    plain, segmented = fitted["logistic_regression"], fitted["segments"]
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
    [DateFeatures(), CustomerSegments(n_segments=2, random_state=0)],
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
    yaml_params: Params, X: pd.DataFrame, y: np.ndarray
) -> None:
    require_exercises(1)  # the reference model clips outliers too
    # Given the fitted reference model
    reference = build_reference(yaml_params).fit(X, y)
    # When its features are read, and records differing only outside the numbers are scored
    others = pd.DataFrame(
        [
            record(),
            record(plan="premium", country="Spain", support_message="", signup_date="2019-01-01"),
        ]
    )
    scores = reference.predict_proba(others)[:, 1]
    # Then it sees the six numeric columns only, so both records get the same score
    assert feature_names(reference) == NUMERIC_FEATURES
    assert type(reference[-1]).__name__ == "LogisticRegression"
    assert scores[0] == scores[1]


def test_the_dummy_model_gives_everyone_the_training_churn_rate(
    yaml_params: Params, X: pd.DataFrame, y: np.ndarray
) -> None:
    # Given the fitted dummy model
    dummy = build_dummy(yaml_params).fit(X, y)
    # When raw records are scored
    scores = dummy.predict_proba(pd.DataFrame([record(), record(plan="premium")]))[:, 1]
    # Then each gets the churn rate of the training rows, and it reads no feature
    np.testing.assert_allclose(scores, [y.mean(), y.mean()])
    assert feature_names(dummy) == []


# --- Safe serialisation.


@pytest.mark.parametrize("name", [*ALGORITHMS, "segments"])
def test_every_fitted_pipeline_round_trips_through_skops(
    name: str, fitted: dict, X: pd.DataFrame
) -> None:
    # Given a fitted pipeline, saved with skops
    data = sio.dumps(fitted[name])
    # When it is loaded back, trusting only the types it declares
    untrusted = sio.get_untrusted_types(data=data)
    loaded = sio.loads(data, trusted=untrusted)
    # Then it gives identical scores, and every type it needs is one the project trusts
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted[name].predict_proba(X))
    assert tracking.untrusted(untrusted) == []

"""Features: the model Pipeline, from raw records (text as in the CSV) to a churn probability.

A fitted pipeline holds every step that learns from the training rows, so that training,
cross-validation folds and serving apply exactly the same transformations, with values
learned on the training rows only:

    clean     the cleaner of data/transformers.py (categories, numbers, outliers, gaps)
    features  numeric: imputed and standardised; categorical: one-hot; text: TF-IDF;
              signup date: year (as a fraction), month and day of week, standardised
    segments  (optional, model.segments > 0) the one-hot of each customer's k-means segment
    model     the classifier of model/algorithms.py

`model_input` picks the raw columns the pipeline takes; `predict_proba(X)[:, 1]` of a fitted
pipeline is the churn score. `build_reference` and `build_dummy` are the baselines every
candidate must beat: a plain logistic regression on the numeric columns, and the churn rate.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.dates import parse_dates
from {{ cookiecutter.package_name }}.data.transformers import build_cleaner, check_input
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError

DATE_PARTS = ("year", "month", "day_of_week")
# A word must appear in at least this many messages to become a feature: a word seen once
# describes one customer, not a pattern.
TEXT_MIN_MESSAGES = 2


def model_input(frame: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The raw columns the pipeline takes: numeric, categorical, text, then the time column.

    The target, the id and model.drop_columns are left out, so no model can use them.
    """
    names = input_columns(params)
    missing = [name for name in names if name not in frame.columns]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        raise DataError(f"The data has no column {listed}, which the model takes as input.")
    return frame[names]


def input_columns(params: Params) -> list[str]:
    """Names of the pipeline's input columns, in the order model_input gives them."""
    # [bug 1]
    columns = params.model_columns
    # [bug 1 planted]
    # columns = params.columns
    # [/bug 1]
    time = [columns.time] if columns.time is not None else []
    return [*columns.numeric, *columns.categorical, *columns.text, *time]


class DateFeatures(TransformerMixin, BaseEstimator):
    """Numbers from a date column (text or datetime): fractional year, month, day of week.

    The year is a fraction (2021-07-02 -> 2021.499), so that a model validated on later
    signups sees a value that continues the trend instead of a new category. Missing,
    unreadable or ambiguous dates get each feature's median, learned at fit.

    Args:
        date_order: columns.date_order. Each cell is read alone (data/dates.py without column
            evidence): a row's features must not depend on the other rows of a batch.
    """

    def __init__(self, date_order: str = "auto") -> None:
        self.date_order = date_order

    def fit(self, X: Any, y: Any = None) -> DateFeatures:
        """Learn each feature's median (0 for a column holding no date at all)."""
        frame = check_input(self, X, reset=True, numeric=False)
        medians = pd.DataFrame(date_features(frame, self.date_order)).median().fillna(0.0)
        self.medians_ = medians.to_numpy(dtype="float64")
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The date features of every row, missing ones filled with the learned medians."""
        check_is_fitted(self)
        frame = check_input(self, X, reset=False, numeric=False)
        features = date_features(frame, self.date_order)
        return np.where(np.isnan(features), self.medians_, features)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """`<column>_year`, `<column>_month` and `<column>_day_of_week` for each column."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        return np.asarray([f"{name}_{part}" for name in names for part in DATE_PARTS], dtype=object)

    def __sklearn_tags__(self) -> Any:
        """Declare that text and missing values are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


def date_features(frame: pd.DataFrame, date_order: str = "auto") -> np.ndarray:
    """Fractional year, month and day of week of every column, side by side; NaN if no date."""
    parts = []
    for name in frame.columns:
        dates = parse_dates(as_text_or_dates(frame[name]), date_order, column_evidence=False)
        days_in_year = np.where(dates.dt.is_leap_year, 366.0, 365.0)
        parts += [
            dates.dt.year + (dates.dt.day_of_year - 1) / days_in_year,
            dates.dt.month,
            dates.dt.day_of_week,
        ]
    return np.column_stack(
        [np.asarray(part, dtype="float64") for part in parts] or [np.empty((len(frame), 0))]
    )


def as_text_or_dates(values: pd.Series) -> pd.Series:
    """The values as parse_dates takes them: datetimes and text as they are, the rest as text.

    A number is no date: as text it becomes NaT (pandas is deprecating parsing numbers
    with a date format).
    """
    if pd.api.types.is_datetime64_any_dtype(values) or isinstance(values.dtype, pd.StringDtype):
        return values
    return values.astype("str")


class CustomerSegments(TransformerMixin, BaseEstimator):
    """Append the one-hot of each row's k-means segment, so that clustering becomes a feature.

    Args:
        n_segments: Number of k-means clusters (customer segments).
        random_state: Seed of the k-means initialisation.
    """

    def __init__(self, n_segments: int = 4, random_state: int | None = None) -> None:
        self.n_segments = n_segments
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> CustomerSegments:
        """Find the segments: k-means on the feature matrix."""
        X = validate_data(self, X, reset=True)
        kmeans = KMeans(n_clusters=self.n_segments, random_state=self.random_state, n_init="auto")
        self.kmeans_ = kmeans.fit(X)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The features followed by one 0/1 column per segment."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        # [exercise 36] append one 0/1 column per k-means segment to the features.
        segment = self.kmeans_.predict(X)
        one_hot = segment[:, np.newaxis] == np.arange(self.kmeans_.n_clusters)
        return np.hstack([X, one_hot.astype(X.dtype)])
        # [/exercise 36]

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The input names followed by `segment_0`, `segment_1`, ..."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        segments = [f"segment_{i}" for i in range(self.kmeans_.n_clusters)]
        return np.asarray([*names, *segments], dtype=object)


def numeric_features() -> Pipeline:
    """Median imputation (a safety net: the cleaner already fills gaps) and standardisation."""
    return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])


def build_features(params: Params) -> ColumnTransformer:
    """The ColumnTransformer from cleaned columns to the model's numeric feature matrix.

    Feature names read `numeric__age`, `categorical__plan_basic`, `support_message__refund`
    (one TF-IDF per text column, named after it) and `date__signup_date_year`.
    """
    # [bug 1]
    columns = params.model_columns
    # [bug 1 planted]
    # columns = params.columns
    # [/bug 1]
    transformers: list[tuple[str, Any, Any]] = []
    if columns.numeric:
        transformers.append(("numeric", numeric_features(), list(columns.numeric)))
    if columns.categorical:
        # The cleaner already maps spellings to the allowed values; "ignore" is for a value
        # allowed but never seen in training, which must not crash a served request.
        encoder = OneHotEncoder(handle_unknown="ignore")
        transformers.append(("categorical", encoder, list(columns.categorical)))
    for name in columns.text:
        # The column name as a string, not a list: TfidfVectorizer wants 1-D text.
        tfidf = TfidfVectorizer(
            max_features=params.model.text_max_features, min_df=TEXT_MIN_MESSAGES
        )
        transformers.append((name, tfidf, name))
    if columns.time is not None:
        parts = DateFeatures(params.columns.date_order)
        dates = Pipeline([("parts", parts), ("scale", StandardScaler())])
        transformers.append(("date", dates, [columns.time]))
    # Dense output (sparse_threshold=0): HistGradientBoosting and GaussianNB refuse sparse
    # input, and with a few hundred columns a dense matrix stays small (about 1 KB a row).
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)


def build_steps(params: Params) -> Pipeline:
    """The steps before the estimator: cleaner, features and optional customer segments.

    The cleaner passes the time column through untouched (it only rewrites the columns it is
    given), so the features step receives the raw dates. No step depends on the estimator, so
    cross-validation can fit them once per fold for several estimators.
    """
    steps: list[tuple[str, Any]] = [
        ("clean", build_cleaner(params.model_columns, params.clean)),
        ("features", build_features(params)),
    ]
    if params.model.segments > 0:
        segments = CustomerSegments(params.model.segments, random_state=params.seed)
        steps.append(("segments", segments))
    return Pipeline(steps)


def build_pipeline(params: Params, estimator: ClassifierMixin) -> Pipeline:
    """build_steps, then the estimator, as one Pipeline."""
    return Pipeline([*build_steps(params).steps, ("model", estimator)])


def build_reference(params: Params) -> Pipeline:
    """The reference model: a plain logistic regression on the cleaned numeric columns only.

    It is what a first afternoon of work gives; a candidate that cannot beat it clearly is
    not worth its complexity.
    """
    numeric = list(params.model_columns.numeric)
    if not numeric:
        raise ParamsError(
            "The reference model needs at least one numeric column, and params.yaml columns."
            "numeric (without model.drop_columns) has none."
        )
    features = ColumnTransformer(
        [("numeric", numeric_features(), numeric)], remainder="drop", sparse_threshold=0.0
    )
    return Pipeline(
        [
            ("clean", build_cleaner(params.model_columns, params.clean)),
            ("features", features),
            ("model", LogisticRegression(max_iter=1000)),
        ]
    )


def build_dummy(params: Params) -> Pipeline:
    """The dummy model: every customer gets the training churn rate, whatever the features.

    It takes model_input's columns like any candidate (and ignores them), so the stages can
    score it the same way.
    """
    return Pipeline([("model", DummyClassifier(strategy="prior"))])


def feature_names(pipeline: Pipeline) -> list[str]:
    """Names of the columns the fitted pipeline's model step receives (after segments)."""
    if len(pipeline) == 1:  # the dummy: its model reads no feature
        return []
    return [str(name) for name in pipeline[:-1].get_feature_names_out()]

"""One record's score without pandas: the fitted pipeline's steps, replayed on plain values.

A scikit-learn Pipeline is built for columns. Scoring one row through it costs about 15 ms
here, almost all of it pandas and validation overhead around a few arithmetic operations
(the model itself needs well under a millisecond). An API answers one customer at a time, so
this module assembles, once, when a model is loaded, a replay of the fitted steps on one
record's values:
- the cleaning steps replay themselves: each transformer of data/transformers.py has a
  `transform_record` beside its `transform`, chained here in the cleaner's order;
- the feature steps are read here (the medians, the scaler's means, the one-hot categories,
  the vocabulary) and replayed as vectors.

Two implementations of one transformation are a classic source of training/serving skew, so:
- only the steps this project builds are replayed; any other step makes `compile_pipeline`
  raise NotReplayable and the service keeps scoring through the pipeline itself;
- the tests score thousands of dirty records both ways and require the same scores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from {{ cookiecutter.package_name }}.data.dates import parse_dates
from {{ cookiecutter.package_name }}.data.transformers import Record, is_missing
from {{ cookiecutter.package_name }}.model.features import CustomerSegments, DateFeatures


class NotReplayable(Exception):
    """The pipeline holds a step this module does not replay (the pipeline path is used).

    Internal control flow, not a user error: model_store.py catches it and scores single
    records through the pipeline instead.
    """


# --- The features: each ColumnTransformer part maps its columns' values to a vector.


def numeric_vector(part: Pipeline) -> Callable[[list[Any]], np.ndarray]:
    """Median imputation then standardisation, from the fitted statistics."""
    imputer, scaler = part.named_steps["impute"], part.named_steps["scale"]
    medians = imputer.statistics_
    center = scaler.mean_ if scaler.with_mean else 0.0
    scale = scaler.scale_ if scaler.with_std else 1.0

    def vector(values: list[Any]) -> np.ndarray:
        x = np.asarray(values, dtype="float64")
        return (np.where(np.isnan(x), medians, x) - center) / scale

    return vector


def one_hot_vector(encoder: OneHotEncoder) -> Callable[[list[Any]], np.ndarray]:
    """One 0/1 per learned category; an unseen category sets none (handle_unknown="ignore")."""
    positions = []
    offset = 0
    for categories in encoder.categories_:
        positions.append({value: offset + i for i, value in enumerate(categories)})
        offset += len(categories)

    def vector(values: list[Any]) -> np.ndarray:
        x = np.zeros(offset)
        for lookup, value in zip(positions, values, strict=True):
            if value in lookup:
                x[lookup[value]] = 1.0
        return x

    return vector


def tfidf_vector(vectorizer: TfidfVectorizer) -> Callable[[Any], np.ndarray]:
    """The fitted TF-IDF of one text (scikit-learn's own transform: fast on one document)."""
    return lambda text: vectorizer.transform([text]).toarray()[0]


def date_vector(part: Pipeline) -> Callable[[list[Any]], np.ndarray]:
    """Fractional year, month and day of week of each date, median-filled, standardised."""
    parts, scaler = part.named_steps["parts"], part.named_steps["scale"]
    medians, order = parts.medians_, parts.date_order

    def vector(values: list[Any]) -> np.ndarray:
        x = np.concatenate([date_parts(value, order) for value in values])
        x = np.where(np.isnan(x), medians, x)
        return (x - scaler.mean_) / scaler.scale_

    return vector


def date_parts(value: Any, order: str = "auto") -> np.ndarray:
    """What DateFeatures computes for one value: NaN for a missing, unreadable or ambiguous date."""
    text = "nan" if is_missing(value) else str(value)
    # [bug 4]
    stamp = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    # [bug 4 planted]
    # stamp = pd.to_datetime(text, dayfirst=True, errors="coerce", utc=True)
    # [/bug 4]
    if pd.isna(stamp) and text != "nan":
        # Not ISO (the API sends ISO; a record given directly may not): the same rule, one cell.
        stamp = parse_dates(pd.Series([text]), order, column_evidence=False).iloc[0]
    if pd.isna(stamp):
        return np.full(3, np.nan)
    stamp = stamp.tz_localize(None)
    days_in_year = 366.0 if stamp.is_leap_year else 365.0
    year = stamp.year + (stamp.day_of_year - 1) / days_in_year
    return np.array([year, stamp.month, stamp.day_of_week], dtype="float64")


def feature_part(transformer: Any) -> Callable[[Any], np.ndarray]:
    """The replay of one ColumnTransformer part, or NotReplayable."""
    if isinstance(transformer, TfidfVectorizer):
        return tfidf_vector(transformer)
    if isinstance(transformer, OneHotEncoder):
        if transformer.drop is not None or transformer.min_frequency is not None:
            raise NotReplayable("a OneHotEncoder with drop or min_frequency")
        if transformer.max_categories is not None or transformer.handle_unknown != "ignore":
            raise NotReplayable("a OneHotEncoder without handle_unknown='ignore'")
        return one_hot_vector(transformer)
    if isinstance(transformer, Pipeline):
        kinds = [type(step) for _, step in transformer.steps]
        if kinds == [SimpleImputer, StandardScaler] and transformer[0].strategy == "median":
            return numeric_vector(transformer)
        if kinds == [DateFeatures, StandardScaler] and transformer[1].with_mean:
            return date_vector(transformer)
    raise NotReplayable(f"a {type(transformer).__name__} feature step")


# --- The whole pipeline.


@dataclass(frozen=True)
class RecordScorer:
    """A fitted pipeline replayed on one record: cleaning, features, segments, estimator."""

    cleaning: Sequence[Callable[[Record], Record]]  # each cleaning step's transform_record
    features: Sequence[tuple[Callable[[Any], np.ndarray], Any]]  # (vector, column or columns)
    after_features: Sequence[Any]  # steps that take the feature matrix, e.g. CustomerSegments
    estimator: Any

    def score(self, record: Mapping[str, Any]) -> float:
        """The churn probability of one raw record (values as text or missing)."""
        values = dict(record)
        for transform_record in self.cleaning:
            values = transform_record(values)
        parts = []
        for vector, columns in self.features:
            if isinstance(columns, str):  # a text column: its vectorizer takes one string
                parts.append(vector(values[columns]))
            else:
                parts.append(vector([values[name] for name in columns]))
        row = np.concatenate(parts)[np.newaxis, :]
        for step in self.after_features:
            row = step.transform(row)
        return float(self.estimator.predict_proba(row)[0, 1])


def compile_pipeline(pipeline: Pipeline) -> RecordScorer:
    """Read the fitted values out of the pipeline's steps; NotReplayable if one is unknown."""
    steps = [step for _, step in pipeline.steps]
    if len(steps) < 3 or not isinstance(steps[0], Pipeline):
        raise NotReplayable("a pipeline that does not start with the cleaner and the features")
    # Each cleaning step replays itself (data/transformers.py): a new step needs no code here.
    cleaning = []
    for _, step in steps[0].steps:
        if not hasattr(step, "transform_record"):
            raise NotReplayable(f"a {type(step).__name__} cleaning step")
        cleaning.append(step.transform_record)
    if not isinstance(steps[1], ColumnTransformer):
        raise NotReplayable("a features step that is no ColumnTransformer")
    features = []
    for name, transformer, columns in steps[1].transformers_:
        if transformer == "drop" or (name == "remainder" and len(columns) == 0):
            continue
        features.append((feature_part(transformer), columns))
    after = steps[2:-1]
    if any(not isinstance(step, CustomerSegments) for step in after):
        raise NotReplayable("a step between the features and the estimator")
    if hasattr(steps[-1], "feature_names_in_"):
        raise NotReplayable("an estimator fitted on named columns")
    return RecordScorer(cleaning, features, after, steps[-1])

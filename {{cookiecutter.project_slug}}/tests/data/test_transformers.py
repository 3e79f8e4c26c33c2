"""The column cleaning steps: each transformer, the cleaner, one record, and a new step."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from sklearn.utils.validation import check_is_fitted

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data import transformers
from {{ cookiecutter.package_name }}.data.transformers import (
    CategoryNormalizer,
    MissingValueImputer,
    NumericParser,
    QuantileClipper,
    Record,
    build_cleaner,
    check_input,
    chosen_columns,
    same_kind,
)
from {{ cookiecutter.package_name }}.model import features
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
# [api]
from {{ cookiecutter.package_name }}.serving.predict import records_frame
from {{ cookiecutter.package_name }}.serving.record_scorer import compile_pipeline
# [/api]

from ..conftest import dirty_frame, number_in, raw_frame, raw_row, require_exercises


def names(columns: ColumnsParams) -> tuple[str, str, str]:
    """The contract's first numeric, categorical and text columns."""
    return next(iter(columns.numeric)), next(iter(columns.categorical)), columns.text[0]


# --- Each step.


def test_category_normalizer_maps_spellings_typos_and_unknowns(contract: ColumnsParams) -> None:
    require_exercises(9)  # an unknown value is measured against the categories: a typo?
    number, category, _ = names(contract)
    spec = contract.categorical[category]
    synonym, canonical = next(iter(spec.synonyms.items()))
    spelt = f"  {spec.allowed[0].upper()}"
    typo = spec.allowed[0][0] + spec.allowed[0][2:]  # its second letter dropped
    frame = pd.DataFrame(
        {category: [spelt, synonym.title(), typo, "Narnia", None], number: [1.0, 2, 3, 4, 5]}
    )
    normalizer = CategoryNormalizer({category: spec})

    out = normalizer.fit_transform(frame)

    assert out[category].tolist()[:3] == [spec.allowed[0], canonical, spec.allowed[0]]
    assert out[category].iloc[3:].isna().all()  # unknown, and missing
    assert normalizer.transform_record({category: typo, number: 3.0})[category] == spec.allowed[0]
    assert out[number].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert out[number].dtype == "float64"
    assert frame[category].iloc[0] == spelt  # the input is left as it was
    assert normalizer.get_feature_names_out().tolist() == [category, number]
    # The contract's column may also be given as a plain dict.
    as_dict = CategoryNormalizer({category: spec.model_dump()}).fit_transform(frame)
    pd.testing.assert_frame_equal(as_dict, out)


def test_category_normalizer_without_contract_learns_the_values(contract: ColumnsParams) -> None:
    _, category, _ = names(contract)
    normalizer = CategoryNormalizer().fit(pd.DataFrame({category: ["a", "B", "b"]}))

    out = normalizer.transform(pd.DataFrame({category: [" b", "c"]}))

    assert out[category].iloc[0] == "B"
    assert pd.isna(out[category].iloc[1])


def test_numeric_parser_parses_only_its_columns(contract: ColumnsParams) -> None:
    number, _, _ = names(contract)
    frame = pd.DataFrame({number: ["1 234,50", "$1,234.50", "abc"], contract.id: ["7", "8", "9"]})
    parser = NumericParser(columns=[number])

    out = parser.fit_transform(frame)

    assert out[number].tolist()[:2] == [1234.5, 1234.5]
    assert np.isnan(out[number].iloc[2])
    assert out[number].dtype == "float64"
    assert out[contract.id].tolist() == ["7", "8", "9"]
    assert parser.get_feature_names_out().tolist() == [number, contract.id]


def test_numeric_parser_rejects_an_unknown_column(contract: ColumnsParams) -> None:
    number, _, _ = names(contract)
    with pytest.raises(ValueError, match="'not a column'"):
        NumericParser(columns=["not a column"]).fit(pd.DataFrame({number: ["1"]}))


@pytest.mark.exercise(1)
def test_quantile_clipper_learns_bounds_and_clips() -> None:
    train = pd.DataFrame({"x": np.arange(101, dtype=float), "name": ["a"] * 101})
    clipper = QuantileClipper(lower=0.1, upper=0.9).fit(train)

    out = clipper.transform(pd.DataFrame({"x": [-5.0, 50.0, 200.0, np.nan], "name": ["a"] * 4}))

    assert clipper.lower_bounds_ == {"x": 10.0}
    assert clipper.upper_bounds_ == {"x": 90.0}
    assert out["x"].tolist()[:3] == [10.0, 50.0, 90.0]
    assert np.isnan(out["x"].iloc[3])
    assert clipper.get_feature_names_out().tolist() == ["x", "name"]


@pytest.mark.exercise(1)
def test_quantile_clipper_returns_an_array_for_an_array_and_leaves_the_input_alone() -> None:
    X = np.array([[0.0], [5.0], [10.0], [np.nan]])
    frame = pd.DataFrame({"x": [0.0, 20.0]})
    clipper = QuantileClipper(lower=0.1, upper=0.9).fit(np.arange(11.0).reshape(-1, 1))
    named = QuantileClipper(lower=0.1, upper=0.9).fit(pd.DataFrame({"x": np.arange(11.0)}))

    out = clipper.transform(X)

    assert isinstance(out, np.ndarray) and out[:3, 0].tolist() == [1.0, 5.0, 9.0]
    assert np.isnan(out[3, 0]) and X[0, 0] == 0.0  # the caller's array is not clipped in place
    assert named.transform(frame)["x"].tolist() == [1.0, 9.0]
    assert frame["x"].tolist() == [0.0, 20.0]
    with pytest.raises(NotFittedError):
        QuantileClipper().transform(X)


def test_quantile_clipper_rejects_text_columns(contract: ColumnsParams) -> None:
    _, category, _ = names(contract)
    with pytest.raises(ValueError, match="parse them before clipping"):
        QuantileClipper(columns=[category]).fit(pd.DataFrame({category: ["a", "b"]}))


def test_imputer_fills_by_column_role(contract: ColumnsParams) -> None:
    number, category, text = names(contract)
    frame = pd.DataFrame(
        {
            number: [1.0, 2.0, np.nan, 10.0],
            category: ["a", "b", "b", None],
            text: [None, "hi", None, "yo"],
        }
    )
    imputer = MissingValueImputer(numeric=[number], categorical=[category], text=[text])

    out = imputer.fit_transform(frame)

    assert imputer.fill_values_ == {number: 2.0, category: "b", text: ""}
    assert out[number].tolist() == [1.0, 2.0, 2.0, 10.0]
    assert out[category].tolist() == ["a", "b", "b", "b"]
    assert out[text].tolist() == ["", "hi", "", "yo"]
    assert imputer.get_feature_names_out().tolist() == [number, category, text]


def test_imputer_defaults_to_the_median_on_numbers() -> None:
    X = np.array([[1.0, np.nan], [3.0, 4.0], [np.nan, 6.0]])

    out = MissingValueImputer().fit_transform(X)

    assert out.tolist() == [[1.0, 5.0], [3.0, 4.0], [2.0, 6.0]]


# --- A new step, written as the README's "Extend it" says: this class, its place in
# build_cleaner, and its tests (the estimator checks below, and the last test of this file).


class ValueCap(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Lower every number above `cap` to it (the recipe's example step)."""

    def __init__(self, cap: float = 0.0, columns: list[str] | None = None) -> None:
        self.cap = cap
        self.columns = columns

    def fit(self, X: Any, y: Any = None) -> ValueCap:
        """Remember which columns to cap."""
        frame = check_input(self, X, reset=True, numeric=True)
        self.columns_ = chosen_columns(frame, self.columns, list(frame.columns))
        return self

    def transform(self, X: Any) -> pd.DataFrame | np.ndarray:
        """Cap each chosen column (missing values stay missing)."""
        check_is_fitted(self)
        frame = check_input(self, X, reset=False, numeric=True).copy(deep=False)
        for name in self.columns_:
            frame[name] = frame[name].clip(upper=self.cap)
        return same_kind(X, frame)

    def transform_record(self, record: Record) -> Record:
        """transform on one record."""
        out = dict(record)
        for name in self.columns_:
            if record[name] > self.cap:  # NaN is never above: a missing value stays missing
                out[name] = self.cap
        return out

    def __sklearn_tags__(self) -> Any:
        """Declare that missing values are accepted (they stay missing)."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


@parametrize_with_checks(
    [CategoryNormalizer(), NumericParser(), QuantileClipper(), MissingValueImputer(), ValueCap()]
)
def test_transformers_keep_the_estimator_contract(
    estimator: object, check: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(estimator, QuantileClipper):
        require_exercises(1)  # many checks call its transform
    # check_array_api_input skips itself unless this is set; for these estimators it only
    # runs with NumPy arrays, which need no SciPy array-API support, so it can run for real.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


# --- The cleaner, on frames and on one record.


def same_values(record: Record, row: Record) -> bool:
    """Whether two records hold the same values (missing equals missing)."""
    return record.keys() == row.keys() and all(
        (pd.isna(value) and pd.isna(row[name])) or value == row[name]
        for name, value in record.items()
    )


def replay(cleaner: Pipeline, record: Record) -> Record:
    """One record through each step's transform_record, in the cleaner's order."""
    for _, step in cleaner.steps:
        record = step.transform_record(record)
    return record


def test_cleaner_handles_unseen_values(params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    columns = params.columns
    number, category, _ = names(columns)
    features = dirty_frame(columns, 200)[columns.features]
    cleaner = build_cleaner(columns, params.clean).fit(features)
    value = columns.categorical[category].allowed[0]
    new = raw_row(columns, 20, **{category: f" {value.title()}", number: "$2,000,000.00"})
    unknown = raw_row(columns, 21, **{category: "Atlantis"})

    out = cleaner.transform(raw_frame(columns, [new, unknown])[columns.features])

    assert out.notna().all().all()
    assert out[category].tolist() == [value, cleaner.named_steps["impute"].fill_values_[category]]
    assert out[number].iloc[0] == cleaner.named_steps["outliers"].upper_bounds_[number]
    assert out.columns.tolist() == columns.features


def test_transform_record_gives_what_transform_gives(params: Params) -> None:
    require_exercises(1, 8, 9)  # clipping; one record's numbers (8) and typos (9)
    columns = params.columns
    number, _, _ = names(columns)
    train, test = dirty_frame(columns, 300, seed=1), dirty_frame(columns, 300, seed=2)
    cleaner = build_cleaner(columns, params.clean).fit(train[columns.features])
    records = test[columns.features].to_dict("records")
    # A client may also send a number as a number, or leave a value out (None).
    records += [{**records[0], number: 12.5}, {**records[1], number: None}]

    expected = cleaner.transform(pd.DataFrame(records, columns=columns.features))

    replayed = [replay(cleaner, record) for record in records]
    assert all(
        same_values(record, row)
        for record, row in zip(replayed, expected.to_dict("records"), strict=True)
    )


def test_a_new_cleaning_step_is_one_class(params: Params, monkeypatch: pytest.MonkeyPatch) -> None:
    require_exercises(1, 8, 9)  # clipping; one record's numbers (8) and typos (9)
    columns = params.columns
    number, _, _ = names(columns)
    cap = number_in(columns, number, 3)  # a value inside the column's range

    def build_cleaner_with_cap(*args: Any) -> Pipeline:
        """build_cleaner with ValueCap in its list, after "numbers" where its input is ready."""
        cleaner = transformers.build_cleaner(*args)
        cleaner.steps.insert(2, ("cap", ValueCap(cap, [number])))
        return cleaner

    monkeypatch.setattr(features, "build_cleaner", build_cleaner_with_cap)
    rows = dirty_frame(columns, 400, seed=3)
    X, y = model_input(rows, params), rows[columns.target].astype(int)
    pipeline = build_pipeline(params, build_estimator("logistic_regression", {}, params.seed))
    pipeline.fit(X, y)

    cleaned = pipeline[0].transform(X)
    assert cleaned[number].max() <= cap  # the pipeline applies the new step
    replayed = [replay(pipeline[0], record) for record in X.to_dict("records")]
    assert all(
        same_values(record, row)
        for record, row in zip(replayed, cleaned.to_dict("records"), strict=True)
    )
    # [api]
    scorer = compile_pipeline(pipeline)  # and so does the record scorer, with no change to it
    frame = records_frame([{number: f"{cap * k:.2f}"} for k in (0.5, 1, 4, 400)], params)
    expected = pipeline.predict_proba(frame)[:, 1]
    scores = [scorer.score(record) for record in frame.to_dict("records")]
    np.testing.assert_allclose(scores, expected, rtol=1e-9, atol=1e-12)
    assert scores[1] == scores[2] == scores[3] != scores[0]  # capped alike
    # [/api]

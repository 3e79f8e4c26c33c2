"""The column-level cleaning steps: scikit-learn transformers, and the cleaner they make.

Each step maps every input row to exactly one output row, so the steps live inside the model's
Pipeline (model/features.py): training, cross-validation folds and serving apply the very same
cleaning, with values (spellings, quantiles, medians) learned on the training rows only. The
clean stage (data/clean.py) runs them too, to write the processed data and its report.

Each step has two ways to apply what it learned:
- `transform(X)` on a DataFrame (or array): a column at a time, for training and batches;
- `transform_record(record)` on one record's values (a dict of str, float, None), in plain
  Python: the serving path (serving/record_scorer.py) chains these to score one customer
  without pandas, and its tests require the same result as `transform`.

To add a cleaning step: write one class here like those below (`__init__` stores parameters,
`fit` learns attributes ending in `_` and returns self, `transform` and `transform_record`
apply them), add it to the list in `build_cleaner` where its input is ready, list its full
name in model/trusted_types.py (a saved model may hold only the types listed there), and test
it in tests/data/test_transformers.py (its values, the estimator contract, and
`transform_record` against `transform`: see the test of this recipe there).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from {{ cookiecutter.package_name }}.config import CleanParams
from {{ cookiecutter.package_name }}.contract import CategoricalColumn, ColumnsParams
from {{ cookiecutter.package_name }}.data.numbers import parse_number, parse_numbers
from {{ cookiecutter.package_name }}.data.spelling import repaired_spelling

Record = dict[str, Any]  # one record's values by column name, as the record scorer passes them


def check_input(estimator: BaseEstimator, X: Any, *, reset: bool, numeric: bool) -> pd.DataFrame:
    """Check X like scikit-learn does and return it as a DataFrame (numpy input is wrapped).

    A DataFrame keeps its column dtypes (text stays text); only its shape and column names
    are checked. Other input goes through scikit-learn's checks, converted to numbers when
    the step needs them.
    """
    if isinstance(X, pd.DataFrame):
        validate_data(estimator, X, reset=reset, skip_check_array=True)
        return X
    array = validate_data(
        estimator,
        X,
        reset=reset,
        dtype="numeric" if numeric else None,
        ensure_all_finite="allow-nan" if numeric else False,
    )
    names = getattr(estimator, "feature_names_in_", None)
    return pd.DataFrame(array, columns=names if names is not None else None)


def same_kind(X: Any, frame: pd.DataFrame) -> pd.DataFrame | np.ndarray:
    """Return the result as the caller gave the input: DataFrame in, DataFrame out."""
    return frame if isinstance(X, pd.DataFrame) else frame.to_numpy()


def chosen_columns(frame: pd.DataFrame, wanted: Sequence[str] | None, fallback: list) -> list:
    """The columns a step touches: the ones named (each must exist) or else the fallback."""
    if wanted is None:
        return fallback
    absent = [name for name in wanted if name not in frame.columns]
    if absent:
        raise ValueError(f"columns {absent} are not in the input.")
    return list(wanted)


def is_text_column(values: pd.Series) -> bool:
    """True for object or string columns (the raw CSV's text)."""
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


class RawInputMixin:
    """For steps that read raw columns: scikit-learn's checks may give them text and gaps."""

    def __sklearn_tags__(self) -> Any:
        """Declare that text and missing values are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


class CategoryNormalizer(RawInputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Rewrite each category to its canonical spelling; an unknown one becomes missing.

    A value is stripped of surrounding spaces, then matched case-insensitively to the
    `allowed` values, then to the `synonyms` ("FR" -> "France"), then, if it is a typo one
    edit away from a single category ("Frnace"), repaired to it (data/spelling.py). A value
    matching nothing becomes NaN: an unknown category is treated as missing and imputed, so a
    model never meets a value it was not trained on. Non-text values pass through untouched.

    Args:
        categories: Column name -> its CategoricalColumn, or a dict with the same keys
            (allowed, synonyms). None learns each text column's distinct values at fit.
    """

    def __init__(self, categories: Mapping[str, Any] | None = None) -> None:
        self.categories = categories

    def fit(self, X: Any, y: Any = None) -> CategoryNormalizer:
        """Build, per column, the lookup from every accepted spelling to the canonical one."""
        frame = check_input(self, X, reset=True, numeric=False)
        if self.categories is None:
            names = [name for name in frame.columns if is_text_column(frame[name])]
            self.spellings_ = {name: learned_spellings(frame[name]) for name in names}
        else:
            chosen_columns(frame, list(self.categories), [])
            self.spellings_ = {
                name: contract_spellings(CategoricalColumn.model_validate(spec))
                for name, spec in self.categories.items()
            }
        return self

    def transform(self, X: Any) -> pd.DataFrame | np.ndarray:
        """Replace every text value by its canonical spelling, or NaN when it is unknown."""
        check_is_fitted(self)
        frame = check_input(self, X, reset=False, numeric=False).copy(deep=False)
        for name, spellings in self.spellings_.items():
            frame[name] = normalize_categories(frame[name], spellings)
        return same_kind(X, frame)

    def transform_record(self, record: Record) -> Record:
        """transform on one record: canonical spelling, NaN for an unknown category."""
        out = dict(record)
        for name, spellings in self.spellings_.items():
            value = record[name]
            if isinstance(value, str):
                out[name] = canonical_spelling(value, spellings)
        return out


def spelling_key(value: str) -> str:
    """The form two spellings of one category share: no surrounding spaces, no case."""
    return value.strip().casefold()


def canonical_spelling(value: str, spellings: Mapping[str, str]) -> Any:
    """The canonical value of a spelling: known, else repaired if it is a typo, else NaN."""
    key = spelling_key(value)
    known = spellings.get(key)
    if known is not None:
        return known
    repaired = repaired_spelling(key, spellings)
    return math.nan if repaired is None else repaired


def contract_spellings(spec: CategoricalColumn) -> dict[str, str]:
    """Every accepted spelling key -> canonical value; an allowed value wins over a synonym."""
    spellings = {spelling_key(other): value for other, value in spec.synonyms.items()}
    return spellings | {spelling_key(value): value for value in spec.allowed}


def learned_spellings(values: pd.Series) -> dict[str, str]:
    """Spelling key -> the first (sorted) stripped text seen with that key in training."""
    texts = sorted({value.strip() for value in values.dropna().unique() if isinstance(value, str)})
    spellings: dict[str, str] = {}
    for text in texts:  # a loop over distinct values, not rows
        spellings.setdefault(spelling_key(text), text)
    return spellings


def normalize_categories(values: pd.Series, spellings: Mapping[str, str]) -> pd.Series:
    """Canonical spelling of each text value; NaN for unknown text; other values unchanged."""
    if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
        return values  # no text, so nothing to respell
    # Each distinct value is looked up once (a loop over a few spellings, not over the rows),
    # then spread back to the rows by its factorize code.
    codes, uniques = pd.factorize(values)
    canonical = [
        # An unknown category becomes missing rather than an error: the imputer then fills
        # it, so a served request with a new spelling still gets a prediction.
        canonical_spelling(value, spellings) if isinstance(value, str) else value
        for value in uniques
    ]
    # factorize marks a missing cell with code -1, which picks the NaN appended last.
    mapped = np.array([*canonical, np.nan], dtype=object)[codes]
    result = pd.Series(mapped, index=values.index, name=values.name)
    return result.astype(values.dtype) if isinstance(values.dtype, pd.StringDtype) else result


class NumericParser(RawInputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Parse numbers written as text ("1 234,50", "$1,234.50") into float64; junk becomes NaN.

    Non-finite numbers ("inf", "1e400") become NaN too, by the rule of data/numbers.py.

    Args:
        columns: The columns to parse; None parses every column.
        decimal: The decimal mark: "auto", "." or "," (columns.decimal in params.yaml).
    """

    def __init__(self, columns: Sequence[str] | None = None, decimal: str = "auto") -> None:
        self.columns = columns
        self.decimal = decimal

    def fit(self, X: Any, y: Any = None) -> NumericParser:
        """Remember which columns to parse (nothing is learned from the values)."""
        frame = check_input(self, X, reset=True, numeric=False)
        self.columns_ = chosen_columns(frame, self.columns, list(frame.columns))
        return self

    def transform(self, X: Any) -> pd.DataFrame | np.ndarray:
        """Replace each chosen column by its parsed numbers."""
        check_is_fitted(self)
        frame = check_input(self, X, reset=False, numeric=False).copy(deep=False)
        for name in self.columns_:
            frame[name] = parse_numbers(frame[name], self.decimal)
        return same_kind(X, frame)

    def transform_record(self, record: Record) -> Record:
        """transform on one record: each value parsed by the same rule, one at a time."""
        return record | {name: parse_number(record[name], self.decimal) for name in self.columns_}


class QuantileClipper(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Clip numbers to quantiles learned at fit, so a few extreme values cannot dominate.

    Args:
        lower: Quantile (0 to 1) below which values are raised to it.
        upper: Quantile (0 to 1) above which values are lowered to it.
        columns: The numeric columns to clip; None clips every numeric column.
    """

    def __init__(
        self, lower: float = 0.01, upper: float = 0.99, columns: Sequence[str] | None = None
    ) -> None:
        self.lower = lower
        self.upper = upper
        self.columns = columns

    def fit(self, X: Any, y: Any = None) -> QuantileClipper:
        """Learn each column's lower and upper bound (missing values are ignored)."""
        if not 0.0 <= self.lower < self.upper <= 1.0:
            raise ValueError("lower and upper must be quantiles with 0 <= lower < upper <= 1.")
        frame = check_input(self, X, reset=True, numeric=True)
        numeric = [name for name in frame.columns if is_numeric_column(frame[name])]
        names = chosen_columns(frame, self.columns, numeric)
        not_numeric = [name for name in names if not is_numeric_column(frame[name])]
        if not_numeric:
            raise ValueError(f"columns {not_numeric} hold no numbers; parse them before clipping.")
        bounds = frame[names].astype("float64").quantile([self.lower, self.upper])
        self.lower_bounds_ = {name: float(bounds.iloc[0][name]) for name in names}
        self.upper_bounds_ = {name: float(bounds.iloc[1][name]) for name in names}
        return self

    def transform(self, X: Any) -> pd.DataFrame | np.ndarray:
        """Clip each column to its learned bounds (a NaN bound, from an empty column, is none)."""
        check_is_fitted(self)
        # [exercise 1] clip each column of X to the bounds that fit() learned.
        frame = check_input(self, X, reset=False, numeric=True).copy(deep=False)
        for name, low in self.lower_bounds_.items():
            frame[name] = frame[name].clip(low, self.upper_bounds_[name])
        return same_kind(X, frame)
        # [/exercise 1]

    def transform_record(self, record: Record) -> Record:
        """transform on one record: each value raised or lowered to the learned bounds."""
        out = dict(record)
        for name, low in self.lower_bounds_.items():
            value, high = record[name], self.upper_bounds_[name]
            # Like pandas' clip: a missing value stays missing and a NaN bound is no bound.
            if not math.isnan(value):
                value = value if math.isnan(low) else max(value, low)
                value = value if math.isnan(high) else min(value, high)
            out[name] = value
        return out

    def __sklearn_tags__(self) -> Any:
        """Declare that missing values are accepted (they stay missing)."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def is_numeric_column(values: pd.Series) -> bool:
    """True for int or float columns (booleans are not numbers to clip)."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


class MissingValueImputer(RawInputMixin, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Fill missing values: median for numbers, most frequent value for categories, "" for text.

    When numeric, categorical and text are all None, numeric columns get their median and
    every other column its most frequent value.

    Args:
        numeric: Columns filled with their median.
        categorical: Columns filled with their most frequent value.
        text: Columns filled with "": no message is a fact, not a typical message to invent.
    """

    def __init__(
        self,
        numeric: Sequence[str] | None = None,
        categorical: Sequence[str] | None = None,
        text: Sequence[str] | None = None,
    ) -> None:
        self.numeric = numeric
        self.categorical = categorical
        self.text = text

    def fit(self, X: Any, y: Any = None) -> MissingValueImputer:
        """Learn each column's fill value."""
        frame = check_input(self, X, reset=True, numeric=False)
        if self.numeric is None and self.categorical is None and self.text is None:
            numeric = [name for name in frame.columns if is_numeric_column(frame[name])]
            categorical = [name for name in frame.columns if name not in numeric]
            text: list = []
        else:
            numeric = chosen_columns(frame, self.numeric or [], [])
            categorical = chosen_columns(frame, self.categorical or [], [])
            text = chosen_columns(frame, self.text or [], [])
        not_numeric = [name for name in numeric if not is_numeric_column(frame[name])]
        if not_numeric:
            raise ValueError(f"columns {not_numeric} hold no numbers; parse them before imputing.")
        fill_values: dict[Any, Any] = {name: float(frame[name].median()) for name in numeric}
        fill_values |= {name: most_frequent(frame[name]) for name in categorical}
        fill_values |= dict.fromkeys(text, "")
        self.fill_values_ = fill_values
        return self

    def transform(self, X: Any) -> pd.DataFrame | np.ndarray:
        """Fill every missing value of the fitted columns with its fill value."""
        check_is_fitted(self)
        frame = check_input(self, X, reset=False, numeric=False)
        # A column that had no value at fit has a NaN fill value, which would fill nothing.
        fill_values = {name: value for name, value in self.fill_values_.items() if pd.notna(value)}
        return same_kind(X, frame.fillna(fill_values))

    def transform_record(self, record: Record) -> Record:
        """transform on one record: each missing value filled with the learned one."""
        out = dict(record)
        for name, fill in self.fill_values_.items():
            if is_missing(record[name]) and not is_missing(fill):
                out[name] = fill
        return out


def is_missing(value: Any) -> bool:
    """True for None and NaN, what pandas' fillna fills."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def most_frequent(values: pd.Series) -> Any:
    """The most frequent value; on a tie the smallest one, so refits give the same answer."""
    counts = values.value_counts(dropna=True)
    if counts.empty:
        return np.nan
    return sorted(counts.index[counts == counts.max()], key=str)[0]


def build_cleaner(columns: ColumnsParams, clean: CleanParams) -> Pipeline:
    """The column-level cleaning of the contract's features, as one pandas-output Pipeline.

    Order matters: categories are normalised before imputation (an unknown one becomes
    missing, then imputed), and text is parsed to numbers before quantiles are learned. A new
    step goes into this list, where its input is ready; the record scorer follows the list.
    """
    numeric = list(columns.numeric)
    categories = {name: spec.model_dump() for name, spec in columns.categorical.items()}
    lower, upper = clean.clip_quantiles
    imputer = MissingValueImputer(
        numeric=numeric, categorical=list(columns.categorical), text=list(columns.text)
    )
    steps = [
        ("categories", CategoryNormalizer(categories)),
        ("numbers", NumericParser(numeric, columns.decimal)),
        ("outliers", QuantileClipper(lower, upper, numeric)),
        ("impute", imputer),
    ]
    return Pipeline(steps).set_output(transform="pandas")

"""Clean: raw customers into data/interim/ (rows cleaned) and data/processed/ (values cleaned).

Cleaning has two kinds of steps, kept apart on purpose:

1. Row-level steps (`drop_missing_target`, `drop_duplicate_rows`, `resolve_repeated_ids`,
   `drop_impossible_records`, run in that order by `clean_rows`) are plain functions on the
   raw frame. They remove rows, and a scikit-learn Pipeline cannot do that: each of its steps
   maps every input row to exactly one output row, and a served request must get an answer.
   They run once, here, before any model sees the data.
2. Column-level steps (`CategoryNormalizer`, `NumericParser`, `QuantileClipper`,
   `MissingValueImputer`, chained by `build_cleaner`) are scikit-learn transformers. They must
   live inside the model's Pipeline so that training and serving apply the very same
   cleaning, with values (quantiles, medians) learned on the training data only.

`run` writes the interim file (clean rows, raw text values: what the model pipeline trains on),
the processed file (the interim rows through the fitted cleaner: what validation and
exploration read) and reports/cleaning.json, which counts what every step changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted, validate_data

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import (
    CLEANING_JSON,
    INTERIM_DATA,
    PROCESSED_DATA,
    RAW_DATA,
    CategoricalColumn,
    CleanParams,
    ColumnsParams,
    Params,
)
from {{ cookiecutter.package_name }}.data.numbers import (
    is_plain_number,
    non_finite_numbers,
    parse_numbers,
)
from {{ cookiecutter.package_name }}.errors import DataError

LABELS = (0, 1)


# --- Parsing helpers shared by the row and column steps (numbers: see data/numbers.py).


def parse_dates(values: pd.Series) -> pd.Series:
    """Parse ISO 8601 text ("2021-03-14") into datetime64; anything else becomes NaT.

    A time with a UTC offset ("2021-03-14T10:00+01:00") is converted to UTC and loses the
    offset, so that one column can mix both forms (pandas refuses mixed offsets otherwise).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    codes, uniques = pd.factorize(values)
    dates = pd.to_datetime(
        pd.Series(uniques, dtype=object), format="ISO8601", errors="coerce", utc=True
    )
    parsed = dates.dt.tz_localize(None).to_numpy()
    parsed = np.append(parsed, np.array(["NaT"], dtype=parsed.dtype))[codes]
    return pd.Series(parsed, index=values.index, name=values.name)


# --- 1. Row-level steps: they remove rows, so they run before (never inside) the Pipeline.


def drop_missing_target(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, int]:
    """Drop rows whose target is missing or not 0/1, and parse the target to integers."""
    labels = parse_numbers(frame[target])
    keep = labels.isin(LABELS).to_numpy()
    kept = frame[keep].assign(**{target: labels[keep].astype("int64")})
    return kept, int((~keep).sum())


def drop_duplicate_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop exact copies of an earlier row (the first one is kept)."""
    duplicated = frame.duplicated(keep="first").to_numpy()
    return frame[~duplicated], int(duplicated.sum())


def resolve_repeated_ids(frame: pd.DataFrame, id_column: str | None) -> tuple[pd.DataFrame, int]:
    """Keep one row per id: the most complete (fewest missing cells), on a tie the last one.

    The last row in file order wins a tie because exports append newer records. Rows without
    an id are all kept here (nothing says they describe the same customer);
    drop_impossible_records removes them.
    """
    if id_column is None:
        return frame, 0
    ids, _ = pd.factorize(frame[id_column])
    missing = frame.isna().sum(axis=1).to_numpy()
    position = np.arange(len(frame))
    # Sorted by id, then fewest missing cells, then latest position: each id's first row wins.
    order = np.lexsort((-position, missing, ids))
    sorted_ids = ids[order]
    first_of_id = np.ones(len(order), dtype=bool)
    first_of_id[1:] = sorted_ids[1:] != sorted_ids[:-1]
    keep = np.zeros(len(frame), dtype=bool)
    keep[order[first_of_id]] = True
    keep[ids == -1] = True
    return frame[keep], int((~keep).sum())


def drop_impossible_records(
    frame: pd.DataFrame, columns: ColumnsParams, today: date | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop rows with a number outside the contract's [min, max], or no usable id or time.

    A time is unusable when it is missing, is no date ("2021-02-30") or lies after `today`
    (default: the day the stage runs): a customer cannot sign up in the future. A missing
    number is not impossible (imputation deals with it), but a missing id or time is: they
    are never imputed, and a record without them cannot be told apart or placed in time.

    Returns the kept rows and, per column, how many rows it made impossible (a row can count
    in several columns).
    """
    impossible = np.zeros(len(frame), dtype=bool)
    counts: dict[str, int] = {}
    if columns.id is not None:
        bad = frame[columns.id].isna().to_numpy()
        counts[columns.id] = int(bad.sum())
        impossible |= bad
    if columns.time is not None:
        dates = parse_dates(frame[columns.time])
        latest = pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)
        bad = (dates.isna() | (dates >= latest)).to_numpy()
        counts[columns.time] = int(bad.sum())
        impossible |= bad
    for name, limits in columns.numeric.items():
        numbers = parse_numbers(frame[name], columns.decimal)
        low = -np.inf if limits.min is None else limits.min
        high = np.inf if limits.max is None else limits.max
        bad = ((numbers < low) | (numbers > high)).to_numpy()
        counts[name] = int(bad.sum())
        impossible |= bad
    return frame[~impossible], counts


def clean_rows(frame: pd.DataFrame, columns: ColumnsParams) -> tuple[pd.DataFrame, dict]:
    """Run every row-level step in order; return the kept rows and how many each removed."""
    rows_in = len(frame)
    frame, missing_target = drop_missing_target(frame, columns.target)
    frame, duplicates = drop_duplicate_rows(frame)
    frame, repeated = resolve_repeated_ids(frame, columns.id)
    before_impossible = len(frame)
    frame, by_column = drop_impossible_records(frame, columns)
    counts = {
        "rows_in": rows_in,
        "missing_target": missing_target,
        "duplicate_rows": duplicates,
        "repeated_ids": repeated,
        "impossible_records": before_impossible - len(frame),
        "impossible_by_column": by_column,
        "rows_out": len(frame),
    }
    return frame.reset_index(drop=True), counts


# --- 2. Column-level steps: scikit-learn transformers, so the model Pipeline holds them.


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


class CategoryNormalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Rewrite each category to its canonical spelling; an unknown one becomes missing.

    A value is stripped of surrounding spaces, then matched case-insensitively to the
    `allowed` values, then to the `synonyms` ("FR" -> "France"). A value matching nothing
    becomes NaN: an unknown category is treated as missing and imputed, so a model never
    meets a value it was not trained on. Non-text values pass through untouched.

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

    def __sklearn_tags__(self) -> Any:
        """Declare that text and missing values are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


def spelling_key(value: str) -> str:
    """The form two spellings of one category share: no surrounding spaces, no case."""
    return value.strip().casefold()


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
        spellings.get(spelling_key(value), np.nan) if isinstance(value, str) else value
        for value in uniques
    ]
    # factorize marks a missing cell with code -1, which picks the NaN appended last.
    mapped = np.array([*canonical, np.nan], dtype=object)[codes]
    result = pd.Series(mapped, index=values.index, name=values.name)
    return result.astype(values.dtype) if isinstance(values.dtype, pd.StringDtype) else result


class NumericParser(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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

    def __sklearn_tags__(self) -> Any:
        """Declare that text and missing values are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


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
        """Clip each column to its learned bounds (a NaN bound, from an empty column, is none).

        Hints: check_input(self, X, reset=False, numeric=True) gives a DataFrame; copy it before
        writing to it (the caller's X must not change); Series.clip(lower, upper) keeps missing
        values and ignores a NaN bound; same_kind(X, frame) returns the caller's kind of input.
        """
        check_is_fitted(self)
        # [exercise 1] clip each column of X to the bounds that fit() learned.
        frame = check_input(self, X, reset=False, numeric=True).copy(deep=False)
        for name, low in self.lower_bounds_.items():
            frame[name] = frame[name].clip(low, self.upper_bounds_[name])
        return same_kind(X, frame)
        # [/exercise 1]

    def __sklearn_tags__(self) -> Any:
        """Declare that missing values are accepted (they stay missing)."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags


def is_numeric_column(values: pd.Series) -> bool:
    """True for int or float columns (booleans are not numbers to clip)."""
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


class MissingValueImputer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
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

    def __sklearn_tags__(self) -> Any:
        """Declare that text and missing values are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.allow_nan = True
        return tags


def most_frequent(values: pd.Series) -> Any:
    """The most frequent value; on a tie the smallest one, so refits give the same answer."""
    counts = values.value_counts(dropna=True)
    if counts.empty:
        return np.nan
    return sorted(counts.index[counts == counts.max()], key=str)[0]


def build_cleaner(columns: ColumnsParams, clean: CleanParams) -> Pipeline:
    """The column-level cleaning of the contract's features, as one pandas-output Pipeline.

    Order matters: categories are normalised before imputation (an unknown one becomes
    missing, then imputed), and text is parsed to numbers before quantiles are learned.
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


# --- What the column steps changed (computed from frames before/after each step, so the
# transformers stay free of bookkeeping).


def fit_steps(cleaner: Pipeline, features: pd.DataFrame) -> list[pd.DataFrame]:
    """Fit the cleaner step by step; return its input and the output of each step.

    This is what `cleaner.fit_transform(features)` does (each step is fitted on the previous
    step's output), except that the intermediate frames are kept for the cleaning report
    instead of being transformed a second time.
    """
    frames = [features]
    for _, step in cleaner.steps:
        frames.append(step.fit_transform(frames[-1]))
    return frames


def normalisation_counts(before: pd.Series, after: pd.Series) -> dict[str, int]:
    """Values rewritten to another spelling, and unknown values made missing."""
    present = before.notna()
    return {
        "normalised": int((present & after.notna() & (before != after)).sum()),
        "unknown_to_missing": int((present & after.isna()).sum()),
    }


def parsing_counts(text: pd.Series, numbers: pd.Series, decimal: str) -> dict[str, int]:
    """Numbers recovered from text, text that is no number, and non-finite numbers ("inf")."""
    non_finite = non_finite_numbers(text, decimal)
    return {
        "parsed_from_text": int((numbers.notna() & ~is_plain_number(text)).sum()),
        "unparseable": int((text.notna() & numbers.isna() & ~non_finite).sum()),
        "non_finite_to_missing": int(non_finite.sum()),
    }


def clipping_counts(before: pd.Series, after: pd.Series, low: float, high: float) -> dict:
    """Values moved to a bound, and the bounds."""
    return {
        "clipped": int((before.notna() & (before != after)).sum()),
        "clip_lower": files.rounded(low),
        "clip_upper": files.rounded(high),
    }


def imputation_counts(before: pd.Series, fill_value: Any) -> dict[str, object]:
    """Missing values filled, and the value they got."""
    return {"imputed": int(before.isna().sum()), "fill_value": files.rounded(fill_value)}


def column_report(
    frames: list[pd.DataFrame], cleaner: Pipeline, columns: ColumnsParams
) -> dict[str, dict[str, object]]:
    """Per feature, what each column step changed (frames as returned by fit_steps)."""
    raw, normalised, parsed, clipped = frames[:4]
    clipper = cleaner.named_steps["outliers"]
    fill_values = cleaner.named_steps["impute"].fill_values_
    report: dict[str, dict[str, object]] = {}
    for name in columns.categorical:
        report[name] = normalisation_counts(raw[name], normalised[name])
    for name in columns.numeric:
        low, high = clipper.lower_bounds_[name], clipper.upper_bounds_[name]
        parsing = parsing_counts(normalised[name], parsed[name], columns.decimal)
        report[name] = parsing | clipping_counts(parsed[name], clipped[name], low, high)
    for name in columns.text:
        report[name] = {}
    for name in columns.features:
        report[name] |= imputation_counts(clipped[name], fill_values[name])
    return report


def processed_frame(
    interim: pd.DataFrame, cleaned: pd.DataFrame, columns: ColumnsParams
) -> pd.DataFrame:
    """Id, parsed time, cleaned features and target, in the contract's column order."""
    parts: dict[str, pd.Series] = {}
    if columns.id is not None:
        parts[columns.id] = interim[columns.id]
    if columns.time is not None:
        parts[columns.time] = parse_dates(interim[columns.time])
    for name in columns.features:
        parts[name] = cleaned[name]
    parts[columns.target] = interim[columns.target].astype("int64")
    return pd.DataFrame(parts)


def check_fill_values(fill_values: Mapping[str, Any]) -> None:
    """Raise a DataError when a column had no valid value to learn its fill value from."""
    empty = [name for name, value in fill_values.items() if pd.isna(value)]
    if empty:
        raise DataError(
            f"Column '{empty[0]}' of {RAW_DATA} has no valid value left after cleaning, "
            "so its missing values cannot be filled; check its values against params.yaml."
        )


def no_row_left(counts: Mapping[str, Any]) -> str:
    """The sentence of a refusal that removed every row: how many each row step removed."""
    return (
        f"No row of {RAW_DATA} survived cleaning: of {counts['rows_in']} rows, "
        f"{counts['missing_target']} had no target, {counts['duplicate_rows']} were duplicates, "
        f"{counts['repeated_ids']} repeated an id and {counts['impossible_records']} were "
        "impossible records; check the target and the column ranges in params.yaml."
    )


def run(params: Params) -> dict[str, object]:
    """Clean data/raw/customers.csv into the interim and processed files and cleaning.json."""
    columns = params.columns
    raw = files.read_raw_csv(RAW_DATA, columns)
    interim, row_counts = clean_rows(raw, columns)
    if interim.empty:
        raise DataError(no_row_left(row_counts))
    features = interim[columns.features]
    cleaner = build_cleaner(columns, params.clean)
    frames = fit_steps(cleaner, features)
    check_fill_values(cleaner.named_steps["impute"].fill_values_)
    processed = processed_frame(interim, frames[-1], columns)
    report = {"rows": row_counts, "columns": column_report(frames, cleaner, columns)}

    # Every output is computed before the first is written: a failure leaves the old ones.
    files.write_parquet(INTERIM_DATA, interim)
    files.write_parquet(PROCESSED_DATA, processed)
    files.write_json(CLEANING_JSON, report)
    return {
        "rows in": row_counts["rows_in"],
        "rows out": row_counts["rows_out"],
        "missing target": row_counts["missing_target"],
        "duplicate rows": row_counts["duplicate_rows"],
        "repeated ids": row_counts["repeated_ids"],
        "impossible records": row_counts["impossible_records"],
        "processed": str(PROCESSED_DATA),
        "report": str(CLEANING_JSON),
    }

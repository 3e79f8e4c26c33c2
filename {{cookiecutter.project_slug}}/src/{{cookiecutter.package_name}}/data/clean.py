"""Clean: raw customers into data/interim/ (rows cleaned) and data/processed/ (values cleaned).

Cleaning has two kinds of steps, kept apart on purpose:

1. Row-level steps (`drop_missing_target`, `drop_duplicate_rows`, `resolve_repeated_ids`,
   `rewrite_dates`, `drop_impossible_records`, run in that order by `clean_rows`) are plain
   functions on the raw frame. They remove rows, and a scikit-learn Pipeline cannot do that:
   each of its steps maps every input row to exactly one output row, and a served request
   must get an answer. They run once, here, before any model sees the data. `rewrite_dates`
   writes every date as ISO 8601 by the rule of data/dates.py, deciding
   `columns.date_order: auto` from the whole column (no later stage sees the whole file), and
   refuses the data while ambiguous dates remain. Steps that would remove more than
   clean.max_removed_share of the rows stop the stage (`removal_refusal`): so many removed
   rows mean a misread column (a date order, a decimal mark, a range), not dirt.
2. Column-level steps (`CategoryNormalizer`, `NumericParser`, `QuantileClipper`,
   `MissingValueImputer`, chained by `build_cleaner`) are scikit-learn transformers, in
   data/transformers.py. They must live inside the model's Pipeline so that training and
   serving apply the very same cleaning, with values (quantiles, medians) learned on the
   training data only. This stage also fits them, on all clean rows, for the processed file.

`run` writes the interim file (clean rows, raw text values: what the model pipeline trains on),
the processed file (the interim rows through the fitted cleaner: what validation and
exploration read) and reports/cleaning.json, which counts what every step changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.dates import AMBIGUOUS, ISO, parse_dates, read_dates
from {{ cookiecutter.package_name }}.data.numbers import (
    is_plain_number,
    non_finite_numbers,
    parse_numbers,
)
from {{ cookiecutter.package_name }}.data.transformers import build_cleaner
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.paths import CLEANING_JSON, INTERIM_DATA, PROCESSED_DATA, RAW_DATA

LABELS = (0, 1)


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


def rewrite_dates(frame: pd.DataFrame, columns: ColumnsParams) -> tuple[pd.DataFrame, int]:
    """Write the time column's readable non-ISO dates as ISO ("31/12/2024" -> "2024-12-31").

    Returns the frame and how many cells were rewritten. Raises a DataError naming the count
    when some dates are ambiguous (03/04/2021 with no column evidence): guessing would shift
    them by months, dropping them would quietly move customers out of the time split.
    """
    if columns.time is None:
        return frame, 0
    values = frame[columns.time]
    reading = read_dates(values, columns.date_order)
    ambiguous = reading.forms.eq(AMBIGUOUS).to_numpy()
    if ambiguous.any():
        raise DataError(
            f"Column '{columns.time}' of {RAW_DATA} has {int(ambiguous.sum())} ambiguous dates "
            f"such as '{values[ambiguous].iloc[0]}' (day or month first?); set "
            "columns.date_order in params.yaml to day_first or month_first."
        )
    rewrite = (reading.dates.notna() & reading.forms.ne(ISO)).to_numpy()
    iso = reading.dates[rewrite].dt.strftime("%Y-%m-%d")
    return frame.assign(**{columns.time: values.where(~rewrite, iso)}), int(rewrite.sum())


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
        dates = parse_dates(frame[columns.time], columns.date_order)
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
    frame, dates_rewritten = rewrite_dates(frame, columns)
    before_impossible = len(frame)
    frame, by_column = drop_impossible_records(frame, columns)
    counts = {
        "rows_in": rows_in,
        "missing_target": missing_target,
        "duplicate_rows": duplicates,
        "repeated_ids": repeated,
        "dates_rewritten_as_iso": dates_rewritten,
        "impossible_records": before_impossible - len(frame),
        "impossible_by_column": by_column,
        "rows_out": len(frame),
    }
    return frame.reset_index(drop=True), counts


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


def normalisation_counts(
    before: pd.Series, after: pd.Series, spellings: Mapping[str, str]
) -> dict[str, int]:
    """Values rewritten to another spelling, typos repaired, and unknown values made missing.

    A value whose spelling key the normaliser does not know, yet which came out as a category,
    was a typo repaired to its closest category.
    """
    present = before.notna()
    keys = before.astype("string").str.strip().str.casefold()
    repaired = present & after.notna() & ~keys.isin(list(spellings)).fillna(False)
    return {
        "normalised": int((present & after.notna() & (before != after) & ~repaired).sum()),
        "repaired": int(repaired.sum()),
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
    """Per feature, what each column step changed (frames as returned by fit_steps).

    Each step's frames are found by its name in the cleaner, not by its position, so a step
    added to build_cleaner does not shift the counts of the others.
    """
    names = [name for name, _ in cleaner.steps]
    before = dict(zip(names, frames[:-1], strict=True))  # step name -> the frame it was given
    after = dict(zip(names, frames[1:], strict=True))  # step name -> the frame it returned
    clipper = cleaner.named_steps["outliers"]
    fill_values = cleaner.named_steps["impute"].fill_values_
    spellings = cleaner.named_steps["categories"].spellings_
    report: dict[str, dict[str, object]] = {}
    for name in columns.categorical:
        report[name] = normalisation_counts(
            before["categories"][name], after["categories"][name], spellings[name]
        )
    for name in columns.numeric:
        low, high = clipper.lower_bounds_[name], clipper.upper_bounds_[name]
        text, numbers = before["numbers"][name], after["numbers"][name]
        parsing = parsing_counts(text, numbers, columns.decimal)
        clipping = clipping_counts(before["outliers"][name], after["outliers"][name], low, high)
        report[name] = parsing | clipping
    for name in columns.text:
        report[name] = {}
    for name in columns.features:
        report[name] |= imputation_counts(before["impute"][name], fill_values[name])
    return report


def processed_frame(
    interim: pd.DataFrame, cleaned: pd.DataFrame, columns: ColumnsParams
) -> pd.DataFrame:
    """Id, group, parsed time, cleaned features and target, in the contract's column order."""
    parts: dict[str, pd.Series] = {}
    if columns.id is not None:
        parts[columns.id] = interim[columns.id]
    if columns.group is not None:
        group = interim[columns.group]
        # A customer of no known account (a record from the API without one) is its own group.
        parts[columns.group] = group if columns.id is None else group.fillna(interim[columns.id])
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


def removal_refusal(counts: Mapping[str, Any], max_share: float) -> str | None:
    """The sentence refusing a cleaning that removes every row or more than `max_share` of them.

    Most removed rows mean the data was misread (a date order, a decimal mark, a range), not
    dirty: the step and column that removed the most are named. None when the rows may go.
    """
    rows_in, removed = counts["rows_in"], counts["rows_in"] - counts["rows_out"]
    if counts["rows_out"] and removed <= max_share * rows_in:
        return None
    by_column = counts["impossible_by_column"]
    worst = max(by_column, key=lambda name: by_column[name], default=None)
    causes = {
        "had no target": counts["missing_target"],
        "were exact duplicates": counts["duplicate_rows"],
        "repeated an id (one row per customer is kept)": counts["repeated_ids"],
        f"were impossible records, most of them by column '{worst}' "
        f"({by_column.get(worst, 0):,})": counts["impossible_records"],
    }
    cause = max(causes, key=lambda name: causes[name])
    limit = f"more than clean.max_removed_share ({max_share:.0%})" if counts["rows_out"] else ""
    return (
        f"Cleaning would remove {removed:,} of {rows_in:,} rows of {RAW_DATA} "
        f"({removed / rows_in:.1%}){', ' + limit if limit else ', every row'}: "
        f"{causes[cause]:,} {cause}; check them against params.yaml (ranges, "
        "columns.date_order, columns.decimal), or raise clean.max_removed_share if they should go."
    )


def run(params: Params) -> dict[str, object]:
    """Clean data/raw/customers.csv into the interim and processed files and cleaning.json."""
    columns = params.columns
    raw = files.read_raw_csv(RAW_DATA, columns)
    interim, row_counts = clean_rows(raw, columns)
    refusal = removal_refusal(row_counts, params.clean.max_removed_share)
    if refusal:
        raise DataError(refusal)
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

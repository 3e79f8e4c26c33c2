"""The data-quality rules: what the data contract (`columns:`) demands of each column, with pandera.

The same contract gives two rule sets:

- raw: the CSV as read (every column text). The rules DESCRIBE the dirt (how many ids repeat,
  how many charges are not plain numbers, how many countries are spelt "FR" or misspelt
  "Frnace"...): none blocks.
- clean: the processed, typed frame. Every rule is blocking.

Every rule is one named pandera check whose function works on a whole column at once (never
element by element), so a million rows validate in seconds, plus the words the report uses for
it. `build_schema` gathers them into a pandera schema; `run_rule` runs one and counts the rows
breaking it. The stage that runs them all and writes the reports is data/validate.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from {{ cookiecutter.package_name }}.contract import ColumnsParams, NumericColumn
from {{ cookiecutter.package_name }}.data import transformers
from {{ cookiecutter.package_name }}.data.dates import parse_dates
from {{ cookiecutter.package_name }}.data.numbers import (
    is_plain_number,
    non_finite_numbers,
    parse_numbers,
)
from {{ cookiecutter.package_name }}.data.quality_report import STAGES, Stage


@dataclass(frozen=True)
class Rule:
    """One data-quality rule: a pandera check plus the words the report uses for it."""

    name: str
    column: str | None  # None for a rule on whole rows (duplicates)
    blocking: bool
    description: str  # what the rule demands, shown in the report
    problem: str  # what one failing row has, singular noun first: "value outside [18, 100]"
    check: pa.Check


# --- The checks: each takes a whole column (or frame), returns one boolean per row or one in all.


def is_number(decimal: str) -> Callable[[pd.Series], pd.Series]:
    """A check passing plain numbers; a non-finite one ("inf") is the is_finite rule's business."""
    return lambda values: is_plain_number(values) | non_finite_numbers(values, decimal)


def is_finite(decimal: str) -> Callable[[pd.Series], pd.Series]:
    """A check failing non-finite numbers ("inf", "1e400"), which cleaning makes missing."""
    return lambda values: ~non_finite_numbers(values, decimal)


def in_range(
    low: float | None, high: float | None, decimal: str = "auto"
) -> Callable[[pd.Series], pd.Series]:
    """A check passing numbers within [low, high], None meaning unbounded.

    Text is parsed as cleaning parses it (data/numbers.py), so this rule counts the values
    that cleaning drops as impossible; a typed column is checked as it is (inf included).
    """

    def check(values: pd.Series) -> pd.Series:
        if pd.api.types.is_numeric_dtype(values):
            numbers = pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), values.index)
        else:
            numbers = parse_numbers(values, decimal)
        # Text that is no (finite) number is the is_number (is_finite) rule's business.
        return numbers.isna() | numbers.between(
            -np.inf if low is None else low, np.inf if high is None else high
        )

    return check


def is_readable_date(order: str) -> Callable[[pd.Series], pd.Series]:
    """True where the text is a date by data/dates.py's rule (ISO 8601 or another known form)."""
    return lambda values: parse_dates(values, order).notna()


def is_datetime_column(values: pd.Series) -> bool:
    """True when the column is stored as datetimes (a property of the whole column)."""
    return pd.api.types.is_datetime64_any_dtype(values)


def is_float_column(values: pd.Series) -> bool:
    """True when the column is stored as floats (a property of the whole column)."""
    return pd.api.types.is_float_dtype(values)


def is_present(values: pd.Series) -> pd.Series:
    """True where the value is not missing."""
    return values.notna()


def is_unrepeated(values: pd.Series) -> pd.Series:
    """True where no other row holds the same value (every copy of a repeat fails)."""
    return ~values.duplicated(keep=False)


def is_unduplicated_row(frame: pd.DataFrame) -> pd.Series:
    """True where no other row is an exact copy (every copy fails, the first one too)."""
    return ~frame.duplicated(keep=False)


def null_rate_at_most(limit: float) -> Callable[[pd.Series], pd.Series]:
    """A check that fails the missing cells once their share of the column exceeds `limit`."""

    def check(values: pd.Series) -> pd.Series:
        missing = values.isna()
        return ~missing | (missing.mean() <= limit)

    return check


# --- The rules the contract gives, in report order. ---


def format_bound(value: float | None, unbounded: str) -> str:
    """Write a range bound as a person would: 18 rather than 18.0, inf when absent."""
    if value is None:
        return unbounded
    return str(int(value)) if float(value).is_integer() else str(value)


def percent(share: float) -> str:
    """Write a share as a percentage: 0.2 -> "20%"."""
    return f"{share * 100:.4g}%"


def range_text(limits: NumericColumn) -> str:
    """The contract's range for a numeric column, e.g. "[18, 100]"."""
    return f"[{format_bound(limits.min, '-inf')}, {format_bound(limits.max, 'inf')}]"


def make_rule(
    name: str,
    column: str | None,
    blocking: bool,
    description: str,
    problem: str,
    check_fn: Callable[[Any], Any],
    ignore_na: bool = True,
) -> Rule:
    """Build a Rule and its pandera check, named after the rule so pandera's errors say which.

    With ignore_na (the default) pandera drops missing values before the check: they are the
    not_null and null_rate rules' business, so each problem is counted by one rule only.
    """
    check = pa.Check(check_fn, name=name, description=description, ignore_na=ignore_na)
    return Rule(name, column, blocking, description, problem, check)


def unique_rule(column: str, blocking: bool) -> Rule:
    """No value of the column appears on two rows."""
    return make_rule(
        "unique",
        column,
        blocking,
        "Each value appears on one row only (every copy of a repeat counts).",
        "row sharing a repeated value",
        is_unrepeated,
    )


def not_null_rule(column: str, blocking: bool) -> Rule:
    """The column holds no missing value."""
    return make_rule(
        "not_null", column, blocking, "No missing value.", "value missing", is_present, False
    )


def null_rate_rule(column: str, limit: float) -> Rule:
    """At most `limit` of the column is missing: a warning, never blocking."""
    return make_rule(
        "null_rate",
        column,
        False,
        f"At most {percent(limit)} of the values are missing (failing rows counts them all).",
        f"value missing, more than {percent(limit)} of the rows",
        null_rate_at_most(limit),
        ignore_na=False,
    )


def is_date_rule(column: str, order: str) -> Rule:
    """Raw text is a date by data/dates.py's rule (the report counts each form)."""
    return make_rule(
        "is_date",
        column,
        False,
        "Text is a date: ISO 8601 such as 2021-03-14, or 2021.03.14, Mar 14 2021, 14 Mar 2021 "
        "or a slash date read by columns.date_order (not ambiguous).",
        "value that is no date or an ambiguous one",
        is_readable_date(order),
    )


def is_datetime_rule(column: str) -> Rule:
    """The column is stored as datetimes."""
    return make_rule(
        "is_datetime",
        column,
        True,
        "Stored as datetimes.",
        "value of a non-datetime type",
        is_datetime_column,
        ignore_na=False,
    )


def is_number_rule(column: str, decimal: str) -> Rule:
    """Raw text parses as a plain number."""
    return make_rule(
        "is_number",
        column,
        False,
        "Text is a plain number (no spaces, thousands separators or currency signs).",
        "value not written as a plain number",
        is_number(decimal),
    )


def is_float_rule(column: str) -> Rule:
    """The column is stored as floats."""
    return make_rule(
        "is_float",
        column,
        True,
        "Stored as floats.",
        "value of a non-float type",
        is_float_column,
        ignore_na=False,
    )


def is_finite_rule(column: str, decimal: str) -> Rule:
    """Raw numbers are finite; cleaning treats "inf", "nan" and "1e400" as missing."""
    return make_rule(
        "is_finite",
        column,
        False,
        "Numbers are finite (inf, nan and numbers too large for a float are treated as missing).",
        "value not finite (treated as missing)",
        is_finite(decimal),
    )


def in_range_rule(column: str, limits: NumericColumn, blocking: bool, decimal: str) -> Rule:
    """Numbers lie within the contract's [min, max]."""
    return make_rule(
        "in_range",
        column,
        blocking,
        f"Numbers lie within {range_text(limits)}.",
        f"value outside {range_text(limits)}",
        in_range(limits.min, limits.max, decimal),
    )


def allowed_values_rule(column: str, allowed: list, blocking: bool, name: str) -> Rule:
    """Every value is exactly one of `allowed` (no other spelling, case or spacing)."""
    return make_rule(
        name,
        column,
        blocking,
        f"Value is exactly one of {allowed}.",
        f"value not in {allowed}",
        lambda values: values.isin(allowed),
    )


def misspelt_values_rule(column: str, spellings: Mapping[str, str]) -> Rule:
    """No value is a typo of a category ("Frnace"): the raw report counts what cleaning repairs.

    `spellings` maps each accepted spelling key to its category (transformers.contract_spellings).
    """

    # [exercise 10] fail the values cleaning repairs as typos; write the rule's two sentences.
    def check(values: pd.Series) -> pd.Series:
        known = values.str.strip().str.casefold().isin(list(spellings))
        repaired = transformers.normalize_categories(values, spellings).notna()
        return known | ~repaired

    return make_rule(
        "misspelt_values",
        column,
        False,
        'No value is a typo of an allowed value or synonym (one edit away, such as "Frnace").',
        "value misspelt, which cleaning repairs to the closest category",
        check,
    )
    # [/exercise 10]


def no_duplicate_rows_rule(blocking: bool) -> Rule:
    """No row is an exact copy of another."""
    return make_rule(
        "no_duplicate_rows",
        None,
        blocking,
        "No row is an exact copy of another (every copy counts).",
        "row exactly duplicating another row",
        is_unduplicated_row,
    )


def column_rules(name: str, columns: ColumnsParams, stage: Stage) -> list[Rule]:
    """The rules one contract column gets at this stage."""
    raw = stage == "raw"
    # Raw data is only described, so nothing blocks there; clean data must meet every rule.
    blocking = not raw
    rules: list[Rule] = []
    if name == columns.id:
        rules.append(unique_rule(name, blocking))
    elif name == columns.time:
        rules.append(is_date_rule(name, columns.date_order) if raw else is_datetime_rule(name))
    elif name in columns.numeric:
        rules.append(is_number_rule(name, columns.decimal) if raw else is_float_rule(name))
        if raw:
            rules.append(is_finite_rule(name, columns.decimal))
        rules.append(in_range_rule(name, columns.numeric[name], blocking, columns.decimal))
    elif name in columns.categorical:
        allowed = columns.categorical[name].allowed
        rules.append(allowed_values_rule(name, allowed, blocking, "allowed_values"))
        if raw:
            spellings = transformers.contract_spellings(columns.categorical[name])
            rules.append(misspelt_values_rule(name, spellings))
    elif name == columns.target:
        # Raw CSV cells are text; the clean stage parses the target to integers.
        labels = ["0", "1"] if raw else [0, 1]
        rules.append(allowed_values_rule(name, labels, blocking, "binary_target"))
    # Raw features may miss values (cleaning imputes them), an id or a label may not.
    if not raw or name in (columns.id, columns.target):
        rules.append(not_null_rule(name, blocking))
    if raw:
        rules.append(null_rate_rule(name, columns.max_null_rate))
    return rules


def contract_rules(columns: ColumnsParams, stage: Stage) -> list[Rule]:
    """Every rule of the stage in report order: column by column (contract order), then rows."""
    if stage not in STAGES:
        raise ValueError(f"stage must be 'raw' or 'clean', not {stage!r}.")
    rules = [item for name in columns.all for item in column_rules(name, columns, stage)]
    return [*rules, no_duplicate_rows_rule(blocking=stage == "clean")]


def build_schema(columns: ColumnsParams, stage: Stage) -> pa.DataFrameSchema:
    """The stage's rules as one pandera schema: `schema.validate(frame, lazy=True)` checks all."""
    checks: dict[str | None, list[pa.Check]] = {name: [] for name in [*columns.all, None]}
    for item in contract_rules(columns, stage):
        checks[item.column].append(item.check)
    return pa.DataFrameSchema(
        {
            # nullable=True: missing values are reported by the named not_null and null_rate
            # rules, so each problem shows up once, under one name.
            name: pa.Column(checks=checks[name], nullable=True)
            for name in columns.all
        },
        checks=checks[None],
        name=f"{stage} data",
    )


def run_rule(item: Rule, frame: pd.DataFrame) -> tuple[bool, int]:
    """Run one rule's pandera check on the frame: did it pass, and how many rows failed it."""
    # Calling the Check directly (rather than schema.validate(lazy=True)) gives its boolean
    # output per row: counting it is instant, whereas pandera's list of every failure case
    # takes some 20 s on a million dirty rows.
    result = item.check(frame) if item.column is None else item.check(frame, column=item.column)
    output = result.check_output
    if isinstance(output, pd.Series):
        failing = int((~output.astype(bool)).sum())
    else:
        # A rule on a whole column (its dtype) returns one boolean: every row fails with it.
        failing = 0 if output else len(frame)
    if item.name == "null_rate":
        # The missing cells are the dirt this rule describes: count them even while their
        # share stays under the limit and the rule passes.
        failing = int(frame[item.column].isna().sum())
    return bool(result.check_passed), failing

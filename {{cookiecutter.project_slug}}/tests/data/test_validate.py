"""Each data-quality rule counts exactly the rows breaking it; clean data fails on blocking ones.

Built on the tests' own contract (tests/conftest.py): no column of params.yaml is named here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.clean import drop_impossible_records, parsing_counts
from {{ cookiecutter.package_name }}.data.numbers import parse_numbers
from {{ cookiecutter.package_name }}.data.quality_report import QualityReport, RuleResult
from {{ cookiecutter.package_name }}.data.quality_rules import contract_rules
from {{ cookiecutter.package_name }}.data.validate import (
    check_quality,
    enforce_blocking_rules,
    run,
)
from {{ cookiecutter.package_name }}.errors import DataError, QualityError
from {{ cookiecutter.package_name }}.paths import (
    PROCESSED_DATA,
    QUALITY_JSON,
    QUALITY_MD,
    RAW_DATA,
    RAW_QUALITY_JSON,
    RAW_QUALITY_MD,
)

from ..conftest import clean_frame, raw_frame, raw_row, require_exercises

SAME_AS_ROW_0 = "same as row 0"  # a cell that takes row 0's value, making it repeat


def require_raw_rules() -> None:
    """Skip while the raw rules cannot run: the typo rule (10) measures edit distances (9)."""
    require_exercises(9, 10)


def valid_raw(contract: ColumnsParams, n: int = 5) -> pd.DataFrame:
    """n raw records meeting every rule: the builder's rows with every text cell written."""
    notes = {name: "Thanks for the help." for name in contract.text}
    return raw_frame(contract, [raw_row(contract, i, **notes) for i in range(n)])


def column(contract: ColumnsParams, role: str) -> str | None:
    """The contract's first column of a role: id, time, target, numeric, categorical or text."""
    if role in ("id", "time", "target"):
        return getattr(contract, role)
    if role == "rows":
        return None
    return next(iter(getattr(contract, role)))


def range_of(contract: ColumnsParams, name: str) -> str:
    """A numeric column's range as the report writes it: "[0, 1000]"."""
    spec = contract.numeric[name]
    return f"[{spec.min:g}, {spec.max:g}]"


def rule_count(contract: ColumnsParams, stage: str) -> int:
    """How many rules the stage checks."""
    return len(contract_rules(contract, stage))


def failures(report: QualityReport) -> dict[tuple[str, str | None], int]:
    """The failed rules of a report as {(rule, column): failing_rows}."""
    return {(result.rule, result.column): result.failing_rows for result in report.failed}


def entry(report: QualityReport, rule: str, column: str | None) -> RuleResult:
    """The report row of one rule."""
    return next(e for e in report.rules if (e.rule, e.column) == (rule, column))


@pytest.mark.parametrize("stage", ["raw", "clean"])
def test_data_meeting_the_contract_passes_every_rule(contract: ColumnsParams, stage: str) -> None:
    if stage == "raw":
        require_raw_rules()
    frame = valid_raw(contract) if stage == "raw" else clean_frame(contract, 5)

    report = check_quality(frame, contract, stage)

    assert report.rows_checked == 5
    assert failures(report) == {}
    assert report.to_json()["summary"] == {
        "rules": len(report.rules),
        "failed": 0,
        "blocking_failed": 0,
    }
    assert all(e.failing_rows == 0 for e in report.rules)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([("id", 1, SAME_AS_ROW_0), ("id", 2, SAME_AS_ROW_0)], {("unique", "id"): 3}),
        ([("id", 0, None)], {("not_null", "id"): 1}),
        (
            # No month 13, no 30 February, and a slash date that reads both ways.
            [("time", 0, "14/13/2021"), ("time", 1, "2021-02-30"), ("time", 2, "03/04/2021")],
            {("is_date", "time"): 3},
        ),
        (
            # The tests' first numeric column goes up to 1,000: these are valid but not plain.
            [("numeric", 0, "1 000,00"), ("numeric", 1, "$1,000.00"), ("numeric", 2, "1,000.00")],
            {("is_number", "numeric"): 3},
        ),
        (
            [("numeric", 0, "1e5"), ("numeric", 1, "-3"), ("numeric", 2, "-0.5")],
            {("in_range", "numeric"): 3},
        ),
        (
            [
                ("numeric", 0, "inf"),
                ("numeric", 1, "1e400"),
                ("numeric", 2, "-Inf"),
                ("numeric", 3, "1e308"),
            ],
            {("is_finite", "numeric"): 3, ("in_range", "numeric"): 1},
        ),
        (
            [("categorical", 0, "FR"), ("categorical", 1, "france"), ("categorical", 2, " x")],
            {("allowed_values", "categorical"): 3},
        ),
        (
            # Typos of the tests' tiers "silver" and "bronze": one edit away, so repairable.
            [("categorical", 0, "slver"), ("categorical", 1, "bronez")],
            {("allowed_values", "categorical"): 2, ("misspelt_values", "categorical"): 2},
        ),
        ([("target", 0, "2"), ("target", 1, "yes")], {("binary_target", "target"): 2}),
        ([("target", 0, None)], {("not_null", "target"): 1}),
        ([("text", 0, None), ("text", 1, None)], {("null_rate", "text"): 2}),
    ],
    ids=[
        "unique",
        "not_null-id",
        "is_date",
        "is_number",
        "in_range",
        "is_finite",
        "allowed_values",
        "misspelt_values",
        "binary_target",
        "not_null-target",
        "null_rate",
    ],
)
def test_each_raw_rule_counts_the_rows_breaking_it(
    contract: ColumnsParams, changes: list[tuple[str, int, str | None]], expected: dict
) -> None:
    require_raw_rules()
    frame = valid_raw(contract)
    for role, row, value in changes:
        name = column(contract, role)
        frame.loc[row, name] = frame.loc[0, name] if value == SAME_AS_ROW_0 else value

    report = check_quality(frame, contract, "raw")

    assert failures(report) == {
        (rule, column(contract, role)): count for (rule, role), count in expected.items()
    }
    assert report.blocking_failed == []


def test_the_raw_report_counts_the_dates_of_each_form(contract: ColumnsParams) -> None:
    require_raw_rules()
    # Given dates in other forms, one ambiguous alone and one unreadable, when checking raw data
    frame = valid_raw(contract, 6)
    frame.loc[:4, contract.time] = ["2021.03.14", "Mar 14 2021", "14/03/2021", "13/31/2021", "x"]

    report = check_quality(frame, contract, "raw")

    # Then the ISO rest and each form are counted; 14/03/2021 makes the column day first
    assert report.date_forms == {
        "ISO 8601": 1,
        "Y.M.D": 1,
        "Mon D Y": 1,
        "D/M/Y": 1,
        "unreadable": 2,
    }
    assert report.to_json()["date_forms"] == report.date_forms
    assert "Dates by form: ISO 8601 1, Y.M.D 1, Mon D Y 1, D/M/Y 1, unreadable 2" in (
        report.to_markdown()
    )
    assert check_quality(frame, contract, "clean").date_forms == {}


def test_raw_duplicate_rows_count_every_copy(contract: ColumnsParams) -> None:
    require_raw_rules()
    frame = pd.concat([valid_raw(contract), valid_raw(contract).iloc[[0, 0]]], ignore_index=True)

    report = check_quality(frame, contract, "raw")

    assert failures(report) == {("unique", contract.id): 3, ("no_duplicate_rows", None): 3}


def test_null_rate_counts_missing_cells_and_fails_only_above_the_limit(
    contract: ColumnsParams,
) -> None:
    require_raw_rules()
    numeric, categorical = column(contract, "numeric"), column(contract, "categorical")
    frame = valid_raw(contract)
    assert contract.max_null_rate == 0.2  # the tests' contract: 1 of 5 rows at most
    frame.loc[0, numeric] = None  # 1 of 5 = 20%: at the limit, still passes
    frame.loc[[0, 1], categorical] = None  # 2 of 5 = 40%: above it

    report = check_quality(frame, contract, "raw")

    at_limit, above = entry(report, "null_rate", numeric), entry(report, "null_rate", categorical)
    assert (at_limit.failing_rows, at_limit.passed) == (1, True)
    assert (above.failing_rows, above.passed) == (2, False)


def test_a_raw_frame_with_known_dirt_gives_the_expected_counts(contract: ColumnsParams) -> None:
    first, second = list(contract.numeric)[:2]
    categorical = column(contract, "categorical")
    frame = valid_raw(contract, 10)
    frame.loc[9] = frame.loc[8]  # one exact duplicate, so a repeated id too
    frame.loc[[0, 1], first] = ["1 000,00", "$1,000.00"]
    frame.loc[2, second] = f"{contract.numeric[second].max + 1:g}"
    frame.loc[[3, 4, 5], second] = None
    frame.loc[[3, 4, 5, 6], categorical] = ["FR", "UK", "Deutschland", "  PREMIUM"]
    frame.loc[7, categorical] = "slver"  # a typo of "silver", one edit away
    require_raw_rules()

    report = check_quality(frame, contract, "raw")

    assert failures(report) == {
        ("unique", contract.id): 2,
        ("is_number", first): 2,
        ("in_range", second): 1,
        ("null_rate", second): 3,
        ("allowed_values", categorical): 5,
        ("misspelt_values", categorical): 1,
        ("no_duplicate_rows", None): 2,
    }
    rules = rule_count(contract, "raw")
    assert report.to_json()["summary"] == {"rules": rules, "failed": 7, "blocking_failed": 0}
    enforce_blocking_rules(report, contract, "raw.csv", "report.md")  # raw never raises


def set_cells(frame: pd.DataFrame, name: str, cells: dict[int, object]) -> pd.DataFrame:
    """Set some cells of one column, letting its dtype widen (e.g. int to float for NaN)."""
    values = frame[name].astype(object)
    for row, value in cells.items():
        values[row] = frame.loc[0, name] if value == SAME_AS_ROW_0 else value
    frame[name] = pd.Series(values.tolist(), index=frame.index)
    return frame


@pytest.mark.parametrize(
    ("role", "cells", "rule", "sentence"),
    [
        (
            "id",
            {1: SAME_AS_ROW_0},
            "unique",
            "Column '{name}' has 2 rows sharing a repeated value.",
        ),
        ("id", {0: None}, "not_null", "Column '{name}' has 1 value missing."),
        ("time", {0: pd.NaT, 1: pd.NaT}, "not_null", "Column '{name}' has 2 values missing."),
        ("numeric", {0: 1e5, 1: -1.0}, "in_range", "Column '{name}' has 2 values outside {range}."),
        ("numeric", {0: np.nan}, "not_null", "Column '{name}' has 1 value missing."),
        (
            "categorical",
            {0: "Premium", 1: "platinum"},
            "allowed_values",
            "Column '{name}' has 2 values not in {allowed}.",
        ),
        ("categorical", {0: None}, "not_null", "Column '{name}' has 1 value missing."),
        ("text", {0: None}, "not_null", "Column '{name}' has 1 value missing."),
        ("target", {0: 2}, "binary_target", "Column '{name}' has 1 value not in [0, 1]."),
        ("target", {0: np.nan}, "not_null", "Column '{name}' has 1 value missing."),
    ],
    ids=[
        "unique",
        "not_null-id",
        "not_null-time",
        "in_range",
        "not_null-numeric",
        "allowed_values",
        "not_null-categorical",
        "not_null-text",
        "binary_target",
        "not_null-target",
    ],
)
def test_each_clean_rule_counts_its_rows_and_blocks_with_one_sentence(
    contract: ColumnsParams, role: str, cells: dict[int, object], rule: str, sentence: str
) -> None:
    name = column(contract, role)
    frame = set_cells(clean_frame(contract, 5), name, cells)

    report = check_quality(frame, contract, "clean")

    assert failures(report) == {(rule, name): len(cells) + (rule == "unique")}
    assert len(report.blocking_failed) == 1
    with pytest.raises(QualityError) as error:
        enforce_blocking_rules(report, contract, "customers.parquet", "report.md")
    allowed = contract.categorical[name].allowed if role == "categorical" else None
    expected = sentence.format(
        name=name,
        range=range_of(contract, name) if role == "numeric" else None,
        allowed=allowed,
    )
    assert str(error.value) == (
        f"customers.parquet breaks blocking data-quality rules (details in report.md): {expected}"
    )


def as_whole_numbers(values: pd.Series) -> pd.Series:
    """Numbers stored as integers rather than floats."""
    return values.round().astype("int64")


def as_text(values: pd.Series) -> pd.Series:
    """Dates stored as ISO text rather than datetimes."""
    return values.dt.strftime("%Y-%m-%d")


@pytest.mark.parametrize(
    ("role", "convert", "rule", "kind"),
    [
        ("numeric", as_whole_numbers, "is_float", "non-float"),
        ("time", as_text, "is_datetime", "non-datetime"),
    ],
)
def test_a_wrong_clean_dtype_fails_every_row(
    contract: ColumnsParams,
    role: str,
    convert: Callable[[pd.Series], pd.Series],
    rule: str,
    kind: str,
) -> None:
    name = column(contract, role)
    frame = clean_frame(contract, 5)
    frame[name] = convert(frame[name])

    report = check_quality(frame, contract, "clean")

    assert failures(report) == {(rule, name): 5}
    sentence = f"Column '{name}' has 5 values of a {kind} type."
    with pytest.raises(QualityError, match=re.escape(f"): {sentence}") + "$"):
        enforce_blocking_rules(report, contract, "customers.parquet", "report.md")


def test_clean_duplicate_rows_give_one_sentence_per_broken_rule(contract: ColumnsParams) -> None:
    frame = pd.concat(
        [clean_frame(contract, 5), clean_frame(contract, 5).iloc[[4]]], ignore_index=True
    )

    report = check_quality(frame, contract, "clean")

    assert failures(report) == {("unique", contract.id): 2, ("no_duplicate_rows", None): 2}
    with pytest.raises(QualityError) as error:
        enforce_blocking_rules(report, contract, "customers.parquet", "report.md")
    assert str(error.value).endswith(
        f"Column '{contract.id}' has 2 rows sharing a repeated value. "
        "The data has 2 rows exactly duplicating another row."
    )


@pytest.mark.parametrize("stage", ["raw", "clean"])
def test_a_declared_column_missing_from_the_frame_is_one_sentence(
    contract: ColumnsParams, stage: str
) -> None:
    dropped = [column(contract, "numeric"), column(contract, "categorical")]
    frame = valid_raw(contract) if stage == "raw" else clean_frame(contract, 5)

    with pytest.raises(DataError) as error:
        check_quality(frame.drop(columns=dropped), contract, stage, source="customers.parquet")

    assert str(error.value) == (
        f"customers.parquet lacks the declared columns {dropped} (see columns in params.yaml)."
    )


def test_markdown_has_a_verdict_and_one_table_row_per_rule(contract: ColumnsParams) -> None:
    require_raw_rules()
    categorical = column(contract, "categorical")
    frame = valid_raw(contract)
    frame.loc[0, categorical] = "FR"
    report = check_quality(frame, contract, "raw")
    rules = rule_count(contract, "raw")

    markdown = report.to_markdown()

    lines = markdown.splitlines()
    table = [line for line in lines if line.startswith("| ")]
    assert lines[0] == "# Data quality: raw data"
    assert "Rows checked: 5" in lines
    assert f"1 of {rules} rules failed" in markdown
    assert len(table) == 1 + len(report.rules)  # the header, then one row per rule
    assert f"| `{categorical}` | `allowed_values` | no | 1 | ❌ FAIL |" in markdown
    assert markdown.count("✅ pass") == rules - 1


def test_markdown_of_passing_clean_data(contract: ColumnsParams) -> None:
    report = check_quality(clean_frame(contract, 5), contract, "clean")

    markdown = report.to_markdown()

    assert f"**Verdict:** ✅ All {rule_count(contract, 'clean')} rules passed." in markdown
    assert "| (whole rows) | `no_duplicate_rows` | yes | 0 | ✅ pass |" in markdown


def write_raw(frame: pd.DataFrame) -> None:
    """Write a raw CSV where the acquire stage puts it."""
    RAW_DATA.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RAW_DATA, index=False)


def write_processed(frame: pd.DataFrame) -> None:
    """Write a processed Parquet file where the clean stage puts it."""
    PROCESSED_DATA.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(PROCESSED_DATA, index=False)


def test_run_checks_both_stages_and_writes_their_reports(project_dir: Path, params: Params) -> None:
    require_raw_rules()
    contract = params.columns
    dirty = valid_raw(contract)
    dirty.loc[0, column(contract, "categorical")] = "FR"
    write_raw(dirty)
    write_processed(clean_frame(contract, 5))

    raw_summary = run(params, "raw")
    clean_summary = run(params, "clean")

    assert raw_summary == {
        "stage": "raw",
        "rows": 5,
        "rules": rule_count(contract, "raw"),
        "failed": 1,
        "blocking failed": 0,
        "report": str(RAW_QUALITY_MD),
    }
    assert clean_summary == {
        "stage": "clean",
        "rows": 5,
        "rules": rule_count(contract, "clean"),
        "failed": 0,
        "blocking failed": 0,
        "report": str(QUALITY_MD),
    }
    raw_report = json.loads(RAW_QUALITY_JSON.read_text(encoding="utf-8"))
    assert raw_report == check_quality(dirty, contract, "raw").to_json()
    assert json.loads(QUALITY_JSON.read_text(encoding="utf-8"))["summary"]["failed"] == 0
    assert RAW_QUALITY_MD.read_text(encoding="utf-8") == (
        check_quality(dirty, params.columns, "raw").to_markdown()
    )
    assert QUALITY_MD.read_text(encoding="utf-8").startswith("# Data quality: clean data")


def test_run_on_broken_clean_data_writes_the_report_then_fails(
    project_dir: Path, params: Params
) -> None:
    contract = params.columns
    name = column(contract, "numeric")
    spec = contract.numeric[name]
    cells = {0: spec.max + 1, 1: spec.max + 2, 2: spec.min - 1}
    write_processed(set_cells(clean_frame(contract, 5), name, cells))

    with pytest.raises(QualityError) as error:
        run(params, "clean")

    assert str(error.value) == (
        f"{PROCESSED_DATA} breaks blocking data-quality rules (details in {QUALITY_MD}): "
        f"Column '{name}' has 3 values outside {range_of(contract, name)}."
    )
    report = json.loads(QUALITY_JSON.read_text(encoding="utf-8"))
    rules = rule_count(contract, "clean")
    assert report["summary"] == {"rules": rules, "failed": 1, "blocking_failed": 1}
    assert f"| `{name}` | `in_range` | yes | 3 | ❌ FAIL |" in QUALITY_MD.read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("stage", "command"),
    [
        ("raw", "customer-churn data acquire"),
        ("clean", "customer-churn data clean"),
    ],
)
def test_a_missing_input_says_which_command_makes_it(
    project_dir: Path, params: Params, stage: str, command: str
) -> None:
    with pytest.raises(DataError, match=f"does not exist; run `{command}` first"):
        run(params, stage)

    assert not RAW_QUALITY_JSON.exists()
    assert not QUALITY_JSON.exists()


def test_validation_and_cleaning_read_numbers_by_one_rule(contract: ColumnsParams) -> None:
    require_raw_rules()
    money, counts = list(contract.numeric)[:2]
    frame = valid_raw(contract)
    # The tests' first numeric column goes up to 1,000: every one of these is within range.
    frame[money] = ["1 000,00", "$1,000.00", "abc", "1e2", "12"]
    frame[counts] = ["1e308", "inf", "-Infinity", "1e400", "12"]

    report = check_quality(frame, contract, "raw")
    kept, impossible = drop_impossible_records(frame, contract, today=date(2025, 1, 1))
    parsed = parsing_counts(frame[counts], parse_numbers(frame[counts]), "auto")

    assert failures(report) == {
        ("in_range", counts): 1,
        ("is_finite", counts): 3,
        ("is_number", money): 3,
    }
    assert impossible[counts] == 1  # 1e308: out of range in both stages
    assert parsed == {"parsed_from_text": 0, "unparseable": 0, "non_finite_to_missing": 3}
    assert len(kept) == 4

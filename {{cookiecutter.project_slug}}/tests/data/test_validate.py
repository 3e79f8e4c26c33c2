"""Each data-quality rule counts exactly the rows breaking it; clean data fails on blocking ones."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from {{ cookiecutter.package_name }}.config import (
    PROCESSED_DATA,
    QUALITY_JSON,
    QUALITY_MD,
    RAW_DATA,
    RAW_QUALITY_JSON,
    RAW_QUALITY_MD,
    Params,
    load_params,
)
from {{ cookiecutter.package_name }}.data.clean import drop_impossible_records, parsing_counts
from {{ cookiecutter.package_name }}.data.numbers import parse_numbers
from {{ cookiecutter.package_name }}.data.quality_report import QualityReport, RuleResult
from {{ cookiecutter.package_name }}.data.validate import (
    build_schema,
    check_quality,
    enforce_blocking_rules,
    run,
)
from {{ cookiecutter.package_name }}.errors import DataError, QualityError

# Five customers whose every value meets the contract in params.yaml.
RAW_VALUES = {
    "customer_id": ["C0000001", "C0000002", "C0000003", "C0000004", "C0000005"],
    "signup_date": ["2021-03-14", "2021-04-01", "2022-01-31", "2022-06-15", "2023-02-28"],
    "tenure_months": ["12", "3", "40", "7", "25"],
    "plan": ["basic", "standard", "premium", "basic", "standard"],
    "contract": ["month_to_month", "one_year", "two_year", "one_year", "month_to_month"],
    "monthly_charges": ["20.5", "45", "99.99", "30", "60"],
    "total_charges": ["246.00", "135", "3999.60", "210", "1500"],
    "payment_method": ["credit_card", "bank_transfer", "electronic_check", "paypal", "paypal"],
    "country": ["France", "Germany", "Spain", "Italy", "United Kingdom"],
    "age": ["34", "51", "18", "100", "42"],
    "support_tickets": ["0", "2", "1", "0", "5"],
    "days_since_last_login": ["3", "40", "1", "200", "15"],
    "support_message": ["all good", "slow app", "billing question", "cancel please", "thanks"],
    "refund_amount": ["0", "0", "12.5", "0", "0"],
    "churn": ["0", "1", "0", "1", "0"],
}
# Rules the contract in params.yaml gives. Raw: 3 for the id, 2 for the date, 4 per numeric
# column (7), 2 per categorical one (4), 1 for the text, 3 for the target, 1 on whole rows.
RAW_RULES = 3 + 2 + 4 * 7 + 2 * 4 + 1 + 3 + 1
# Clean: 2 for the id, 2 for the date, 3 per numeric, 2 per categorical, 1 text, 2 target, 1 rows.
CLEAN_RULES = 2 + 2 + 3 * 7 + 2 * 4 + 1 + 2 + 1
NUMERIC = [
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "age",
    "support_tickets",
    "days_since_last_login",
    "refund_amount",
]


def raw_frame() -> pd.DataFrame:
    """The raw frame as files.read_raw_csv returns it: every column text."""
    return pd.DataFrame(RAW_VALUES)


def clean_frame() -> pd.DataFrame:
    """The same customers as the clean stage writes them: typed, nothing missing."""
    frame = raw_frame()
    frame["signup_date"] = pd.to_datetime(frame["signup_date"])
    frame[NUMERIC] = frame[NUMERIC].astype("float64")
    frame["churn"] = frame["churn"].astype("int64")
    return frame


def failures(report: QualityReport) -> dict[tuple[str, str | None], int]:
    """The failed rules of a report as {(rule, column): failing_rows}."""
    return {(result.rule, result.column): result.failing_rows for result in report.failed}


def entry(report: QualityReport, rule: str, column: str | None) -> RuleResult:
    """The report row of one rule."""
    return next(e for e in report.rules if (e.rule, e.column) == (rule, column))


@pytest.mark.parametrize("stage", ["raw", "clean"])
def test_data_meeting_the_contract_passes_every_rule(params: Params, stage: str) -> None:
    frame = raw_frame() if stage == "raw" else clean_frame()

    report = check_quality(frame, params.columns, stage)

    assert report.rows_checked == 5
    assert failures(report) == {}
    assert report.to_json()["summary"] == {
        "rules": len(report.rules),
        "failed": 0,
        "blocking_failed": 0,
    }
    assert all(e.failing_rows == 0 for e in report.rules)


def test_the_rules_come_in_contract_order_with_stable_names(params: Params) -> None:
    raw = check_quality(raw_frame(), params.columns, "raw")
    clean = check_quality(clean_frame(), params.columns, "clean")

    assert [(e.rule, e.column) for e in raw.rules[:6]] == [
        ("unique", "customer_id"),
        ("not_null", "customer_id"),
        ("null_rate", "customer_id"),
        ("is_date", "signup_date"),
        ("null_rate", "signup_date"),
        ("is_number", "tenure_months"),
    ]
    assert [(e.rule, e.column) for e in clean.rules[-4:]] == [
        ("not_null", "support_message"),
        ("binary_target", "churn"),
        ("not_null", "churn"),
        ("no_duplicate_rows", None),
    ]
    # Raw data is only described: no rule blocks there; every clean rule does.
    assert not any(e.blocking for e in raw.rules)
    assert all(e.blocking for e in clean.rules)
    assert len(raw.rules) == RAW_RULES
    assert len(clean.rules) == CLEAN_RULES


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            [("customer_id", 1, "C0000001"), ("customer_id", 2, "C0000001")],
            {("unique", "customer_id"): 3},
        ),
        ([("customer_id", 0, None)], {("not_null", "customer_id"): 1}),
        (
            [("signup_date", 0, "14/03/2021"), ("signup_date", 1, "2021-02-30")],
            {("is_date", "signup_date"): 2},
        ),
        (
            [
                ("total_charges", 0, "1 234,50"),
                ("total_charges", 1, "$1,234.50"),
                ("total_charges", 2, "1,234.50"),
            ],
            {("is_number", "total_charges"): 3},
        ),
        ([("age", 0, "250"), ("age", 1, "-3"), ("age", 2, "17.5")], {("in_range", "age"): 3}),
        (
            [("age", 0, "inf"), ("age", 1, "1e400"), ("age", 2, "-Inf"), ("age", 3, "1e308")],
            {("is_finite", "age"): 3, ("in_range", "age"): 1},
        ),
        (
            [("country", 0, "FR"), ("country", 1, "france"), ("plan", 2, " premium")],
            {("allowed_values", "country"): 2, ("allowed_values", "plan"): 1},
        ),
        ([("churn", 0, "2"), ("churn", 1, "yes")], {("binary_target", "churn"): 2}),
        ([("churn", 0, None)], {("not_null", "churn"): 1}),
        (
            [("support_message", 0, None), ("support_message", 1, None)],
            {("null_rate", "support_message"): 2},
        ),
    ],
    ids=[
        "unique",
        "not_null-id",
        "is_date",
        "is_number",
        "in_range",
        "is_finite",
        "allowed_values",
        "binary_target",
        "not_null-target",
        "null_rate",
    ],
)
def test_each_raw_rule_counts_the_rows_breaking_it(
    params: Params, changes: list[tuple[str, int, str | None]], expected: dict
) -> None:
    frame = raw_frame()
    for column, row, value in changes:
        frame.loc[row, column] = value

    report = check_quality(frame, params.columns, "raw")

    assert failures(report) == expected
    assert report.blocking_failed == []


def test_raw_duplicate_rows_count_every_copy(params: Params) -> None:
    frame = pd.concat([raw_frame(), raw_frame().iloc[[0, 0]]], ignore_index=True)

    report = check_quality(frame, params.columns, "raw")

    assert failures(report) == {("unique", "customer_id"): 3, ("no_duplicate_rows", None): 3}


def test_null_rate_counts_missing_cells_and_fails_only_above_the_limit(params: Params) -> None:
    frame = raw_frame()
    frame.loc[0, "age"] = None  # 1 of 5 = 20%: at the limit, still passes
    frame.loc[[0, 1], "payment_method"] = None  # 2 of 5 = 40%: above it

    report = check_quality(frame, params.columns, "raw")

    age, payment = entry(report, "null_rate", "age"), entry(report, "null_rate", "payment_method")
    assert (age.failing_rows, age.passed) == (1, True)
    assert (payment.failing_rows, payment.passed) == (2, False)


def test_a_raw_frame_with_known_dirt_gives_the_expected_counts(params: Params) -> None:
    frame = pd.concat([raw_frame(), raw_frame()], ignore_index=True)
    frame["customer_id"] = [f"C{i:07d}" for i in range(10)]
    frame.loc[9] = frame.loc[8]  # one exact duplicate, so a repeated id too
    frame.loc[[0, 1], "total_charges"] = ["1 234,50", "$1,234.50"]
    frame.loc[2, "age"] = "250"
    frame.loc[[3, 4, 5], "country"] = ["FR", "UK", "Deutschland"]
    frame.loc[6, "plan"] = "  PREMIUM"
    frame.loc[[0, 1, 2], "monthly_charges"] = None

    report = check_quality(frame, params.columns, "raw")

    assert failures(report) == {
        ("unique", "customer_id"): 2,
        ("is_number", "total_charges"): 2,
        ("null_rate", "monthly_charges"): 3,
        ("in_range", "age"): 1,
        ("allowed_values", "plan"): 1,
        ("allowed_values", "country"): 3,
        ("no_duplicate_rows", None): 2,
    }
    assert report.to_json()["summary"] == {"rules": RAW_RULES, "failed": 7, "blocking_failed": 0}
    enforce_blocking_rules(report, params.columns, "raw.csv", "report.md")  # raw never raises


def set_cells(frame: pd.DataFrame, column: str, cells: dict[int, object]) -> pd.DataFrame:
    """Set some cells of one column, letting its dtype widen (e.g. int to float for NaN)."""
    values = frame[column].astype(object)
    for row, value in cells.items():
        values[row] = value
    frame[column] = pd.Series(values.tolist(), index=frame.index)
    return frame


@pytest.mark.parametrize(
    ("column", "cells", "expected", "sentence"),
    [
        (
            "customer_id",
            {1: "C0000001"},
            {("unique", "customer_id"): 2},
            "Column 'customer_id' has 2 rows sharing a repeated value.",
        ),
        (
            "customer_id",
            {0: None},
            {("not_null", "customer_id"): 1},
            "Column 'customer_id' has 1 value missing.",
        ),
        (
            "signup_date",
            {0: pd.NaT, 1: pd.NaT},
            {("not_null", "signup_date"): 2},
            "Column 'signup_date' has 2 values missing.",
        ),
        (
            "age",
            {0: 250.0, 1: 17.0},
            {("in_range", "age"): 2},
            "Column 'age' has 2 values outside [18, 100].",
        ),
        (
            "age",
            {0: np.nan},
            {("not_null", "age"): 1},
            "Column 'age' has 1 value missing.",
        ),
        (
            "plan",
            {0: "Premium", 1: "gold"},
            {("allowed_values", "plan"): 2},
            "Column 'plan' has 2 values not in ['basic', 'standard', 'premium'].",
        ),
        (
            "country",
            {0: None},
            {("not_null", "country"): 1},
            "Column 'country' has 1 value missing.",
        ),
        (
            "support_message",
            {0: None},
            {("not_null", "support_message"): 1},
            "Column 'support_message' has 1 value missing.",
        ),
        (
            "churn",
            {0: 2},
            {("binary_target", "churn"): 1},
            "Column 'churn' has 1 value not in [0, 1].",
        ),
        (
            "churn",
            {0: np.nan},
            {("not_null", "churn"): 1},
            "Column 'churn' has 1 value missing.",
        ),
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
    params: Params, column: str, cells: dict[int, object], expected: dict, sentence: str
) -> None:
    frame = set_cells(clean_frame(), column, cells)

    report = check_quality(frame, params.columns, "clean")

    assert failures(report) == expected
    assert len(report.blocking_failed) == 1
    with pytest.raises(QualityError) as error:
        enforce_blocking_rules(report, params.columns, "customers.parquet", "report.md")
    assert str(error.value) == (
        f"customers.parquet breaks blocking data-quality rules (details in report.md): {sentence}"
    )


@pytest.mark.parametrize(
    ("column", "dtype", "rule", "sentence"),
    [
        ("age", "int64", "is_float", "Column 'age' has 5 values of a non-float type."),
        (
            "signup_date",
            "str",
            "is_datetime",
            "Column 'signup_date' has 5 values of a non-datetime type.",
        ),
    ],
)
def test_a_wrong_clean_dtype_fails_every_row(
    params: Params, column: str, dtype: str, rule: str, sentence: str
) -> None:
    frame = clean_frame()
    frame[column] = raw_frame()[column].astype(dtype)

    report = check_quality(frame, params.columns, "clean")

    assert failures(report) == {(rule, column): 5}
    with pytest.raises(QualityError, match=re.escape(f"): {sentence}") + "$"):
        enforce_blocking_rules(report, params.columns, "customers.parquet", "report.md")


def test_clean_duplicate_rows_give_one_sentence_per_broken_rule(params: Params) -> None:
    frame = pd.concat([clean_frame(), clean_frame().iloc[[4]]], ignore_index=True)

    report = check_quality(frame, params.columns, "clean")

    assert failures(report) == {("unique", "customer_id"): 2, ("no_duplicate_rows", None): 2}
    with pytest.raises(QualityError) as error:
        enforce_blocking_rules(report, params.columns, "customers.parquet", "report.md")
    assert str(error.value).endswith(
        "Column 'customer_id' has 2 rows sharing a repeated value. "
        "The data has 2 rows exactly duplicating another row."
    )


@pytest.mark.parametrize("stage", ["raw", "clean"])
def test_a_declared_column_missing_from_the_frame_is_one_sentence(
    params: Params, stage: str
) -> None:
    frame = (raw_frame() if stage == "raw" else clean_frame()).drop(columns=["age", "plan"])

    with pytest.raises(DataError) as error:
        check_quality(frame, params.columns, stage, source="customers.parquet")

    assert str(error.value) == (
        "customers.parquet lacks the declared columns ['age', 'plan'] (see columns in params.yaml)."
    )


def test_the_pandera_schema_names_the_same_rules(params: Params) -> None:
    schema = build_schema(params.columns, "clean")
    broken = set_cells(clean_frame(), "age", {0: 250.0})

    schema.validate(clean_frame())
    with pytest.raises(SchemaErrors) as error:
        schema.validate(broken, lazy=True)

    cases = error.value.failure_cases
    assert isinstance(schema, pa.DataFrameSchema)
    assert list(schema.columns) == params.columns.all
    assert cases[["column", "check"]].values.tolist() == [["age", "in_range"]]


def test_markdown_has_a_verdict_and_one_table_row_per_rule(params: Params) -> None:
    frame = raw_frame()
    frame.loc[0, "country"] = "FR"
    report = check_quality(frame, params.columns, "raw")

    markdown = report.to_markdown()

    lines = markdown.splitlines()
    table = [line for line in lines if line.startswith("| ")]
    assert lines[0] == "# Data quality: raw data"
    assert "Rows checked: 5" in lines
    assert f"1 of {RAW_RULES} rules failed" in markdown
    assert len(table) == 1 + len(report.rules)  # the header, then one row per rule
    assert "| `country` | `allowed_values` | no | 1 | ❌ FAIL |" in markdown
    assert markdown.count("✅ pass") == RAW_RULES - 1


def test_markdown_of_passing_clean_data(params: Params) -> None:
    report = check_quality(clean_frame(), params.columns, "clean")

    markdown = report.to_markdown()

    assert f"**Verdict:** ✅ All {CLEAN_RULES} rules passed." in markdown
    assert "| (whole rows) | `no_duplicate_rows` | yes | 0 | ✅ pass |" in markdown


def write_raw(frame: pd.DataFrame) -> None:
    """Write a raw CSV where the acquire stage puts it."""
    RAW_DATA.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(RAW_DATA, index=False)


def write_processed(frame: pd.DataFrame) -> None:
    """Write a processed Parquet file where the clean stage puts it."""
    PROCESSED_DATA.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(PROCESSED_DATA, index=False)


def test_run_checks_both_stages_and_writes_their_reports(project_dir: Path) -> None:
    dirty = raw_frame()
    dirty.loc[0, "country"] = "FR"
    write_raw(dirty)
    write_processed(clean_frame())
    params = load_params()

    raw_summary = run(params, "raw")
    clean_summary = run(params, "clean")

    assert raw_summary == {
        "stage": "raw",
        "rows": 5,
        "rules": RAW_RULES,
        "failed": 1,
        "blocking failed": 0,
        "report": str(RAW_QUALITY_MD),
    }
    assert clean_summary == {
        "stage": "clean",
        "rows": 5,
        "rules": CLEAN_RULES,
        "failed": 0,
        "blocking failed": 0,
        "report": str(QUALITY_MD),
    }
    raw_report = json.loads(RAW_QUALITY_JSON.read_text(encoding="utf-8"))
    assert raw_report == check_quality(dirty, params.columns, "raw").to_json()
    assert json.loads(QUALITY_JSON.read_text(encoding="utf-8"))["summary"]["failed"] == 0
    assert RAW_QUALITY_MD.read_text(encoding="utf-8") == (
        check_quality(dirty, params.columns, "raw").to_markdown()
    )
    assert QUALITY_MD.read_text(encoding="utf-8").startswith("# Data quality: clean data")


def test_run_on_broken_clean_data_writes_the_report_then_fails(project_dir: Path) -> None:
    write_processed(set_cells(clean_frame(), "age", {0: 250.0, 1: 300.0, 2: 5.0}))

    with pytest.raises(QualityError) as error:
        run(load_params(), "clean")

    assert str(error.value) == (
        f"{PROCESSED_DATA} breaks blocking data-quality rules (details in {QUALITY_MD}): "
        "Column 'age' has 3 values outside [18, 100]."
    )
    report = json.loads(QUALITY_JSON.read_text(encoding="utf-8"))
    assert report["summary"] == {"rules": CLEAN_RULES, "failed": 1, "blocking_failed": 1}
    assert "| `age` | `in_range` | yes | 3 | ❌ FAIL |" in QUALITY_MD.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("stage", "command"),
    [
        ("raw", "{{ cookiecutter.project_slug }} data acquire"),
        ("clean", "{{ cookiecutter.project_slug }} data clean"),
    ],
)
def test_a_missing_input_says_which_command_makes_it(
    project_dir: Path, stage: str, command: str
) -> None:
    with pytest.raises(DataError, match=f"does not exist; run `{command}` first"):
        run(load_params(), stage)

    assert not RAW_QUALITY_JSON.exists()
    assert not QUALITY_JSON.exists()


def test_validation_and_cleaning_read_numbers_by_one_rule(params: Params) -> None:
    frame = raw_frame()
    frame["tenure_months"] = ["1e308", "inf", "-Infinity", "1e400", "12"]
    frame["total_charges"] = ["1 234,50", "$1,234.50", "abc", "1e3", "12"]

    report = check_quality(frame, params.columns, "raw")
    kept, impossible = drop_impossible_records(frame, params.columns, today=date(2025, 1, 1))
    tenure = parsing_counts(frame["tenure_months"], parse_numbers(frame["tenure_months"]), "auto")

    assert failures(report) == {
        ("in_range", "tenure_months"): 1,
        ("is_finite", "tenure_months"): 3,
        ("is_number", "total_charges"): 3,
    }
    assert impossible["tenure_months"] == 1  # 1e308: out of range in both stages
    assert tenure == {"parsed_from_text": 0, "unparseable": 0, "non_finite_to_missing": 3}
    assert len(kept) == 4

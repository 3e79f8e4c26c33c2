"""Exploration: exact findings on tiny frames, a readable eda.md, and five valid PNG figures."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import (
    EDA_FIGURES,
    EDA_MD,
    PROCESSED_DATA,
    RAW_DATA,
    ColumnsParams,
    Params,
)
from {{ cookiecutter.package_name }}.data import explore
from {{ cookiecutter.package_name }}.errors import DataError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def dates(*days: str) -> pd.Series:
    """A datetime column from ISO dates."""
    return pd.Series(pd.to_datetime(list(days)))


# --- pure functions -------------------------------------------------------------------------


def test_missing_share_is_per_column_and_sorted() -> None:
    raw = pd.DataFrame(
        {
            "plan": ["basic", "basic", "basic", "basic"],
            "age": ["30", None, None, "41"],
            "country": [None, "France", "Spain", "Italy"],
        }
    )

    share = explore.missing_share(raw)

    assert list(share.index) == ["age", "country", "plan"]
    assert list(share) == [0.5, 0.25, 0.0]


def test_churn_rate_by_category_counts_customers_and_sorts_by_rate() -> None:
    frame = pd.DataFrame(
        {"plan": ["basic", "basic", "premium", "premium", "standard"], "churn": [0, 1, 1, 1, 0]}
    )

    table = explore.churn_rate_by_category(frame, "plan", "churn")

    assert list(table.index) == ["premium", "basic", "standard"]
    assert list(table["customers"]) == [2, 2, 1]
    assert list(table["churn_rate"]) == [1.0, 0.5, 0.0]


def test_correlations_have_the_right_sign_and_strongest_come_first() -> None:
    frame = pd.DataFrame(
        {
            "logins": [1.0, 0.0, 0.0, 0.0],
            "constant": [5.0, 5.0, 5.0, 5.0],
            "tickets": [1.0, 2.0, 3.0, 4.0],
            "churn": [0, 0, 1, 1],
        }
    )

    correlations = explore.correlations_with_target(
        frame, ["logins", "constant", "tickets"], "churn"
    )

    assert list(correlations.index) == ["tickets", "logins", "constant"]
    # Worked by hand: covariance / (spread x spread) of the centred columns.
    assert correlations["tickets"] == pytest.approx(2 / math.sqrt(5))
    assert correlations["logins"] == pytest.approx(-0.5 / math.sqrt(0.75))
    assert math.isnan(correlations["constant"])


def test_the_later_share_is_split_off_at_a_date() -> None:
    days = [f"2023-01-{day:02d}" for day in range(1, 11)]
    frame = pd.DataFrame({"signup_date": dates(*days)})

    later = explore.is_later_signup(frame, "signup_date", 0.2)

    assert later.sum() == 2
    assert list(later[later].index) == [8, 9]


def test_customers_of_one_day_are_never_split_between_periods() -> None:
    days = ["2023-01-01"] * 4 + ["2023-01-02"] * 3 + ["2023-01-03"] * 3
    frame = pd.DataFrame({"signup_date": dates(*days)})

    later = explore.is_later_signup(frame, "signup_date", 0.5)

    # Half would cut 2023-01-02 in two: the whole day stays with the earlier signups.
    assert later.sum() == 3
    assert list(later[later].index) == [7, 8, 9]


def test_compare_periods_gives_means_and_standardised_differences() -> None:
    frame = pd.DataFrame(
        {
            "signup_date": dates("2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04"),
            "tenure": [1.0, 3.0, 5.0, 7.0],
            "constant": [2.0, 2.0, 2.0, 2.0],
            "churn": [0, 1, 1, 1],
        }
    )

    table = explore.compare_periods(frame, "signup_date", 0.5, ["tenure", "constant"], "churn")

    assert list(table.index) == ["tenure", "constant", "churn"]
    # tenure: means 2 and 6, both variances 2, pooled spread sqrt(2).
    assert table.loc["tenure", "mean_earlier"] == 2.0
    assert table.loc["tenure", "mean_later"] == 6.0
    assert table.loc["tenure", "smd"] == pytest.approx(4 / math.sqrt(2))
    # The target row holds the churn rates; variances 0.5 and 0, pooled spread 0.5.
    assert table.loc["churn", "mean_earlier"] == 0.5
    assert table.loc["churn", "mean_later"] == 1.0
    assert table.loc["churn", "smd"] == pytest.approx(1.0)
    assert math.isnan(table.loc["constant", "smd"])


def test_compare_periods_refuses_a_single_signup_date() -> None:
    frame = pd.DataFrame(
        {"signup_date": dates("2023-01-01", "2023-01-01"), "tenure": [1.0, 2.0], "churn": [0, 1]}
    )

    with pytest.raises(DataError, match="signup_date has too few distinct dates"):
        explore.compare_periods(frame, "signup_date", 0.2, ["tenure"], "churn")


def test_text_by_target_gives_share_empty_and_mean_length() -> None:
    frame = pd.DataFrame({"message": ["", "hello", "", "abc"], "churn": [0, 0, 1, 1]})

    table = explore.text_by_target(frame, "message", "churn")

    assert list(table.index) == [0, 1]
    assert list(table["share_empty"]) == [0.5, 0.5]
    assert list(table["mean_length"]) == [5.0, 3.0]


# --- eda.md ---------------------------------------------------------------------------------


@pytest.fixture
def findings() -> explore.Findings:
    """Hand-made findings whose every number is known."""
    periods = explore.Periods(
        time_column="signup_date",
        later_share=0.2,
        cutoff=pd.Timestamp("2023-06-30"),
        rows_earlier=800,
        rows_later=200,
        table=pd.DataFrame(
            {
                "mean_earlier": [30.0, 40.0, 0.225],
                "mean_later": [20.0, 40.5, 0.35],
                "smd": [-0.5, 0.05, 0.28],
            },
            index=pd.Index(["tenure_months", "age", "churn"], name="column"),
        ),
    )
    return explore.Findings(
        rows=1000,
        churn_rate=0.25,
        missing=pd.Series({"age": 0.05, "country": 0.01, "plan": 0.0}),
        max_null_rate=0.2,
        correlations=pd.Series(
            {"tenure_months": -0.4, "support_tickets": 0.3, "age": 0.05, "refund_amount": 0.02}
        ),
        categories={
            "contract": pd.DataFrame(
                {"customers": [600, 400], "churn_rate": [0.35, 0.1]},
                index=["month_to_month", "one_year"],
            )
        },
        text={
            "support_message": pd.DataFrame(
                {"share_empty": [0.5, 0.25], "mean_length": [12.0, 30.0]}, index=[0, 1]
            )
        },
        periods=periods,
    )


def test_the_summary_states_the_key_numbers_in_words(findings: explore.Findings) -> None:
    text = explore.summary_markdown(findings, list(explore.FIGURES), "figures/eda")

    in_short = text.split("## In short")[1].split("##")[0]
    assert "**1,000 customers**, of whom **25.0% churned**." in in_short
    assert "higher **tenure_months** goes with less churn (-0.40, moderate)" in in_short
    assert "higher **support_tickets** goes with more churn (+0.30, moderate)" in in_short
    assert "higher **age** goes with more churn (+0.05, negligible)" in in_short
    assert "refund_amount" not in in_short  # only the three strongest
    assert "contract = **month_to_month** (35.0%)" in in_short
    assert "Most missing values before cleaning: age (5.0%), country (1.0%)." in in_short
    assert "| tenure_months | -0.400 | less churn | moderate |" in text
    assert "| contract | month_to_month | 600 | 35.0% |" in text
    assert "| country | 1.0% |" in text
    assert "| plan | 0.0% |" not in text  # only columns that had missing values are listed
    assert "| support_message | 1 | 25.0% | 30 |" in text


def test_the_summary_compares_periods_in_plain_language(findings: explore.Findings) -> None:
    text = explore.summary_markdown(findings, list(explore.FIGURES), "figures/eda")

    assert (
        "The latest 20% of signups (200 customers who signed up after 2023-06-30) are "
        "compared with the 800 earlier ones." in text
    )
    # Only tenure_months passes the |SMD| > 0.1 flag; age (0.05) does not.
    assert (
        "Later signups differ most from earlier ones in **tenure_months** (lower for later "
        "signups)." in text
    )
    assert "Churn rate: 22.5% for earlier signups, 35.0% for later ones." in text
    assert "| tenure_months | 30.000 | 20.000 | -0.500 |" in text


def test_the_summary_links_each_figure_drawn(findings: explore.Findings) -> None:
    drawn = ["missingness.png", "distributions.png"]

    text = explore.summary_markdown(findings, drawn, "figures/eda")

    assert "- [Numeric columns, churned vs stayed](figures/eda/distributions.png)" in text
    assert "- [Missing values before cleaning](figures/eda/missingness.png)" in text
    assert "later_signups.png" not in text


def test_without_a_time_column_the_summary_says_why_periods_are_skipped(
    findings: explore.Findings,
) -> None:
    no_time = dataclasses.replace(findings, periods=None)

    text = explore.summary_markdown(no_time, list(explore.FIGURES), "figures/eda")

    assert "skipped because no time column is declared" in text
    assert "Churn rate: " not in text


# --- run() ----------------------------------------------------------------------------------


def write_inputs(columns: ColumnsParams, rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Write a processed Parquet file and a raw CSV that fit the contract; return the processed.

    Later signups have a shorter tenure and churn more, so the period comparison has a shift.
    """
    rng = np.random.default_rng(seed)
    position = np.arange(rows) / rows
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{number:07d}" for number in range(rows)],
            "signup_date": pd.Timestamp("2021-01-01") + pd.to_timedelta(position * 900, unit="D"),
        }
    )
    frame["signup_date"] = frame["signup_date"].dt.floor("D")
    for name in columns.numeric:
        frame[name] = rng.normal(50.0, 10.0, rows).round(2)
    frame["tenure_months"] = (60 * (1 - position) + rng.normal(0, 5, rows)).clip(0).round(1)
    for name, column in columns.categorical.items():
        frame[name] = rng.choice(column.allowed, rows)
    for name in columns.text:
        frame[name] = rng.choice(["", "slow app", "please fix my bill"], rows)
    frame[columns.target] = (rng.random(rows) < 0.1 + 0.4 * position).astype("int64")
    frame = frame[columns.all]
    PROCESSED_DATA.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(PROCESSED_DATA, index=False)

    raw = frame.astype(str)
    raw.loc[: rows // 10 - 1, "age"] = ""  # exactly 10% missing before cleaning
    RAW_DATA.parent.mkdir(parents=True, exist_ok=True)
    raw.to_csv(RAW_DATA, index=False)
    return frame


def assert_valid_png(path: Path) -> None:
    content = path.read_bytes()
    assert content.startswith(PNG_MAGIC), path
    assert len(content) > 5_000, path


def read_outputs() -> dict[str, bytes]:
    """The bytes of every figure and of eda.md, by file name."""
    return {path.name: path.read_bytes() for path in [*EDA_FIGURES.iterdir(), EDA_MD]}


def test_run_writes_five_figures_and_the_report(project_dir: Path, params: Params) -> None:
    frame = write_inputs(params.columns)

    summary = explore.run(params)
    first = read_outputs()
    explore.run(params)

    assert sorted(path.name for path in EDA_FIGURES.iterdir()) == sorted(explore.FIGURES)
    for name in explore.FIGURES:
        assert_valid_png(EDA_FIGURES / name)
    text = EDA_MD.read_text(encoding="utf-8")
    assert "**300 customers**" in text
    assert "| age | 10.0% |" in text
    assert "higher **tenure_months** goes with less churn" in text
    assert "**tenure_months** (lower for later signups)" in text
    assert "(figures/eda/later_signups.png)" in text
    assert summary["rows"] == 300
    assert summary["churn rate"] == round(frame["churn"].mean(), 4)
    assert summary["figures"] == 5
    assert summary["report"] == EDA_MD
    assert read_outputs() == first  # a second run gives byte-identical outputs


def test_run_without_a_time_column_skips_the_periods(project_dir: Path, params: Params) -> None:
    no_time = params.model_copy(
        update={"columns": params.columns.model_copy(update={"time": None})}
    )
    write_inputs(no_time.columns)
    stale = EDA_FIGURES / "later_signups.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(PNG_MAGIC)

    summary = explore.run(no_time)

    assert not stale.exists()
    assert len(list(EDA_FIGURES.iterdir())) == 4
    assert "skipped because no time column is declared" in EDA_MD.read_text(encoding="utf-8")
    assert summary["shifted columns"] == "skipped"
    assert summary["figures"] == 4


def test_run_without_processed_data_names_the_command(project_dir: Path, params: Params) -> None:
    with pytest.raises(DataError) as error:
        explore.run(params)

    assert str(error.value) == (
        f"{PROCESSED_DATA} does not exist; run `{{ cookiecutter.project_slug }} data clean` first."
    )
    assert not EDA_MD.exists()


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (lambda frame: frame.drop(columns="plan"), r"lacks the declared columns \['plan'\]"),
        (lambda frame: frame.head(0), "has no rows"),
        (lambda frame: frame.astype({"churn": str}), "column 'churn' is not 0/1 numbers"),
        (lambda frame: frame.astype({"signup_date": str}), "column 'signup_date' is not a date"),
    ],
)
def test_run_refuses_processed_data_it_cannot_explore(
    project_dir: Path,
    params: Params,
    spoil: Callable[[pd.DataFrame], pd.DataFrame],
    expected: str,
) -> None:
    frame = write_inputs(params.columns, rows=20)
    spoil(frame).to_parquet(PROCESSED_DATA, index=False)

    with pytest.raises(DataError, match=expected) as error:
        explore.run(params)

    assert str(error.value).endswith("rerun `{{ cookiecutter.project_slug }} data clean`.")

"""The exploration's statistics: exact findings on tiny frames whose every number is known.

Columns with a role in the contract (target, time, a category, a text) take the tests' own
contract's names; the numeric columns are made up for each test.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data import eda_stats
from {{ cookiecutter.package_name }}.errors import DataError

from ..conftest import clean_frame, require_exercises


def dates(*days: str) -> pd.Series:
    """A datetime column from ISO dates."""
    return pd.Series(pd.to_datetime(list(days)))


def test_missing_share_is_per_column_and_sorted() -> None:
    raw = pd.DataFrame(
        {
            "full": ["a", "b", "c", "d"],
            "half": ["30", None, None, "41"],
            "quarter": [None, "x", "y", "z"],
        }
    )

    share = eda_stats.missing_share(raw)

    assert list(share.index) == ["half", "quarter", "full"]
    assert list(share) == [0.5, 0.25, 0.0]


def test_churn_rate_by_category_counts_customers_and_sorts_by_rate(
    contract: ColumnsParams,
) -> None:
    name, target = next(iter(contract.categorical)), contract.target
    low, mid, high = contract.categorical[name].allowed[:3]
    frame = pd.DataFrame({name: [low, low, mid, mid, high], target: [0, 1, 1, 1, 0]})

    table = eda_stats.churn_rate_by_category(frame, name, target)

    assert list(table.index) == [mid, low, high]
    assert list(table["customers"]) == [2, 2, 1]
    assert list(table["churn_rate"]) == [1.0, 0.5, 0.0]


def test_correlations_have_the_right_sign_and_strongest_come_first(
    contract: ColumnsParams,
) -> None:
    target = contract.target
    frame = pd.DataFrame(
        {
            "logins": [1.0, 0.0, 0.0, 0.0],
            "constant": [5.0, 5.0, 5.0, 5.0],
            "tickets": [1.0, 2.0, 3.0, 4.0],
            target: [0, 0, 1, 1],
        }
    )

    correlations = eda_stats.correlations_with_target(
        frame, ["logins", "constant", "tickets"], target
    )

    assert list(correlations.index) == ["tickets", "logins", "constant"]
    # Worked by hand: covariance / (spread x spread) of the centred columns.
    assert correlations["tickets"] == pytest.approx(2 / math.sqrt(5))
    assert correlations["logins"] == pytest.approx(-0.5 / math.sqrt(0.75))
    assert math.isnan(correlations["constant"])


def test_the_later_share_is_split_off_at_a_date(contract: ColumnsParams) -> None:
    days = [f"2023-01-{day:02d}" for day in range(1, 11)]
    frame = pd.DataFrame({contract.time: dates(*days)})

    later = eda_stats.is_later_signup(frame, contract.time, 0.2)

    assert later.sum() == 2
    assert list(later[later].index) == [8, 9]


def test_customers_of_one_day_are_never_split_between_periods(contract: ColumnsParams) -> None:
    days = ["2023-01-01"] * 4 + ["2023-01-02"] * 3 + ["2023-01-03"] * 3
    frame = pd.DataFrame({contract.time: dates(*days)})

    later = eda_stats.is_later_signup(frame, contract.time, 0.5)

    # Half would cut 2023-01-02 in two: the whole day stays with the earlier signups.
    assert later.sum() == 3
    assert list(later[later].index) == [7, 8, 9]


@pytest.mark.exercise(35)
def test_compare_periods_gives_means_and_standardised_differences(
    contract: ColumnsParams,
) -> None:
    time, target = contract.time, contract.target
    frame = pd.DataFrame(
        {
            time: dates("2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04"),
            "tenure": [1.0, 3.0, 5.0, 7.0],
            "constant": [2.0, 2.0, 2.0, 2.0],
            target: [0, 1, 1, 1],
        }
    )

    table = eda_stats.compare_periods(frame, time, 0.5, ["tenure", "constant"], target)

    assert list(table.index) == ["tenure", "constant", target]
    # tenure: means 2 and 6, both variances 2, pooled spread sqrt(2).
    assert table.loc["tenure", "mean_earlier"] == 2.0
    assert table.loc["tenure", "mean_later"] == 6.0
    assert table.loc["tenure", "smd"] == pytest.approx(4 / math.sqrt(2))
    # The target row holds the churn rates; variances 0.5 and 0, pooled spread 0.5.
    assert table.loc[target, "mean_earlier"] == 0.5
    assert table.loc[target, "mean_later"] == 1.0
    assert table.loc[target, "smd"] == pytest.approx(1.0)
    assert math.isnan(table.loc["constant", "smd"])


def test_compare_periods_refuses_a_single_signup_date(contract: ColumnsParams) -> None:
    time, target = contract.time, contract.target
    frame = pd.DataFrame(
        {time: dates("2023-01-01", "2023-01-01"), "tenure": [1.0, 2.0], target: [0, 1]}
    )

    with pytest.raises(DataError, match=f"{time} has too few distinct dates"):
        eda_stats.compare_periods(frame, time, 0.2, ["tenure"], target)


@pytest.mark.exercise(35)
def test_compare_periods_puts_the_latest_share_of_signups_in_the_later_period(
    contract: ColumnsParams,
) -> None:
    time, target = contract.time, contract.target
    frame = pd.DataFrame(
        {
            time: dates(*(f"2023-01-{day:02}" for day in range(1, 11))),
            "spend": [10.0] * 8 + [30.0, 50.0],
            target: [0] * 9 + [1],
        }
    )

    table = eda_stats.compare_periods(frame, time, 0.2, ["spend"], target)

    # The last 2 of 10 signups are later: spend means 10 and 40, variances 0 and 200.
    assert table.index.name == "column"
    assert list(table.columns) == ["mean_earlier", "mean_later", "smd"]
    assert table.loc["spend", "mean_earlier"] == 10.0
    assert table.loc["spend", "mean_later"] == 40.0
    assert table.loc["spend", "smd"] == pytest.approx(30 / math.sqrt(100))
    assert table.loc[target, "mean_later"] == 0.5
    assert frame["spend"].dtype == "float64" and len(frame) == 10  # the frame is left alone


@pytest.mark.exercise(40)
def test_missingness_and_churn_compares_the_churn_of_rows_with_and_without_a_value(
    contract: ColumnsParams,
) -> None:
    target = contract.target
    raw = pd.DataFrame(
        {
            "phone": [None, None, "1", "2", "3", "4", None, "5"],
            "tier": ["a", "b", None, "a", "b", "a", "b", "a"],
            "full": list("abcdefgh"),
            target: ["1", "1", "0", "0", "1", "0", "0", None],
        }
    )

    table = eda_stats.missingness_and_churn(raw, target)

    assert table.index.name == "column"
    assert list(table.index) == ["phone", "tier"]  # the most missing first; "full" has none
    assert list(table.columns) == ["missing", "churn_if_missing", "churn_if_present"]
    assert table.loc["phone", "missing"] == 3 / 8
    # phone is missing on rows 0, 1, 6 (churned 1, 1, 0); present and labelled on 2-5 (0, 0, 1, 0).
    assert table.loc["phone", "churn_if_missing"] == pytest.approx(2 / 3)
    assert table.loc["phone", "churn_if_present"] == pytest.approx(1 / 4)
    # The unlabelled last row counts in the missing share, in neither churn rate.
    assert table.loc["tier", "missing"] == 1 / 8
    assert table.loc["tier", "churn_if_missing"] == 0.0
    assert table.loc["tier", "churn_if_present"] == pytest.approx(3 / 6)


@pytest.mark.exercise(40)
def test_missingness_and_churn_is_empty_when_nothing_is_missing(contract: ColumnsParams) -> None:
    raw = pd.DataFrame({"phone": ["1", "2"], contract.target: ["0", "1"]})

    table = eda_stats.missingness_and_churn(raw, contract.target)

    assert table.empty
    assert list(table.columns) == ["missing", "churn_if_missing", "churn_if_present"]


def test_text_by_target_gives_share_empty_and_mean_length(contract: ColumnsParams) -> None:
    text, target = contract.text[0], contract.target
    frame = pd.DataFrame({text: ["", "hello", "", "abc"], target: [0, 0, 1, 1]})

    table = eda_stats.text_by_target(frame, text, target)

    assert list(table.index) == [0, 1]
    assert list(table["share_empty"]) == [0.5, 0.5]
    assert list(table["mean_length"]) == [5.0, 3.0]


def test_the_summary_finds_every_kind_of_column_of_the_contract(contract: ColumnsParams) -> None:
    require_exercises(35)  # the earlier-vs-later table
    frame = clean_frame(contract, 50)
    missing = eda_stats.missing_share(frame)

    findings = eda_stats.summarise(frame, missing, contract, later_share=0.2)

    assert findings.rows == 50
    assert findings.churn_rate == 0.5  # the builder's target alternates 0, 1
    assert set(findings.correlations.index) == set(contract.numeric)
    assert list(findings.categories) == list(contract.categorical)
    assert list(findings.text) == contract.text
    assert findings.periods is not None
    assert findings.periods.rows_later == 10
    assert list(findings.periods.table.index) == [*contract.numeric, contract.target]

"""The validation folds keep their promises: disjoint, covering, stratified, grouped, in time order.

Rows come from the tests' own contract (tests/conftest.py): column names are read from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.errors import DataError, LeakageError, ParamsError
from {{ cookiecutter.package_name }}.model.folds import cv_splits, final_test_split
from {{ cookiecutter.package_name }}.model.leakage import (
    check_fold_groups,
    check_group_overlap,
    check_time_order,
)

from .conftest import FOLD_ROWS as N_ROWS


def churn_share(frame: pd.DataFrame, target: str, positions: np.ndarray) -> float:
    """Share of churners among the rows at `positions`."""
    return float(frame[target].iloc[positions].mean())


def dates(frame: pd.DataFrame, time: str, positions: np.ndarray) -> pd.Series:
    """Dates of the rows at `positions`."""
    return pd.to_datetime(frame[time].iloc[positions])


def dated(contract: ColumnsParams, days: list[str], churn: list[int]) -> pd.DataFrame:
    """A frame of only the time column and the target."""
    return pd.DataFrame({contract.time: days, contract.target: churn})


# --- final_test_split


def test_random_final_split_is_disjoint_covering_and_stratified(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given 600 rows, when a random 20 % final test set is split off
    target = contract.target
    development, test = final_test_split(customers, target, None, 0.2, "random", seed=1)

    # Then the two parts hold every row once, the test set is 120 rows with the same churn share
    assert len(test) == 120
    assert np.array_equal(np.sort(np.concatenate([development, test])), np.arange(N_ROWS))
    overall = customers[target].mean()
    assert abs(churn_share(customers, target, test) - overall) < 0.01
    assert abs(churn_share(customers, target, development) - overall) < 0.01


def test_random_final_split_is_deterministic_with_the_seed(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given the same seed twice, when splitting, then the final test sets are identical
    target = contract.target
    first = final_test_split(customers, target, None, 0.2, "random", seed=3)[1]
    again = final_test_split(customers, target, None, 0.2, "random", seed=3)[1]
    other = final_test_split(customers, target, None, 0.2, "random", seed=4)[1]
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_time_final_split_holds_the_latest_signups(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given signups over two years, when the final test set is split off by time
    time = contract.time
    development, test = final_test_split(customers, contract.target, time, 0.2, "time", seed=1)

    # Then every test signup is later than every development signup, and it is ~20 % of rows
    assert dates(customers, time, test).min() > dates(customers, time, development).max()
    assert 120 <= len(test) <= 125
    assert len(development) + len(test) == N_ROWS


def test_time_final_split_never_splits_the_cut_date(contract: ColumnsParams) -> None:
    # Given 10 rows where the 30 % cut falls inside a day with 3 signups
    days = ["2022-01-01"] * 5 + ["2022-01-02"] * 3 + ["2022-01-03"] * 2
    frame = dated(contract, days, [0, 1] * 5)

    # When the final test set is split off by time
    target, time = contract.target, contract.time
    development, test = final_test_split(frame, target, time, 0.3, "time", seed=0)

    # Then the whole cut date joins the test set (5 rows rather than 3)
    assert development.tolist() == [0, 1, 2, 3, 4]
    assert test.tolist() == [5, 6, 7, 8, 9]


def test_time_final_split_keeps_ties_in_development_when_test_would_take_all(
    contract: ColumnsParams,
) -> None:
    # Given 8 signups on the first day and 2 on the next, when half is asked for the test set
    frame = dated(contract, ["2022-01-01"] * 8 + ["2022-01-02"] * 2, [0, 1] * 5)
    target, time = contract.target, contract.time
    development, test = final_test_split(frame, target, time, 0.5, "time", seed=0)

    # Then the first day stays whole in development and only the later day is tested on
    assert development.tolist() == list(range(8))
    assert test.tolist() == [8, 9]


@pytest.mark.parametrize(
    ("test_size", "mode", "by_time", "churners", "message"),
    [
        (0.7, "random", False, 150, "test_size must be above 0 and at most 0.5, not 0.7."),
        (0.0, "random", False, 150, "test_size must be above 0 and at most 0.5, not 0.0."),
        (
            0.2,
            "time",
            False,
            150,
            "Splitting the final test set by time needs a time column, and none was given.",
        ),
        (
            0.2,
            "random",
            False,
            3,
            "There are only 3 rows with {target}=1: too few to put any of them in a final test "
            "set of 0.2.",
        ),
        (
            0.2,
            "weekly",
            False,
            150,
            "The final test split mode must be 'time' or 'random', not 'weekly'.",
        ),
    ],
    ids=["too-large", "zero", "time-without-column", "too-few-churners", "unknown-mode"],
)
def test_final_split_refuses_impossible_settings(
    customers: pd.DataFrame,
    contract: ColumnsParams,
    test_size: float,
    mode: str,
    by_time: bool,
    churners: int,
    message: str,
) -> None:
    # Given data with `churners` churners, when an impossible final split is asked for
    target = contract.target
    frame = customers.assign(**{target: (np.arange(N_ROWS) < churners).astype(np.int64)})
    time_column = contract.time if by_time else None

    # Then it raises one sentence saying what is wrong
    with pytest.raises(ParamsError) as caught:
        final_test_split(frame, target, time_column, test_size, mode, seed=0)
    assert str(caught.value) == message.format(target=target)


def test_final_split_refuses_rows_without_a_date(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given two rows whose date is missing or unreadable (no month 13), when splitting by time,
    # then a DataError
    frame = customers.copy()
    frame.loc[[3, 9], contract.time] = [None, "14/13/2022"]
    with pytest.raises(DataError) as caught:
        final_test_split(frame, contract.target, contract.time, 0.2, "time", seed=0)
    assert str(caught.value) == (
        f"Column '{contract.time}' has 2 missing or unreadable dates; a split by time needs a date "
        "on every row."
    )


def test_final_split_refuses_a_target_with_one_class(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given a target where nobody churned, when splitting, then there is nothing to stratify
    target = contract.target
    with pytest.raises(DataError) as caught:
        final_test_split(customers.assign(**{target: 0}), target, None, 0.2, "random", seed=0)
    assert str(caught.value) == f"Target column '{target}' must hold two classes, not 1."


# --- cv_splits


def test_holdout_is_one_stratified_split(customers: pd.DataFrame, contract: ColumnsParams) -> None:
    # Given 600 rows, when a 25 % holdout is asked for
    target = contract.target
    splits = cv_splits(customers, target, "holdout", n_splits=5, seed=0, holdout_size=0.25)

    # Then there is one split of 450 + 150 disjoint rows with the data's churn share
    assert len(splits) == 1
    train, valid = splits[0]
    assert (len(train), len(valid)) == (450, 150)
    assert not set(train) & set(valid)
    assert abs(churn_share(customers, target, valid) - customers[target].mean()) < 0.01


def test_stratified_kfold_folds_are_disjoint_covering_and_stratified(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given 600 rows, when 5 stratified folds are made
    target = contract.target
    splits = cv_splits(customers, target, "stratified_kfold", n_splits=5, seed=0)

    # Then each row is validated on exactly once, never in its own training part,
    # and every validation fold has the data's churn share
    assert len(splits) == 5
    every_valid = np.concatenate([valid for _, valid in splits])
    assert np.array_equal(np.sort(every_valid), np.arange(N_ROWS))
    overall = customers[target].mean()
    for train, valid in splits:
        assert len(train) + len(valid) == N_ROWS
        assert not set(train) & set(valid)
        assert abs(churn_share(customers, target, valid) - overall) < 0.01


@pytest.mark.exercise(2)
def test_group_kfold_keeps_each_customer_in_one_fold(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given customers with several rows, when 4 group folds are made by customer id
    target = contract.target
    splits = cv_splits(customers, target, "group_kfold", n_splits=4, seed=0, id_column=contract.id)

    # Then the folds cover every row once, and no id is on both sides of any split
    every_valid = np.concatenate([valid for _, valid in splits])
    assert np.array_equal(np.sort(every_valid), np.arange(N_ROWS))
    ids = customers[contract.id]
    for train, valid in splits:
        assert not set(ids.iloc[train]) & set(ids.iloc[valid])
        check_group_overlap(ids.iloc[train], ids.iloc[valid])  # raises on any overlap
    # while a row-level k-fold does split customers across training and validation
    train, valid = cv_splits(customers, target, "stratified_kfold", n_splits=4, seed=0)[0]
    assert set(ids.iloc[train]) & set(ids.iloc[valid])


@pytest.mark.exercise(2)
def test_group_kfold_by_the_group_column_keeps_each_account_in_one_fold(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given customers shared by households of up to four rows each
    frame = customers.assign(household=[f"H{i // 4:04d}" for i in range(N_ROWS)])
    target, households = contract.target, frame["household"]

    # When group folds are made by household (the id is there too, but the group wins)
    splits = cv_splits(
        frame, target, "group_kfold", 4, seed=0, id_column=contract.id, group_column="household"
    )

    # Then no household is on both sides of any fold, and the folds cover every row once
    every_valid = np.concatenate([valid for _, valid in splits])
    assert np.array_equal(np.sort(every_valid), np.arange(N_ROWS))
    for train, valid in splits:
        assert not set(households.iloc[train]) & set(households.iloc[valid])
        check_fold_groups(households.iloc[train], households.iloc[valid], "household")
    # while folds by customer id alone split households, which the folds check refuses
    train, valid = cv_splits(frame, target, "group_kfold", 4, seed=0, id_column=contract.id)[0]
    assert set(households.iloc[train]) & set(households.iloc[valid])
    with pytest.raises(LeakageError, match=r"household values have customers on both sides"):
        check_fold_groups(households.iloc[train], households.iloc[valid], "household")


def test_time_folds_validate_on_later_signups(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given signups over two years, when 4 time folds are made
    time = contract.time
    splits = cv_splits(customers, contract.target, "time", n_splits=4, seed=0, time_column=time)

    # Then each fold validates on the 120 rows after its training rows, which grow fold by fold
    assert [len(train) for train, _ in splits] == [120, 240, 360, 480]
    assert [len(valid) for _, valid in splits] == [120, 120, 120, 120]
    for train, valid in splits:
        assert dates(customers, time, valid).min() >= dates(customers, time, train).max()
        check_time_order(customers[time].iloc[train], customers[time].iloc[valid])


@pytest.mark.exercise(2)
def test_cv_splits_are_deterministic_with_the_seed(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given the same seed twice, when making group folds, then the folds are identical
    target, ids = contract.target, contract.id
    first = cv_splits(customers, target, "group_kfold", 3, seed=5, id_column=ids)
    again = cv_splits(customers, target, "group_kfold", 3, seed=5, id_column=ids)
    assert all(
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        for a, b in zip(first, again, strict=True)
    )


# Options name columns by role ("id", "time") or by a name that is in no contract ("missing").
@pytest.mark.parametrize(
    ("strategy", "n_splits", "options", "message"),
    [
        (
            "group_kfold",
            5,
            {},
            "Strategy 'group_kfold' needs an id column, to keep all rows of one customer in "
            "the same fold, and none was given.",
        ),
        (
            "stratified_kfold",
            10,
            {},
            "n_splits=10 is more than the 7 rows with {target}=1 in the data, so some "
            "validation folds would hold none of them; lower n_splits.",
        ),
        pytest.param(
            "group_kfold",
            10,
            {"id_column": "id"},
            "n_splits=10 is more than the 7 distinct {id} values with {target}=1 in the "
            "data, so some validation folds would hold none of them; lower n_splits.",
            marks=pytest.mark.exercise(2),
        ),
        (
            "time",
            5,
            {},
            "Strategy 'time' needs a time column, and none was given.",
        ),
        ("stratified_kfold", 1, {}, "n_splits must be at least 2, not 1."),
        (
            "holdout",
            5,
            {"holdout_size": 0.6},
            "holdout_size must be above 0 and at most 0.5, not 0.6.",
        ),
        (
            "time",
            5,
            {"time_column": "missing"},
            "The data has no column 'no_such_column'.",
        ),
        (
            "kfold",
            5,
            {},
            "Unknown validation strategy 'kfold'; choose one of holdout, stratified_kfold, "
            "group_kfold, time.",
        ),
    ],
    ids=[
        "group-without-id",
        "more-folds-than-churners",
        "more-folds-than-churned-customers",
        "time-without-column",
        "one-fold",
        "holdout-too-large",
        "unknown-column",
        "unknown-strategy",
    ],
)
def test_cv_splits_refuse_impossible_settings(
    customers: pd.DataFrame,
    contract: ColumnsParams,
    strategy: str,
    n_splits: int,
    options: dict,
    message: str,
) -> None:
    # Given 7 churners, each on a customer of their own
    target = contract.target
    frame = customers.assign(**{target: (np.arange(N_ROWS) < 7).astype(np.int64)})
    frame.loc[:6, contract.id] = [f"X{i}" for i in range(7)]
    columns = {"id": contract.id, "time": contract.time, "missing": "no_such_column"}
    options = {
        key: columns[value] if key.endswith("_column") else value for key, value in options.items()
    }

    # When an impossible cross-validation is asked for, then one sentence says why
    with pytest.raises(ParamsError) as caught:
        cv_splits(frame, target, strategy, n_splits, seed=0, **options)
    assert str(caught.value) == message.format(target=target, id=contract.id)

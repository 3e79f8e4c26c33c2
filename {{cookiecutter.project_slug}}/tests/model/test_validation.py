"""Tests of the validation strategy: the splits keep their promises and the leakage checks fire."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.errors import DataError, LeakageError, ParamsError
from {{ cookiecutter.package_name }}.model.validation import (
    adversarial_validation,
    check_group_overlap,
    check_leakage,
    check_time_order,
    cv_splits,
    describe_adversarial_auc,
    final_test_split,
    single_feature_auc,
)

N_ROWS = 600
HONEST = ["tenure_months", "monthly_charges", "plan"]


@pytest.fixture
def customers() -> pd.DataFrame:
    """600 interim-like rows: raw text features, int target, ids repeated across rows."""
    rng = np.random.default_rng(7)
    churn = (rng.random(N_ROWS) < 0.25).astype(np.int64)
    # 450 possible customers for 600 rows: about a third of the customers have several rows.
    ids = rng.integers(0, 450, size=N_ROWS)
    signup = np.datetime64("2022-01-01") + rng.integers(0, 730, size=N_ROWS)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:07d}" for i in ids],
            "signup_date": np.datetime_as_string(signup, unit="D"),
            "tenure_months": rng.integers(0, 72, size=N_ROWS).astype(str),
            "monthly_charges": [f"${value:,.2f}" for value in rng.uniform(20, 120, N_ROWS)],
            "plan": rng.choice(["basic", "standard", "premium"], size=N_ROWS),
            # Free text that gives churn away, but text is not scored alone: it is skipped.
            "support_message": np.where(churn == 1, "I am cancelling", "Thanks"),
            # The leak: the target plus noise, as a refund only paid after a cancellation.
            "refund_amount": np.round(churn + rng.normal(0, 0.3, N_ROWS), 2).astype(str),
            "churn": churn,
        }
    )


def churn_share(frame: pd.DataFrame, positions: np.ndarray) -> float:
    """Share of churners among the rows at `positions`."""
    return float(frame["churn"].iloc[positions].mean())


def dates(frame: pd.DataFrame, positions: np.ndarray) -> pd.Series:
    """Signup dates of the rows at `positions`."""
    return pd.to_datetime(frame["signup_date"].iloc[positions])


# --- final_test_split


def test_random_final_split_is_disjoint_covering_and_stratified(customers: pd.DataFrame) -> None:
    # Given 600 rows, when a random 20 % final test set is split off
    development, test = final_test_split(customers, "churn", None, 0.2, "random", seed=1)

    # Then the two parts hold every row once, the test set is 120 rows with the same churn share
    assert len(test) == 120
    assert np.array_equal(np.sort(np.concatenate([development, test])), np.arange(N_ROWS))
    overall = customers["churn"].mean()
    assert abs(churn_share(customers, test) - overall) < 0.01
    assert abs(churn_share(customers, development) - overall) < 0.01


def test_random_final_split_is_deterministic_with_the_seed(customers: pd.DataFrame) -> None:
    # Given the same seed twice, when splitting, then the final test sets are identical
    first = final_test_split(customers, "churn", None, 0.2, "random", seed=3)[1]
    again = final_test_split(customers, "churn", None, 0.2, "random", seed=3)[1]
    other = final_test_split(customers, "churn", None, 0.2, "random", seed=4)[1]
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_time_final_split_holds_the_latest_signups(customers: pd.DataFrame) -> None:
    # Given signups over two years, when the final test set is split off by time
    development, test = final_test_split(customers, "churn", "signup_date", 0.2, "time", seed=1)

    # Then every test signup is later than every development signup, and it is ~20 % of rows
    assert dates(customers, test).min() > dates(customers, development).max()
    assert 120 <= len(test) <= 125
    assert len(development) + len(test) == N_ROWS


def test_time_final_split_never_splits_the_cut_date() -> None:
    # Given 10 rows where the 30 % cut falls inside a day with 3 signups
    frame = pd.DataFrame(
        {
            "signup_date": ["2022-01-01"] * 5 + ["2022-01-02"] * 3 + ["2022-01-03"] * 2,
            "churn": [0, 1] * 5,
        }
    )

    # When the final test set is split off by time
    development, test = final_test_split(frame, "churn", "signup_date", 0.3, "time", seed=0)

    # Then the whole cut date joins the test set (5 rows rather than 3)
    assert development.tolist() == [0, 1, 2, 3, 4]
    assert test.tolist() == [5, 6, 7, 8, 9]


def test_time_final_split_keeps_ties_in_development_when_test_would_take_all() -> None:
    # Given 8 signups on the first day and 2 on the next, when half is asked for the test set
    frame = pd.DataFrame(
        {"signup_date": ["2022-01-01"] * 8 + ["2022-01-02"] * 2, "churn": [0, 1] * 5}
    )
    development, test = final_test_split(frame, "churn", "signup_date", 0.5, "time", seed=0)

    # Then the first day stays whole in development and only the later day is tested on
    assert development.tolist() == list(range(8))
    assert test.tolist() == [8, 9]


@pytest.mark.parametrize(
    ("test_size", "mode", "time_column", "churners", "message"),
    [
        (0.7, "random", None, 150, "test_size must be above 0 and at most 0.5, not 0.7."),
        (0.0, "random", None, 150, "test_size must be above 0 and at most 0.5, not 0.0."),
        (
            0.2,
            "time",
            None,
            150,
            "Splitting the final test set by time needs a time column, and none was given.",
        ),
        (
            0.2,
            "random",
            None,
            3,
            "There are only 3 rows with churn=1: too few to put any of them in a final test "
            "set of 0.2.",
        ),
        (
            0.2,
            "weekly",
            None,
            150,
            "The final test split mode must be 'time' or 'random', not 'weekly'.",
        ),
    ],
    ids=["too-large", "zero", "time-without-column", "too-few-churners", "unknown-mode"],
)
def test_final_split_refuses_impossible_settings(
    customers: pd.DataFrame,
    test_size: float,
    mode: str,
    time_column: str | None,
    churners: int,
    message: str,
) -> None:
    # Given data with `churners` churners, when an impossible final split is asked for
    frame = customers.assign(churn=np.arange(N_ROWS) < churners)
    frame["churn"] = frame["churn"].astype(np.int64)

    # Then it raises one sentence saying what is wrong
    with pytest.raises(ParamsError) as caught:
        final_test_split(frame, "churn", time_column, test_size, mode, seed=0)
    assert str(caught.value) == message


def test_final_split_refuses_rows_without_a_date(customers: pd.DataFrame) -> None:
    # Given two rows whose date is missing or not ISO, when splitting by time, then a DataError
    frame = customers.copy()
    frame.loc[[3, 9], "signup_date"] = [None, "14/03/2022"]
    with pytest.raises(DataError) as caught:
        final_test_split(frame, "churn", "signup_date", 0.2, "time", seed=0)
    assert str(caught.value) == (
        "Column 'signup_date' has 2 missing or non-ISO dates; a split by time needs a date on "
        "every row."
    )


def test_final_split_refuses_a_target_with_one_class(customers: pd.DataFrame) -> None:
    # Given a target where nobody churned, when splitting, then there is nothing to stratify
    with pytest.raises(DataError) as caught:
        final_test_split(customers.assign(churn=0), "churn", None, 0.2, "random", seed=0)
    assert str(caught.value) == "Target column 'churn' must hold two classes, not 1."


# --- cv_splits


def test_holdout_is_one_stratified_split(customers: pd.DataFrame) -> None:
    # Given 600 rows, when a 25 % holdout is asked for
    splits = cv_splits(customers, "churn", "holdout", n_splits=5, seed=0, holdout_size=0.25)

    # Then there is one split of 450 + 150 disjoint rows with the data's churn share
    assert len(splits) == 1
    train, valid = splits[0]
    assert (len(train), len(valid)) == (450, 150)
    assert not set(train) & set(valid)
    assert abs(churn_share(customers, valid) - customers["churn"].mean()) < 0.01


def test_stratified_kfold_folds_are_disjoint_covering_and_stratified(
    customers: pd.DataFrame,
) -> None:
    # Given 600 rows, when 5 stratified folds are made
    splits = cv_splits(customers, "churn", "stratified_kfold", n_splits=5, seed=0)

    # Then each row is validated on exactly once, never in its own training part,
    # and every validation fold has the data's churn share
    assert len(splits) == 5
    every_valid = np.concatenate([valid for _, valid in splits])
    assert np.array_equal(np.sort(every_valid), np.arange(N_ROWS))
    overall = customers["churn"].mean()
    for train, valid in splits:
        assert len(train) + len(valid) == N_ROWS
        assert not set(train) & set(valid)
        assert abs(churn_share(customers, valid) - overall) < 0.01


@pytest.mark.exercise(2)
def test_group_kfold_keeps_each_customer_in_one_fold(customers: pd.DataFrame) -> None:
    # Given customers with several rows, when 4 group folds are made by customer id
    splits = cv_splits(
        customers, "churn", "group_kfold", n_splits=4, seed=0, id_column="customer_id"
    )

    # Then the folds cover every row once, and no id is on both sides of any split
    every_valid = np.concatenate([valid for _, valid in splits])
    assert np.array_equal(np.sort(every_valid), np.arange(N_ROWS))
    ids = customers["customer_id"]
    for train, valid in splits:
        assert not set(ids.iloc[train]) & set(ids.iloc[valid])
        check_group_overlap(ids.iloc[train], ids.iloc[valid])  # raises on any overlap
    # while a row-level k-fold does split customers across training and validation
    train, valid = cv_splits(customers, "churn", "stratified_kfold", n_splits=4, seed=0)[0]
    assert set(ids.iloc[train]) & set(ids.iloc[valid])


def test_time_folds_validate_on_later_signups(customers: pd.DataFrame) -> None:
    # Given signups over two years, when 4 time folds are made
    splits = cv_splits(customers, "churn", "time", n_splits=4, seed=0, time_column="signup_date")

    # Then each fold validates on the 120 rows after its training rows, which grow fold by fold
    assert [len(train) for train, _ in splits] == [120, 240, 360, 480]
    assert [len(valid) for _, valid in splits] == [120, 120, 120, 120]
    for train, valid in splits:
        assert dates(customers, valid).min() >= dates(customers, train).max()
        check_time_order(customers["signup_date"].iloc[train], customers["signup_date"].iloc[valid])


@pytest.mark.exercise(2)
def test_cv_splits_are_deterministic_with_the_seed(customers: pd.DataFrame) -> None:
    # Given the same seed twice, when making group folds, then the folds are identical
    first = cv_splits(customers, "churn", "group_kfold", 3, seed=5, id_column="customer_id")
    again = cv_splits(customers, "churn", "group_kfold", 3, seed=5, id_column="customer_id")
    assert all(
        np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        for a, b in zip(first, again, strict=True)
    )


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
            "n_splits=10 is more than the 7 rows with churn=1 in the data, so some validation "
            "folds would hold none of them; lower n_splits.",
        ),
        pytest.param(
            "group_kfold",
            10,
            {"id_column": "customer_id"},
            "n_splits=10 is more than the 7 distinct customer_id values with churn=1 in the "
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
            {"time_column": "signup_day"},
            "The data has no column 'signup_day'.",
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
    customers: pd.DataFrame, strategy: str, n_splits: int, options: dict, message: str
) -> None:
    # Given 7 churners, each on a customer of their own
    frame = customers.assign(churn=(np.arange(N_ROWS) < 7).astype(np.int64))
    frame.loc[:6, "customer_id"] = [f"X{i}" for i in range(7)]

    # When an impossible cross-validation is asked for, then one sentence says why
    with pytest.raises(ParamsError) as caught:
        cv_splits(frame, "churn", strategy, n_splits, seed=0, **options)
    assert str(caught.value) == message


# --- Leakage checks


def test_check_leakage_flags_the_leaky_column_only(customers: pd.DataFrame) -> None:
    # Given honest features and refund_amount, the target plus noise
    aucs = single_feature_auc(customers, "churn", [*HONEST, "refund_amount"])

    # When the leakage check runs, then it names refund_amount and its ROC AUC
    with pytest.raises(LeakageError) as caught:
        check_leakage(
            customers,
            "churn",
            [*HONEST, "refund_amount", "support_message"],
            text_columns=["support_message"],
        )
    assert aucs["refund_amount"] >= 0.95
    assert str(caught.value) == (
        f"Column 'refund_amount' alone predicts churn with ROC AUC {aucs['refund_amount']:.2f} "
        "(>= 0.95): it is probably only known after the outcome (leakage); remove it from the "
        "model's features."
    )


def test_check_leakage_passes_honest_features_and_skips_text(customers: pd.DataFrame) -> None:
    # Given only honest features and a text column, when the leakage check runs
    aucs = check_leakage(
        customers, "churn", [*HONEST, "support_message"], text_columns=["support_message"]
    )

    # Then it returns each non-text feature's AUC, all far below the threshold
    assert sorted(aucs.index) == sorted(HONEST)
    assert aucs.between(0.5, 0.6).all()
    assert aucs.is_monotonic_decreasing


def test_check_leakage_names_every_leaky_column(customers: pd.DataFrame) -> None:
    # Given a categorical that gives churn away too (a cancellation reason)
    frame = customers.assign(reason=np.where(customers["churn"] == 1, "price", "none"))

    # When the leakage check runs, then both leaky columns are named, the worst first
    with pytest.raises(LeakageError) as caught:
        check_leakage(frame, "churn", ["refund_amount", "plan", "reason"], threshold=0.9)
    assert str(caught.value).startswith(
        "Columns 'reason', 'refund_amount' each alone predict churn with ROC AUC 1.00, 0.99"
    )


def test_single_feature_auc_parses_numbers_folds_and_pools_rare_categories() -> None:
    # Given a number written as dirty text that falls as churn rises, an id and a category
    churn = np.repeat([0, 1], 40)
    frame = pd.DataFrame(
        {
            "charges": [f"${1000 + i:,.2f}" for i in range(80)][::-1],
            "customer_id": [f"C{i}" for i in range(80)],
            "plan": np.where(np.arange(80) % 40 < 30, "basic", "premium"),
            "churn": churn,
        }
    )

    # When each feature is scored alone
    aucs = single_feature_auc(frame, "churn", ["charges", "customer_id", "plan"])

    # Then the falling numbers separate perfectly (folded to 1.0), the id, whose categories
    # are all pooled as rare, scores 0.5, and plan, unrelated to churn, scores 0.5 too
    assert aucs.to_dict() == {"charges": 1.0, "customer_id": 0.5, "plan": 0.5}


def test_check_leakage_refuses_a_threshold_below_chance(customers: pd.DataFrame) -> None:
    with pytest.raises(ParamsError) as caught:
        check_leakage(customers, "churn", HONEST, threshold=0.4)
    assert str(caught.value) == "The leakage threshold must be above 0.5 and at most 1, not 0.4."


def test_check_group_overlap_counts_shared_ids() -> None:
    # Given two ids on both sides, when checking, then the count and the first id are named
    with pytest.raises(LeakageError) as caught:
        check_group_overlap(pd.Series(["C1", "C2", "C3"]), pd.Series(["C3", "C9", "C2", None]))
    assert str(caught.value) == (
        "2 ids are in both the training and the test rows (for example 'C2'): the model would "
        "be scored on customers it was trained on; keep all rows of one id on the same side."
    )


def test_check_time_order_counts_earlier_test_rows() -> None:
    # Given two test rows dated before the latest training row (one on the same day is fine)
    train = pd.Series(["2022-01-01", "2022-03-01"])
    test = pd.Series(["2022-02-01", "2022-03-01", "2021-12-31", "2022-05-01"])

    # When checking the order, then both are counted
    with pytest.raises(LeakageError) as caught:
        check_time_order(train, test)
    assert str(caught.value) == (
        "2 test rows are dated before the latest training row (2022-03-01): the model would be "
        "validated on the past instead of the future it has to predict."
    )
    check_time_order(train, test.iloc[[1, 3]])  # same day or later: no error


# --- Adversarial validation


def test_adversarial_auc_is_near_half_on_a_random_split(customers: pd.DataFrame) -> None:
    # Given a random final test set, when a classifier tries to tell it from the rest
    development, test = final_test_split(customers, "churn", None, 0.3, "random", seed=0)
    auc = adversarial_validation(customers.iloc[development], customers.iloc[test], HONEST, seed=0)

    # Then it cannot: the two sets come from one distribution
    assert 0.35 < auc < 0.6
    assert "similar distributions" in describe_adversarial_auc(auc)


def test_adversarial_auc_is_high_when_the_test_set_is_shifted(customers: pd.DataFrame) -> None:
    # Given a test set of customers with 60 more months of tenure
    train, test = customers.iloc[:400], customers.iloc[400:].copy()
    test["tenure_months"] = (test["tenure_months"].astype(int) + 60).astype(str)

    # When a classifier tries to tell the two sets apart, then it easily does
    auc = adversarial_validation(train, test, HONEST, seed=0)
    assert auc > 0.8
    assert describe_adversarial_auc(auc).startswith("ROC AUC 0.9")
    assert "strong shift" in describe_adversarial_auc(auc)


@pytest.mark.parametrize(
    ("auc", "start"),
    [
        (0.52, "ROC AUC 0.52: a classifier can hardly tell"),
        (0.68, "ROC AUC 0.68: some shift;"),
        (0.91, "ROC AUC 0.91: strong shift;"),
    ],
)
def test_describe_adversarial_auc_uses_three_bands(auc: float, start: str) -> None:
    assert describe_adversarial_auc(auc).startswith(start)


def test_adversarial_validation_refuses_too_few_rows(customers: pd.DataFrame) -> None:
    with pytest.raises(ParamsError) as caught:
        adversarial_validation(customers, customers.iloc[:2], HONEST, seed=0)
    assert str(caught.value) == (
        "Adversarial validation with n_splits=3 needs at least 3 rows on each side, but there "
        "are 600 training and 2 test rows."
    )

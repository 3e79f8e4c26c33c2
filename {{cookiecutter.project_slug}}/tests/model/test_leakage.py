"""The leakage checks fire: shared customers, a look into the past, a leaky feature, a shift.

Rows come from the tests' own contract (tests/conftest.py): column names are read from it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.numbers import parse_numbers
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.folds import final_test_split
from {{ cookiecutter.package_name }}.model.leakage import (
    LeakageError,
    adversarial_validation,
    check_group_overlap,
    check_leakage,
    check_time_order,
    describe_adversarial_auc,
    single_feature_auc,
)

from .conftest import LEAK

# --- A feature that alone predicts the target


@pytest.mark.exercise(11)
def test_check_leakage_flags_the_leaky_column_only(
    customers: pd.DataFrame, contract: ColumnsParams, honest: list[str]
) -> None:
    # Given honest features and a leak, the target plus noise
    target = contract.target
    aucs = single_feature_auc(customers, target, [*honest, LEAK])

    # When the leakage check runs, then it names the leak and its ROC AUC
    with pytest.raises(LeakageError) as caught:
        check_leakage(
            customers, target, [*honest, LEAK, *contract.text], text_columns=contract.text
        )
    assert aucs[LEAK] >= 0.95
    assert str(caught.value) == (
        f"Column '{LEAK}' alone predicts {target} with ROC AUC {aucs[LEAK]:.2f} "
        "(>= 0.95): it is probably only known after the outcome (leakage); remove it from the "
        "model's features."
    )


@pytest.mark.exercise(11)
def test_check_leakage_passes_honest_features_and_skips_text(
    customers: pd.DataFrame, contract: ColumnsParams, honest: list[str]
) -> None:
    # Given only honest features and the text columns, when the leakage check runs
    aucs = check_leakage(
        customers, contract.target, [*honest, *contract.text], text_columns=contract.text
    )

    # Then it returns each non-text feature's AUC, all far below the threshold
    assert sorted(aucs.index) == sorted(honest)
    assert aucs.between(0.5, 0.6).all()
    assert aucs.is_monotonic_decreasing


@pytest.mark.exercise(11)
def test_check_leakage_names_every_leaky_column(
    customers: pd.DataFrame, contract: ColumnsParams
) -> None:
    # Given a categorical that gives churn away too (a cancellation reason)
    target = contract.target
    frame = customers.assign(reason=np.where(customers[target] == 1, "price", "none"))
    category = next(iter(contract.categorical))
    leak_auc = single_feature_auc(frame, target, [LEAK])[LEAK]

    # When the leakage check runs, then both leaky columns are named, the worst first
    with pytest.raises(LeakageError) as caught:
        check_leakage(frame, target, [LEAK, category, "reason"], threshold=0.9)
    assert str(caught.value).startswith(
        f"Columns 'reason', '{LEAK}' each alone predict {target} with ROC AUC 1.00, {leak_auc:.2f}"
    )


def test_single_feature_auc_parses_numbers_folds_and_pools_rare_categories(
    contract: ColumnsParams,
) -> None:
    # Given a number written as dirty text that falls as churn rises, an id and a category
    number = next(iter(contract.numeric))
    category, spec = next(iter(contract.categorical.items()))
    frame = pd.DataFrame(
        {
            number: [f"${1000 + i:,.2f}" for i in range(80)][::-1],
            contract.id: [f"C{i}" for i in range(80)],
            category: np.where(np.arange(80) % 40 < 30, spec.allowed[0], spec.allowed[1]),
            contract.target: np.repeat([0, 1], 40),
        }
    )

    # When each feature is scored alone
    aucs = single_feature_auc(frame, contract.target, [number, contract.id, category])

    # Then the falling numbers separate perfectly (folded to 1.0), the id, whose categories
    # are all pooled as rare, scores 0.5, and the category, unrelated to churn, scores 0.5 too
    assert aucs.to_dict() == {number: 1.0, contract.id: 0.5, category: 0.5}


def test_check_leakage_refuses_a_threshold_below_chance(
    customers: pd.DataFrame, contract: ColumnsParams, honest: list[str]
) -> None:
    with pytest.raises(ParamsError) as caught:
        check_leakage(customers, contract.target, honest, threshold=0.4)
    assert str(caught.value) == "The leakage threshold must be above 0.5 and at most 1, not 0.4."


# --- Checks of a split


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


def test_adversarial_auc_is_near_half_on_a_random_split(
    customers: pd.DataFrame, contract: ColumnsParams, honest: list[str]
) -> None:
    # Given a random final test set, when a classifier tries to tell it from the rest
    development, test = final_test_split(customers, contract.target, None, 0.3, "random", seed=0)
    auc = adversarial_validation(customers.iloc[development], customers.iloc[test], honest, seed=0)

    # Then it cannot: the two sets come from one distribution
    assert 0.35 < auc < 0.6
    assert "similar distributions" in describe_adversarial_auc(auc)


def test_adversarial_auc_is_high_when_the_test_set_is_shifted(
    customers: pd.DataFrame, contract: ColumnsParams, honest: list[str]
) -> None:
    # Given a test set whose first numeric column is shifted by its whole range
    name, spec = next(iter(contract.numeric.items()))
    low = 0.0 if spec.min is None else spec.min
    spread = 100.0 if spec.max is None else spec.max - low
    train, test = customers.iloc[:400], customers.iloc[400:].copy()
    test[name] = (parse_numbers(test[name]) + spread).astype(str)

    # When a classifier tries to tell the two sets apart, then it easily does
    auc = adversarial_validation(train, test, honest, seed=0)
    assert auc > 0.8
    assert describe_adversarial_auc(auc).startswith(f"ROC AUC {auc:.2f}: strong shift;")


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


def test_adversarial_validation_refuses_too_few_rows(
    customers: pd.DataFrame, honest: list[str]
) -> None:
    with pytest.raises(ParamsError) as caught:
        adversarial_validation(customers, customers.iloc[:2], honest, seed=0)
    assert str(caught.value) == (
        "Adversarial validation with n_splits=3 needs at least 3 rows on each side, but there "
        "are 600 training and 2 test rows."
    )

"""Tuning and nested cross-validation: the tuned score is optimistic, the nested one is not.

Rows come from the tests' own contract (tests/conftest.py), with churn drawn again from one
weak cause (the first tier): the tree depths that seem to add something on the folds fit noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.model.features import model_input
from {{ cookiecutter.package_name }}.model.folds import cv_splits
from {{ cookiecutter.package_name }}.model.tuning import nested_cv, tune

from ..conftest import make_params, require_exercises

# Many candidates, from a stump to a tree that memorises: plenty of chances to fit fold noise.
SPACE = {"max_depth": [1, 2, 4, 8], "min_samples_leaf": [1, 5]}


@pytest.fixture
def tuned_params() -> Params:
    """Grid search over SPACE for a decision tree; 2 inner folds in each outer training part."""
    return make_params(
        model={
            "name": "decision_tree",
            "hyperparameters": {"decision_tree": {"max_depth": 3, "min_samples_leaf": 1}},
            "tuning": {
                "method": "grid",
                "n_iter": 2,
                "inner_splits": 2,
                "search_space": {"decision_tree": SPACE},
            },
        }
    )


@pytest.fixture
def noise(customers: pd.DataFrame, contract: ColumnsParams) -> pd.DataFrame:
    """300 of the fixture's customers, churn drawn again: 25 %, 40 % in the first tier."""
    rng = np.random.default_rng(3)
    frame = customers.head(300)
    first_tier = (
        frame[next(iter(contract.categorical))]
        == next(iter(contract.categorical.values())).allowed[0]
    )
    churn = rng.random(len(frame)) < np.where(first_tier, 0.4, 0.25)
    return frame.assign(**{contract.target: churn.astype(int)})


def test_nested_cv_is_below_the_tuned_score_when_tuning_fits_fold_noise(
    noise: pd.DataFrame, tuned_params: Params
) -> None:
    require_exercises(1, 9)  # the pipelines start with the cleaner
    # Given weakly caused churn and 8 candidates tuned on the same 3 stratified folds
    target = tuned_params.columns.target
    splits = cv_splits(noise, target, "stratified_kfold", 3, seed=0)
    X, y = model_input(noise, tuned_params), noise[target].to_numpy()
    chosen, tried = tune(tuned_params, X, y, splits)

    # When nested CV scores the tuning on outer folds that inner folds chose on
    nested = nested_cv(tuned_params, noise, X, y, splits, tried)

    # Then the tuned (best) mean is above the nested mean: the search flattered its winner
    assert nested is not None and len(tried) == 8
    assert nested.tuned == max(row["roc_auc"] for row in tried)
    assert nested.nested < nested.tuned
    # and each outer fold's score is the one the non-nested run gave its chosen candidate
    for fold, row in enumerate(nested.folds):
        same = [t for t in tried if all(t[k] == row[k] for k in SPACE)]
        assert row["roc_auc"] == same[0]["fold_roc_auc"][fold]
    # and each outer fold names the candidate its inner folds chose, from the grid
    assert len(nested.folds) == 3
    for row in nested.folds:
        assert row["max_depth"] in SPACE["max_depth"]
        assert row["min_samples_leaf"] in SPACE["min_samples_leaf"]
    report = nested.to_json()
    assert report["optimism"] == pytest.approx(nested.tuned - nested.nested, abs=1e-6)
    assert chosen["max_depth"] in SPACE["max_depth"]


def test_nested_cv_is_skipped_when_tuning_is_off(noise: pd.DataFrame, params: Params) -> None:
    # Given the tests' params (tuning: none), when tuning and nested CV run
    target = params.columns.target
    splits = cv_splits(noise, target, "stratified_kfold", 3, seed=0)
    X, y = model_input(noise, params), noise[target].to_numpy()
    chosen, tried = tune(params, X, y, splits)

    # Then the params' hyperparameters stay, nothing was tried and nothing is nested
    assert chosen == {"C": 1.0, "max_iter": 1000} and tried == []
    assert nested_cv(params, noise, X, y, splits, tried) is None

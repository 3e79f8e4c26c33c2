"""Bagging and random forests from scratch: bootstrap samples, reproducible, beat one tree."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import BaggingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.tree import DecisionTreeClassifier

from {{ cookiecutter.package_name }}.model.scratch.ensemble import bagged_trees, predict_ensemble
from {{ cookiecutter.package_name }}.model.scratch.tree import grow_tree, predict_tree

from ...conftest import require_exercises


@pytest.fixture
def circle() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and test rows: churn inside a circle of 2 of 5 features, 15% label noise."""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(600, 5))
    y = ((X[:, 0] ** 2 + X[:, 1] ** 2) < 1.4).astype(int)
    y = np.where(rng.random(600) < 0.15, 1 - y, y)
    return X[:400], y[:400], X[400:], y[400:]


@pytest.fixture(autouse=True)
def split_solved() -> None:
    """The ensembles grow trees with the Gini split of exercise 22."""
    require_exercises(22)


@pytest.mark.exercise(23)
def test_bagging_scores_like_scikit_learns_and_beats_one_deep_tree(circle) -> None:
    X, y, X_test, y_test = circle
    reference = BaggingClassifier(
        DecisionTreeClassifier(max_depth=6), n_estimators=25, random_state=0
    ).fit(X, y)
    single = roc_auc_score(y_test, predict_tree(grow_tree(X, y, max_depth=6), X_test))

    trees = bagged_trees(X, y, n_trees=25, max_depth=6, seed=0)

    ours = roc_auc_score(y_test, predict_ensemble(trees, X_test))
    assert len(trees) == 25
    assert ours == pytest.approx(
        roc_auc_score(y_test, reference.predict_proba(X_test)[:, 1]), abs=0.04
    )
    assert ours > single + 0.03


@pytest.mark.exercise(23)
def test_each_tree_learns_from_its_own_bootstrap_sample(circle) -> None:
    X, y, _, _ = circle

    trees = bagged_trees(X, y, n_trees=5, max_depth=2, seed=1)

    # A bootstrap sample has n rows; its churn rate differs from tree to tree.
    assert {tree.n_rows for tree in trees} == {400}
    assert len({round(tree.value, 6) for tree in trees}) > 1
    again = bagged_trees(X, y, n_trees=5, max_depth=2, seed=1)
    assert [tree.value for tree in again] == [tree.value for tree in trees]


@pytest.mark.exercise(23)
def test_random_forest_trees_split_on_random_subsets_of_features(circle) -> None:
    X, y, _, _ = circle

    bagged = bagged_trees(X, y, n_trees=10, max_depth=1, seed=2)
    forest = bagged_trees(X, y, n_trees=10, max_depth=1, max_features=1, seed=2)

    roots = {tree.split.feature for tree in forest if tree.split is not None}
    assert {tree.split.feature for tree in bagged if tree.split} <= {0, 1}
    assert roots - {0, 1}, "with one feature per split some roots use a noise feature"

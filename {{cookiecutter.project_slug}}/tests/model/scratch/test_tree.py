"""The Gini split from scratch finds scikit-learn's best split; the tree built on it predicts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from {{ cookiecutter.package_name }}.model.scratch.tree import (
    best_split,
    depth,
    gini,
    grow_tree,
    predict_tree,
)

from ...conftest import require_exercises


@pytest.fixture
def steps() -> tuple[np.ndarray, np.ndarray]:
    """300 rows, 4 features; churn mostly when feature 2 is above 0.3, with 10% label noise."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 4))
    y = (X[:, 2] > 0.3).astype(int)
    flip = rng.random(300) < 0.1
    return X, np.where(flip, 1 - y, y)


def test_gini_of_pure_and_mixed_groups() -> None:
    assert gini(np.array([1, 1, 1])) == 0.0
    assert gini(np.array([0, 1, 0, 1])) == pytest.approx(0.5)
    assert gini(np.array([0, 0, 0, 1])) == pytest.approx(0.375)


@pytest.mark.exercise(22)
def test_best_split_by_hand() -> None:
    X = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 1.0], [4.0, 1.0]])
    y = np.array([0, 0, 1, 1])

    split = best_split(X, y)

    # Both features separate the classes perfectly; the first one found is kept.
    assert (split.feature, split.threshold) == (0, 2.5)
    assert split.impurity == 0.0 and split.gain == pytest.approx(0.5)


@pytest.mark.exercise(22)
def test_best_split_matches_a_scikit_learn_stump(steps) -> None:
    X, y = steps
    stump = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y).tree_

    split = best_split(X, y)

    assert split.feature == stump.feature[0] == 2
    assert split.threshold == pytest.approx(stump.threshold[0])
    left = X[:, 2] <= split.threshold
    weighted = (left.sum() * gini(y[left]) + (~left).sum() * gini(y[~left])) / len(y)
    assert split.impurity == pytest.approx(weighted)
    assert split.gain == pytest.approx(stump.impurity[0] - weighted)


@pytest.mark.exercise(22)
def test_best_split_respects_features_and_min_samples_leaf(steps) -> None:
    X, y = steps

    only_first = best_split(X, y, features=np.array([0]))
    big_leaves = best_split(X, y, min_samples_leaf=140)

    assert only_first.feature == 0
    left = (X[:, big_leaves.feature] <= big_leaves.threshold).sum()
    assert 140 <= left <= 160
    assert best_split(np.ones((5, 2)), np.array([0, 1, 0, 1, 0])) is None  # nothing to cut


def test_a_grown_tree_predicts_like_scikit_learns_of_the_same_depth(steps) -> None:
    require_exercises(22)
    X, y = steps
    reference = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)

    tree = grow_tree(X, y, max_depth=2)

    assert depth(tree) == 2 and tree.n_rows == 300
    np.testing.assert_allclose(predict_tree(tree, X), reference.predict_proba(X)[:, 1])

"""Bagging and random forests from scratch: many trees on bootstrap samples, averaged.

A deep tree has low bias and high variance: retrained on slightly different rows it changes a
lot. Bagging (bootstrap aggregating) trains each tree on a bootstrap sample (n rows drawn with
replacement, so about 63% distinct rows) and averages their predictions: the average of many
noisy, roughly independent estimates varies much less than any one of them. A random forest
adds one more source of difference: each split considers only a random subset of the features
(often √d), so the trees are less alike and their average cuts variance further.
"""

from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.model.scratch import tree
from {{ cookiecutter.package_name }}.model.scratch.tree import Node


def bagged_trees(
    X: np.ndarray,
    y: np.ndarray,
    n_trees: int = 25,
    max_depth: int = 4,
    max_features: int | None = None,
    seed: int = 0,
) -> list[Node]:
    """Grow n_trees trees, each on its own bootstrap sample (a random forest with max_features)."""
    # [exercise 23] Grow each tree on a bootstrap sample drawn with the seeded generator.
    rng = np.random.default_rng(seed)
    trees = []
    for _ in range(n_trees):
        rows = rng.integers(len(y), size=len(y))  # n draws with replacement
        trees.append(
            tree.grow_tree(X[rows], y[rows], max_depth, max_features=max_features, rng=rng)
        )
    return trees
    # [/exercise 23]


def predict_ensemble(trees: list[Node], X: np.ndarray) -> np.ndarray:
    """The average of the trees' predictions: each row's estimated probability of a 1."""
    return np.mean([tree.predict_tree(one, X) for one in trees], axis=0)

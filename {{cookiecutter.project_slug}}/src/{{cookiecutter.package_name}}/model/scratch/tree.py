"""A decision tree from scratch: the best split by Gini impurity, then splits of splits.

A classification tree asks yes/no questions, "is feature j <= t?", and predicts the churn rate of
the customers that end in each leaf. At every node it picks the question that leaves the two
sides purest. Purity is measured by the Gini impurity of a group, 1 - Σ p_c², the chance that
two customers drawn from it at random have different classes: 0 for a pure group, 0.5 for a
50/50 one. A split is scored by its children's impurity weighted by their sizes; the best
split has the lowest. Searching every threshold is cheap once a feature's values are sorted:
cumulative sums give the class counts on the left of every cut at once.

Labels are 0/1 (churn). A deeper tree fits the training rows better and new rows worse
(variance): `max_depth` and `min_samples_leaf` are the brakes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Split:
    """A question "X[:, feature] <= threshold?" and the weighted Gini impurity it leaves."""

    feature: int
    threshold: float
    impurity: float  # of the two children, weighted by their sizes
    gain: float  # the parent's impurity minus that


@dataclass(frozen=True)
class Node:
    """A leaf (split is None) predicts `value`; an inner node sends rows left or right."""

    value: float  # the share of 1s among the node's training rows
    n_rows: int
    split: Split | None = None
    left: Node | None = None
    right: Node | None = None


def gini(y: np.ndarray) -> float:
    """Gini impurity of 0/1 labels: 1 - p² - (1 - p)² = 2p(1 - p)."""
    p = float(np.mean(y)) if len(y) else 0.0
    return 2 * p * (1 - p)


def best_split(
    X: np.ndarray, y: np.ndarray, features: np.ndarray | None = None, min_samples_leaf: int = 1
) -> Split | None:
    """The split of lowest weighted Gini impurity over `features` (all if None); None if none."""
    # [exercise 22] Find the feature and threshold whose two sides have the lowest weighted Gini.
    columns = np.arange(X.shape[1]) if features is None else np.asarray(features)
    n_rows = len(y)
    # Sort every column at once; row i of `values` holds each feature's i-th smallest value.
    order = np.argsort(X[:, columns], axis=0, kind="stable")
    values = np.take_along_axis(X[:, columns], order, axis=0)
    labels = y[order]
    # Cutting after row i puts i + 1 rows on the left: the counts of every cut of every feature.
    n_left = np.arange(1, n_rows)[:, None]
    n_right = n_rows - n_left
    ones_left = np.cumsum(labels, axis=0)[:-1]
    p_left, p_right = ones_left / n_left, (y.sum() - ones_left) / n_right
    impurity = (n_left * 2 * p_left * (1 - p_left) + n_right * 2 * p_right * (1 - p_right)) / n_rows
    # A cut between two equal values is no question at all; each side needs enough rows.
    valid = (values[1:] > values[:-1]) & (np.minimum(n_left, n_right) >= min_samples_leaf)
    if not valid.any():
        return None
    # Transposed, the first minimum found is in the first feature that reaches it.
    j, i = np.unravel_index(np.argmin(np.where(valid, impurity, np.inf).T), impurity.T.shape)
    threshold = float((values[i, j] + values[i + 1, j]) / 2)  # midway, as scikit-learn does
    best = float(impurity[i, j])
    return Split(int(columns[j]), threshold, best, gini(y) - best)
    # [/exercise 22]


def grow_tree(
    X: np.ndarray,
    y: np.ndarray,
    max_depth: int = 3,
    min_samples_leaf: int = 1,
    max_features: int | None = None,
    rng: np.random.Generator | None = None,
) -> Node:
    """Split recursively until max_depth, a pure node or no valid split.

    With max_features, each node considers only that many features drawn at random (`rng`):
    the random forest's trick to make its trees differ.
    """
    node = Node(float(np.mean(y)), len(y))
    if max_depth == 0 or gini(y) == 0.0:
        return node
    features = None
    if max_features is not None:
        rng = rng or np.random.default_rng(0)
        features = rng.choice(X.shape[1], size=min(max_features, X.shape[1]), replace=False)
    split = best_split(X, y, features, min_samples_leaf)
    if split is None or split.gain <= 0.0:
        return node
    left = X[:, split.feature] <= split.threshold
    # The same brakes for both children, one level less deep.
    grow = {
        "max_depth": max_depth - 1,
        "min_samples_leaf": min_samples_leaf,
        "max_features": max_features,
        "rng": rng,
    }
    return Node(
        node.value,
        node.n_rows,
        split,
        grow_tree(X[left], y[left], **grow),
        grow_tree(X[~left], y[~left], **grow),
    )


def predict_tree(node: Node, X: np.ndarray) -> np.ndarray:
    """The share of 1s in the leaf each row falls into."""
    if node.split is None or node.left is None or node.right is None:
        return np.full(len(X), node.value)
    left = X[:, node.split.feature] <= node.split.threshold
    predictions = np.empty(len(X))
    predictions[left] = predict_tree(node.left, X[left])
    predictions[~left] = predict_tree(node.right, X[~left])
    return predictions


def depth(node: Node) -> int:
    """The number of questions on the longest path from the root to a leaf."""
    if node.left is None or node.right is None:
        return 0
    return 1 + max(depth(node.left), depth(node.right))

"""k-means clustering from scratch: Lloyd's algorithm from given initial centres.

k-means looks for k centres that minimise the inertia, the sum of squared distances from each
point to its nearest centre. Lloyd's algorithm alternates two steps, each of which can only lower
the inertia: assign every point to its nearest centre, then move every centre to the mean of its
points. It stops when the centres no longer move, at a local minimum that depends on where the
centres started: scikit-learn runs it from several k-means++ starts and keeps the best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class KMeansFit:
    """The centres found, each point's cluster, the inertia and the number of iterations."""

    centres: np.ndarray  # (k, n_features)
    labels: np.ndarray  # the nearest centre of each point
    inertia: float
    n_iter: int


def squared_distances(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """(n_points, k) squared distances, as ||x||² - 2 x·c + ||c||² (no n-by-k-by-d array)."""
    distances = (X**2).sum(axis=1)[:, None] - 2 * X @ centres.T + (centres**2).sum(axis=1)
    return np.maximum(distances, 0.0)  # rounding can make a zero distance slightly negative


def nearest(X: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """The index of each point's nearest centre."""
    return squared_distances(X, centres).argmin(axis=1)


def inertia(X: np.ndarray, centres: np.ndarray) -> float:
    """Sum of squared distances from each point to its nearest centre."""
    return float(squared_distances(X, centres).min(axis=1).sum())


def kmeans(
    X: np.ndarray, initial_centres: np.ndarray, max_iter: int = 300, tol: float = 1e-4
) -> KMeansFit:
    """Lloyd's algorithm: assign points, move centres to their means, until the centres settle.

    `tol` is relative to the data's mean variance, as in scikit-learn: the loop stops when the
    centres moved, in total squared distance, by less than tol times it.
    """
    # [exercise 20] Run Lloyd's algorithm from the initial centres until they settle.
    centres = np.array(initial_centres, dtype=float)
    threshold = tol * float(np.mean(X.var(axis=0)))
    n_iter = 0
    while n_iter < max_iter:
        n_iter += 1
        labels = nearest(X, centres)
        moved = centres.copy()
        for k in range(len(centres)):
            members = X[labels == k]
            if len(members):  # an empty cluster keeps its centre
                moved[k] = members.mean(axis=0)
        shift = float(((moved - centres) ** 2).sum())
        centres = moved
        if shift <= threshold:
            break
    return KMeansFit(centres, nearest(X, centres), inertia(X, centres), n_iter)
    # [/exercise 20]

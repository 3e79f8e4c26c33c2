"""Gradient boosting from scratch: stumps fitted one after the other to what is still wrong.

Boosting builds a sum of weak models. With the squared error, the negative gradient of the loss
at the current prediction is just the residual y - F(x), so each stage fits a small tree (here a
stump: one question, two values) to the residuals and adds a `learning_rate` share of it:
F ← F + rate·h. Each stage cuts the bias a little; many small steps (a low rate, more stages)
generalise better than a few large ones, and too many stages end up fitting the noise.

A 0/1 target works too: the sum then estimates the churn probability, good enough to rank
customers (scikit-learn's classifier boosts the log loss instead, which keeps it in [0, 1]).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Stump:
    """A one-question regression tree: x[feature] <= threshold ? left : right."""

    feature: int
    threshold: float
    left: float
    right: float


@dataclass(frozen=True)
class Boosted:
    """The starting value, the stumps, their shrinkage and the training loss after each stage."""

    initial: float
    stumps: tuple[Stump, ...]
    learning_rate: float
    losses: tuple[float, ...]


def fit_stump(X: np.ndarray, target: np.ndarray) -> Stump:
    """The split of least squared error, each side predicting its mean (every cut at once)."""
    n_rows = len(target)
    order = np.argsort(X, axis=0, kind="stable")
    values = np.take_along_axis(X, order, axis=0)
    sums_left = np.cumsum(target[order], axis=0)[:-1]
    n_left = np.arange(1, n_rows)[:, None]
    sums_right = target.sum() - sums_left
    # Squared error after the cut = Σy² - (S_left²/n_left + S_right²/n_right): maximise the latter.
    score = sums_left**2 / n_left + sums_right**2 / (n_rows - n_left)
    score = np.where(values[1:] > values[:-1], score, -np.inf)
    if not np.isfinite(score).any():  # every feature constant: one value for all
        mean = float(target.mean())
        return Stump(0, np.inf, mean, mean)
    i, j = np.unravel_index(np.argmax(score.T), score.T.shape)[::-1]
    cut = i + 1
    return Stump(
        int(j),
        float((values[i, j] + values[i + 1, j]) / 2),
        float(sums_left[i, j] / cut),
        float(sums_right[i, j] / (n_rows - cut)),
    )


def predict_stump(stump: Stump, X: np.ndarray) -> np.ndarray:
    """The stump's value for every row."""
    return np.where(X[:, stump.feature] <= stump.threshold, stump.left, stump.right)


def gradient_boost(
    X: np.ndarray, y: np.ndarray, n_stages: int = 100, learning_rate: float = 0.1
) -> Boosted:
    """Least-squares boosting: start from the mean, then fit each stump to the residuals."""
    # [exercise 30] Boost stumps on the residuals, shrunk by the learning rate; record each loss.
    initial = float(np.mean(y))
    prediction = np.full(len(y), initial)
    stumps, losses = [], []
    for _ in range(n_stages):
        residuals = y - prediction  # the negative gradient of ½(y - F)²
        stump = fit_stump(X, residuals)
        prediction = prediction + learning_rate * predict_stump(stump, X)
        stumps.append(stump)
        losses.append(0.5 * float(np.mean((y - prediction) ** 2)))
    return Boosted(initial, tuple(stumps), learning_rate, tuple(losses))
    # [/exercise 30]


def predict_boosted(model: Boosted, X: np.ndarray) -> np.ndarray:
    """The starting value plus every stump's shrunk prediction."""
    prediction = np.full(len(X), model.initial)
    for stump in model.stumps:
        prediction += model.learning_rate * predict_stump(stump, X)
    return prediction

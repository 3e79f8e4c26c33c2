"""Linear models from scratch: linear regression (two ways) and logistic regression.

Both models score a row x as w·x + b. Linear regression predicts that number and minimises the
mean squared error; logistic regression passes it through the sigmoid to get a probability and
minimises the log loss. The squared error has a closed-form minimum (the normal equation); the
log loss has none, so logistic regression is always fitted by an iterative method, here batch
gradient descent: from zero weights, step against the gradient of the loss, again and again.

Gradient descent needs features on comparable scales (standardised): with one column in euros
and another in years, one learning rate is too large for the first and too small for the second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LinearFit:
    """A fitted linear model: its weights, its bias and the loss after each step (if iterative)."""

    weights: np.ndarray  # one per feature
    bias: float
    losses: tuple[float, ...] = ()  # training loss before each gradient step


def with_intercept(X: np.ndarray) -> np.ndarray:
    """X with a first column of ones, so the bias is one more weight."""
    return np.column_stack([np.ones(len(X)), X])


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + e^-z), written with tanh so that a large |z| cannot overflow exp."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    """Mean log loss of probabilities p for 0/1 labels y (p clipped away from 0 and 1)."""
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def scores(fit: LinearFit, X: np.ndarray) -> np.ndarray:
    """w·x + b for every row: linear regression's prediction, logistic regression's log-odds."""
    return X @ fit.weights + fit.bias


def predict_proba(fit: LinearFit, X: np.ndarray) -> np.ndarray:
    """Logistic regression's probability of class 1 for every row."""
    return sigmoid(scores(fit, X))


def logistic_gd(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.5, n_iter: int = 500, l2: float = 0.0
) -> LinearFit:
    """Logistic regression by batch gradient descent on the log loss (+ l2/2 ||w||²)."""
    # [exercise 17] Fit logistic regression by batch gradient descent; record the loss per step.
    n_rows, n_features = X.shape
    weights, bias = np.zeros(n_features), 0.0
    losses = []
    for _ in range(n_iter):
        p = sigmoid(X @ weights + bias)
        losses.append(log_loss(y, p) + 0.5 * l2 * float(weights @ weights))
        # The log loss's gradient is remarkably simple: the error (p - y) times the features.
        error = p - y
        weights = weights - learning_rate * (X.T @ error / n_rows + l2 * weights)
        bias = bias - learning_rate * float(error.mean())
    return LinearFit(weights, bias, tuple(losses))
    # [/exercise 17]


def normal_equation(X: np.ndarray, y: np.ndarray) -> LinearFit:
    """Least-squares linear regression in closed form: solve (AᵀA) θ = Aᵀy, A = [1, X]."""
    # [exercise 18] Solve the normal equation for the bias and the weights.
    A = with_intercept(X)
    # Never inv(AᵀA) @ Aᵀy: inverting costs more and loses precision. And with one-hot columns
    # beside the intercept, AᵀA is singular (the columns of a category sum to the ones column):
    # solve() would fail where lstsq returns the smallest-norm solution among the equal best.
    theta = np.linalg.lstsq(A.T @ A, A.T @ y, rcond=None)[0]
    return LinearFit(theta[1:], float(theta[0]))
    # [/exercise 18]


def linear_gd(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.1, n_iter: int = 1000
) -> LinearFit:
    """Least-squares linear regression by batch gradient descent on half the mean squared error."""
    # [exercise 19] Fit linear regression by batch gradient descent; record the loss per step.
    n_rows, n_features = X.shape
    weights, bias = np.zeros(n_features), 0.0
    losses = []
    for _ in range(n_iter):
        error = X @ weights + bias - y
        losses.append(0.5 * float(np.mean(error**2)))
        # The gradient of ½·mean(error²) is mean(error · x): the same shape as logistic's.
        weights = weights - learning_rate * (X.T @ error / n_rows)
        bias = bias - learning_rate * float(error.mean())
    return LinearFit(weights, bias, tuple(losses))
    # [/exercise 19]

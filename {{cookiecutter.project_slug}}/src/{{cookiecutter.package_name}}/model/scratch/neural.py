"""A neural network from scratch: one hidden layer, trained by backpropagation.

Each hidden unit computes tanh(w·x + b), a logistic-regression-like sum bent by a non-linearity;
the output unit is a logistic regression on the hidden units: p = sigmoid(v·h + c). Stacking the
two lets the network draw curved boundaries that one linear model cannot (a circle, XOR).

Training is gradient descent on the log loss. Backpropagation is the chain rule applied from the
output back: the error at the output, (p - y), is sent back through v to each hidden unit and
multiplied by tanh's slope, 1 - h², to give that unit's error; each weight's gradient is its
input times the error of the unit it feeds. A finite-difference check (`numerical_gradient`)
is how one tests backpropagation code. Weights start small and random: all zero, every hidden
unit would get the same gradient and stay identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from {{ cookiecutter.package_name }}.model.scratch.linear import log_loss, sigmoid


@dataclass(frozen=True)
class Network:
    """Weights of a one-hidden-layer network, and its training loss at each step (if trained)."""

    W: np.ndarray  # (n_features, n_hidden)
    b: np.ndarray  # (n_hidden,)
    v: np.ndarray  # (n_hidden,)
    c: float
    losses: tuple[float, ...] = ()


def initial_network(n_features: int, n_hidden: int, seed: int = 0) -> Network:
    """Small random weights (scaled by 1/√n_features, so tanh starts in its linear part)."""
    rng = np.random.default_rng(seed)
    W = rng.normal(scale=1 / np.sqrt(n_features), size=(n_features, n_hidden))
    v = rng.normal(scale=1 / np.sqrt(n_hidden), size=n_hidden)
    return Network(W, np.zeros(n_hidden), v, 0.0)


def forward(net: Network, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hidden units' values (n_rows, n_hidden) and the output probabilities (n_rows,)."""
    hidden = np.tanh(X @ net.W + net.b)
    return hidden, sigmoid(hidden @ net.v + net.c)


def loss(net: Network, X: np.ndarray, y: np.ndarray) -> float:
    """Mean log loss of the network's probabilities."""
    return log_loss(y, forward(net, X)[1])


def gradients(net: Network, X: np.ndarray, y: np.ndarray) -> Network:
    """The gradient of the mean log loss for every weight, by backpropagation (same shapes)."""
    # [exercise 32] Backpropagate the output error through v and tanh to every weight's gradient.
    hidden, p = forward(net, X)
    n_rows = len(y)
    output_error = (p - y) / n_rows  # d loss / d (output's sum), per row
    hidden_error = np.outer(output_error, net.v) * (1 - hidden**2)  # chain rule through tanh
    return Network(
        W=X.T @ hidden_error,
        b=hidden_error.sum(axis=0),
        v=hidden.T @ output_error,
        c=float(output_error.sum()),
    )
    # [/exercise 32]


def train_network(
    X: np.ndarray,
    y: np.ndarray,
    n_hidden: int = 8,
    learning_rate: float = 0.5,
    n_iter: int = 500,
    seed: int = 0,
) -> Network:
    """Batch gradient descent with backpropagated gradients, from small random weights."""
    net = initial_network(X.shape[1], n_hidden, seed)
    losses = []
    for _ in range(n_iter):
        losses.append(loss(net, X, y))
        grad = gradients(net, X, y)
        net = Network(
            net.W - learning_rate * grad.W,
            net.b - learning_rate * grad.b,
            net.v - learning_rate * grad.v,
            net.c - learning_rate * grad.c,
        )
    return Network(net.W, net.b, net.v, net.c, tuple(losses))


def predict_proba(net: Network, X: np.ndarray) -> np.ndarray:
    """The network's probability of class 1 for every row."""
    return forward(net, X)[1]


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """The gradient of f at x by central differences: (f(x + ε) - f(x - ε)) / 2ε per entry."""
    # [exercise 33] Estimate each partial derivative by central differences, leaving x unchanged.
    grad = np.zeros_like(x, dtype=float)
    for index in np.ndindex(x.shape):
        shifted = x.astype(float)  # a copy: the caller's array must not move
        shifted[index] = x[index] + eps
        above = f(shifted)
        shifted[index] = x[index] - eps
        below = f(shifted)
        # Central differences err by O(ε²), one-sided ones by O(ε).
        grad[index] = (above - below) / (2 * eps)
    return grad
    # [/exercise 33]

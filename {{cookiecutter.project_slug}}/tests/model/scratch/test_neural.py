"""The one-hidden-layer network from scratch: exact gradients, and a boundary a line cannot draw."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier

from {{ cookiecutter.package_name }}.model.scratch.linear import logistic_gd
from {{ cookiecutter.package_name }}.model.scratch.linear import predict_proba as linear_proba
from {{ cookiecutter.package_name }}.model.scratch.neural import (
    Network,
    gradients,
    initial_network,
    loss,
    numerical_gradient,
    predict_proba,
    train_network,
)

from ...conftest import require_exercises


@pytest.fixture
def circle() -> tuple[np.ndarray, np.ndarray]:
    """300 rows of 2 features; class 1 inside a circle: no straight line separates them."""
    rng = np.random.default_rng(8)
    X = rng.uniform(-2, 2, size=(300, 2))
    return X, ((X**2).sum(axis=1) < 1.8).astype(float)


def finite_differences(net: Network, X: np.ndarray, y: np.ndarray, name: str) -> np.ndarray:
    """d loss / d weights `name` by central differences (the test's own, independent of ex. 33)."""
    values = np.atleast_1d(np.asarray(getattr(net, name), dtype=float))
    grad = np.zeros_like(values)
    for index in np.ndindex(values.shape):
        moved = []
        for sign in (1, -1):
            shifted = values.copy()
            shifted[index] += sign * 1e-6
            weight = shifted if name != "c" else float(shifted[0])
            moved.append(loss(Network(**{**net.__dict__, name: weight}), X, y))
        grad[index] = (moved[0] - moved[1]) / 2e-6
    return grad


@pytest.mark.exercise(32)
def test_backpropagation_matches_finite_differences(circle) -> None:
    X, y = circle[0][:20], circle[1][:20]
    net = initial_network(2, 3, seed=1)

    grad = gradients(net, X, y)

    for name in ("W", "b", "v", "c"):
        expected = finite_differences(net, X, y, name)
        np.testing.assert_allclose(np.atleast_1d(getattr(grad, name)), expected, atol=1e-7)


@pytest.mark.exercise(32)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # lbfgs, 100 steps
def test_the_network_learns_a_circle_that_logistic_regression_cannot(circle) -> None:
    require_exercises(17)
    X, y = circle
    reference = MLPClassifier((8,), activation="tanh", solver="lbfgs", max_iter=100, random_state=0)
    reference.fit(X, y)

    net = train_network(X, y, n_hidden=8, learning_rate=1.0, n_iter=500, seed=0)

    ours = roc_auc_score(y, predict_proba(net, X))
    assert ours > 0.95
    assert ours == pytest.approx(roc_auc_score(y, reference.predict_proba(X)[:, 1]), abs=0.05)
    assert roc_auc_score(y, linear_proba(logistic_gd(X, y), X)) < 0.7
    assert net.losses[-1] < 0.5 * net.losses[0]


@pytest.mark.exercise(33)
def test_numerical_gradient_of_known_functions() -> None:
    x = np.array([1.0, -2.0, 3.0])

    squares = numerical_gradient(lambda z: float((z**2).sum()), x)
    product = numerical_gradient(lambda z: float(z[0] * z[1] * z[2]), x)

    np.testing.assert_allclose(squares, 2 * x, atol=1e-6)
    np.testing.assert_allclose(product, [-6.0, 3.0, -2.0], atol=1e-6)
    assert x.tolist() == [1.0, -2.0, 3.0], "the point itself must not move"


@pytest.mark.exercise(33)
def test_numerical_gradient_keeps_the_shape_and_is_central() -> None:
    x = np.array([[0.5, 1.0], [2.0, -1.0]])

    # A cube: one-sided differences would be off by about 3x·ε, central ones by ε².
    grad = numerical_gradient(lambda z: float((z**3).sum()), x, eps=1e-3)

    assert grad.shape == (2, 2)
    np.testing.assert_allclose(grad, 3 * x**2, atol=2e-6)

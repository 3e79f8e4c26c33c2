"""The from-scratch linear models match scikit-learn's on small synthetic data made here."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }}.model.scratch.linear import (
    linear_gd,
    log_loss,
    logistic_gd,
    normal_equation,
    predict_proba,
    scores,
    sigmoid,
)


@pytest.fixture
def classification() -> tuple[np.ndarray, np.ndarray]:
    """400 rows, 3 standardised features, labels drawn from a known logistic model."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    p = sigmoid(X @ np.array([2.0, -1.0, 0.5]) - 0.5)
    return X, (rng.random(400) < p).astype(float)


@pytest.fixture
def regression() -> tuple[np.ndarray, np.ndarray]:
    """300 rows, 3 standardised features, y = 3 + 2x₀ - x₁ + 0.5x₂ + noise."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    return X, 3.0 + X @ np.array([2.0, -1.0, 0.5]) + rng.normal(scale=0.3, size=300)


def test_sigmoid_and_log_loss_take_extreme_values_without_overflow() -> None:
    assert sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist() == [0.0, 0.5, 1.0]
    assert log_loss(np.array([1.0, 0.0]), np.array([0.5, 0.5])) == pytest.approx(np.log(2))
    assert log_loss(np.array([1.0]), np.array([0.0])) == pytest.approx(-np.log(1e-12))


@pytest.mark.exercise(17)
def test_logistic_gd_finds_scikit_learns_coefficients_and_auc(classification) -> None:
    X, y = classification
    # No penalty on either side: C very large turns scikit-learn's L2 off.
    reference = LogisticRegression(C=1e6, max_iter=1000).fit(X, y)

    fit = logistic_gd(X, y, learning_rate=0.5, n_iter=2000)

    np.testing.assert_allclose(fit.weights, reference.coef_[0], atol=0.02)
    assert fit.bias == pytest.approx(reference.intercept_[0], abs=0.02)
    ours = roc_auc_score(y, predict_proba(fit, X))
    assert ours == pytest.approx(roc_auc_score(y, reference.predict_proba(X)[:, 1]), abs=1e-3)


@pytest.mark.exercise(17)
def test_logistic_gd_records_a_loss_that_decreases_from_log_2(classification) -> None:
    X, y = classification

    fit = logistic_gd(X, y, learning_rate=0.5, n_iter=100)

    assert len(fit.losses) == 100
    assert fit.losses[0] == pytest.approx(np.log(2))  # zero weights: p = 0.5 for every row
    assert (np.diff(fit.losses) <= 1e-12).all()
    assert fit.losses[-1] < 0.5


@pytest.mark.exercise(17)
def test_logistic_gd_l2_penalty_shrinks_the_weights(classification) -> None:
    X, y = classification

    free, penalised = logistic_gd(X, y, n_iter=300), logistic_gd(X, y, n_iter=300, l2=1.0)

    assert np.linalg.norm(penalised.weights) < 0.6 * np.linalg.norm(free.weights)


@pytest.mark.exercise(18)
def test_normal_equation_matches_scikit_learns_least_squares(regression) -> None:
    X, y = regression
    reference = LinearRegression().fit(X, y)

    fit = normal_equation(X, y)

    np.testing.assert_allclose(fit.weights, reference.coef_, atol=1e-8)
    assert fit.bias == pytest.approx(reference.intercept_, abs=1e-8)
    assert fit.losses == ()


@pytest.mark.exercise(18)
def test_normal_equation_survives_collinear_one_hot_columns() -> None:
    # Given both columns of a one-hot pair beside the intercept: AᵀA is singular.
    group = np.tile([0.0, 1.0], 10)
    X = np.column_stack([group, 1 - group, np.arange(20.0)])
    y = 5 + 2 * group + 0.5 * np.arange(20.0)

    fit = normal_equation(X, y)

    np.testing.assert_allclose(scores(fit, X), y, atol=1e-8)


@pytest.mark.exercise(19)
def test_linear_gd_converges_to_the_least_squares_solution(regression) -> None:
    X, y = regression
    reference = LinearRegression().fit(X, y)

    fit = linear_gd(X, y, learning_rate=0.1, n_iter=500)

    np.testing.assert_allclose(fit.weights, reference.coef_, atol=1e-3)
    assert fit.bias == pytest.approx(reference.intercept_, abs=1e-3)


@pytest.mark.exercise(19)
def test_linear_gd_loss_starts_at_half_the_mean_square_and_decreases(regression) -> None:
    X, y = regression

    fit = linear_gd(X, y, learning_rate=0.1, n_iter=50)

    assert len(fit.losses) == 50
    assert fit.losses[0] == pytest.approx(0.5 * np.mean(y**2))
    assert (np.diff(fit.losses) < 0).all()


@pytest.mark.exercise(19)
def test_linear_gd_with_too_large_a_learning_rate_diverges(regression) -> None:
    X, y = regression

    fit = linear_gd(X, y, learning_rate=2.5, n_iter=30)

    assert fit.losses[-1] > 100 * fit.losses[0]

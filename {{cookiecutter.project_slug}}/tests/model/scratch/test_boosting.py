"""Least-squares boosting of stumps from scratch predicts what scikit-learn's does."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import GradientBoostingRegressor

from {{ cookiecutter.package_name }}.model.scratch.boosting import (
    Boosted,
    fit_stump,
    gradient_boost,
    predict_boosted,
    predict_stump,
)


@pytest.fixture
def wave() -> tuple[np.ndarray, np.ndarray]:
    """200 rows, 3 features; y is a step of 3 in x₀ plus a slope in x₁ plus noise."""
    rng = np.random.default_rng(6)
    X = rng.uniform(-2, 2, size=(200, 3))
    y = 3.0 * (X[:, 0] > 0.5) + X[:, 1] + rng.normal(scale=0.2, size=200)
    return X, y


def test_a_stump_splits_where_the_squared_error_falls_most() -> None:
    X = np.array([[1.0, 9.0], [2.0, 8.0], [3.0, 7.0], [4.0, 9.0]])
    target = np.array([0.0, 0.0, 10.0, 10.0])

    stump = fit_stump(X, target)

    assert (stump.feature, stump.threshold, stump.left, stump.right) == (0, 2.5, 0.0, 10.0)
    assert predict_stump(stump, X).tolist() == [0.0, 0.0, 10.0, 10.0]


def test_no_stage_predicts_the_starting_value() -> None:
    model = Boosted(initial=3.0, stumps=(), learning_rate=0.1, losses=())

    assert predict_boosted(model, np.zeros((2, 1))).tolist() == [3.0, 3.0]


@pytest.mark.exercise(30)
def test_boosting_predicts_like_scikit_learns_stumps(wave) -> None:
    X, y = wave
    reference = GradientBoostingRegressor(
        n_estimators=50, learning_rate=0.1, max_depth=1, random_state=0
    ).fit(X, y)

    model = gradient_boost(X, y, n_stages=50, learning_rate=0.1)

    assert model.initial == pytest.approx(y.mean()) and len(model.stumps) == 50
    np.testing.assert_allclose(predict_boosted(model, X), reference.predict(X), atol=1e-4)


@pytest.mark.exercise(30)
def test_boosting_loss_falls_at_every_stage_and_the_first_stump_finds_the_step(wave) -> None:
    X, y = wave

    model = gradient_boost(X, y, n_stages=30, learning_rate=0.3)

    assert model.stumps[0].feature == 0 and model.stumps[0].threshold == pytest.approx(0.5, abs=0.1)
    assert len(model.losses) == 30 and (np.diff(model.losses) < 0).all()
    assert model.losses[0] < 0.5 * np.var(y) and model.losses[-1] < 0.1
    assert model.learning_rate == 0.3

"""Gaussian naive Bayes from scratch gives scikit-learn's probabilities."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.naive_bayes import GaussianNB

from {{ cookiecutter.package_name }}.model.scratch.naive_bayes import (
    fit_gaussian_nb,
    log_posterior,
    predict,
    predict_proba,
)


@pytest.fixture
def two_classes() -> tuple[np.ndarray, np.ndarray]:
    """200 rows of 3 features; class 1 (a third of the rows) is shifted and wider."""
    rng = np.random.default_rng(3)
    y = (np.arange(200) % 3 == 0).astype(int)
    X = rng.normal(size=(200, 3)) * (1 + y[:, None]) + 1.5 * y[:, None]
    return X, y


def test_fit_estimates_priors_means_and_smoothed_variances() -> None:
    X = np.array([[0.0], [2.0], [10.0], [10.0]])
    y = np.array([0, 0, 1, 1])

    fit = fit_gaussian_nb(X, y, var_smoothing=0.1)

    assert fit.classes.tolist() == [0, 1]
    np.testing.assert_allclose(np.exp(fit.log_priors), [0.5, 0.5])
    np.testing.assert_allclose(fit.means[:, 0], [1.0, 10.0])
    # Smoothing adds 0.1 times the largest variance (20.75) to both: class 1's is no longer 0.
    np.testing.assert_allclose(fit.variances[:, 0], [1.0 + 2.075, 2.075])


@pytest.mark.exercise(21)
def test_probabilities_match_scikit_learns_gaussian_nb(two_classes) -> None:
    X, y = two_classes
    reference = GaussianNB().fit(X, y)

    fit = fit_gaussian_nb(X, y)

    np.testing.assert_allclose(predict_proba(fit, X), reference.predict_proba(X), atol=1e-9)
    assert predict(fit, X).tolist() == reference.predict(X).tolist()


@pytest.mark.exercise(21)
def test_log_posterior_stays_finite_far_from_every_class(two_classes) -> None:
    X, y = two_classes
    fit = fit_gaussian_nb(X, y)

    far = log_posterior(fit, np.array([[200.0, 200.0, 200.0]]))

    assert np.isfinite(far).all()
    assert np.exp(far).sum() == pytest.approx(1.0)
    assert predict(fit, np.array([[200.0, 200.0, 200.0]])).tolist() == [1]  # the wider class

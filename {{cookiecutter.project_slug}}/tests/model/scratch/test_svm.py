"""The Pegasos linear SVM from scratch reaches scikit-learn's margin and accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.svm import LinearSVC

from {{ cookiecutter.package_name }}.model.scratch.linear import LinearFit
from {{ cookiecutter.package_name }}.model.scratch.svm import hinge_objective, pegasos, signed


@pytest.fixture
def overlapping() -> tuple[np.ndarray, np.ndarray]:
    """300 rows of 2 features, two Gaussian clouds that overlap a little, labels 0/1."""
    rng = np.random.default_rng(7)
    y = (np.arange(300) % 2).astype(float)
    X = rng.normal(size=(300, 2)) + np.where(y[:, None] == 1, [1.5, 1.0], [-1.0, -0.5])
    return X, y


def test_labels_and_the_objective_by_hand() -> None:
    fit = LinearFit(np.array([1.0, 0.0]), 0.0)
    X = np.array([[2.0, 0.0], [0.5, 0.0]])

    assert signed(np.array([0, 1, -1])).tolist() == [-1.0, 1.0, -1.0]
    # Both rows are class 1: margins 2 (no loss) and 0.5 (hinge 0.5); penalty 0.1/2 · 1.
    assert hinge_objective(fit, X, np.array([1, 1]), lam=0.1) == pytest.approx(0.05 + 0.25)


@pytest.mark.exercise(31)
def test_pegasos_reaches_scikit_learns_objective_and_accuracy(overlapping) -> None:
    X, y = overlapping
    lam = 0.01
    # The same objective: scikit-learn's C sums the hinge where ours averages it.
    reference = LinearSVC(C=1 / (lam * len(y)), loss="hinge", max_iter=10_000).fit(X, y)
    theirs = LinearFit(reference.coef_[0], float(reference.intercept_[0]))

    fit = pegasos(X, y, lam=lam, n_epochs=20, seed=0)

    assert hinge_objective(fit, X, y, lam) < 1.05 * hinge_objective(theirs, X, y, lam)
    accuracy = np.mean((X @ fit.weights + fit.bias > 0) == (y == 1))
    assert accuracy == pytest.approx(reference.score(X, y), abs=0.02)


@pytest.mark.exercise(31)
def test_pegasos_objective_falls_and_a_larger_lambda_shrinks_the_weights(overlapping) -> None:
    X, y = overlapping

    narrow, wide = pegasos(X, y, lam=0.001, n_epochs=10), pegasos(X, y, lam=1.0, n_epochs=10)

    assert len(narrow.losses) == 10 and narrow.losses[-1] < narrow.losses[0]
    assert np.linalg.norm(wide.weights) < 0.5 * np.linalg.norm(narrow.weights)
    again = pegasos(X, y, lam=0.001, n_epochs=10)
    assert np.array_equal(again.weights, narrow.weights)  # the seed makes it reproducible

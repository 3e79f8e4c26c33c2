"""Lloyd's k-means from scratch matches scikit-learn's from the same initial centres."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans

from {{ cookiecutter.package_name }}.model.scratch.kmeans import inertia, kmeans, nearest


@pytest.fixture
def blobs() -> np.ndarray:
    """300 points in 2-D around three centres."""
    rng = np.random.default_rng(2)
    centres = np.array([[0.0, 0.0], [5.0, 5.0], [0.0, 6.0]])
    return np.concatenate([c + rng.normal(size=(100, 2)) for c in centres])


def test_nearest_and_inertia_by_hand() -> None:
    X = np.array([[0.0, 0.0], [1.0, 0.0], [10.0, 0.0]])
    centres = np.array([[0.0, 0.0], [9.0, 0.0]])

    assert nearest(X, centres).tolist() == [0, 0, 1]
    assert inertia(X, centres) == pytest.approx(0 + 1 + 1)


@pytest.mark.exercise(20)
def test_kmeans_matches_scikit_learn_from_the_same_initial_centres(blobs) -> None:
    start = blobs[[0, 1, 2]]  # three points of the first blob: a poor start on purpose
    reference = KMeans(n_clusters=3, init=start, n_init=1, algorithm="lloyd").fit(blobs)

    fit = kmeans(blobs, start)

    assert fit.inertia == pytest.approx(reference.inertia_, rel=1e-4)
    assert fit.labels.tolist() == reference.labels_.tolist()
    np.testing.assert_allclose(fit.centres, reference.cluster_centers_, atol=1e-6)
    assert 1 < fit.n_iter < 300


@pytest.mark.exercise(20)
def test_kmeans_does_not_move_the_given_centres_array_and_lowers_inertia(blobs) -> None:
    start = blobs[[0, 1, 2]].copy()
    before = start.copy()

    fit = kmeans(blobs, start)

    assert np.array_equal(start, before)
    assert fit.inertia < 0.2 * inertia(blobs, start)
    assert fit.inertia == pytest.approx(inertia(blobs, fit.centres))


@pytest.mark.exercise(20)
def test_kmeans_stops_after_one_iteration_from_the_optimum(blobs) -> None:
    settled = kmeans(blobs, blobs[[0, 150, 250]])

    again = kmeans(blobs, settled.centres)

    assert again.n_iter == 1
    assert again.inertia == pytest.approx(settled.inertia)

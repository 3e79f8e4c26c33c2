"""The drift statistics agree with their textbook formulas and statsmodels on random inputs.

two_sample.py calls scipy for KS, Wasserstein and Jensen-Shannon; these tests recompute each
from its definition, so a wrong argument order, base or normalisation cannot hide there.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import kstwobign
from statsmodels.stats.proportion import proportions_ztest

from {{ cookiecutter.package_name }}.monitoring.drift import psi
from {{ cookiecutter.package_name }}.monitoring.two_sample import (
    CategoryCounts,
    jensen_shannon_of_counts,
    ks_test,
    wasserstein_normed,
    z_test_of_counts,
)

from ..conftest import require_exercises

samples = st.tuples(
    st.integers(200, 2000),
    st.integers(200, 2000),
    st.floats(-1, 1),
    st.floats(0.5, 2),
    st.integers(0, 10**6),
)


def draw(
    n_ref: int, n_cur: int, shift: float, scale: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """A standard-normal reference and a shifted, scaled current sample, rounded to ties."""
    rng = np.random.default_rng(seed)
    return np.round(rng.normal(size=n_ref), 1), np.round(rng.normal(shift, scale, n_cur), 1)


def ecdf_gap(reference: np.ndarray, current: np.ndarray) -> float:
    """The KS statistic by definition: the largest gap between the two empirical CDFs."""
    points = np.union1d(reference, current)
    cdf_ref = np.searchsorted(np.sort(reference), points, side="right") / reference.size
    cdf_cur = np.searchsorted(np.sort(current), points, side="right") / current.size
    return float(np.abs(cdf_ref - cdf_cur).max())


def area_between_cdfs(reference: np.ndarray, current: np.ndarray) -> float:
    """Wasserstein-1 by definition: the integral of |F_ref - F_cur| over the real line."""
    points = np.union1d(reference, current)
    cdf_ref = np.searchsorted(np.sort(reference), points[:-1], side="right") / reference.size
    cdf_cur = np.searchsorted(np.sort(current), points[:-1], side="right") / current.size
    return float(np.sum(np.abs(cdf_ref - cdf_cur) * np.diff(points)))


@settings(max_examples=40, deadline=None)
@given(samples)
def test_ks_is_the_largest_cdf_gap_with_the_kolmogorov_p_value(sample: tuple) -> None:
    reference, current = draw(*sample)

    result = ks_test(reference, current)

    assert result.statistic == pytest.approx(ecdf_gap(reference, current), abs=1e-12)
    # The large-sample Kolmogorov distribution: within 0.03 of the finite-n p-value from 200 units
    # per sample on (worst of 3,000 random pairs with ties); 0.05 leaves a margin.
    n = reference.size * current.size / (reference.size + current.size)
    assert result.p_value == pytest.approx(kstwobign.sf(result.statistic * math.sqrt(n)), abs=0.05)


@settings(max_examples=40, deadline=None)
@given(samples)
def test_wasserstein_is_the_area_between_cdfs_over_the_population_std(sample: tuple) -> None:
    require_exercises(15)
    reference, current = draw(*sample)

    expected = area_between_cdfs(reference, current) / np.sqrt(
        np.mean((reference - reference.mean()) ** 2)
    )

    assert wasserstein_normed(reference, current) == pytest.approx(expected, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), min_size=2, max_size=8))
def test_jensen_shannon_is_the_square_root_of_the_mean_kl_to_the_mixture(pairs: list) -> None:
    reference, current = (np.array(side, dtype=float) for side in zip(*pairs, strict=True))
    assume(reference.sum() > 0 and current.sum() > 0)
    p, q = reference / reference.sum(), current / current.sum()
    m = (p + q) / 2

    def kl(a: np.ndarray, b: np.ndarray) -> float:
        """Kullback-Leibler divergence in nats, 0 ln 0 taken as 0."""
        kept = a > 0
        return float(np.sum(a[kept] * np.log(a[kept] / b[kept])))

    expected = math.sqrt(max(0.0, (kl(p, m) + kl(q, m)) / 2))

    assert jensen_shannon_of_counts(reference, current) == pytest.approx(expected, abs=1e-7)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5000), st.integers(1, 5000), st.floats(0, 1), st.floats(0, 1))
def test_the_binary_z_test_equals_statsmodels(
    n_ref: int, n_cur: int, share_ref: float, share_cur: float
) -> None:
    first_ref, first_cur = round(share_ref * n_ref), round(share_cur * n_cur)
    assume(0 < first_ref + first_cur < n_ref + n_cur)
    counts = CategoryCounts(
        np.array(["yes", "no"]),
        np.array([first_ref, n_ref - first_ref]),
        np.array([first_cur, n_cur - first_cur]),
    )

    result = z_test_of_counts(counts)
    z, p_value = proportions_ztest([first_cur, first_ref], [n_cur, n_ref])

    assert result.statistic == pytest.approx(z, rel=1e-9, abs=1e-12)
    assert result.p_value == pytest.approx(p_value, rel=1e-9, abs=1e-300)


def test_psi_equals_the_formula_on_a_known_example() -> None:
    require_exercises(7)
    # Given a reference of 0..999 (deciles of 100 values each) and a current sample whose first
    # decile holds twice its share: 200 of 1,100 values there, 100 in each of the nine others
    reference = np.arange(1000.0)
    current = np.concatenate([np.repeat(np.arange(100.0), 2), np.arange(100.0, 1000.0)])

    # Then PSI = sum (cur - ref) ln(cur / ref) over the ten bins, by hand
    first = (2 / 11 - 0.1) * math.log((2 / 11) / 0.1)
    others = 9 * (1 / 11 - 0.1) * math.log((1 / 11) / 0.1)
    assert psi(reference, current) == pytest.approx(first + others, rel=1e-12)
    assert psi(reference, current) == pytest.approx(0.0567, abs=1e-4)

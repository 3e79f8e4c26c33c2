"""The mSPRT: its ratio is the mixture integral, its p-value never rises; peeking cannot fool it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from {{ cookiecutter.package_name }}.ab.peeking import simulate, z_test_p_values
from {{ cookiecutter.package_name }}.ab.sequential import (
    always_valid_p_values,
    mixture_likelihood_ratio,
    sequential_test,
)
from {{ cookiecutter.package_name }}.ab.stats import two_proportion_ztest
from {{ cookiecutter.package_name }}.errors import ProjectError


def normal_pdf(x: float, mean: float, sd: float) -> float:
    """The normal density, in plain floats (scipy's pdf is slow call by call in quad)."""
    return math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * math.sqrt(2 * math.pi))


def integrated_ratio(difference: float, variance: float, tau: float) -> float:
    """The mixture likelihood ratio by numerical integration over the prior N(0, tau^2)."""
    sd = math.sqrt(variance)
    numerator, _ = integrate.quad(
        lambda theta: normal_pdf(difference, theta, sd) * normal_pdf(theta, 0, tau),
        -12 * tau,
        12 * tau,
        points=[difference],
        limit=200,
    )
    return numerator / normal_pdf(difference, 0, sd)


@settings(max_examples=30, deadline=None)
@given(z=st.floats(-6, 6), variance=st.floats(1e-5, 1e-3), tau=st.floats(0.01, 0.1))
def test_the_closed_form_ratio_equals_the_mixture_integral(
    z: float, variance: float, tau: float
) -> None:
    # Given an estimate up to 6 standard errors from 0 (beyond, quad itself loses precision)
    difference = z * math.sqrt(variance)

    expected = integrated_ratio(difference, variance, tau)

    assert float(mixture_likelihood_ratio(difference, variance, tau)) == pytest.approx(
        expected, rel=1e-6
    )


def test_no_difference_gives_a_ratio_below_one_and_no_variance_gives_one() -> None:
    # Given an estimate of exactly 0, the mixture favours "no difference"
    assert float(mixture_likelihood_ratio(0.0, 1e-4, 0.03)) == pytest.approx(
        math.sqrt(1e-4 / (1e-4 + 0.03**2))
    )
    # Every outcome equal (variance 0): no evidence either way
    assert float(mixture_likelihood_ratio(0.0, 0.0, 0.03)) == 1.0


def test_the_always_valid_p_value_never_rises_between_looks() -> None:
    # Given looks where the evidence first grows (day 2) then fades (day 3)
    churned_a, churned_b = np.array([50, 100, 150]), np.array([30, 60, 140])
    units = np.array([200, 400, 600])

    p_values = always_valid_p_values(churned_a, units, churned_b, units, tau=0.05)

    assert p_values[1] < p_values[0]
    assert p_values[2] == p_values[1]  # the running minimum keeps day 2's evidence


def test_a_clear_difference_is_rejected_and_an_equal_split_is_not() -> None:
    strong = sequential_test([240], [1000], [160], [1000], tau=0.03, alpha=0.05)
    equal = sequential_test([240, 480], [1000, 2000], [240, 480], [1000, 2000], tau=0.03)

    # V = 0.2 * 0.8 * 2 / 1000 = 3.2e-4: Lambda = sqrt(V / (V + tau^2)) e^(tau^2 0.08^2 / ...)
    assert strong.likelihood_ratio == pytest.approx(818.85, abs=0.01)
    assert strong.p_value == pytest.approx(1 / 818.85, rel=1e-4)
    assert strong.reject is True and strong.looks == 1
    assert equal.reject is False and equal.p_value == 1.0 and equal.looks == 2


def test_unequal_looks_and_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="same number of looks"):
        sequential_test([1, 2], [10, 20], [1], [10], tau=0.03)
    with pytest.raises(ValueError, match="tau must be positive"):
        mixture_likelihood_ratio(0.1, 1e-3, 0.0)
    with pytest.raises(ValueError, match="at least one unit"):
        sequential_test([0], [0], [1], [10], tau=0.03)


@settings(max_examples=30, deadline=None)
@given(
    rate_a=st.floats(0.05, 0.95),
    rate_b=st.floats(0.05, 0.95),
    n_a=st.integers(20, 5000),
    n_b=st.integers(20, 5000),
)
def test_the_vectorised_z_test_equals_the_one_of_ab_stats(
    rate_a: float, rate_b: float, n_a: int, n_b: int
) -> None:
    churned_a, churned_b = round(rate_a * n_a), round(rate_b * n_b)

    vectorised = z_test_p_values(np.array([churned_a]), n_a, np.array([churned_b]), n_b)

    assert vectorised[0] == pytest.approx(
        two_proportion_ztest(churned_a, n_a, churned_b, n_b)["p_value"], rel=1e-9, abs=1e-300
    )


def test_peeking_inflates_false_positives_and_the_sequential_test_does_not() -> None:
    # Given 2,000 A/A experiments of 20 days, 200 new units per variant a day, read every day
    result = simulate(experiments=2000, days=20, units_per_day=200, alpha=0.05, seed=0)
    three_errors = 3 * result.standard_error()

    # Then stopping at the first daily p < 0.05 finds "effects" in about a quarter of them
    assert result.naive_rate > 0.05 + 10 * three_errors / 3  # 0.236 with this seed
    assert result.naive_rate == pytest.approx(0.236)
    # while the always-valid p-value and the single planned look keep their promise
    assert result.sequential_rate <= 0.05 + three_errors
    assert result.once_rate <= 0.05 + three_errors
    assert result.rows()[0] == ("z-test read every day (20 looks), naive", "23.6%")


def test_a_too_small_simulation_is_one_sentence() -> None:
    with pytest.raises(ProjectError, match="--experiments must be at least 10"):
        simulate(experiments=5, days=20)

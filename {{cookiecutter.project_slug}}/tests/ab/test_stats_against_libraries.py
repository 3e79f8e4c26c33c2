"""Each hand-written A/B statistic agrees with statsmodels or scipy on random inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.gof import chisquare
from statsmodels.stats.proportion import power_proportions_2indep, proportions_ztest

from {{ cookiecutter.package_name }}.ab.stats import (
    bootstrap_difference,
    required_sample_size,
    srm_check,
    two_proportion_ztest,
)

from ..conftest import require_exercises

counts = st.integers(1, 20_000)


@settings(max_examples=60, deadline=None)
@given(n_a=counts, n_b=counts, rate_a=st.floats(0, 1), rate_b=st.floats(0, 1))
def test_the_z_test_equals_statsmodels_proportions_ztest(
    n_a: int, n_b: int, rate_a: float, rate_b: float
) -> None:
    churned_a, churned_b = round(rate_a * n_a), round(rate_b * n_b)
    # statsmodels divides by a zero variance when every unit has the same outcome.
    assume(0 < churned_a + churned_b < n_a + n_b)

    ours = two_proportion_ztest(churned_a, n_a, churned_b, n_b)
    z, p_value = proportions_ztest([churned_b, churned_a], [n_b, n_a])

    assert ours["z"] == pytest.approx(z, rel=1e-9, abs=1e-12)
    assert ours["p_value"] == pytest.approx(p_value, rel=1e-9, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(
    baseline=st.floats(0.02, 0.9),
    effect=st.floats(0.005, 0.2),
    falls=st.booleans(),
    alpha=st.floats(0.01, 0.2),
    power=st.floats(0.55, 0.95),
)
def test_the_sample_size_is_the_smallest_that_reaches_the_power_of_statsmodels(
    baseline: float, effect: float, falls: bool, alpha: float, power: float
) -> None:
    require_exercises(14)
    signed = -effect if falls else effect
    assume(0.01 < baseline + signed < 0.99)

    n = required_sample_size(baseline, signed, alpha, power)

    def power_at(units: int) -> float:
        """statsmodels' power of the pooled z-test with `units` per variant, near tail only.

        Its `power` also counts the far tail (a significant result of the wrong sign), which
        the textbook formula leaves out; its std_null and std_alt give the near tail alone.
        """
        result = power_proportions_2indep(signed, baseline, units, alpha=alpha)
        critical = stats.norm.isf(alpha / 2) * result.std_null
        # Its standard deviations are per unit, as in statsmodels' normal_power_het.
        shift = abs(signed) * np.sqrt(units)
        return float(stats.norm.sf((critical - shift) / result.std_alt))

    assert power_at(n) >= power - 1e-12
    assert n == 1 or power_at(n - 1) < power
    # and the full two-tailed power differs only by the far tail, a hair
    full = power_proportions_2indep(signed, baseline, n, alpha=alpha).power
    assert full == pytest.approx(power_at(n), abs=alpha / 2)


@settings(max_examples=60, deadline=None)
@given(control=counts, treatment=counts, share=st.floats(0.05, 0.95))
def test_the_two_way_srm_equals_statsmodels_one_sample_proportion_test(
    control: int, treatment: int, share: float
) -> None:
    require_exercises(6)

    ours = srm_check(
        {"control": control, "treatment": treatment}, {"control": 1 - share, "treatment": share}
    )
    # With two variants the chi-square is the square of the one-sample z of the treatment share.
    z, p_value = proportions_ztest(treatment, control + treatment, value=share, prop_var=share)

    assert ours["chi2"] == pytest.approx(z**2, rel=1e-7, abs=1e-9)
    assert ours["p_value"] == pytest.approx(p_value, rel=1e-6, abs=1e-300)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=3, max_size=6), st.data())
def test_the_many_way_srm_equals_statsmodels_chisquare(observed: list[int], data) -> None:
    require_exercises(6)
    raw = data.draw(st.lists(st.floats(0.05, 1), min_size=len(observed), max_size=len(observed)))
    weights = {f"v{i}": w / sum(raw) for i, w in enumerate(raw)}

    ours = srm_check({f"v{i}": n for i, n in enumerate(observed)}, weights)
    expected = np.array(list(weights.values())) * sum(observed)
    chi2, p_value = chisquare(np.array(observed), expected)

    assert ours["chi2"] == pytest.approx(chi2, rel=1e-9)
    assert ours["p_value"] == pytest.approx(p_value, rel=1e-6, abs=1e-300)


@settings(max_examples=5, deadline=None)
@given(
    n_a=st.integers(100, 1500),
    n_b=st.integers(100, 1500),
    rate_a=st.floats(0.1, 0.9),
    rate_b=st.floats(0.1, 0.9),
    seed=st.integers(0, 1000),
)
def test_the_bootstrap_interval_agrees_with_scipy_bootstrap(
    n_a: int, n_b: int, rate_a: float, rate_b: float, seed: int
) -> None:
    require_exercises(12)
    rng = np.random.default_rng(seed)
    a, b = rng.random(n_a) < rate_a, rng.random(n_b) < rate_b

    low, high = bootstrap_difference(a.astype(int), b.astype(int), n_resamples=4000, seed=seed)
    reference = stats.bootstrap(
        (a, b),
        lambda x, y, axis: y.mean(axis=axis) - x.mean(axis=axis),
        n_resamples=4000,
        method="percentile",
        rng=np.random.default_rng(seed + 1),
    ).confidence_interval

    # Two Monte-Carlo estimates of the same percentiles: they differ by sampling error only,
    # a small share of the interval's width.
    tolerance = 0.08 * (reference.high - reference.low)
    assert low == pytest.approx(reference.low, abs=tolerance)
    assert high == pytest.approx(reference.high, abs=tolerance)

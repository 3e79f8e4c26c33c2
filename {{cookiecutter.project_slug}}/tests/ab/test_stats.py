"""The A/B statistics agree with hand computations and scipy, and hold up in simulation."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from {{ cookiecutter.package_name }}.ab.stats import (
    bootstrap_difference,
    compare_variants,
    peeking_warning,
    required_sample_size,
    srm_check,
    two_proportion_ztest,
)
from {{ cookiecutter.package_name }}.serving.assignment import assign

from ..conftest import require_exercises

FIFTY_FIFTY = {"control": 0.5, "treatment": 0.5}


def churn_outcomes(rate: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """n simulated units, each churning (1) with probability rate."""
    return rng.binomial(1, rate, size=n)


# Sample ratio mismatch


@pytest.mark.exercise(6)
def test_srm_chi_square_matches_the_hand_computation_and_scipy() -> None:
    # Given 10,100 and 9,900 units where 10,000 each were expected
    counts = {"control": 10_100, "treatment": 9_900}

    # When the split is checked
    result = srm_check(counts, FIFTY_FIFTY)

    # Then chi2 = 2 * 100**2 / 10,000 = 2, with one degree of freedom: p = erfc(sqrt(2 / 2))
    assert result["chi2"] == pytest.approx(2.0)
    assert result["p_value"] == pytest.approx(math.erfc(1.0))
    assert result["p_value"] == pytest.approx(stats.chisquare([10_100, 9_900]).pvalue)
    assert result["mismatch"] is False
    assert result["expected"] == {"control": 10_000.0, "treatment": 10_000.0}
    assert result["observed"] == counts


@pytest.mark.exercise(6)
def test_srm_p_value_matches_scipy_for_an_uneven_three_way_split() -> None:
    counts = {"control": 4_870, "treatment": 2_480, "holdout": 2_650}
    weights = {"control": 0.5, "treatment": 0.25, "holdout": 0.25}

    result = srm_check(counts, weights)

    reference = stats.chisquare([4_870, 2_480, 2_650], [5_000, 2_500, 2_500])
    assert result["chi2"] == pytest.approx(reference.statistic)
    assert result["p_value"] == pytest.approx(reference.pvalue)


@pytest.mark.exercise(6)
def test_an_injected_52_48_imbalance_trips_the_srm_check() -> None:
    require_exercises(5)  # the units are split by the sticky assignment
    # Given 20,000 units assigned 52/48 by mistake, for a test designed 50/50
    units = [f"customer-{i}" for i in range(20_000)]
    counts = Counter(assign(unit, "exp-1", {"control": 0.52, "treatment": 0.48}) for unit in units)

    # When the split is checked against the design, then it is a mismatch
    assert srm_check(counts, FIFTY_FIFTY)["mismatch"] is True


@pytest.mark.exercise(6)
def test_a_fair_50_50_draw_passes_the_srm_check() -> None:
    require_exercises(5)  # the units are split by the sticky assignment
    units = [f"customer-{i}" for i in range(20_000)]
    counts = Counter(assign(unit, "exp-1", FIFTY_FIFTY) for unit in units)

    assert srm_check(counts, FIFTY_FIFTY)["mismatch"] is False


@pytest.mark.exercise(6)
def test_a_zero_weight_variant_is_left_out_until_it_gets_a_unit() -> None:
    weights = {"control": 0.5, "treatment": 0.5, "paused": 0}

    quiet = srm_check({"control": 1000, "treatment": 1000, "paused": 0}, weights)
    leaking = srm_check({"control": 1000, "treatment": 1000, "paused": 1}, weights)

    assert "paused" not in quiet["expected"] and quiet["mismatch"] is False
    assert leaking["mismatch"] is True and leaking["p_value"] == 0.0
    assert leaking["expected"]["paused"] == 0.0 and leaking["observed"]["paused"] == 1


# Two-proportion z-test


def test_z_test_matches_the_hand_computation() -> None:
    # Given 100 of 1,000 churned in A and 130 of 1,000 in B
    result = two_proportion_ztest(100, 1000, 130, 1000)

    # Then pooled rate 230 / 2,000, z = 0.03 / sqrt(p (1 - p) (1/1000 + 1/1000))
    pooled = 230 / 2000
    z = 0.03 / math.sqrt(pooled * (1 - pooled) * 2 / 1000)
    assert result["rate_a"] == pytest.approx(0.10)
    assert result["rate_b"] == pytest.approx(0.13)
    assert result["difference"] == pytest.approx(0.03)
    assert result["z"] == pytest.approx(z)
    assert result["z"] == pytest.approx(2.1027, abs=1e-4)
    assert result["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)))


def test_z_test_agrees_with_scipy_chi_square_on_the_2x2_table() -> None:
    # The pooled z-test squared is the chi-square test of the 2x2 table without correction
    table = [[310, 2_690], [262, 2_238]]

    result = two_proportion_ztest(310, 3000, 262, 2500)

    reference = stats.chi2_contingency(table, correction=False)
    assert result["z"] ** 2 == pytest.approx(reference.statistic)
    assert result["p_value"] == pytest.approx(reference.pvalue)


def test_identical_all_zero_groups_show_no_difference() -> None:
    result = two_proportion_ztest(0, 50, 0, 80)

    assert (result["z"], result["p_value"]) == (0.0, 1.0)


# Bootstrap interval


@pytest.mark.exercise(12)
def test_bootstrap_interval_agrees_with_scipy_bootstrap() -> None:
    # Given two groups with churn rates 0.10 and 0.13
    rng = np.random.default_rng(7)
    a, b = churn_outcomes(0.10, 1000, rng), churn_outcomes(0.13, 1000, rng)

    # When the interval is computed by counting draws
    low, high = bootstrap_difference(a, b, n_resamples=2000, seed=1)

    # Then it matches scipy's percentile bootstrap that resamples every row
    reference = stats.bootstrap(
        (b, a),
        lambda x, y, axis: x.mean(axis=axis) - y.mean(axis=axis),
        n_resamples=2000,
        method="percentile",
        random_state=np.random.default_rng(2),
    ).confidence_interval
    assert low < b.mean() - a.mean() < high
    assert low == pytest.approx(reference.low, abs=0.004)
    assert high == pytest.approx(reference.high, abs=0.004)


@pytest.mark.exercise(12)
def test_bootstrap_is_reproducible_with_a_seed() -> None:
    a, b = [0, 1, 0, 0, 1] * 40, [1, 1, 0, 0, 1] * 40

    assert bootstrap_difference(a, b, seed=3) == bootstrap_difference(a, b, seed=3)
    assert bootstrap_difference(a, b, seed=3) != bootstrap_difference(a, b, seed=4)


# Sample size and peeking


@pytest.mark.exercise(14)
def test_required_sample_size_matches_the_formula_worked_by_hand() -> None:
    # Given p1 = 0.10, p2 = 0.12, alpha = 0.05 (z = 1.959964), power = 0.8 (z = 0.841621)
    p1, p2, average = 0.10, 0.12, 0.11
    by_hand = (
        1.959964 * math.sqrt(2 * average * (1 - average))
        + 0.841621 * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    ) ** 2 / 0.02**2

    # When the plan is computed, then it is that number rounded up: about 3,840 per variant
    assert by_hand == pytest.approx(3840.9, abs=0.1)
    assert required_sample_size(0.10, 0.02) == math.ceil(by_hand) == 3841


@pytest.mark.exercise(14)
def test_more_power_or_a_smaller_effect_needs_more_units() -> None:
    planned = required_sample_size(0.10, 0.02)

    assert required_sample_size(0.10, 0.02, power=0.9) > planned
    assert required_sample_size(0.10, 0.01) > planned
    assert required_sample_size(0.10, -0.02) < planned  # a drop to 8% has less variance


def test_peeking_warning_while_the_plan_is_not_reached() -> None:
    warning = peeking_warning({"control": 3000, "treatment": 2841}, required=3841)

    assert warning is not None
    assert "planned sample size of 3,841 units per variant is not reached yet" in warning
    assert "1,841 units still missing" in warning
    assert "control needs 841 more, treatment needs 1,000 more" in warning
    assert "p-value looks small inflates the rate of false positives (peeking)" in warning


def test_no_peeking_warning_once_every_variant_has_its_units() -> None:
    assert peeking_warning({"control": 3841, "treatment": 4000}, required=3841) is None


# Comparing variants


def test_compare_variants_runs_the_z_test_and_bootstrap_against_the_control() -> None:
    require_exercises(12)  # each comparison holds a bootstrap interval
    # Given a control and two treatments
    rng = np.random.default_rng(11)
    outcomes = {
        "control": churn_outcomes(0.10, 1500, rng),
        "new_model": churn_outcomes(0.16, 1500, rng),
        "same_model": churn_outcomes(0.10, 1200, rng),
    }

    # When they are compared
    results = compare_variants(outcomes, control="control", n_resamples=500, seed=5)

    # Then each non-control variant holds the z-test and interval of its own data
    assert list(results) == ["new_model", "same_model"]
    control = outcomes["control"]
    for name, result in results.items():
        variant = outcomes[name]
        test = two_proportion_ztest(control.sum(), control.size, variant.sum(), variant.size)
        interval = bootstrap_difference(control, variant, n_resamples=500, seed=5)
        assert result["n_control"] == 1500 and result["n_variant"] == variant.size
        assert result["rate_control"] == test["rate_a"]
        assert result["rate_variant"] == test["rate_b"]
        assert result["p_value"] == test["p_value"]
        assert (result["ci_low"], result["ci_high"]) == interval
        assert result["significant"] == (test["p_value"] < 0.05)
    assert results["new_model"]["significant"] is True


def test_an_a_a_test_is_significant_in_about_alpha_of_the_seeds() -> None:
    require_exercises(12)  # each comparison holds a bootstrap interval
    # Given 200 A/A tests where both variants churn at 10%
    significant = 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        outcomes = {
            "control": churn_outcomes(0.10, 2000, rng),
            "treatment": churn_outcomes(0.10, 2000, rng),
        }
        result = compare_variants(outcomes, "control", alpha=0.05, n_resamples=100, seed=seed)
        significant += result["treatment"]["significant"]

    # Then about 5% of them are false positives
    assert 0.02 <= significant / 200 <= 0.09


@pytest.mark.exercise(14)
def test_the_planned_sample_size_detects_the_planned_effect_most_of_the_time() -> None:
    require_exercises(12)  # each comparison holds a bootstrap interval
    # Given 100 tests of 10% -> 12% churn with the planned units per variant
    n = required_sample_size(0.10, 0.02, alpha=0.05, power=0.8)
    detected = 0
    for seed in range(100):
        rng = np.random.default_rng(1000 + seed)
        outcomes = {
            "control": churn_outcomes(0.10, n, rng),
            "treatment": churn_outcomes(0.12, n, rng),
        }
        result = compare_variants(outcomes, "control", n_resamples=100, seed=seed)["treatment"]
        detected += result["significant"] and result["difference"] > 0

    # Then the effect is found in most of them (80% planned)
    assert detected / 100 > 0.7


# Bad arguments


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: srm_check({"control": 5, "other": 5}, FIFTY_FIFTY), "'other' has a count but no"),
        (lambda: srm_check({"control": -1, "treatment": 5}, FIFTY_FIFTY), "must not be negative"),
        (lambda: srm_check({"control": 0, "treatment": 0}, FIFTY_FIFTY), "no units to check"),
        (lambda: srm_check({"control": 5}, FIFTY_FIFTY, alpha=0), "alpha must be between 0"),
        (lambda: two_proportion_ztest(0, 0, 5, 10), "Group a needs at least one unit"),
        (lambda: two_proportion_ztest(1, 10, 11, 10), "Group b must have between 0 and 10"),
        (lambda: bootstrap_difference([], [0, 1]), "no outcomes for outcomes_a"),
        (lambda: bootstrap_difference([0, 1], [0, 2]), "outcomes of outcomes_b must be 0"),
        (lambda: bootstrap_difference([0, 1], [0, 1], confidence=1), "confidence must be"),
        (lambda: bootstrap_difference([0, 1], [0, 1], n_resamples=0), "n_resamples must be"),
        (lambda: required_sample_size(0, 0.02), "baseline_rate must be between 0 and 1"),
        (lambda: required_sample_size(1.2, 0.02), "baseline_rate must be between 0 and 1"),
        (lambda: required_sample_size(0.10, 0), "minimum_detectable_effect must not be 0"),
        (lambda: required_sample_size(0.95, 0.1), r"baseline_rate \+ minimum_detectable_effect"),
        (lambda: required_sample_size(0.10, 0.02, alpha=0), "alpha must be between 0 and 1"),
        (lambda: required_sample_size(0.10, 0.02, power=1), "power must be between 0 and 1"),
        (lambda: peeking_warning({}, 100), "at least one variant"),
        (lambda: peeking_warning({"control": 5}, 0), "required must be at least 1"),
        (lambda: compare_variants({"a": [0], "b": [1]}, "control"), "Unknown control 'control'"),
        (lambda: compare_variants({"control": [0, 1]}, "control"), "besides the control"),
        (lambda: compare_variants({"control": [0], "b": []}, "control"), "no outcomes for variant"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(
    call: Callable[[], object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        call()

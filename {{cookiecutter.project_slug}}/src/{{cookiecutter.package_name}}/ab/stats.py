"""Statistics for an A/B test of the churn model: is the split healthy, and is a difference real?

Each unit (a customer) ends in one of two outcomes, churned (1) or retained (0), so a variant is
summed up by its churn rate and every question below is about rates.

- Sample ratio mismatch (SRM). Before looking at any outcome, check that units arrived in the
  shares the design asked for. A 50/50 split that shows 52/48 on 20,000 units is not bad luck:
  something between assignment and logging loses units from one side (a variant that crashes
  on some requests, a bot filter or a cache that acts on one arm only). The lost units are not
  a random sample, so the groups are no longer comparable and no p-value computed on them can
  be trusted. Fix the pipeline and run the test again rather than analysing it.
- A difference in rates. The two-proportion z-test says how surprising the observed difference
  would be if both variants had the same true rate; the bootstrap interval shows the range of
  differences that fit the data, which is what a decision to ship needs.
- Sample size and peeking. Fix the number of units per variant before the test starts, from the
  baseline rate and the smallest effect worth detecting. A p-value wanders up and down while
  data arrive: checking it every day and stopping the first time it dips below 0.05 declares
  far more than 5% of no-effect tests "significant". Analyse once, when the plan is reached.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from scipy.stats import norm

from {{ cookiecutter.package_name }}.serving.assignment import check_weights


def _check_open_unit(value: float, name: str) -> None:
    """Refuse a probability-like argument outside the open interval (0, 1)."""
    if not 0 < value < 1:
        raise ValueError(f"{name} must be between 0 and 1 (exclusive), not {value}.")


def _binary_outcomes(values: Sequence[int] | np.ndarray, label: str) -> np.ndarray:
    """The outcomes as a 1-D array of 0 and 1; refuse empty or non-binary outcomes."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"The outcomes of {label} must be a flat list, one 0 or 1 per unit.")
    if array.size == 0:
        raise ValueError(f"There are no outcomes for {label}.")
    if not np.isin(array, (0, 1)).all():
        raise ValueError(f"The outcomes of {label} must be 0 (retained) or 1 (churned).")
    return array.astype(np.int64)


def srm_check(
    counts: Mapping[str, int], weights: Mapping[str, float], alpha: float = 0.001
) -> dict:
    """Sample-ratio-mismatch check: chi-square of the unit counts against the planned shares.

    Args:
        counts: units observed per variant; a planned variant missing here counts as 0.
        weights: the planned split, as given to `assign`.
        alpha: a p-value below it is a mismatch; small, because the check runs on every test
            and a false alarm stops a healthy test.
    """
    _check_open_unit(alpha, "alpha")
    shares = check_weights(weights)
    unknown = [name for name in counts if name not in shares]
    if unknown:
        raise ValueError(f"Variant '{unknown[0]}' has a count but no weight in the design.")
    negative = [name for name, count in counts.items() if count < 0]
    if negative:
        raise ValueError(f"The count of variant '{negative[0]}' must not be negative.")
    total = sum(counts.values())
    if total == 0:
        raise ValueError("There are no units to check: every count is 0.")
    # [exercise 6] compare the observed unit counts with the planned shares (chi-square test).
    # Imported here, so that the blank version of the exercise leaves no unused import behind.
    from scipy.stats import chisquare

    # A variant planned at weight 0 with no units is simply not part of the test.
    names = [name for name, share in shares.items() if share > 0 or counts.get(name, 0) > 0]
    observed = {name: int(counts.get(name, 0)) for name in names}
    expected = {name: shares[name] * total for name in names}
    if any(expected[name] == 0 and observed[name] > 0 for name in names):
        # The design says that variant can never get a unit, so any unit there is a mismatch.
        chi2, p_value = math.inf, 0.0
    elif len(names) == 1:
        # One variant takes every unit: there is no ratio that could be off.
        chi2, p_value = 0.0, 1.0
    else:
        result = chisquare(list(observed.values()), list(expected.values()))
        chi2, p_value = float(result.statistic), float(result.pvalue)
    return {
        "chi2": chi2,
        "p_value": p_value,
        "mismatch": p_value < alpha,
        "expected": expected,
        "observed": observed,
    }
    # [/exercise 6]


def two_proportion_ztest(successes_a: int, n_a: int, successes_b: int, n_b: int) -> dict:
    """Pooled two-sided z-test of rate_b - rate_a (successes are churned units)."""
    for successes, n, label in ((successes_a, n_a, "a"), (successes_b, n_b, "b")):
        if n <= 0:
            raise ValueError(f"Group {label} needs at least one unit, not n={n}.")
        if not 0 <= successes <= n:
            raise ValueError(
                f"Group {label} must have between 0 and {n} successes, not {successes}."
            )
    rate_a, rate_b = successes_a / n_a, successes_b / n_b
    # Under the null hypothesis both groups share one rate, best estimated from both together.
    pooled = (successes_a + successes_b) / (n_a + n_b)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    difference = rate_b - rate_a
    if standard_error == 0:
        # Every unit has the same outcome in both groups: no evidence of any difference.
        z, p_value = 0.0, 1.0
    else:
        z = difference / standard_error
        p_value = float(2 * norm.sf(abs(z)))
    return {
        "rate_a": rate_a,
        "rate_b": rate_b,
        "difference": difference,
        "z": z,
        "p_value": p_value,
    }


def bootstrap_difference(
    outcomes_a: Sequence[int] | np.ndarray,
    outcomes_b: Sequence[int] | np.ndarray,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile bootstrap interval of mean(b) - mean(a) for binary outcomes."""
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples}.")
    _check_open_unit(confidence, "confidence")
    a = _binary_outcomes(outcomes_a, "outcomes_a")
    b = _binary_outcomes(outcomes_b, "outcomes_b")
    return bootstrap_interval(a, b, n_resamples, confidence, seed)


def bootstrap_interval(
    a: np.ndarray, b: np.ndarray, n_resamples: int, confidence: float, seed: int
) -> tuple[float, float]:
    """The percentile bootstrap interval of mean(b) - mean(a), for two checked 0/1 arrays."""
    # [exercise 12] resample both groups; the middle share of the differences is the interval.
    rng = np.random.default_rng(seed)
    # Resampling n binary outcomes with replacement and counting the ones is exactly one
    # binomial draw of n trials at the observed rate: one number per resample instead of n rows.
    means_a = rng.binomial(a.size, a.mean(), size=n_resamples) / a.size
    means_b = rng.binomial(b.size, b.mean(), size=n_resamples) / b.size
    tail = (1 - confidence) / 2
    low, high = np.quantile(means_b - means_a, [tail, 1 - tail])
    return float(low), float(high)
    # [/exercise 12]


def required_sample_size(
    baseline_rate: float,
    minimum_detectable_effect: float,
    alpha: float = 0.05,
    power: float = 0.8,
) -> int:
    """Units per variant for a two-sided two-proportion test to detect the given change.

    Args:
        baseline_rate: the control's expected churn rate, e.g. 0.10.
        minimum_detectable_effect: the smallest absolute change worth detecting, e.g. 0.02
            for 10% -> 12% (negative for a drop).
        alpha: the false-positive rate accepted when there is no effect.
        power: the chance of detecting an effect of exactly that size when it is there.
    """
    _check_open_unit(baseline_rate, "baseline_rate")
    _check_open_unit(alpha, "alpha")
    _check_open_unit(power, "power")
    if minimum_detectable_effect == 0:
        raise ValueError("minimum_detectable_effect must not be 0: no test can detect no change.")
    target_rate = baseline_rate + minimum_detectable_effect
    if not 0 < target_rate < 1:
        raise ValueError(
            f"baseline_rate + minimum_detectable_effect must be between 0 and 1, not {target_rate}."
        )
    # [exercise 14] the units per variant for this power at this alpha (normal approximation).
    z_alpha = norm.ppf(1 - alpha / 2)
    z_power = norm.ppf(power)
    # Under H0 both groups share the average rate; under H1 each keeps its own variance.
    average = (baseline_rate + target_rate) / 2
    spread_h0 = math.sqrt(2 * average * (1 - average))
    spread_h1 = math.sqrt(baseline_rate * (1 - baseline_rate) + target_rate * (1 - target_rate))
    n = ((z_alpha * spread_h0 + z_power * spread_h1) / minimum_detectable_effect) ** 2
    return math.ceil(n)
    # [/exercise 14]


def peeking_warning(units_per_variant: Mapping[str, int], required: int) -> str | None:
    """A plain warning while any variant is below the planned sample size; None once reached."""
    if not units_per_variant:
        raise ValueError("Give the unit count of at least one variant.")
    if required < 1:
        raise ValueError(f"required must be at least 1 unit per variant, not {required}.")
    short = {name: required - n for name, n in units_per_variant.items() if n < required}
    if not short:
        return None
    missing = sum(short.values())
    details = ", ".join(f"{name} needs {gap:,} more" for name, gap in short.items())
    return (
        f"The planned sample size of {required:,} units per variant is not reached yet "
        f"({missing:,} units still missing: {details}); stopping now because a p-value looks "
        "small inflates the rate of false positives (peeking), so keep the test running until "
        "every variant has its planned units."
    )


def compare_variants(
    outcomes: Mapping[str, Sequence[int] | np.ndarray],
    control: str,
    alpha: float = 0.05,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict:
    """Each non-control variant against the control: z-test, bootstrap interval, significance.

    Args:
        outcomes: per variant, one 0/1 outcome per unit (1 = churned).
        control: the variant the others are compared with (usually the current model).
        alpha: a p-value below it is called significant.
        n_resamples, confidence, seed: passed to `bootstrap_difference`.

    Returns:
        Per non-control variant: n_control, n_variant, rate_control, rate_variant,
        difference (variant - control), z, p_value, ci_low, ci_high and significant.
    """
    if control not in outcomes:
        raise ValueError(f"Unknown control '{control}'; choose among {', '.join(outcomes)}.")
    if len(outcomes) < 2:
        raise ValueError("Give at least one variant besides the control.")
    _check_open_unit(alpha, "alpha")
    arrays = {
        name: _binary_outcomes(values, f"variant '{name}'") for name, values in outcomes.items()
    }
    reference = arrays[control]
    results = {}
    for name, array in arrays.items():
        if name == control:
            continue
        test = two_proportion_ztest(
            int(reference.sum()), reference.size, int(array.sum()), array.size
        )
        # The same seed for every comparison: each one is reproducible on its own, whatever
        # other variants run beside it.
        low, high = bootstrap_difference(reference, array, n_resamples, confidence, seed)
        results[name] = {
            "n_control": int(reference.size),
            "n_variant": int(array.size),
            "rate_control": test["rate_a"],
            "rate_variant": test["rate_b"],
            "difference": test["difference"],
            "z": test["z"],
            "p_value": test["p_value"],
            "ci_low": low,
            "ci_high": high,
            "significant": test["p_value"] < alpha,
        }
    return results

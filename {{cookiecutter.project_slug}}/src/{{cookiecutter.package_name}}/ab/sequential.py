"""An always-valid A/B test: the mixture sequential probability ratio test (mSPRT).

The fixed-horizon z-test of ab/stats.py is valid once, at the planned sample size. Product
teams read their dashboard every day, and a test read every day and stopped at the first
p < 0.05 declares far more than 5% of no-effect tests significant (peeking). The mSPRT of
Johari, Pekelis and Walsh ("Always valid inference", 2017; Optimizely's Stats Engine) gives a
p-value that may be read after every new unit or every day, and stopped on, at no cost:

1. The estimate. After any number of units, the difference of churn rates
   theta_hat = rate_b - rate_a is close to normal with variance
   V = p (1 - p) (1 / n_a + 1 / n_b), p the pooled rate (the normal approximation that the
   z-test makes too).
2. The mixture. Instead of one alternative, average the likelihood ratio over every possible
   true difference theta, weighted by a normal prior N(0, tau^2):

       Lambda = integral N(theta_hat; theta, V) N(theta; 0, tau^2) d theta / N(theta_hat; 0, V)
              = sqrt(V / (V + tau^2)) * exp(tau^2 theta_hat^2 / (2 V (V + tau^2)))

   Under "no difference" Lambda is a martingale with mean 1, so by Ville's inequality the
   chance that it EVER reaches 1 / alpha is at most alpha, however often it is looked at.
3. The always-valid p-value is min(1, 1 / max Lambda so far): it only goes down, and stopping
   the first time it falls below alpha keeps the false-positive rate at alpha.

tau, the mixing standard deviation, is the size of difference the test finds fastest; this
project sets it to the experiment's minimum_detectable_effect (the effect the design cares
about). Any tau > 0 keeps the guarantee; a badly chosen one only makes the test slower.
The price of reading every day: at the planned sample size the mSPRT is less powerful than
the z-test read once, so it needs more units to detect the same effect.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class SequentialResult(NamedTuple):
    """The mSPRT after the last look: its ratio, the always-valid p-value and the decision."""

    likelihood_ratio: float
    p_value: float
    reject: bool
    looks: int


def mixture_likelihood_ratio(
    difference: np.ndarray | float, variance: np.ndarray | float, tau: float
) -> np.ndarray:
    """Lambda of the mSPRT for an estimate `difference` of variance `variance` (element-wise)."""
    if tau <= 0:
        raise ValueError(f"tau must be positive, not {tau}.")
    difference = np.asarray(difference, dtype=float)
    variance = np.asarray(variance, dtype=float)
    tau2 = tau**2
    # Work in logs: the exponent grows with the evidence and would overflow a float.
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = 0.5 * np.log(variance / (variance + tau2)) + tau2 * difference**2 / (
            2 * variance * (variance + tau2)
        )
    # No variance yet (no unit, or every outcome equal): no evidence either way.
    log_ratio = np.where(variance > 0, log_ratio, 0.0)
    return np.exp(np.minimum(log_ratio, 700.0))


def difference_and_variance(
    successes_a: np.ndarray, n_a: np.ndarray, successes_b: np.ndarray, n_b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """rate_b - rate_a and its pooled variance, element-wise over cumulative counts."""
    successes_a, n_a, successes_b, n_b = (
        np.asarray(x, dtype=float) for x in (successes_a, n_a, successes_b, n_b)
    )
    if (n_a <= 0).any() or (n_b <= 0).any():
        raise ValueError("Every look needs at least one unit in each variant.")
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    return successes_b / n_b - successes_a / n_a, variance


def always_valid_p_values(
    successes_a: np.ndarray,
    n_a: np.ndarray,
    successes_b: np.ndarray,
    n_b: np.ndarray,
    tau: float,
) -> np.ndarray:
    """The always-valid p-value after each look (last axis: looks, cumulative counts)."""
    difference, variance = difference_and_variance(successes_a, n_a, successes_b, n_b)
    ratio = mixture_likelihood_ratio(difference, variance, tau)
    return np.minimum(1.0, 1.0 / np.maximum.accumulate(ratio, axis=-1))


def sequential_test(
    successes_a: np.ndarray,
    n_a: np.ndarray,
    successes_b: np.ndarray,
    n_b: np.ndarray,
    tau: float,
    alpha: float = 0.05,
) -> SequentialResult:
    """The mSPRT over a series of looks (cumulative churned units and units per variant)."""
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), not {alpha}.")
    looks = [np.atleast_1d(np.asarray(x)) for x in (successes_a, n_a, successes_b, n_b)]
    if looks[0].size == 0 or len({x.shape for x in looks}) != 1:
        raise ValueError("Give the same number of looks, at least one, for each count.")
    p_values = always_valid_p_values(*looks, tau=tau)
    difference, variance = difference_and_variance(*(x[-1] for x in looks))
    ratio = float(mixture_likelihood_ratio(difference, variance, tau))
    p_value = float(p_values[-1])
    return SequentialResult(ratio, p_value, p_value <= alpha, int(looks[0].size))

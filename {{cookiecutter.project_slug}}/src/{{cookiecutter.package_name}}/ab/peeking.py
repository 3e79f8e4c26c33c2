"""What peeking costs: many A/A experiments read every day, by the z-test and by the mSPRT.

An A/A experiment has no true difference, so every "significant" result is a false positive.
Each simulated experiment gets `units_per_day` new units per variant a day, both churning at
the same rate, and is read after every day:

- naive peeking: stop at the first day whose fixed-horizon z-test p-value is below alpha;
- the sequential test: stop at the first day whose always-valid p-value is at or below alpha;
- once: the z-test read only on the last day, as its design asks.

The naive rate climbs far above alpha; the other two stay at or below it (within the
simulation's standard error, sqrt(alpha (1 - alpha) / experiments)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from {{ cookiecutter.package_name }}.ab.sequential import always_valid_p_values
from {{ cookiecutter.package_name }}.errors import ParamsError


@dataclass(frozen=True)
class PeekingResult:
    """False-positive rates of the three ways of reading the same A/A experiments."""

    experiments: int
    days: int
    units_per_day: int
    alpha: float
    tau: float
    naive_rate: float
    sequential_rate: float
    once_rate: float

    def standard_error(self) -> float:
        """The simulation's standard error of a rate whose true value is alpha."""
        return float(np.sqrt(self.alpha * (1 - self.alpha) / self.experiments))

    def rows(self) -> list[tuple[str, str]]:
        """The false-positive rate of each way of reading, for the terminal."""
        return [
            (f"z-test read every day ({self.days} looks), naive", f"{self.naive_rate:.1%}"),
            ("mSPRT read every day, always-valid p", f"{self.sequential_rate:.1%}"),
            ("z-test read once, on the last day", f"{self.once_rate:.1%}"),
            ("alpha (the rate promised)", f"{self.alpha:.1%}"),
            ("simulation standard error", f"{self.standard_error():.1%}"),
        ]


def z_test_p_values(
    successes_a: np.ndarray, n_a: np.ndarray, successes_b: np.ndarray, n_b: np.ndarray
) -> np.ndarray:
    """Pooled two-proportion z-test p-values, element-wise (ab/stats.py's test, vectorised)."""
    pooled = (successes_a + successes_b) / (n_a + n_b)
    standard_error = np.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    difference = successes_b / n_b - successes_a / n_a
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(standard_error > 0, difference / standard_error, 0.0)
    return 2 * norm.sf(np.abs(z))


def simulate(
    experiments: int,
    days: int,
    units_per_day: int = 200,
    rate: float = 0.24,
    alpha: float = 0.05,
    tau: float = 0.03,
    seed: int = 0,
) -> PeekingResult:
    """Run `experiments` A/A tests of `days` daily looks; count each reading's false positives."""
    if experiments < 10:
        raise ParamsError(f"--experiments must be at least 10, not {experiments}.")
    if days < 1:
        raise ParamsError(f"--days must be at least 1, not {days}.")
    if units_per_day < 10:
        raise ParamsError(f"--units-per-day must be at least 10, not {units_per_day}.")
    rng = np.random.default_rng(seed)
    # Each day's churned units per variant is one binomial draw; the looks see running totals.
    shape = (experiments, days)
    churned_a = rng.binomial(units_per_day, rate, size=shape).cumsum(axis=1)
    churned_b = rng.binomial(units_per_day, rate, size=shape).cumsum(axis=1)
    units = np.broadcast_to(units_per_day * np.arange(1, days + 1), shape)
    naive = z_test_p_values(churned_a, units, churned_b, units)
    sequential = always_valid_p_values(churned_a, units, churned_b, units, tau)
    return PeekingResult(
        experiments=experiments,
        days=days,
        units_per_day=units_per_day,
        alpha=alpha,
        tau=tau,
        naive_rate=float((naive.min(axis=1) < alpha).mean()),
        sequential_rate=float((sequential[:, -1] <= alpha).mean()),
        once_rate=float((naive[:, -1] < alpha).mean()),
    )

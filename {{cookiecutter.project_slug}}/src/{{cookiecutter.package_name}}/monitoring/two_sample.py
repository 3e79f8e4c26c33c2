"""Two-sample tests and distances: the numbers that say how far apart two samples are.

Each compares a reference sample with a current one, as the drift verdicts (drift.py) need:
p-value tests for a small reference (Kolmogorov-Smirnov, chi-square, two-proportion z) and
distances for a large one (Wasserstein in reference standard deviations, Jensen-Shannon). Missing
values are dropped first; an empty sample is a ValueError. drift.py's docstring says which test a
column gets and why.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

# The Wasserstein distance is divided by the reference's standard deviation, floored here (as
# in Evidently) so a constant reference column gives a large finite distance, not a division by 0.
MIN_STD = 1e-3


class PValueResult(NamedTuple):
    """A hypothesis test's statistic and its two-sided p-value."""

    statistic: float
    p_value: float


class CategoryCounts(NamedTuple):
    """The categories seen in either sample and how often each sample holds each of them."""

    categories: np.ndarray
    reference: np.ndarray
    current: np.ndarray


# --- inputs ----------------------------------------------------------------------------------


def numeric_values(values: pd.Series | np.ndarray, column: str | None, sample: str) -> np.ndarray:
    """The finite values as floats; missing and infinite values are dropped, as Evidently does."""
    try:
        array = pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{_subject(column, sample)} holds values that are not numbers; test it with "
            "kind='categorical'."
        ) from error
    array = array[np.isfinite(array)]
    _require_values(array.size, column, sample)
    return array


def _category_values(values: pd.Series | np.ndarray, column: str | None, sample: str) -> pd.Series:
    """The non-missing values."""
    present = pd.Series(values).dropna()
    _require_values(present.size, column, sample)
    return present


def _require_values(size: int, column: str | None, sample: str) -> None:
    """Raise a ValueError for a sample left empty once missing values are dropped."""
    if size == 0:
        raise ValueError(
            f"{_subject(column, sample)} has no values once missing values are dropped, so "
            "drift cannot be measured."
        )


def _subject(column: str | None, sample: str) -> str:
    """How an error names the sample: "Column 'age' in the current data" or "The current sample"."""
    return f"The {sample} sample" if column is None else f"Column {column!r} in the {sample} data"


def sample_name(values: pd.Series | np.ndarray) -> str | None:
    """The Series' name as text, None for an unnamed sample."""
    name = getattr(values, "name", None)
    return None if name is None else str(name)


def category_counts(
    reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray
) -> CategoryCounts:
    """Count each category in both samples, over the categories seen in either (missing dropped)."""
    ref = _category_values(reference, sample_name(reference), "reference")
    cur = _category_values(current, sample_name(reference), "current")
    # One factorisation of both samples gives shared codes; categories appear in order of first
    # sight, reference first.
    codes, categories = pd.factorize(pd.concat([ref, cur], ignore_index=True), sort=False)
    size = len(categories)
    return CategoryCounts(
        categories=np.asarray(categories),
        reference=np.bincount(codes[: ref.size], minlength=size),
        current=np.bincount(codes[ref.size :], minlength=size),
    )


def count_shares(counts: np.ndarray) -> np.ndarray:
    """Counts as shares of their total."""
    return counts / counts.sum()


# --- p-value tests (small reference) ---------------------------------------------------------


def ks_test(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> PValueResult:
    """Two-sample Kolmogorov-Smirnov test: the largest gap between the two empirical CDFs."""
    ref = numeric_values(reference, sample_name(reference), "reference")
    cur = numeric_values(current, sample_name(reference), "current")
    result = stats.ks_2samp(ref, cur)
    return PValueResult(float(result.statistic), float(result.pvalue))


def chi_square_of_counts(counts: CategoryCounts) -> PValueResult:
    """Chi-square test of homogeneity on the 2 x categories table of counts."""
    table = np.vstack([counts.reference, counts.current])
    # No Yates correction: it only applies to 2 x 2 tables, which get the z-test (whose square
    # is this statistic uncorrected).
    result = stats.chi2_contingency(table, correction=False)
    return PValueResult(float(result.statistic), float(result.pvalue))


def chi_square_test(
    reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray
) -> PValueResult:
    """Chi-square test that both samples share the same category proportions.

    Evidently runs a goodness-of-fit test instead (scipy.stats.chisquare, the reference's
    proportions taken as exact). This module tests homogeneity on the contingency table
    (scipy.stats.chi2_contingency), because the reference is a sample too: its noise belongs in
    the test, and a category that appears only in the current data gives a finite statistic
    rather than a division by an expected count of 0.
    """
    return chi_square_of_counts(category_counts(reference, current))


def z_test_of_counts(counts: CategoryCounts) -> PValueResult:
    """Two-proportion z-test on the share of the first category, with the pooled variance."""
    if counts.categories.size > 2:
        raise ValueError(
            f"The z-test compares two categories but the samples hold {counts.categories.size}; "
            "use chi_square_test."
        )
    n_ref, n_cur = counts.reference.sum(), counts.current.sum()
    share_ref, share_cur = counts.reference[0] / n_ref, counts.current[0] / n_cur
    # Under "nothing changed" both samples share one proportion: the pooled one.
    pooled = (counts.reference[0] + counts.current[0]) / (n_ref + n_cur)
    variance = pooled * (1 - pooled) * (1 / n_ref + 1 / n_cur)
    if variance == 0:
        return PValueResult(0.0, 1.0)  # one category in both samples: nothing can have moved
    z = (share_cur - share_ref) / np.sqrt(variance)
    return PValueResult(float(z), float(2 * stats.norm.sf(abs(z))))


def proportion_z_test(
    reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray
) -> PValueResult:
    """Two-proportion z-test for a binary column, two-sided, as in Evidently.

    z is positive when the current sample holds a larger share of the first category seen
    (the reference's first value).
    """
    return z_test_of_counts(category_counts(reference, current))


# --- distances (large reference) -------------------------------------------------------------


def wasserstein_normed(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> float:
    """Wasserstein (earth mover's) distance in reference standard deviations, as in Evidently.

    It is the average distance each value must move to turn one distribution into the other;
    0.1 means a shift of about a tenth of the reference's spread. The standard deviation is the
    population one (numpy's default), floored at MIN_STD.
    """
    ref = numeric_values(reference, sample_name(reference), "reference")
    cur = numeric_values(current, sample_name(reference), "current")
    return earth_movers_distance(ref, cur) / max(float(np.std(ref)), MIN_STD)


def earth_movers_distance(reference: np.ndarray, current: np.ndarray) -> float:
    """The Wasserstein distance of two non-empty samples: the area between their CDFs."""
    # [exercise 15] sum the gaps between the two empirical CDFs times the widths of their steps.
    # Between two consecutive values of the pooled samples both CDFs are flat, so the area is
    # a sum of rectangles.
    pooled = np.sort(np.concatenate([reference, current]))
    steps = pooled[:-1]
    reference_cdf = np.searchsorted(np.sort(reference), steps, side="right") / reference.size
    current_cdf = np.searchsorted(np.sort(current), steps, side="right") / current.size
    return float(np.sum(np.abs(reference_cdf - current_cdf) * np.diff(pooled)))
    # [/exercise 15]


def jensen_shannon_of_counts(reference: np.ndarray, current: np.ndarray) -> float:
    """Jensen-Shannon distance between two sets of counts or shares (natural logarithm)."""
    value = float(distance.jensenshannon(reference, current))
    # Rounding can leave the divergence of near-identical shares a hair below 0, and scipy's
    # square root of it NaN: that is a distance of 0.
    return 0.0 if np.isnan(value) else value


def jensen_shannon(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> float:
    """Jensen-Shannon distance between the category shares of the two samples.

    The natural logarithm, as Evidently (scipy's default base), so the distance lies between 0
    and sqrt(ln 2) = 0.83; in base 2 it would be 1.2 times larger against the same 0.1.
    """
    counts = category_counts(reference, current)
    return jensen_shannon_of_counts(counts.reference, counts.current)

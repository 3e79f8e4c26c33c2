"""Data drift statistics: is a column of the data the model now scores distributed as before?

Everything here is a pure function of pandas Series or numpy arrays (no files, no params): the
monitoring report calls it with a reference sample (the data the model learned on) and a current
one (recent traffic). Missing values are dropped first; an empty sample is a ValueError.

The test a column gets follows the documented default of Evidently, the best-known open-source
monitor (docs.evidentlyai.com/reference/data-drift-algorithm, and `_get_default_stattest` in its
legacy/calculations/stattests/registry.py):

- Reference of at most 1,000 rows: a p-value test, drift at p < 0.05. Numeric columns get the
  two-sample Kolmogorov-Smirnov test; categorical ones the chi-square test, or with at most two
  categories the two-proportion z-test.
- Larger reference: a distance, drift at 0.1 or more. Numeric columns get the Wasserstein
  distance in reference standard deviations; categorical ones the Jensen-Shannon distance between
  the category shares.
- A numeric column with at most 5 distinct values (both samples together) is tested as
  categorical, as Evidently does.

Why switch on size: a p-value answers "could these samples come from one distribution?", and with
enough rows the answer is "no" for differences far too small to matter (at 100,000 rows KS flags a
shift of a few hundredths of a standard deviation). Large samples are judged by how far apart the
distributions are instead.

Every column also gets a PSI (population stability index) in the usual bands: below 0.1 no shift,
0.1 to 0.25 moderate, 0.25 or more major. It is reported alongside and never decides `drifted`.

The tests and distances themselves are in two_sample.py, text columns in text_drift.py. Where
they depart from Evidently's code, the function's docstring says why: PSI bins (psi), the
chi-square test (two_sample.chi_square_test) and text columns (text_drift.text_drift).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.monitoring.two_sample import (
    CategoryCounts,
    PValueResult,
    category_counts,
    chi_square_of_counts,
    count_shares,
    jensen_shannon_of_counts,
    ks_test,
    numeric_values,
    sample_name,
    wasserstein_normed,
    z_test_of_counts,
)

Kind = Literal["numeric", "categorical"]
PsiBand = Literal["none", "moderate", "major"]
KINDS = ("numeric", "categorical")

# A share of 0 makes the PSI's logarithm infinite, so empty bins get this share instead: a bin
# empty on one side then adds a large but finite amount. 1e-4 is Evidently's value (its
# stattests/utils.py), which also keeps it below any share a 10-bin reference can hold.
PSI_EPSILON = 1e-4
# The column name the model's churn scores are reported under.
PREDICTION = "prediction"


@dataclass(frozen=True)
class DriftThresholds:
    """When a column counts as drifted; every default is Evidently's documented one."""

    # Up to this many reference rows, columns get p-value tests; above it, distances.
    small_reference_rows: int = 1000
    p_value: float = 0.05
    distance: float = 0.1
    # The dataset drifts when at least this share of its columns drift.
    dataset_share: float = 0.5
    # A numeric column with at most this many distinct values is tested as categorical.
    few_values: int = 5
    psi_bins: int = 10
    psi_moderate: float = 0.1
    psi_major: float = 0.25
    # The top-term check of a text column compares each sample's most frequent words.
    top_terms: int = 20

    def __post_init__(self) -> None:
        """Refuse thresholds that cannot give a verdict."""
        if self.small_reference_rows < 0:
            raise ValueError("small_reference_rows must be zero or positive.")
        if not 0 < self.p_value < 1:
            raise ValueError(f"p_value must be strictly between 0 and 1, not {self.p_value}.")
        if self.distance <= 0:
            raise ValueError(f"distance must be positive, not {self.distance}.")
        if not 0 < self.dataset_share <= 1:
            raise ValueError(f"dataset_share must be in (0, 1], not {self.dataset_share}.")
        if self.psi_bins < 2:
            raise ValueError(f"psi_bins must be at least 2, not {self.psi_bins}.")
        if not 0 < self.psi_moderate < self.psi_major:
            raise ValueError("psi_moderate must be positive and below psi_major.")
        if self.top_terms < 1:
            raise ValueError(f"top_terms must be at least 1, not {self.top_terms}.")


@dataclass(frozen=True)
class ColumnDrift:
    """The drift verdict for one column, with the numbers behind it.

    `test` is "ks", "chi_square", "z", "wasserstein" or "jensen_shannon". For the p-value tests
    `statistic` is the test statistic and the column drifted when `p_value` < `threshold`; for the
    distances `statistic` is the distance, `p_value` is None, and the column drifted when
    `statistic` >= `threshold`.
    """

    column: str
    kind: Kind
    test: str
    statistic: float
    p_value: float | None
    threshold: float
    drifted: bool
    psi: float
    psi_band: PsiBand


# --- population stability index -------------------------------------------------------------


def psi_from_shares(reference: np.ndarray, current: np.ndarray) -> float:
    """PSI = sum over bins of (current - reference) * ln(current / reference), shares in [0, 1]."""
    ref = np.where(reference == 0, PSI_EPSILON, reference)
    cur = np.where(current == 0, PSI_EPSILON, current)
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def psi(
    reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray, bins: int = 10
) -> float:
    """Population stability index of a numeric column, over bins holding equal reference shares.

    The bin edges are the reference's quantiles (deciles by default); the outer bins are open, so
    current values beyond the reference's range still count. Equal-share bins are the
    credit-scoring definition the 0.1 / 0.25 bands come from.

    Evidently's docstring says it bins on reference quantiles too, but its code
    (stattests/utils.py, get_binned_data) uses equal-width Sturges bins over both samples
    pooled. This module keeps the quantile bins on purpose: pooled equal-width edges move with
    the current data (so two batches' PSIs are not comparable), their number grows with the
    sample size (log2 n + 1 bins, which inflates the PSI and shifts the meaning of the bands),
    and one extreme value squeezes the bulk of the data into a single bin, hiding real drift.
    """
    if bins < 2:
        raise ValueError(f"bins must be at least 2, not {bins}.")
    # [exercise 7] the PSI between the two samples over reference-quantile bins.
    ref = numeric_values(reference, sample_name(reference), "reference")
    cur = numeric_values(current, sample_name(reference), "current")
    # Repeated values can make quantiles coincide; duplicate edges would only add empty bins.
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1)
    return psi_from_shares(ref_counts / ref.size, cur_counts / cur.size)
    # [/exercise 7]


def psi_categorical(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> float:
    """Population stability index over the category shares (one bin per category)."""
    counts = category_counts(reference, current)
    return psi_from_shares(count_shares(counts.reference), count_shares(counts.current))


def psi_band(value: float, moderate: float = 0.1, major: float = 0.25) -> PsiBand:
    """Read a PSI: below `moderate` no shift, below `major` a moderate one, else a major one."""
    if value < moderate:
        return "none"
    return "moderate" if value < major else "major"


# --- one column ------------------------------------------------------------------------------


def verdict(
    column: str,
    kind: Kind,
    test: str,
    result: PValueResult | float,
    psi_value: float,
    thresholds: DriftThresholds,
) -> ColumnDrift:
    """Assemble a ColumnDrift from a p-value test's result or a distance."""
    if isinstance(result, PValueResult):
        statistic, p_value, threshold = result.statistic, result.p_value, thresholds.p_value
        drifted = result.p_value < threshold
    else:
        statistic, p_value, threshold = result, None, thresholds.distance
        drifted = result >= threshold
    return ColumnDrift(
        column=column,
        kind=kind,
        test=test,
        statistic=statistic,
        p_value=p_value,
        threshold=threshold,
        drifted=bool(drifted),
        psi=psi_value,
        psi_band=psi_band(psi_value, thresholds.psi_moderate, thresholds.psi_major),
    )


def _categorical_drift(
    column: str, kind: Kind, counts: CategoryCounts, thresholds: DriftThresholds
) -> ColumnDrift:
    """Chi-square or z-test with a small reference, Jensen-Shannon distance with a large one."""
    psi_value = psi_from_shares(count_shares(counts.reference), count_shares(counts.current))
    if counts.reference.sum() > thresholds.small_reference_rows:
        distance_value = jensen_shannon_of_counts(counts.reference, counts.current)
        return verdict(column, kind, "jensen_shannon", distance_value, psi_value, thresholds)
    if counts.categories.size <= 2:
        return verdict(column, kind, "z", z_test_of_counts(counts), psi_value, thresholds)
    return verdict(column, kind, "chi_square", chi_square_of_counts(counts), psi_value, thresholds)


def _has_few_values(reference: np.ndarray, current: np.ndarray, few: int) -> bool:
    """Whether both samples together hold at most `few` distinct values."""
    # The reference alone usually settles it, without sorting the (larger) current sample.
    if np.unique(reference).size > few:
        return False
    return np.unique(np.concatenate([reference, current])).size <= few


def column_drift(
    reference: pd.Series,
    current: pd.Series,
    kind: Kind,
    thresholds: DriftThresholds | None = None,
) -> ColumnDrift:
    """Test one column for drift with the test that fits its kind and the reference's size.

    The column is named after `reference.name`. Missing values (and infinite numbers) are
    dropped, and the reference's size is counted after that. See the module docstring for the
    choice of test.
    """
    thresholds = thresholds or DriftThresholds()
    column = sample_name(reference) or "unnamed"
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, not {kind!r}.")
    if kind == "categorical":
        counts = category_counts(reference.rename(column), current)
        return _categorical_drift(column, kind, counts, thresholds)
    ref = numeric_values(reference, column, "reference")
    cur = numeric_values(current, column, "current")
    if _has_few_values(ref, cur, thresholds.few_values):
        # Too few distinct values for a CDF or a spread to mean much: Evidently tests them as
        # categories, and so does this.
        return _categorical_drift(column, kind, category_counts(ref, cur), thresholds)
    psi_value = psi(ref, cur, thresholds.psi_bins)
    if ref.size > thresholds.small_reference_rows:
        return verdict(
            column, kind, "wasserstein", wasserstein_normed(ref, cur), psi_value, thresholds
        )
    return verdict(column, kind, "ks", ks_test(ref, cur), psi_value, thresholds)


def prediction_drift(
    reference_scores: pd.Series | np.ndarray,
    current_scores: pd.Series | np.ndarray,
    thresholds: DriftThresholds | None = None,
) -> ColumnDrift:
    """Drift of the model's churn scores, tested as a numeric column named "prediction"."""
    return column_drift(
        pd.Series(reference_scores, name=PREDICTION),
        pd.Series(current_scores, name=PREDICTION),
        "numeric",
        thresholds,
    )


# --- the whole data set ----------------------------------------------------------------------


def dataset_drift(columns: list[ColumnDrift], share: float = 0.5) -> tuple[bool, float]:
    """Whether at least `share` of the columns drifted (Evidently's rule), and the share drifted."""
    if not columns:
        raise ValueError("dataset_drift needs the drift result of at least one column.")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}.")
    drifted_share = sum(result.drifted for result in columns) / len(columns)
    return drifted_share >= share, drifted_share

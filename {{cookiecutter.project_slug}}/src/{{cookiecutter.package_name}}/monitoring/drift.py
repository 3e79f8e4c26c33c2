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

Where this module departs from Evidently's code, the function's docstring says why: PSI bins
(psi), the chi-square test (chi_square_test) and text columns (text_drift).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

Kind = Literal["numeric", "categorical"]
PsiBand = Literal["none", "moderate", "major"]
KINDS = ("numeric", "categorical")

# A share of 0 makes the PSI's logarithm infinite, so empty bins get this share instead: a bin
# empty on one side then adds a large but finite amount. 1e-4 is Evidently's value (its
# stattests/utils.py), which also keeps it below any share a 10-bin reference can hold.
PSI_EPSILON = 1e-4
# The Wasserstein distance is divided by the reference's standard deviation, floored here (as
# in Evidently) so a constant reference column gives a large finite distance, not a division by 0.
MIN_STD = 1e-3
# The column name the model's churn scores are reported under.
PREDICTION = "prediction"
# A word for the top-term check: a run of letters, digits or underscores, after lower-casing.
WORD = re.compile(r"\w+")


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


class PValueResult(NamedTuple):
    """A hypothesis test's statistic and its two-sided p-value."""

    statistic: float
    p_value: float


class CategoryCounts(NamedTuple):
    """The categories seen in either sample and how often each sample holds each of them."""

    categories: np.ndarray
    reference: np.ndarray
    current: np.ndarray


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


# --- inputs ----------------------------------------------------------------------------------


def _numeric_values(values: pd.Series | np.ndarray, column: str | None, sample: str) -> np.ndarray:
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


def _name(values: pd.Series | np.ndarray) -> str | None:
    """The Series' name as text, None for an unnamed sample."""
    name = getattr(values, "name", None)
    return None if name is None else str(name)


def category_counts(
    reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray
) -> CategoryCounts:
    """Count each category in both samples, over the categories seen in either (missing dropped)."""
    ref = _category_values(reference, _name(reference), "reference")
    cur = _category_values(current, _name(reference), "current")
    # One factorisation of both samples gives shared codes; categories appear in order of first
    # sight, reference first.
    codes, categories = pd.factorize(pd.concat([ref, cur], ignore_index=True), sort=False)
    size = len(categories)
    return CategoryCounts(
        categories=np.asarray(categories),
        reference=np.bincount(codes[: ref.size], minlength=size),
        current=np.bincount(codes[ref.size :], minlength=size),
    )


# --- population stability index -------------------------------------------------------------


def _psi_from_shares(reference: np.ndarray, current: np.ndarray) -> float:
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

    Hints: _numeric_values(values, _name(reference), "reference" or "current") checks a sample;
    the inner edges are np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]), made unique;
    np.searchsorted(edges, values, side="right") gives each value's bin and np.bincount counts
    them; the shares go to _psi_from_shares(), the sum of (cur - ref) * ln(cur / ref).
    """
    if bins < 2:
        raise ValueError(f"bins must be at least 2, not {bins}.")
    # [exercise 7] the PSI between the two samples over reference-quantile bins.
    ref = _numeric_values(reference, _name(reference), "reference")
    cur = _numeric_values(current, _name(reference), "current")
    # Repeated values can make quantiles coincide; duplicate edges would only add empty bins.
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=edges.size + 1)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=edges.size + 1)
    return _psi_from_shares(ref_counts / ref.size, cur_counts / cur.size)
    # [/exercise 7]


def psi_categorical(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> float:
    """Population stability index over the category shares (one bin per category)."""
    counts = category_counts(reference, current)
    return _psi_from_shares(_shares(counts.reference), _shares(counts.current))


def psi_band(value: float, moderate: float = 0.1, major: float = 0.25) -> PsiBand:
    """Read a PSI: below `moderate` no shift, below `major` a moderate one, else a major one."""
    if value < moderate:
        return "none"
    return "moderate" if value < major else "major"


def _shares(counts: np.ndarray) -> np.ndarray:
    """Counts as shares of their total."""
    return counts / counts.sum()


# --- p-value tests (small reference) ---------------------------------------------------------


def ks_test(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> PValueResult:
    """Two-sample Kolmogorov-Smirnov test: the largest gap between the two empirical CDFs."""
    ref = _numeric_values(reference, _name(reference), "reference")
    cur = _numeric_values(current, _name(reference), "current")
    result = stats.ks_2samp(ref, cur)
    return PValueResult(float(result.statistic), float(result.pvalue))


def _chi_square(counts: CategoryCounts) -> PValueResult:
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
    return _chi_square(category_counts(reference, current))


def _z_test(counts: CategoryCounts) -> PValueResult:
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
    return _z_test(category_counts(reference, current))


# --- distances (large reference) -------------------------------------------------------------


def wasserstein_normed(reference: pd.Series | np.ndarray, current: pd.Series | np.ndarray) -> float:
    """Wasserstein (earth mover's) distance in reference standard deviations, as in Evidently.

    It is the average distance each value must move to turn one distribution into the other;
    0.1 means a shift of about a tenth of the reference's spread. The standard deviation is the
    population one (numpy's default), floored at MIN_STD.
    """
    ref = _numeric_values(reference, _name(reference), "reference")
    cur = _numeric_values(current, _name(reference), "current")
    return float(stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), MIN_STD))


def _jensen_shannon_shares(reference: np.ndarray, current: np.ndarray) -> float:
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
    return _jensen_shannon_shares(counts.reference, counts.current)


# --- one column ------------------------------------------------------------------------------


def _verdict(
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
    psi_value = _psi_from_shares(_shares(counts.reference), _shares(counts.current))
    if counts.reference.sum() > thresholds.small_reference_rows:
        distance_value = _jensen_shannon_shares(counts.reference, counts.current)
        return _verdict(column, kind, "jensen_shannon", distance_value, psi_value, thresholds)
    if counts.categories.size <= 2:
        return _verdict(column, kind, "z", _z_test(counts), psi_value, thresholds)
    return _verdict(column, kind, "chi_square", _chi_square(counts), psi_value, thresholds)


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
    column = _name(reference) or "unnamed"
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, not {kind!r}.")
    if kind == "categorical":
        counts = category_counts(reference.rename(column), current)
        return _categorical_drift(column, kind, counts, thresholds)
    ref = _numeric_values(reference, column, "reference")
    cur = _numeric_values(current, column, "current")
    if _has_few_values(ref, cur, thresholds.few_values):
        # Too few distinct values for a CDF or a spread to mean much: Evidently tests them as
        # categories, and so does this.
        return _categorical_drift(column, kind, category_counts(ref, cur), thresholds)
    psi_value = psi(ref, cur, thresholds.psi_bins)
    if ref.size > thresholds.small_reference_rows:
        return _verdict(
            column, kind, "wasserstein", wasserstein_normed(ref, cur), psi_value, thresholds
        )
    return _verdict(column, kind, "ks", ks_test(ref, cur), psi_value, thresholds)


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


# --- text columns ----------------------------------------------------------------------------


def text_statistics(texts: pd.Series) -> pd.DataFrame:
    """Per text (missing ones dropped): its length in characters and whether it is empty.

    A text of only spaces counts as empty: it says nothing either.
    """
    present = texts.dropna().astype(str)
    return pd.DataFrame(
        {"length": present.str.len(), "is_empty": present.str.strip().eq("")},
        index=present.index,
    )


def term_counts(texts: pd.Series) -> pd.Series:
    """How often each word occurs in the texts, most frequent first (ties in word order).

    Words are runs of letters, digits or underscores after lower-casing: "Can't log in!" gives
    "can", "t", "log", "in". Simple on purpose; it only has to notice which words dominate.
    """
    joined = " ".join(texts.dropna().astype(str)).lower()
    counts = pd.Series(WORD.findall(joined), dtype=object).value_counts()
    # Sort ties by word so the top terms do not depend on the order of the rows.
    order = np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))
    return counts.iloc[order]


def _top_terms_drift(
    column: str, reference: pd.Series, current: pd.Series, thresholds: DriftThresholds
) -> ColumnDrift | None:
    """Jensen-Shannon distance between the shares of the top words (None if a sample has none)."""
    ref_terms, cur_terms = term_counts(reference), term_counts(current)
    if ref_terms.empty or cur_terms.empty:
        return None
    # The reference's top words show which fell out of use, the current's top words a new
    # dominant one; every other word shares one bucket, so shares sum to 1 on both sides.
    top = ref_terms.index[: thresholds.top_terms].union(cur_terms.index[: thresholds.top_terms])
    ref_top = ref_terms.reindex(top, fill_value=0).to_numpy()
    cur_top = cur_terms.reindex(top, fill_value=0).to_numpy()
    ref_counts = np.append(ref_top, ref_terms.sum() - ref_top.sum())
    cur_counts = np.append(cur_top, cur_terms.sum() - cur_top.sum())
    psi_value = _psi_from_shares(_shares(ref_counts), _shares(cur_counts))
    distance_value = _jensen_shannon_shares(ref_counts, cur_counts)
    return _verdict(
        f"{column}.top_terms",
        "categorical",
        "jensen_shannon",
        distance_value,
        psi_value,
        thresholds,
    )


def text_drift(
    reference: pd.Series, current: pd.Series, thresholds: DriftThresholds | None = None
) -> list[ColumnDrift]:
    """Drift of a text column through simple statistics, one ColumnDrift each.

    Evidently's default for text trains a classifier to tell the samples apart; this module
    follows the issue's lighter plan instead, which needs no model and reads plainly:

    - `<column>.length`: the length in characters, tested as a numeric column;
    - `<column>.is_empty`: whether a text is empty, tested as a binary categorical column;
    - `<column>.top_terms`: the Jensen-Shannon distance between the shares of the most frequent
      words (each sample's top `thresholds.top_terms`, every other word in one bucket). It is
      always judged as a distance at `thresholds.distance`, whatever the sample size: the words
      of one message are not independent draws, so a p-value on word counts would be far too
      small. It is left out when either sample holds no words at all (the empty share reports
      that).

    Missing texts are dropped, like missing values elsewhere.
    """
    thresholds = thresholds or DriftThresholds()
    column = _name(reference) or "text"
    ref_stats, cur_stats = text_statistics(reference), text_statistics(current)
    results = [
        column_drift(
            ref_stats[name].rename(f"{column}.{name}"),
            cur_stats[name].rename(f"{column}.{name}"),
            kind,
            thresholds,
        )
        for name, kind in (("length", "numeric"), ("is_empty", "categorical"))
    ]
    top_terms = _top_terms_drift(column, reference, current, thresholds)
    return results if top_terms is None else [*results, top_terms]


# --- the whole data set ----------------------------------------------------------------------


def dataset_drift(columns: list[ColumnDrift], share: float = 0.5) -> tuple[bool, float]:
    """Whether at least `share` of the columns drifted (Evidently's rule), and the share drifted."""
    if not columns:
        raise ValueError("dataset_drift needs the drift result of at least one column.")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], not {share}.")
    drifted_share = sum(result.drifted for result in columns) / len(columns)
    return drifted_share >= share, drifted_share

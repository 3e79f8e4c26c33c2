"""Evaluate churn scores: metrics, a cost-based threshold, bootstrap intervals, calibration.

Everything here is a pure function of numpy arrays (`y_true` holds 0/1, `scores` hold churn
probabilities in [0, 1]), so it can be tested without files, MLflow or figures; training,
evaluation and the promotion gate (`model/gate.py`) call it.

One idea runs through the module: a metric computed on one test set is a single draw. The
bootstrap resamples the test set (rows drawn with replacement) to show how much that number
would move on another test set of the same size; the gate compares two models on the SAME
resamples (`bootstrap_values` with two sets of scores).

A bootstrap resample is stored as a row of counts (how many times each customer was drawn), so
every metric of every resample is a few matrix operations instead of a Python loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from {{ cookiecutter.package_name }}.errors import DataError

# Scores are clipped this far from 0 and 1 for the log loss, so one confident mistake costs a
# large but finite amount instead of infinity.
LOG_LOSS_EPS = 1e-15
# Every metric classification_metrics() returns, in a stable order for reports.
METRICS = (
    "roc_auc",
    "pr_auc",
    "f1",
    "precision",
    "recall",
    "log_loss",
    "brier",
    "positive_rate",
    "prevalence",
)
# Metrics that do not depend on a decision threshold: the ones models can be compared on.
THRESHOLD_FREE = ("roc_auc", "pr_auc", "log_loss", "brier")
# Each resample chunk holds at most this many counts (x 8 bytes, a few copies alive at once),
# so memory stays near 100 MB whatever the size of the test set.
CHUNK_CELLS = 2_000_000


class Interval(NamedTuple):
    """A point estimate on the whole test set and its bootstrap confidence interval."""

    estimate: float
    lower: float
    upper: float


# --- inputs ----------------------------------------------------------------------------------


def checked_arrays(
    y_true: np.ndarray, *score_sets: np.ndarray, both_classes: bool = True
) -> tuple[np.ndarray, ...]:
    """Check the labels and scores and return them as float arrays (labels first)."""
    y = np.asarray(y_true)
    if y.ndim != 1 or y.size == 0:
        raise DataError("y_true must be a non-empty one-dimensional array of 0/1 labels.")
    if not np.isin(y, (0, 1)).all():
        raise DataError("y_true must hold only 0 (stayed) and 1 (churned).")
    if both_classes and np.unique(y).size < 2:
        raise DataError("y_true holds only one class; evaluation needs churners and non-churners.")
    arrays = [y.astype(np.float64)]
    for scores in score_sets:
        s = np.asarray(scores, dtype=np.float64)
        if s.shape != y.shape:
            raise DataError(f"scores have shape {s.shape} but y_true has shape {y.shape}.")
        if not (np.isfinite(s).all() and (s >= 0).all() and (s <= 1).all()):
            raise DataError("scores must be probabilities between 0 and 1 (no NaN).")
        arrays.append(s)
    return tuple(arrays)


def check_bootstrap(n_resamples: int, confidence: float) -> None:
    """Raise a ValueError for a bootstrap that cannot give an interval."""
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples}.")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, not {confidence}.")


# --- decision threshold ----------------------------------------------------------------------


def expected_cost(
    y_true: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    cost_missed_churner: float,
    cost_retention_offer: float,
) -> float:
    """Average cost per customer when everyone scoring at least `threshold` gets an offer.

    Assumes an offer given to a churner retains them: a flagged customer costs the offer
    whether or not they would have churned, and only an unflagged churner costs
    `cost_missed_churner`.
    """
    y, s = checked_arrays(y_true, scores, both_classes=False)
    flagged = s >= threshold
    missed = (y == 1) & ~flagged
    total = cost_retention_offer * flagged.sum() + cost_missed_churner * missed.sum()
    return float(total / y.size)


def choose_threshold(
    y_true: np.ndarray,
    scores: np.ndarray,
    cost_missed_churner: float,
    cost_retention_offer: float,
) -> float:
    """The threshold that minimises expected_cost() (same assumption: an offer retains a churner).

    Only the distinct scores matter (the cost changes only there), plus "flag nobody", whose
    threshold is just above the highest score. On a tie the highest threshold wins: the same
    cost for fewer offers, and a threshold that never rises when a missed churner costs more.
    """
    if cost_missed_churner < 0 or cost_retention_offer < 0:
        raise ValueError("costs must be zero or positive.")
    # [exercise 3] return the score threshold with the lowest expected cost.
    y, s = checked_arrays(y_true, scores, both_classes=False)
    # Distinct scores from the highest down; flagging every score >= candidate k flags the
    # customers of groups 0..k, so the counts are cumulative sums.
    candidates, group = np.unique(-s, return_inverse=True)
    customers = np.bincount(group, minlength=candidates.size)
    churners = np.bincount(group, weights=y, minlength=candidates.size)
    flagged = np.concatenate(([0.0], np.cumsum(customers)))
    caught = np.concatenate(([0.0], np.cumsum(churners)))
    costs = cost_retention_offer * flagged + cost_missed_churner * (y.sum() - caught)
    best = int(np.argmin(costs))  # the first minimum is the highest threshold
    if best == 0:
        return float(np.nextafter(s.max(), np.inf))
    return float(-candidates[best - 1])
    # [/exercise 3]


def cost_by_threshold(
    y_true: np.ndarray,
    scores: np.ndarray,
    cost_missed_churner: float,
    cost_retention_offer: float,
    n_thresholds: int = 101,
) -> tuple[np.ndarray, np.ndarray]:
    """expected_cost() at evenly spaced thresholds from 0 to 1: the curve behind the choice."""
    y, s = checked_arrays(y_true, scores, both_classes=False)
    thresholds = np.linspace(0.0, 1.0, n_thresholds)
    # A customer is flagged at every threshold up to their score: count them with a search.
    order = np.sort(s)
    flagged = y.size - np.searchsorted(order, thresholds, side="left")
    churner_scores = np.sort(s[y == 1])
    caught = churner_scores.size - np.searchsorted(churner_scores, thresholds, side="left")
    missed = churner_scores.size - caught
    costs = (cost_retention_offer * flagged + cost_missed_churner * missed) / y.size
    return thresholds, costs


# --- metrics on weighted rows (a weight = how often a bootstrap resample drew the row) --------


@dataclass(frozen=True)
class _Ranked:
    """One model's scores sorted from the highest, with the start of each distinct-score group."""

    y: np.ndarray
    scores: np.ndarray
    order: np.ndarray
    starts: np.ndarray
    y_sorted: np.ndarray


def _rank(y: np.ndarray, scores: np.ndarray) -> _Ranked:
    """Sort once per model; every resample reuses the order."""
    order = np.argsort(-scores, kind="stable")
    ordered = scores[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    return _Ranked(y=y, scores=scores, order=order, starts=starts, y_sorted=y[order])


def _per_group(weights: np.ndarray, ranked: _Ranked) -> tuple[np.ndarray, np.ndarray]:
    """Weighted churners and non-churners in each distinct-score group, highest score first."""
    ordered = weights[:, ranked.order]
    churners = np.add.reduceat(ordered * ranked.y_sorted, ranked.starts, axis=1)
    others = np.add.reduceat(ordered, ranked.starts, axis=1) - churners
    return churners, others


def _ratio(numerator: np.ndarray, denominator: np.ndarray, empty: float) -> np.ndarray:
    """numerator / denominator, with `empty` where the denominator is 0."""
    out = np.full(numerator.shape, empty, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _metric_values(
    weights: np.ndarray, ranked: _Ranked, names: Sequence[str], threshold: float = 0.5
) -> dict[str, np.ndarray]:
    """The named metrics for each row of `weights` (one row per resample, one column per customer).

    The AUC-type metrics and recall are NaN where a resample lacks churners or non-churners
    (they are undefined there); precision and F1 are 0 when nobody is flagged, as in
    scikit-learn.
    """
    y, rows = ranked.y, weights.sum(axis=1)
    churners = weights @ y
    values: dict[str, np.ndarray] = {}
    if "roc_auc" in names or "pr_auc" in names:
        pos, neg = _per_group(weights, ranked)
        others = rows - churners
        if "roc_auc" in names:
            # Mann-Whitney: each churner scores above the non-churners with lower scores, and
            # half above those with the same score.
            below = others[:, None] - np.cumsum(neg, axis=1)
            pairs = (pos * (below + 0.5 * neg)).sum(axis=1)
            values["roc_auc"] = _ratio(pairs, churners * others, np.nan)
        if "pr_auc" in names:
            # Average precision: the precision at each distinct score, weighted by the recall
            # gained there (scikit-learn's definition, no interpolation).
            precision = _ratio(np.cumsum(pos, axis=1), np.cumsum(pos + neg, axis=1), 0.0)
            values["pr_auc"] = _ratio((pos * precision).sum(axis=1), churners, np.nan)
    flagged_rows = (ranked.scores >= threshold).astype(np.float64)
    flagged = weights @ flagged_rows
    caught = weights @ (flagged_rows * y)
    values["precision"] = _ratio(caught, flagged, 0.0)
    values["recall"] = _ratio(caught, churners, np.nan)
    values["f1"] = _ratio(2 * caught, flagged + churners, 0.0)
    clipped = np.clip(ranked.scores, LOG_LOSS_EPS, 1 - LOG_LOSS_EPS)
    losses = -(y * np.log(clipped) + (1 - y) * np.log(1 - clipped))
    values["log_loss"] = weights @ losses / rows
    values["brier"] = weights @ (ranked.scores - y) ** 2 / rows
    values["positive_rate"] = flagged / rows
    values["prevalence"] = churners / rows
    return {name: values[name] for name in names}


def classification_metrics(
    y_true: np.ndarray, scores: np.ndarray, threshold: float
) -> dict[str, float]:
    """ROC AUC, PR AUC (average precision), F1, precision, recall, log loss, Brier score and rates.

    F1, precision and recall flag customers whose score is at least `threshold`;
    `positive_rate` is the share flagged and `prevalence` the share who churned. Scores are
    clipped to [1e-15, 1 - 1e-15] for the log loss only.
    """
    y, s = checked_arrays(y_true, scores)
    values = _metric_values(np.ones((1, y.size)), _rank(y, s), METRICS, threshold)
    return {name: float(value[0]) for name, value in values.items()}


# --- bootstrap -------------------------------------------------------------------------------


def _resample_counts(n_rows: int, n_resamples: int, seed: int) -> Iterator[np.ndarray]:
    """Bootstrap resamples as rows of draw counts, in chunks that bound the memory used."""
    rng = np.random.default_rng(seed)
    chunk = max(1, CHUNK_CELLS // n_rows)
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        draws = rng.integers(0, n_rows, size=(size, n_rows))
        # Offsetting each resample's draws by its row number lets one bincount count them all.
        flat = (draws + np.arange(size)[:, None] * n_rows).ravel()
        yield np.bincount(flat, minlength=size * n_rows).reshape(size, n_rows).astype(np.float64)


def bootstrap_values(
    y: np.ndarray,
    score_sets: Sequence[np.ndarray],
    names: Sequence[str],
    threshold: float,
    n_resamples: int,
    seed: int,
) -> list[dict[str, np.ndarray]]:
    """Each metric on the same resamples for every set of scores (one dict per set)."""
    ranked = [_rank(y, s) for s in score_sets]
    chunks: list[list[dict[str, np.ndarray]]] = [[] for _ in ranked]
    for counts in _resample_counts(y.size, n_resamples, seed):
        for model, model_ranked in enumerate(ranked):
            chunks[model].append(_metric_values(counts, model_ranked, names, threshold))
    return [
        {name: np.concatenate([part[name] for part in parts]) for name in names} for parts in chunks
    ]


def percentile_interval(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile interval of the defined (non-NaN) bootstrap values."""
    kept = values[~np.isnan(values)]
    if kept.size == 0:
        return float("nan"), float("nan")
    tail = 100 * (1 - confidence) / 2
    lower, upper = np.percentile(kept, [tail, 100 - tail])
    return float(lower), float(upper)


def bootstrap_intervals(
    y_true: np.ndarray,
    scores: np.ndarray,
    threshold: float,
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, Interval]:
    """Percentile-bootstrap confidence intervals for every metric of classification_metrics().

    The estimate is the metric on the whole test set; the bounds are percentiles of the metric
    over `n_resamples` resamples of the rows. Resamples without a churner or without a
    non-churner are skipped for the metrics undefined there (roc_auc, pr_auc, recall), which
    matters only for tiny or very unbalanced test sets.
    """
    check_bootstrap(n_resamples, confidence)
    y, s = checked_arrays(y_true, scores)
    estimates = classification_metrics(y, s, threshold)
    (values,) = bootstrap_values(y, [s], METRICS, threshold, n_resamples, seed)
    return {
        name: Interval(estimates[name], *percentile_interval(values[name], confidence))
        for name in METRICS
    }


# --- calibration -----------------------------------------------------------------------------


def calibration_error(y_true: np.ndarray, scores: np.ndarray, n_bins: int = 10) -> float:
    """Expected calibration error: the row-weighted mean |predicted - observed churn rate|.

    Customers are sorted by score into `n_bins` groups of (nearly) equal size, so every group
    holds enough customers for its observed churn rate to mean something.
    """
    y, s = checked_arrays(y_true, scores, both_classes=False)
    order = np.argsort(s, kind="stable")
    bins = np.minimum(np.arange(y.size) * n_bins // y.size, n_bins - 1)
    sizes = np.bincount(bins, minlength=n_bins)
    predicted = np.bincount(bins, weights=s[order], minlength=n_bins)
    observed = np.bincount(bins, weights=y[order], minlength=n_bins)
    return float(np.abs(predicted - observed).sum() / sizes.sum())


def calibration_verdict(
    y_true: np.ndarray, scores: np.ndarray, n_bins: int = 10, tolerance: float = 0.05
) -> str:
    """Say whether scores can be read as churn probabilities (calibration error <= tolerance)."""
    error = calibration_error(y_true, scores, n_bins)
    if error <= tolerance:
        return (
            f"well calibrated: predicted churn probabilities are within {error:.3f} of the "
            f"observed churn rates on average (tolerance {tolerance})."
        )
    y, s = checked_arrays(y_true, scores, both_classes=False)
    direction = "over-estimate" if s.mean() > y.mean() else "under-estimate"
    return (
        f"poorly calibrated: predicted churn probabilities differ from the observed churn rates "
        f"by {error:.3f} on average (tolerance {tolerance}) and {direction} churn overall; "
        "recalibrate them (e.g. isotonic or Platt scaling) before reading them as probabilities."
    )

"""The weighted-count bootstrap of the metrics agrees with scipy's bootstrap on random data."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }}.model.metrics import bootstrap_intervals


def rank_auc(labels: np.ndarray, scores: np.ndarray, axis: int = -1) -> np.ndarray:
    """ROC AUC of each resample (rows) from the Mann-Whitney U: the chance a churner ranks higher.

    NaN for a resample with one class only. Vectorised: roc_auc_score called once per resample
    would take minutes.
    """
    labels, scores = np.moveaxis(labels, axis, -1), np.moveaxis(scores, axis, -1)
    ranks = stats.rankdata(scores, axis=-1)
    positives = labels.sum(axis=-1)
    negatives = labels.shape[-1] - positives
    u = (ranks * labels).sum(axis=-1) - positives * (positives + 1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((positives > 0) & (negatives > 0), u / (positives * negatives), np.nan)


@settings(max_examples=4, deadline=None)
@given(n=st.integers(150, 400), separation=st.floats(0.0, 2.0), seed=st.integers(0, 1000))
def test_the_roc_auc_interval_agrees_with_scipy_percentile_bootstrap(
    n: int, separation: float, seed: int
) -> None:
    # Given churners whose scores sit `separation` standard deviations above the others'
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    y[:2] = [0, 1]  # both classes, whatever the draw
    scores = 1 / (1 + np.exp(-(rng.normal(size=n) + separation * y)))

    ours = bootstrap_intervals(y, scores, threshold=0.5, n_resamples=2000, seed=seed)["roc_auc"]
    reference = stats.bootstrap(
        (y, scores),
        rank_auc,
        paired=True,
        n_resamples=2000,
        method="percentile",
        rng=np.random.default_rng(seed + 1),
    ).confidence_interval

    assert rank_auc(y, scores) == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    # The same estimate, and percentiles that differ by Monte-Carlo error only.
    assert ours.estimate == pytest.approx(roc_auc_score(y, scores), abs=1e-12)
    tolerance = 0.1 * (reference.high - reference.low)
    assert ours.lower == pytest.approx(reference.low, abs=tolerance)
    assert ours.upper == pytest.approx(reference.high, abs=tolerance)

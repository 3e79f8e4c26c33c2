"""The evaluation maths: metrics agree with scikit-learn, thresholds minimise cost, intervals."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)

from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model.metrics import (
    bootstrap_intervals,
    calibration_error,
    calibration_verdict,
    choose_threshold,
    classification_metrics,
    cost_by_threshold,
    expected_cost,
)

from .conftest import churn_data, scores_from

# --- metrics


def test_metrics_agree_with_scikit_learn() -> None:
    y, signal = churn_data()
    scores = np.round(scores_from(signal, 0.5, 1), 2)  # rounded: ties must be handled too

    values = classification_metrics(y, scores, threshold=0.6)

    flagged = (scores >= 0.6).astype(int)
    assert values["roc_auc"] == pytest.approx(roc_auc_score(y, scores))
    assert values["pr_auc"] == pytest.approx(average_precision_score(y, scores))
    assert values["precision"] == pytest.approx(precision_score(y, flagged))
    assert values["recall"] == pytest.approx(recall_score(y, flagged))
    assert values["f1"] == pytest.approx(f1_score(y, flagged))
    assert values["log_loss"] == pytest.approx(log_loss(y, scores))
    assert values["brier"] == pytest.approx(brier_score_loss(y, scores))
    assert values["positive_rate"] == pytest.approx(flagged.mean())
    assert values["prevalence"] == pytest.approx(y.mean())


def test_bad_labels_and_scores_are_one_sentence() -> None:
    with pytest.raises(DataError, match="only 0"):
        classification_metrics(np.array([0, 2]), np.array([0.1, 0.2]), 0.5)
    with pytest.raises(DataError, match="one class"):
        classification_metrics(np.array([1, 1]), np.array([0.1, 0.2]), 0.5)
    with pytest.raises(DataError, match="between 0 and 1"):
        classification_metrics(np.array([0, 1]), np.array([0.1, np.nan]), 0.5)
    with pytest.raises(DataError, match="shape"):
        classification_metrics(np.array([0, 1]), np.array([0.1, 0.2, 0.3]), 0.5)


# --- threshold and cost


def test_expected_cost_counts_offers_and_missed_churners() -> None:
    y = np.array([1, 1, 0, 0])
    scores = np.array([0.9, 0.2, 0.8, 0.1])

    # Flagged: rows 0 and 2 (two offers of 10); missed: row 1 (one churner at 100).
    assert expected_cost(y, scores, 0.5, 100, 10) == pytest.approx((2 * 10 + 100) / 4)


@pytest.mark.exercise(3)
def test_the_chosen_threshold_has_the_lowest_cost_of_any_score() -> None:
    y, signal = churn_data(500)
    scores = np.round(scores_from(signal, 0.8, 2), 3)

    chosen = choose_threshold(y, scores, 200, 20)

    best = min(expected_cost(y, scores, t, 200, 20) for t in [*np.unique(scores), 1.01])
    assert expected_cost(y, scores, chosen, 200, 20) == pytest.approx(best)


@pytest.mark.exercise(3)
def test_a_free_offer_catches_every_churner_and_a_costly_one_flags_nobody() -> None:
    y, signal = churn_data(300)
    scores = scores_from(signal, 0.5, 3)

    # Free offers: every churner is caught; of the thresholds that do it, the highest.
    assert choose_threshold(y, scores, 100, 0) == scores[y == 1].min()
    assert choose_threshold(y, scores, 1, 1000) > scores.max()


def test_the_cost_curve_matches_expected_cost() -> None:
    y, signal = churn_data(400)
    scores = scores_from(signal, 0.5, 4)

    thresholds, costs = cost_by_threshold(y, scores, 200, 20, n_thresholds=11)

    assert thresholds.tolist() == pytest.approx(np.linspace(0, 1, 11).tolist())
    for t, cost in zip(thresholds, costs, strict=True):
        assert cost == pytest.approx(expected_cost(y, scores, t, 200, 20))


# --- bootstrap


def test_intervals_surround_the_estimates_and_narrow_with_more_rows() -> None:
    y, signal = churn_data(4000)
    scores = scores_from(signal, 0.5, 5)

    small = bootstrap_intervals(y[:400], scores[:400], 0.5, n_resamples=300, seed=1)
    large = bootstrap_intervals(y, scores, 0.5, n_resamples=300, seed=1)

    for name, interval in large.items():
        assert interval.lower <= interval.estimate <= interval.upper, name
    small_width = small["roc_auc"].upper - small["roc_auc"].lower
    large_width = large["roc_auc"].upper - large["roc_auc"].lower
    assert large_width < small_width / 2  # ten times the rows: about a third of the width


def test_the_same_seed_gives_the_same_intervals() -> None:
    y, signal = churn_data(500)
    scores = scores_from(signal, 0.5, 6)

    first = bootstrap_intervals(y, scores, 0.5, n_resamples=200, seed=7)
    again = bootstrap_intervals(y, scores, 0.5, n_resamples=200, seed=7)

    assert first == again


# --- calibration


def test_calibration_error_is_zero_for_frequencies_and_large_for_overconfidence() -> None:
    y = np.array([0] * 80 + [1] * 20)
    honest = np.full(100, 0.2)
    overconfident = np.full(100, 0.9)

    assert calibration_error(y, honest, n_bins=1) == pytest.approx(0.0)
    assert calibration_error(y, overconfident, n_bins=1) == pytest.approx(0.7)
    assert calibration_verdict(y, overconfident, n_bins=1).startswith("poorly calibrated")
    assert "over-estimate" in calibration_verdict(y, overconfident, n_bins=1)

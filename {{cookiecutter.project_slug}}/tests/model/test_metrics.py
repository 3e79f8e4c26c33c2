"""The evaluation maths: metrics agree with scikit-learn, thresholds minimise cost, and the gate."""

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
    gate_decision,
    learning_curve_verdict,
    paired_bootstrap,
)


def churn_data(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels (25% churn) and a hidden propensity that explains them."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    y = (signal + rng.normal(scale=1.0, size=n) > 0.67).astype(int)
    return y, signal


def scores_from(signal: np.ndarray, noise: float, seed: int) -> np.ndarray:
    """Probabilities from the signal blurred by noise: more noise, a worse model."""
    rng = np.random.default_rng(seed)
    blurred = signal + rng.normal(scale=noise, size=signal.size)
    return 1 / (1 + np.exp(-blurred))


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


def test_a_model_compared_with_itself_differs_by_exactly_zero() -> None:
    y, signal = churn_data(500)
    scores = scores_from(signal, 0.5, 7)

    result = paired_bootstrap(y, scores, scores, "roc_auc", n_resamples=200)

    assert (result["mean_difference"], result["lower"], result["upper"]) == (0.0, 0.0, 0.0)
    assert result["share_b_better"] == 0.0


def test_paired_bootstrap_sees_the_better_model_for_lower_is_better_metrics() -> None:
    y, signal = churn_data(2000)
    good, poor = scores_from(signal, 0.3, 8), scores_from(signal, 2.0, 9)

    result = paired_bootstrap(y, poor, good, "brier", n_resamples=300)

    assert result["higher_is_better"] is False
    assert result["upper"] < 0  # b (good) has a clearly lower Brier score
    assert result["share_b_better"] > 0.99


# --- the promotion gate


@pytest.mark.exercise(4)
def test_the_gate_promotes_a_first_model_that_beats_the_baseline() -> None:
    y, signal = churn_data()
    model, baseline = scores_from(signal, 0.3, 10), scores_from(signal, 2.0, 11)

    decision = gate_decision(y, model, baseline, None, 0.01, n_resamples=300)

    assert decision["promote"] is True
    assert decision["comparisons"]["champion"] is None
    assert "There is no champion yet" in decision["reasons"][1]


@pytest.mark.exercise(4)
def test_the_gate_refuses_a_model_no_better_than_the_baseline() -> None:
    y, signal = churn_data()
    model = scores_from(signal, 1.0, 12)
    baseline = scores_from(signal, 1.0, 13)  # as good, by construction

    decision = gate_decision(y, model, baseline, None, 0.01, n_resamples=300)

    assert decision["promote"] is False
    assert decision["reasons"][0].startswith("The challenger does not clearly beat the baseline")


@pytest.mark.exercise(4)
def test_the_gate_refuses_a_small_gain_below_the_margin() -> None:
    y, signal = churn_data(4000)
    model, baseline = scores_from(signal, 0.3, 14), scores_from(signal, 0.4, 15)

    lenient = gate_decision(y, model, baseline, None, 0.0, n_resamples=300)
    strict = gate_decision(y, model, baseline, None, 0.2, n_resamples=300)

    assert lenient["promote"] is True
    assert strict["promote"] is False


@pytest.mark.exercise(4)
def test_the_gate_refuses_a_challenger_worse_than_the_champion() -> None:
    y, signal = churn_data()
    champion = scores_from(signal, 0.2, 16)
    challenger = scores_from(signal, 0.8, 17)
    baseline = scores_from(signal, 3.0, 18)

    decision = gate_decision(y, challenger, baseline, champion, 0.01, n_resamples=300)

    assert decision["promote"] is False
    assert decision["reasons"][0].startswith("The challenger beats the baseline")
    assert decision["reasons"][1].startswith("The challenger is worse than the champion")
    assert decision["comparisons"]["champion"]["upper"] < 0


@pytest.mark.exercise(4)
def test_the_gate_accepts_a_challenger_as_good_as_the_champion() -> None:
    y, signal = churn_data()
    champion, baseline = scores_from(signal, 0.5, 19), scores_from(signal, 3.0, 20)
    retrained = scores_from(signal, 0.5, 21)  # the same model on fresher data, say

    decision = gate_decision(y, retrained, baseline, champion, 0.01, n_resamples=300)

    assert decision["promote"] is True
    assert decision["reasons"][1].startswith("The challenger is not clearly worse")


@pytest.mark.exercise(4)
def test_the_gate_rejects_a_metric_that_needs_a_threshold() -> None:
    y, signal = churn_data(200)
    scores = scores_from(signal, 0.5, 22)

    with pytest.raises(ValueError, match="metric must be one of"):
        gate_decision(y, scores, scores, None, 0.01, metric="f1", n_resamples=100)


# --- plain-language verdicts


@pytest.mark.parametrize(
    ("train", "valid", "verdict"),
    [
        ([0.99, 0.99, 0.98], [0.70, 0.74, 0.76], "high variance"),
        ([0.62, 0.61, 0.60], [0.60, 0.60, 0.60], "high bias"),
        ([0.86, 0.85, 0.84], [0.82, 0.83, 0.83], "good fit"),
    ],
)
def test_learning_curves_are_read_as_bias_or_variance(
    train: list[float], valid: list[float], verdict: str
) -> None:
    assert learning_curve_verdict(train, valid).startswith(verdict)


def test_a_still_rising_curve_asks_for_more_data() -> None:
    text = learning_curve_verdict([0.9, 0.88, 0.87], [0.70, 0.78, 0.84])

    assert "more data would likely help" in text


def test_calibration_error_is_zero_for_frequencies_and_large_for_overconfidence() -> None:
    y = np.array([0] * 80 + [1] * 20)
    honest = np.full(100, 0.2)
    overconfident = np.full(100, 0.9)

    assert calibration_error(y, honest, n_bins=1) == pytest.approx(0.0)
    assert calibration_error(y, overconfident, n_bins=1) == pytest.approx(0.7)
    assert calibration_verdict(y, overconfident, n_bins=1).startswith("poorly calibrated")
    assert "over-estimate" in calibration_verdict(y, overconfident, n_bins=1)

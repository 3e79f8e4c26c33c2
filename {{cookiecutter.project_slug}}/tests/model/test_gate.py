"""The promotion gate: paired comparisons, the rule, and what the register stage records of it."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.model.gate import GateDecision, Promotion, gate_decision, paired_bootstrap
from {{ cookiecutter.package_name }}.model.guardrails import Check, reuse_of_test_set

from .conftest import churn_data, scores_from

# --- paired bootstrap


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


# --- the rule


@pytest.mark.exercise(4)
def test_the_gate_promotes_a_first_model_that_beats_the_baseline() -> None:
    y, signal = churn_data()
    model, baseline = scores_from(signal, 0.3, 10), scores_from(signal, 2.0, 11)

    decision = gate_decision(y, model, baseline, None, 0.01, n_resamples=300)

    assert decision.promote is True
    assert decision.against_champion is None
    assert "There is no champion yet" in decision.reasons[1]


@pytest.mark.exercise(4)
def test_the_gate_refuses_a_model_no_better_than_the_baseline() -> None:
    y, signal = churn_data()
    model = scores_from(signal, 1.0, 12)
    baseline = scores_from(signal, 1.0, 13)  # as good, by construction

    decision = gate_decision(y, model, baseline, None, 0.01, n_resamples=300)

    assert decision.promote is False
    assert decision.reasons[0].startswith("The challenger does not clearly beat the baseline")


@pytest.mark.exercise(4)
def test_the_gate_refuses_a_small_gain_below_the_margin() -> None:
    y, signal = churn_data(4000)
    model, baseline = scores_from(signal, 0.3, 14), scores_from(signal, 0.4, 15)

    lenient = gate_decision(y, model, baseline, None, 0.0, n_resamples=300)
    strict = gate_decision(y, model, baseline, None, 0.2, n_resamples=300)

    assert lenient.promote is True
    assert strict.promote is False


@pytest.mark.exercise(4)
def test_the_gate_refuses_a_challenger_worse_than_the_champion() -> None:
    y, signal = churn_data()
    champion = scores_from(signal, 0.2, 16)
    challenger = scores_from(signal, 0.8, 17)
    baseline = scores_from(signal, 3.0, 18)

    decision = gate_decision(y, challenger, baseline, champion, 0.01, n_resamples=300)

    assert decision.promote is False
    assert decision.reasons[0].startswith("The challenger beats the baseline")
    assert decision.reasons[1].startswith("The challenger is worse than the champion")
    assert decision.against_champion["upper"] < 0


@pytest.mark.exercise(4)
def test_the_gate_accepts_a_challenger_as_good_as_the_champion() -> None:
    y, signal = churn_data()
    champion, baseline = scores_from(signal, 0.5, 19), scores_from(signal, 3.0, 20)
    retrained = scores_from(signal, 0.5, 21)  # the same model on fresher data, say

    decision = gate_decision(y, retrained, baseline, champion, 0.01, n_resamples=300)

    assert decision.promote is True
    assert decision.reasons[1].startswith("The challenger is not clearly worse")


@pytest.mark.exercise(4)
def test_the_gate_rejects_a_metric_that_needs_a_threshold() -> None:
    y, signal = churn_data(200)
    scores = scores_from(signal, 0.5, 22)

    with pytest.raises(ValueError, match="metric must be one of"):
        gate_decision(y, scores, scores, None, 0.01, metric="f1", n_resamples=100)


# --- what the register stage records


USED_ONCE = {"md5": "abc", "decisions": 1, "budget": 10, "warning": None}


def promotion(
    promote: bool,
    champion_before: str | None,
    guardrails: tuple[Check, ...] = (),
    test_set: dict[str, object] = USED_ONCE,
) -> Promotion:
    """A promotion of version 2 with two reasons and a comparison against the baseline only."""
    comparison = {"metric": "roc_auc", "mean_difference": 0.0412345678, "lower": 0.02}
    decision = GateDecision(promote, ("First reason.", "Second reason."), comparison, None)
    after = "2" if promote else champion_before
    return Promotion(
        "churn", "2", "abc", "knn", "roc_auc", 0.01, decision, champion_before, after,
        guardrails, test_set,
    )  # fmt: skip


def test_the_promotion_report_holds_the_decision_and_rounded_comparisons() -> None:
    report = promotion(True, "1").to_json()

    assert list(report) == [
        "model_name",
        "version",
        "run_id",
        "algorithm",
        "metric",
        "min_improvement",
        "promoted",
        "champion_before",
        "champion_after",
        "reasons",
        "comparisons",
        "guardrails",
        "test_set",
    ]
    assert (report["promoted"], report["champion_before"], report["champion_after"]) == (
        True,
        "1",
        "2",
    )
    assert report["reasons"] == ["First reason.", "Second reason."]
    assert report["comparisons"]["baseline"]["mean_difference"] == pytest.approx(0.041235)
    assert report["comparisons"]["champion"] is None


def test_the_promotion_rows_say_the_verdict_each_reason_and_the_champion() -> None:
    refused = promotion(False, None).rows()

    assert refused["model"] == "churn version 2 (knn)"
    assert refused["gate"] == "refused: stays challenger"
    assert (refused["reason 1"], refused["reason 2"]) == ("First reason.", "Second reason.")
    assert refused["champion"] == "none yet"
    assert promotion(True, "1").rows()["champion"] == "version 2"


def test_a_broken_guardrail_refuses_what_the_rule_let_through_and_says_why() -> None:
    slow = Check("latency (one prediction)", 2.0, 9.0, "x1.5", False, "Latency breaks it.")
    fine = Check("calibration (Brier)", 0.12, 0.121, "+0.005", True, "Calibration is within.")

    refused = promotion(True, "1", guardrails=(fine, slow))

    assert refused.decision.promote is True  # the metric's rule alone would promote
    assert refused.promoted is False
    assert refused.to_json()["promoted"] is False
    assert refused.rows()["gate"] == "refused: stays challenger"
    assert refused.reasons[2:] == ["Calibration is within.", "Latency breaks it."]
    assert refused.to_json()["guardrails"][1] == {
        "name": "latency (one prediction)",
        "champion": 2.0,
        "challenger": 9.0,
        "limit": "x1.5",
        "passed": False,
        "reason": "Latency breaks it.",
    }
    assert promotion(True, "1", guardrails=(fine,)).promoted is True


def test_a_worn_test_set_is_a_warning_line_not_a_refusal() -> None:
    worn = reuse_of_test_set(11, 10, "abc")

    shown = promotion(True, "1", test_set=worn)

    assert shown.promoted is True
    assert shown.rows()["test set"].startswith("The final test set has now decided 11 promotions")
    assert shown.to_json()["test_set"]["warning"] == worn["warning"]
    assert "test set" not in promotion(True, "1").rows()
    assert reuse_of_test_set(10, 10, "abc")["warning"] is None

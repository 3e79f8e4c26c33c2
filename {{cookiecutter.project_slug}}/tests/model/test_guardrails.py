"""Tests of model/guardrails.py: calibration, latency, slices and simplicity beside the metric."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import GuardrailParams
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.gate import Promotion, gate_decision, improvement
from {{ cookiecutter.package_name }}.model.guardrails import (
    LATENCY_ROWS,
    SLICE_MIN_ROWS,
    bands,
    brier_check,
    guardrail_checks,
    latency_check,
    one_row_seconds,
    reuse_of_test_set,
    simplicity_check,
    slice_check,
    slice_drops,
    slice_frame,
)

from ..conftest import make_params, raw_params
from .conftest import churn_data, scores_from

LIMITS = GuardrailParams(max_brier_increase=0.005, max_latency_ratio=1.5, max_slice_drop=0.05)


def countries(n: int) -> pd.DataFrame:
    """A slice column: the first half of the rows in France, the rest in Spain."""
    return pd.DataFrame({"country": ["France"] * (n // 2) + ["Spain"] * (n - n // 2)})


def test_a_worse_calibrated_challenger_breaks_the_brier_guardrail() -> None:
    y, signal = churn_data(2000)
    champion = scores_from(signal, 0.5, 1)
    # The same ranking (so ROC AUC is unchanged) but every probability pushed towards 0.5.
    squashed = 0.5 + (champion - 0.5) * 0.3

    broken = brier_check(y, squashed, champion, 0.005)
    same = brier_check(y, champion, champion, 0.005)

    assert broken.passed is False
    assert broken.challenger - broken.champion > 0.005
    assert broken.reason.startswith("Calibration breaks its guardrail: Brier score")
    assert same.passed is True and same.challenger == same.champion


def test_latency_is_judged_on_the_ratio_of_medians() -> None:
    champion = [0.002, 0.002, 0.100]  # one slow outlier does not move the median
    assert latency_check([0.0029, 0.003, 0.003], champion, 1.5).passed is True

    slow = latency_check([0.004, 0.004, 0.004], champion, 1.5)

    assert slow.passed is False
    assert (slow.champion, slow.challenger) == pytest.approx((2.0, 4.0))  # milliseconds
    assert "4.0 ms against the champion's 2.0 ms (2.00x, at most 1.5x)" in slow.reason


def test_one_slice_made_worse_breaks_the_slice_guardrail_and_is_named() -> None:
    y, signal = churn_data(2000)
    champion = scores_from(signal, 0.5, 1)
    slices = countries(len(y))
    # Better on average (France much better), but Spain scored at random.
    challenger = scores_from(signal, 0.2, 2)
    spain = slices["country"].eq("Spain").to_numpy()
    challenger[spain] = np.random.default_rng(3).random(spain.sum())

    check = slice_check(slices, y, challenger, champion, 0.05)

    assert check.passed is False
    assert check.reason.startswith("A slice breaks its guardrail: country = Spain (1000 rows)")
    table = slice_drops(slices, y, challenger, champion)
    assert list(table["slice"]) == ["country = France", "country = Spain"]
    assert table.loc[0, "drop"] < 0 < 0.05 < table.loc[1, "drop"]
    assert slice_check(slices, y, champion, champion, 0.05).passed is True


def test_slices_too_small_to_measure_are_left_out() -> None:
    y, signal = churn_data(SLICE_MIN_ROWS + 150)
    scores = scores_from(signal, 0.5, 1)
    slices = pd.DataFrame({"plan": ["basic"] * SLICE_MIN_ROWS + ["premium"] * 150})

    table = slice_drops(slices, y, scores, scores)

    assert list(table["slice"]) == ["plan = basic"]
    tiny = pd.DataFrame({"plan": ["basic"] * len(y)}).iloc[:0]
    empty = slice_check(tiny, y[:0], scores[:0], scores[:0], 0.05)
    assert empty.passed is True and empty.reason.startswith("No slice has")


def test_a_more_complex_challenger_within_noise_leaves_the_simpler_champion() -> None:
    within = simplicity_check("gradient_boosting", "logistic_regression", -0.004, 0.006)
    clearly = simplicity_check("gradient_boosting", "logistic_regression", 0.002, 0.012)
    simpler = simplicity_check("logistic_regression", "gradient_boosting", -0.004, 0.006)
    same = simplicity_check("random_forest", "random_forest", -0.004, 0.006)

    assert within.passed is False
    assert "within noise of it (interval -0.0040 to 0.0060, not above 0)" in within.reason
    worse = simplicity_check("gradient_boosting", "logistic_regression", -0.02, -0.01)
    assert "logistic_regression and worse (interval -0.0200 to -0.0100, below 0)" in worse.reason
    assert (clearly.passed, simpler.passed, same.passed) == (True, True, True)


def test_the_checks_come_in_the_documented_order() -> None:
    y, signal = churn_data(1000)
    scores = scores_from(signal, 0.5, 1)

    checks = guardrail_checks(
        y,
        scores,
        scores,
        countries(len(y)),
        {"challenger": [0.001], "champion": [0.001]},
        {"challenger": "knn", "champion": "knn"},
        (-0.01, 0.01),
        LIMITS,
    )

    assert [check.name for check in checks] == [
        "calibration (Brier)",
        "latency (one prediction)",
        "slices (ROC AUC)",
        "simplicity (one standard error)",
    ]
    assert all(check.passed for check in checks)


@pytest.mark.exercise(4)
def test_a_slice_regression_is_refused_by_the_gate_though_the_average_holds() -> None:
    y, signal = churn_data(2000)
    champion, baseline = scores_from(signal, 0.8, 1), scores_from(signal, 2.0, 4)
    slices = countries(len(y))
    challenger = scores_from(signal, 0.1, 2)
    spain = slices["country"].eq("Spain").to_numpy()
    challenger[spain] = scores_from(signal[spain], 1.3, 5)  # worse than the champion there
    decision = gate_decision(y, challenger, baseline, champion, 0.01, n_resamples=200)
    _, lower, upper = improvement(decision.against_champion)
    checks = guardrail_checks(
        y,
        challenger,
        champion,
        slices,
        {"challenger": [0.001], "champion": [0.001]},
        {"challenger": "knn", "champion": "knn"},
        (lower, upper),
        LIMITS,
    )

    promotion = Promotion(
        "churn", "2", "abc", "knn", "roc_auc", 0.01, decision, "1", "1", tuple(checks),
        reuse_of_test_set(2, 10, "abc"),
    )  # fmt: skip

    assert decision.promote is True  # on the whole test set it is not clearly worse
    assert promotion.promoted is False
    assert [check.name for check in checks if not check.passed] == ["slices (ROC AUC)"]
    broken = "A slice breaks its guardrail: country = Spain"
    assert any(reason.startswith(broken) for reason in promotion.reasons)


class Sleeper:
    """A model whose one-row prediction takes a known time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def predict_proba(self, rows: pd.DataFrame) -> np.ndarray:
        time.sleep(self.seconds)
        return np.full((len(rows), 2), 0.5)


def test_one_row_timing_takes_the_models_in_turns_on_the_same_rows() -> None:
    rows = pd.DataFrame({"x": range(LATENCY_ROWS + 5)})

    seconds = one_row_seconds({"fast": Sleeper(0.0), "slow": Sleeper(0.02)}, rows)

    assert [len(seconds["fast"]), len(seconds["slow"])] == [LATENCY_ROWS, LATENCY_ROWS]
    assert min(seconds["slow"]) >= 0.02  # sleep never returns early
    assert np.median(seconds["fast"]) < np.median(seconds["slow"])


def test_numeric_inputs_are_cut_into_named_bands_beside_the_categories() -> None:
    cleaned = pd.DataFrame({"age": [18, 29.5, 30, 44, 60, 85], "plan": ["basic"] * 6})

    frame = slice_frame(cleaned, ["plan"], {"age": [30, 45, 60]})

    assert list(frame.columns) == ["plan", "age band"]
    assert list(frame["age band"].astype(str)) == [
        "under 30", "under 30", "30 to 45", "30 to 45", "60 and over", "60 and over"
    ]  # fmt: skip
    assert list(bands(pd.Series([1.0, 2.5]), [2]).astype(str)) == ["under 2", "2 and over"]
    # A banded column the model does not read gets no band.
    assert list(slice_frame(cleaned[["plan"]], ["plan"], {"age": [30]}).columns) == ["plan"]


def test_bands_need_increasing_cut_points_on_a_numeric_input() -> None:
    guardrails = raw_params()["registry"]["guardrails"]

    with pytest.raises(ParamsError, match=r"slice_bands.spend must be increasing cut points"):
        make_params(registry={"guardrails": {**guardrails, "slice_bands": {"spend": [50, 10]}}})
    with pytest.raises(ParamsError, match=r"slice_bands names \['age'\], not numeric columns"):
        make_params(registry={"guardrails": {**guardrails, "slice_bands": {"age": [30]}}})
    banded = make_params(registry={"guardrails": {**guardrails, "slice_bands": {"spend": [10]}}})
    assert banded.registry.guardrails.slice_bands == {"spend": [10.0]}

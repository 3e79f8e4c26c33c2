"""Shadow analysis: pairs of the same request, agreement, flips and the paired comparison."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.ab.shadow import analyse, mcnemar_exact, shadow_pairs
from {{ cookiecutter.package_name }}.errors import DataError

START = datetime(2026, 1, 5, 9, tzinfo=UTC)
# Per request: champion score, challenger score, outcome (None: still awaited).
REQUESTS = [
    (0.9, 0.8, 1),
    (0.2, 0.7, 0),  # challenger flips to churn, wrongly
    (0.75, 0.3, 0),  # challenger flips to stay, rightly
    (0.1, 0.2, 0),
    (0.7, 0.9, 1),
    (0.4, 0.6, None),  # challenger flips to churn; no outcome yet
]


def rows_of(i: int, champion: float, challenger: float, outcome: int | None) -> list[dict]:
    """The two log rows of one shadow request: the champion's answer and the shadow's score."""
    common = {
        "unit_id": f"C{i}",
        "created_at": START + timedelta(minutes=i),
        "latency_ms": 10.0 + i,
    }
    return [
        {
            **common,
            "variant": "champion",
            "served": True,
            "score": champion,
            "decision": champion >= 0.5,
            "outcome": outcome,
        },
        {
            **common,
            "variant": "challenger",
            "served": False,
            "score": challenger,
            "decision": challenger >= 0.5,
            "outcome": None,
        },
    ]


@pytest.fixture
def log() -> pd.DataFrame:
    """Six shadow requests, plus an A/B request answered by the challenger (no pair)."""
    rows = [row for i, request in enumerate(REQUESTS) for row in rows_of(i, *request)]
    rows.append(
        {
            "unit_id": "C99",
            "created_at": START,
            "latency_ms": 5.0,
            "variant": "challenger",
            "served": True,
            "score": 0.5,
            "decision": True,
            "outcome": 1,
        }
    )
    return pd.DataFrame(rows)


def test_pairs_join_the_served_champion_and_the_shadow_of_the_same_request(
    log: pd.DataFrame,
) -> None:
    pairs = shadow_pairs(log)

    assert pairs["unit_id"].tolist() == [f"C{i}" for i in range(6)]
    assert pairs["score_champion"].tolist() == [r[0] for r in REQUESTS]
    assert pairs["score_challenger"].tolist() == [r[1] for r in REQUESTS]


def test_the_report_counts_agreement_flips_and_latency(log: pd.DataFrame) -> None:
    report = analyse(log)

    assert report.pairs == 6
    assert report.decision_agreement == pytest.approx(3 / 6)
    assert (report.flips_to_churn, report.flips_to_stay) == (2, 1)
    # as the JSON report holds it: rounded to 6 digits
    assert report.mean_abs_score_difference == round((0.1 + 0.5 + 0.45 + 0.1 + 0.2 + 0.2) / 6, 6)
    assert report.latency_p50_ms == pytest.approx(12.5)
    assert report.with_outcome == 5


def test_outcomes_compare_both_models_on_the_same_customers(log: pd.DataFrame) -> None:
    outcomes = analyse(log).outcomes

    # Champion right on 4 of 5 (wrong on C2), challenger on 4 of 5 (wrong on C1)
    assert outcomes["accuracy_champion"] == pytest.approx(0.8)
    assert outcomes["accuracy_challenger"] == pytest.approx(0.8)
    assert (outcomes["only_champion_right"], outcomes["only_challenger_right"]) == (1, 1)
    assert outcomes["mcnemar_p_value"] == 1.0
    # The champion ranks the stayer C2 (0.75) above the churner C4 (0.7): 5 of 6 pairs right
    assert outcomes["roc_auc_champion"] == pytest.approx(5 / 6)
    assert outcomes["roc_auc_challenger"] == pytest.approx(1.0)


def test_mcnemar_is_the_two_sided_binomial_of_the_discordant_pairs() -> None:
    # 9 pairs where only one model was right, 8 of them the same model: 2 * (1 + 9) / 2^9
    assert mcnemar_exact(8, 1) == pytest.approx(2 * 10 / 512)
    assert mcnemar_exact(0, 0) == 1.0


def test_a_log_without_shadow_rows_is_one_sentence(log: pd.DataFrame) -> None:
    with pytest.raises(DataError, match="no request scored by both models"):
        analyse(log[log["served"]])


def test_the_rows_show_the_paired_comparison(log: pd.DataFrame) -> None:
    shown = dict(analyse(log).rows())

    assert shown["same decision"] == "50.0%"
    assert shown["flips: challenger says churn, champion not"] == "2"
    assert shown["McNemar exact p (paired)"] == "1"

"""The canary's guardrails judged on small hand-made logs: each one broken alone, then too little
traffic to judge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.ab.guardrails import judge
from {{ cookiecutter.package_name }}.config import CanaryParams

LIMITS = CanaryParams(
    window=1000,
    min_requests=50,
    max_error_rate_increase=0.02,
    max_latency_p99_ratio=1.5,
    max_score_ks=0.2,
)
START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def served(variant: str, n: int, version: str, scores: np.ndarray, latency: float) -> pd.DataFrame:
    """n answered predictions of one variant, a second apart, all at the same latency."""
    return pd.DataFrame(
        {
            "created_at": [START + timedelta(seconds=i) for i in range(n)],
            "variant": variant,
            "model_version": version,
            "score": scores,
            "latency_ms": latency,
        }
    )


def failed(variant: str, n: int, version: str) -> pd.DataFrame:
    """n records a variant failed to score."""
    return pd.DataFrame(
        {
            "created_at": [START + timedelta(seconds=i) for i in range(n)],
            "variant": variant,
            "model_version": version,
        }
    )


NO_FAILURES = pd.DataFrame(columns=["created_at", "variant", "model_version"])


def traffic(
    challenger_n: int = 100,
    challenger_scores: np.ndarray | None = None,
    challenger_latency: float = 10.0,
) -> pd.DataFrame:
    """900 champion predictions and `challenger_n` challenger ones, alike unless told."""
    rng = np.random.default_rng(0)
    scores = rng.uniform(0, 1, challenger_n) if challenger_scores is None else challenger_scores
    return pd.concat(
        [
            served("champion", 900, "1", rng.uniform(0, 1, 900), 10.0),
            served("challenger", challenger_n, "2", scores, challenger_latency),
        ],
        ignore_index=True,
    )


def verdicts(judgement) -> dict[str, str]:
    """Each guardrail's verdict by name."""
    return {g.name: g.verdict for g in judgement.guardrails}


def test_a_challenger_like_the_champion_holds_every_guardrail() -> None:
    judgement = judge(traffic(), NO_FAILURES, LIMITS)

    assert set(verdicts(judgement).values()) == {"holds"}
    assert (judgement.champion_version, judgement.challenger_version) == ("1", "2")
    assert (judgement.champion_requests, judgement.challenger_requests) == (900, 100)
    assert judgement.broken == [] and judgement.reason() == ""


def test_failures_of_the_challenger_alone_break_the_error_rate() -> None:
    # 10 failed of 110 challenger records (9.1%) against none of the champion's
    judgement = judge(traffic(), failed("challenger", 10, "2"), LIMITS)

    assert verdicts(judgement) == {
        "error rate": "broken",
        "latency p99 (ms)": "holds",
        "score drift (KS)": "holds",
    }
    error = judgement.guardrails[0]
    assert error.challenger == pytest.approx(10 / 110) and error.champion == 0
    assert judgement.challenger_requests == 110
    assert judgement.reason() == "Challenger version 2 broke: error rate 0.091 > 0.02."


def test_failures_of_both_variants_alike_break_nothing() -> None:
    failures = pd.concat([failed("champion", 90, "1"), failed("challenger", 10, "2")])

    judgement = judge(traffic(), failures, LIMITS)

    assert judgement.guardrails[0].measured == pytest.approx(10 / 110 - 90 / 990)
    assert judgement.guardrails[0].verdict == "holds"


def test_a_challenger_twice_as_slow_alone_breaks_the_latency_guardrail() -> None:
    judgement = judge(traffic(challenger_latency=20.0), NO_FAILURES, LIMITS)

    assert [g.name for g in judgement.broken] == ["latency p99 (ms)"]
    assert judgement.broken[0].measured == pytest.approx(2.0)


def test_a_challenger_scoring_everyone_higher_alone_breaks_the_score_drift() -> None:
    shifted = np.random.default_rng(1).uniform(0.4, 1.0, 100)

    judgement = judge(traffic(challenger_scores=shifted), NO_FAILURES, LIMITS)

    assert [g.name for g in judgement.broken] == ["score drift (KS)"]
    drift = judgement.broken[0]
    assert drift.measured > 0.3 and drift.challenger > drift.champion + 0.15


def test_too_few_challenger_requests_judge_nothing() -> None:
    # 20 slow challenger answers and 20 failures: fewer than min_requests judge nothing
    judgement = judge(
        traffic(challenger_n=20, challenger_latency=99.0), failed("challenger", 20, "2"), LIMITS
    )

    assert set(verdicts(judgement).values()) == {"not judged"}
    assert judgement.challenger_requests == 40 and judgement.broken == []


def test_a_challenger_that_fails_every_record_is_judged_by_its_error_rate() -> None:
    only_champion = traffic(challenger_n=0)

    judgement = judge(only_champion, failed("challenger", 60, "2"), LIMITS)

    assert judgement.challenger_version == "2"
    assert verdicts(judgement) == {
        "error rate": "broken",
        "latency p99 (ms)": "not judged",
        "score drift (KS)": "not judged",
    }


def test_only_the_current_challenger_version_counts() -> None:
    # Version 2 was slow and was replaced by version 3, which is as fast as the champion
    old = served("challenger", 100, "2", np.full(100, 0.5), 50.0)
    new = served("challenger", 100, "3", np.random.default_rng(2).uniform(0, 1, 100), 10.0)
    new["created_at"] += timedelta(hours=1)
    log = pd.concat([traffic(challenger_n=0), old, new], ignore_index=True)

    judgement = judge(log, NO_FAILURES, LIMITS)

    assert judgement.challenger_version == "3" and judgement.challenger_requests == 100
    assert judgement.broken == []

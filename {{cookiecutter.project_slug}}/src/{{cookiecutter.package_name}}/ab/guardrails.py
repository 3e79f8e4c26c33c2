"""Canary guardrails: is the challenger, on its small share of real traffic, safe to keep?

A canary is not an A/B test: it does not ask whether the challenger keeps more customers (that
takes weeks of outcomes) but whether it harms anyone *now*. Three guardrails, each comparing
the challenger with the champion on the same stretch of traffic, so that a slow database or a
busy hour hits both alike and does not count against the challenger:

1. Error rate: the share of its records a variant failed to score (the log's `failures`),
   challenger minus champion, at most `max_error_rate_increase`.
2. Latency: the challenger's p99 over the champion's, at most `max_latency_p99_ratio`. The p99,
   not the mean: a model that is slow for one request in a hundred is what customers notice.
3. Score drift: the Kolmogorov-Smirnov distance between the two variants' served scores (the
   largest gap between their distributions, monitoring/two_sample.py), at most `max_score_ks`.
   Units are split by a hash, so both variants see the same kind of customer: a large gap means
   the challenger scores them differently (a broken feature, a wrong threshold), not that the
   customers differ.

Too little traffic is not judged: with fewer than `min_requests` records of either variant,
every guardrail says "not judged" (a couple of slow requests is chance, not a verdict). Only the
current versions count: the last version each variant served in the window.

This module is pure: frames in, a judgement out. ab/canary.py reads the log, acts and writes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import CanaryParams
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.monitoring.two_sample import ks_test

Verdict = Literal["holds", "broken", "not judged"]


@dataclass(frozen=True)
class Guardrail:
    """One guardrail: each variant's value, the limit, and the verdict."""

    name: str
    champion: float | None
    challenger: float | None
    # The challenger's value against the champion's (difference, ratio or distance).
    measured: float | None
    limit: float
    verdict: Verdict

    def row(self) -> tuple[str, str, str, str, str, str]:
        """The terminal's line: name, champion, challenger, measured, limit, verdict."""
        return (
            self.name,
            _shown(self.champion),
            _shown(self.challenger),
            _shown(self.measured),
            f"{self.limit:g}",
            self.verdict,
        )


@dataclass(frozen=True)
class Judgement:
    """Every guardrail on the current champion and challenger versions."""

    champion_version: str | None
    challenger_version: str | None
    champion_requests: int
    challenger_requests: int
    guardrails: list[Guardrail]

    @property
    def broken(self) -> list[Guardrail]:
        """The guardrails the challenger broke."""
        return [g for g in self.guardrails if g.verdict == "broken"]

    def reason(self) -> str:
        """Why the challenger must stop, in one sentence (empty if nothing broke)."""
        parts = [f"{g.name} {g.measured:.3f} > {g.limit:g}" for g in self.broken]
        if not parts:
            return ""
        return f"Challenger version {self.challenger_version} broke: {'; '.join(parts)}."

    @property
    def judged(self) -> bool:
        """True once there was enough traffic to judge at least one guardrail."""
        return any(g.verdict != "not judged" for g in self.guardrails)

    def headers(self) -> tuple[str, ...]:
        """The table's header (the requests of each variant are in the title)."""
        return ("guardrail", "champion", "challenger", "measured", "limit", "verdict")

    def rows(self) -> list[tuple[str, ...]]:
        """The table: one line per guardrail."""
        return [g.row() for g in self.guardrails]

    def to_json(self) -> dict[str, Any]:
        """The JSON form: every field, each guardrail by name."""
        return {**dataclasses.asdict(self), "broken": [g.name for g in self.broken]}


def _shown(value: float | None) -> str:
    """A value for the table, '-' when there is none."""
    return "-" if value is None else f"{value:.3f}"


def current_version(predictions: pd.DataFrame, failures: pd.DataFrame, variant: str) -> str | None:
    """The version `variant` answered (or failed) with last (None if it had no traffic)."""
    keys = ["created_at", "variant", "model_version"]
    both = pd.concat([predictions[keys], failures[keys]], ignore_index=True)
    rows = both[both["variant"] == variant].sort_values("created_at", kind="stable")
    return None if rows.empty else str(rows["model_version"].iloc[-1])


def of_version(frame: pd.DataFrame, variant: str, version: str | None) -> pd.DataFrame:
    """The rows of one variant's version."""
    return frame[(frame["variant"] == variant) & (frame["model_version"].astype(str) == version)]


def error_rate(served: int, failed: int) -> float | None:
    """Failed records over all records (None without any)."""
    total = served + failed
    return failed / total if total else None


def p99(latencies: pd.Series) -> float | None:
    """The 99th percentile of the latencies (None without any)."""
    return float(np.percentile(latencies.astype(float), 99)) if len(latencies) else None


def verdict(measured: float | None, limit: float, judged: bool) -> Verdict:
    """'broken' above the limit, 'holds' at or below, 'not judged' without enough traffic."""
    if not judged or measured is None:
        return "not judged"
    return "broken" if measured > limit else "holds"


def judge(predictions: pd.DataFrame, failures: pd.DataFrame, limits: CanaryParams) -> Judgement:
    """Judge the guardrails on served predictions (created_at, variant, model_version, score,
    latency_ms) and scoring failures (created_at, variant, model_version) of the same traffic."""
    versions = {v: current_version(predictions, failures, v) for v in (CHAMPION, CHALLENGER)}
    served = {v: of_version(predictions, v, versions[v]) for v in versions}
    failed = {v: len(of_version(failures, v, versions[v])) for v in versions}
    requests = {v: len(served[v]) + failed[v] for v in versions}
    judged = all(count >= limits.min_requests for count in requests.values())
    errors = {v: error_rate(len(served[v]), failed[v]) for v in versions}
    error_gap = None
    if errors[CHAMPION] is not None and errors[CHALLENGER] is not None:
        error_gap = errors[CHALLENGER] - errors[CHAMPION]
    latency = {v: p99(served[v]["latency_ms"]) for v in versions}
    ratio = None
    if latency[CHAMPION] and latency[CHALLENGER] is not None:
        ratio = latency[CHALLENGER] / latency[CHAMPION]
    means = {v: float(served[v]["score"].mean()) if len(served[v]) else None for v in versions}
    # Latency and scores need served rows: a challenger that failed everything is judged by
    # its error rate alone.
    both_served = all(len(served[v]) >= limits.min_requests for v in versions)
    distance = None
    if both_served:
        distance = ks_test(served[CHAMPION]["score"], served[CHALLENGER]["score"]).statistic
    guardrails = [
        Guardrail(
            "error rate",
            errors[CHAMPION],
            errors[CHALLENGER],
            error_gap,
            limits.max_error_rate_increase,
            verdict(error_gap, limits.max_error_rate_increase, judged),
        ),
        Guardrail(
            "latency p99 (ms)",
            latency[CHAMPION],
            latency[CHALLENGER],
            ratio,
            limits.max_latency_p99_ratio,
            verdict(ratio, limits.max_latency_p99_ratio, judged and both_served),
        ),
        Guardrail(
            "score drift (KS)",
            means[CHAMPION],
            means[CHALLENGER],
            distance,
            limits.max_score_ks,
            verdict(distance, limits.max_score_ks, judged),
        ),
    ]
    return Judgement(
        champion_version=versions[CHAMPION],
        challenger_version=versions[CHALLENGER],
        champion_requests=requests[CHAMPION],
        challenger_requests=requests[CHALLENGER],
        guardrails=guardrails,
    )

"""Shadow analysis: the champion and the challenger on the same requests, before any customer
meets the challenger.

In shadow mode the service answers with the champion and logs the challenger's score of the same
record beside it (served = False). Both rows of a request share the unit and the time, so every
request gives a pair, and the pair answers what an A/B test cannot, because no split is needed:

1. Agreement: how closely the scores follow each other, and how many decisions (churn or not,
   each model at its own threshold) would flip if the challenger answered: the customers whom
   a retention campaign would suddenly target or drop.
2. Latency: the log holds one latency per request (both models scored inside it), so the
   shadow's cost shows as the requests' p50 and p99, not per model.
3. Once outcomes arrive (fed back on the served prediction, they belong to the customer, so to
   both scores): each model's accuracy and ROC AUC on the same customers, and McNemar's exact
   test on the pairs where exactly one model was right: a paired comparison, far more
   sensitive than two independent groups of the same size.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import binomtest, spearmanr
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.paths import REPORTS

SHADOW_REPORT = REPORTS / "ab_shadow.json"
PAIR_KEYS = ["unit_id", "created_at"]


@dataclass(frozen=True)
class ShadowReport:
    """Champion vs challenger on the same requests, rounded as reports/ab_shadow.json holds it."""

    pairs: int
    score_spearman: float | None
    mean_abs_score_difference: float
    decision_agreement: float
    flips_to_churn: int
    flips_to_stay: int
    latency_p50_ms: float
    latency_p99_ms: float
    with_outcome: int
    outcomes: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        """The JSON report: every field, by name."""
        return dataclasses.asdict(self)

    def rows(self) -> list[tuple[str, str]]:
        """What the terminal shows: agreement, flips, latency, then the paired comparison."""
        spearman = "-" if self.score_spearman is None else f"{self.score_spearman:.3f}"
        rows = [
            ("requests scored by both", f"{self.pairs:,}"),
            ("score rank correlation (Spearman)", spearman),
            ("mean |score difference|", f"{self.mean_abs_score_difference:.3f}"),
            ("same decision", f"{self.decision_agreement:.1%}"),
            ("flips: challenger says churn, champion not", f"{self.flips_to_churn:,}"),
            ("flips: champion says churn, challenger not", f"{self.flips_to_stay:,}"),
            (
                "request latency p50 / p99 (ms)",
                f"{self.latency_p50_ms:.1f} / {self.latency_p99_ms:.1f}",
            ),
            ("pairs with an outcome", f"{self.with_outcome:,}"),
        ]
        if self.outcomes:
            o = self.outcomes
            rows += [
                (
                    "accuracy champion / challenger",
                    f"{o['accuracy_champion']:.3f} / {o['accuracy_challenger']:.3f}",
                ),
                (
                    "ROC AUC champion / challenger",
                    _pair(o["roc_auc_champion"], o["roc_auc_challenger"]),
                ),
                (
                    "only champion right / only challenger right",
                    f"{o['only_champion_right']} / {o['only_challenger_right']}",
                ),
                ("McNemar exact p (paired)", f"{o['mcnemar_p_value']:.3g}"),
            ]
        return rows


def _pair(first: float | None, second: float | None) -> str:
    """Two optional numbers as 'a / b', a dash where one is undefined."""
    return " / ".join("-" if x is None else f"{x:.3f}" for x in (first, second))


def shadow_pairs(log: pd.DataFrame) -> pd.DataFrame:
    """One row per request scored by both: the champion's served row beside the shadow's row."""
    served = log["served"].astype(bool)
    champion = log[served & (log["variant"] == CHAMPION)]
    shadow = log[~served & (log["variant"] == CHALLENGER)]
    columns = [*PAIR_KEYS, "score", "decision"]
    pairs = champion[[*columns, "latency_ms", "outcome"]].merge(
        shadow[columns], on=PAIR_KEYS, suffixes=("_champion", "_challenger"), validate="one_to_one"
    )
    return pairs.reset_index(drop=True)


def mcnemar_exact(only_first_right: int, only_second_right: int) -> float:
    """McNemar's exact p-value: under no difference, each discordant pair is a fair coin."""
    discordant = only_first_right + only_second_right
    if discordant == 0:
        return 1.0
    return float(binomtest(only_first_right, discordant, 0.5).pvalue)


def _auc(outcome: np.ndarray, scores: np.ndarray) -> float | None:
    """ROC AUC, or None while the outcomes hold one class only."""
    return float(roc_auc_score(outcome, scores)) if 0 < outcome.sum() < outcome.size else None


def outcome_comparison(labelled: pd.DataFrame) -> dict[str, Any]:
    """Both models' accuracy and AUC on the same customers, and McNemar's paired test."""
    outcome = labelled["outcome"].astype(int).to_numpy()
    right = {
        variant: labelled[f"decision_{variant}"].astype(bool).to_numpy() == outcome.astype(bool)
        for variant in (CHAMPION, CHALLENGER)
    }
    only_champion = int((right[CHAMPION] & ~right[CHALLENGER]).sum())
    only_challenger = int((right[CHALLENGER] & ~right[CHAMPION]).sum())
    return {
        "accuracy_champion": float(right[CHAMPION].mean()),
        "accuracy_challenger": float(right[CHALLENGER].mean()),
        "roc_auc_champion": _auc(outcome, labelled["score_champion"].to_numpy()),
        "roc_auc_challenger": _auc(outcome, labelled["score_challenger"].to_numpy()),
        "only_champion_right": only_champion,
        "only_challenger_right": only_challenger,
        "mcnemar_p_value": mcnemar_exact(only_champion, only_challenger),
    }


def analyse(log: pd.DataFrame) -> ShadowReport:
    """The shadow report of a prediction log as PredictionLog.read() gives it."""
    pairs = shadow_pairs(log)
    if pairs.empty:
        raise DataError(
            "The prediction log holds no request scored by both models; run the service in "
            "shadow mode (serving.experiment.mode: shadow) or simulate some (ab simulate "
            "--mode shadow)."
        )
    champion, challenger = pairs["score_champion"], pairs["score_challenger"]
    said = pairs["decision_champion"].astype(bool), pairs["decision_challenger"].astype(bool)
    # A constant score has no ranks to correlate (scipy would warn and return NaN).
    varied = champion.nunique() > 1 and challenger.nunique() > 1
    labelled = pairs[pairs["outcome"].notna()]
    report = {
        "pairs": len(pairs),
        "score_spearman": float(spearmanr(champion, challenger).statistic) if varied else None,
        "mean_abs_score_difference": float((challenger - champion).abs().mean()),
        "decision_agreement": float((said[0] == said[1]).mean()),
        "flips_to_churn": int((~said[0] & said[1]).sum()),
        "flips_to_stay": int((said[0] & ~said[1]).sum()),
        "latency_p50_ms": float(np.percentile(pairs["latency_ms"], 50)),
        "latency_p99_ms": float(np.percentile(pairs["latency_ms"], 99)),
        "with_outcome": len(labelled),
        "outcomes": outcome_comparison(labelled) if len(labelled) else None,
    }
    return ShadowReport(**files.rounded(report))


def run(log: pd.DataFrame) -> ShadowReport:
    """Analyse the log's shadow pairs and write reports/ab_shadow.json."""
    report = analyse(log)
    files.write_json(SHADOW_REPORT, report.to_json())
    return report

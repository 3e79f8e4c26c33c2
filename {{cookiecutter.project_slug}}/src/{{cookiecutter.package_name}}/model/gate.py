"""The promotion gate: may a newly trained model become the champion? Its rule lives here.

The gate compares models on the final test set, on paired-bootstrap improvements: the
challenger minus the other model, on the SAME resamples of the test rows (so the customers that
are easy or hard for both cancel out), signed so that positive is better. With
registry.metric and registry.min_improvement of params.yaml:

1. Against the baseline (the reference model), the challenger must be clearly better: the lower
   bound of the improvement's confidence interval is above 0 AND the mean improvement is at
   least `min_improvement`.
2. Against the champion (if there is one), the challenger must not be clearly worse: the upper
   bound of the improvement's confidence interval is at least 0. A challenger as good as the
   champion is promoted (for example the same model retrained on fresher data), because it has
   already cleared the baseline bar.

With no champion (the first version), rule 1 alone decides. Against a champion, the guardrails
of `model/guardrails.py` (calibration, latency, slices, simplicity) must hold too. A refusal is
a normal outcome: the register stage succeeds, the version stays challenger, and
reports/promotion.json says why.

`gate_decision` applies the rule (a GateDecision); `Promotion` is what the register stage
records of it: the content of reports/promotion.json (`to_json`) and the printed lines (`rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.model.guardrails import Check
from {{ cookiecutter.package_name }}.model.metrics import (
    THRESHOLD_FREE,
    bootstrap_values,
    check_bootstrap,
    checked_arrays,
    classification_metrics,
    percentile_interval,
)
from {{ cookiecutter.package_name }}.paths import PROMOTION_JSON

LOWER_IS_BETTER = frozenset({"log_loss", "brier"})


@dataclass(frozen=True)
class GateDecision:
    """The gate's verdict, one reason sentence per check, and the comparisons behind them."""

    promote: bool
    reasons: tuple[str, ...]
    against_baseline: dict[str, object]  # paired_bootstrap(y, baseline, challenger)
    against_champion: dict[str, object] | None  # None when there is no champion yet


@dataclass(frozen=True)
class Promotion:
    """What the register stage did with a new version, and why (reports/promotion.json)."""

    model_name: str
    version: str
    run_id: str
    algorithm: str
    metric: str
    min_improvement: float
    decision: GateDecision
    champion_before: str | None
    champion_after: str | None
    guardrails: tuple[Check, ...]  # empty without a champion
    test_set: dict[str, object]  # guardrails.reuse_of_test_set

    @property
    def promoted(self) -> bool:
        """The gate's rule and every guardrail agree."""
        return self.decision.promote and all(check.passed for check in self.guardrails)

    @property
    def reasons(self) -> list[str]:
        """The rule's sentences, then each guardrail's."""
        return [*self.decision.reasons, *(check.reason for check in self.guardrails)]

    def to_json(self) -> dict[str, object]:
        """The content of reports/promotion.json."""
        comparisons = {
            "baseline": self.decision.against_baseline,
            "champion": self.decision.against_champion,
        }
        return {
            "model_name": self.model_name,
            "version": self.version,
            "run_id": self.run_id,
            "algorithm": self.algorithm,
            "metric": self.metric,
            "min_improvement": self.min_improvement,
            "promoted": self.promoted,
            "champion_before": self.champion_before,
            "champion_after": self.champion_after,
            "reasons": self.reasons,
            "comparisons": files.rounded(comparisons),
            "guardrails": [check.to_json() for check in self.guardrails],
            "test_set": self.test_set,
        }

    def rows(self) -> dict[str, str]:
        """The lines the CLI prints: the version, the verdict, each reason, the champion now."""
        verdict = "promoted to champion" if self.promoted else "refused: stays challenger"
        reasons = enumerate(self.reasons, start=1)
        warning = self.test_set.get("warning")
        return {
            "model": f"{self.model_name} version {self.version} ({self.algorithm})",
            "gate": verdict,
            **{f"reason {i}": reason for i, reason in reasons},
            **({"test set": str(warning)} if warning else {}),
            "champion": f"version {self.champion_after}" if self.champion_after else "none yet",
            "report": str(PROMOTION_JSON),
        }


# --- comparing two models on the same resamples ------------------------------------------------


def _check_metric(metric: str) -> None:
    """Raise a ValueError unless models can be compared on this metric."""
    if metric not in THRESHOLD_FREE:
        raise ValueError(f"metric must be one of {list(THRESHOLD_FREE)}, not {metric!r}.")


def paired_bootstrap(
    y_true: np.ndarray,
    scores_a: np.ndarray,
    scores_b: np.ndarray,
    metric: str = "roc_auc",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> dict[str, object]:
    """Compare model b with model a on the same resamples: the difference b - a and its interval.

    Both models are scored on identical resamples, so the customers that are easy or hard for
    both cancel out and the interval reflects only how the models differ. `share_b_better` is
    the share of resamples where b is strictly better (higher, or lower for log_loss and
    brier). Resamples where the metric is undefined are skipped; `n_resamples` reports how many
    were used.
    """
    _check_metric(metric)
    check_bootstrap(n_resamples, confidence)
    y, a, b = checked_arrays(y_true, scores_a, scores_b)
    values_a, values_b = bootstrap_values(y, [a, b], [metric], 0.5, n_resamples, seed)
    differences = values_b[metric] - values_a[metric]
    differences = differences[~np.isnan(differences)]
    better = differences < 0 if metric in LOWER_IS_BETTER else differences > 0
    lower, upper = percentile_interval(differences, confidence)
    return {
        "metric": metric,
        "higher_is_better": metric not in LOWER_IS_BETTER,
        "estimate_a": classification_metrics(y, a, 0.5)[metric],
        "estimate_b": classification_metrics(y, b, 0.5)[metric],
        "mean_difference": float(differences.mean()) if differences.size else float("nan"),
        "lower": lower,
        "upper": upper,
        "share_b_better": float(better.mean()) if differences.size else float("nan"),
        "confidence": confidence,
        "n_resamples": int(differences.size),
    }


# --- the rule --------------------------------------------------------------------------------


def improvement(comparison: dict[str, object]) -> tuple[float, float, float]:
    """Mean and interval of b's improvement over a: positive means b is better."""
    mean, lower, upper = (float(comparison[key]) for key in ("mean_difference", "lower", "upper"))
    if comparison["higher_is_better"]:
        return mean, lower, upper
    return -mean, -upper, -lower


def gate_decision(
    y_true: np.ndarray,
    challenger: np.ndarray,
    baseline: np.ndarray,
    champion: np.ndarray | None,
    min_improvement: float,
    *,
    metric: str = "roc_auc",
    n_resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
) -> GateDecision:
    """Apply the gate's rule (this module's docstring) and give one reason sentence per check.

    Returns:
        A GateDecision: whether to promote, the reasons (with their numbers), and the
        paired_bootstrap() results against the baseline and against the champion (None without
        a champion).
    """
    if min_improvement < 0:
        raise ValueError(f"min_improvement must be zero or positive, not {min_improvement}.")
    # [exercise 4] apply the gate's two rules and give one reason sentence per check.
    settings = {
        "metric": metric,
        "n_resamples": n_resamples,
        "confidence": confidence,
        "seed": seed,
    }
    against_baseline = paired_bootstrap(y_true, baseline, challenger, **settings)
    mean, lower, upper = improvement(against_baseline)
    level = f"{confidence * 100:g}%"
    beats_baseline = lower > 0 and mean >= min_improvement
    if beats_baseline:
        reasons = [
            f"The challenger beats the baseline on {metric}: the improvement averages "
            f"{mean:.4f} ({level} interval {lower:.4f} to {upper:.4f}), above 0 and at least "
            f"the required {min_improvement:.4f}."
        ]
    else:
        reasons = [
            f"The challenger does not clearly beat the baseline on {metric}: the improvement "
            f"averages {mean:.4f} ({level} interval {lower:.4f} to {upper:.4f}), but promotion "
            f"needs the interval above 0 and an average of at least {min_improvement:.4f}."
        ]
    against_champion = None
    not_worse = True
    if champion is None:
        reasons.append("There is no champion yet, so only the baseline has to be beaten.")
    else:
        against_champion = paired_bootstrap(y_true, champion, challenger, **settings)
        mean, lower, upper = improvement(against_champion)
        not_worse = upper >= 0
        verdict = "is not clearly worse than" if not_worse else "is worse than"
        bound = "reaches 0 or above" if not_worse else "lies entirely below 0"
        reasons.append(
            f"The challenger {verdict} the champion on {metric}: the improvement averages "
            f"{mean:.4f} ({level} interval {lower:.4f} to {upper:.4f}), and the interval {bound}."
        )
    return GateDecision(
        promote=beats_baseline and not_worse,
        reasons=tuple(reasons),
        against_baseline=against_baseline,
        against_champion=against_champion,
    )
    # [/exercise 4]

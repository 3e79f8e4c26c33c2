"""Guardrails of the promotion gate: what one metric does not see.

The gate's rule (`model/gate.py`) looks at registry.metric alone. A challenger can pass it and
still be worse than the champion where it matters, so beside it each of these must hold, with
its tolerance in params.yaml (registry.guardrails):

1. Calibration: its Brier score is at most `max_brier_increase` above the champion's (a "30%"
   that is really 45% misprices every retention offer, whatever the ranking).
2. Latency: the median time of one prediction is at most `max_latency_ratio` times the
   champion's, both timed in turns on the same rows (so a busy machine slows both alike).
3. Slices: on every slice (each value of each categorical input, and each band of the
   numeric inputs of `slice_bands`, such as age, with at least SLICE_MIN_ROWS rows and both
   classes) its ROC AUC is at most `max_slice_drop` below the champion's: a better average
   must not hide a country or an age group it serves worse.
4. Simplicity (the one-standard-error rule, as `make compare` applies it): a challenger more
   complex than the champion (algorithms.SIMPLEST_FIRST) must be clearly better, its
   improvement's interval above 0; within noise, the simpler champion stays.

They compare with the champion, so the first version (no champion) has none. Each check gives
one sentence, and the register stage refuses a challenger that breaks any of them.

The final test set decides every promotion, and each decision taken on it fits it a little (the
more challengers tried, the likelier one wins by luck). `reuse_of_test_set` counts the decisions
taken on the same test file (by its MD5) and warns above registry.test_set_budget.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import GuardrailParams
from {{ cookiecutter.package_name }}.model.algorithms import SIMPLEST_FIRST

# A slice must hold this many test rows to be judged. The ROC AUC of 200 rows (a quarter of them
# churners) has a standard error near 0.03, and two models' difference on the same rows varies
# less: a drop of 0.05 there is unlikely to be luck. The model card's table shows smaller
# slices, but a gate that refused on them would refuse at random.
SLICE_MIN_ROWS = 200
# Rows timed one at a time per model for the latency check: the median of this many is stable
# to a few percent, and both models together take well under a second.
LATENCY_ROWS = 25


@dataclass(frozen=True)
class Check:
    """One guardrail: the champion's and the challenger's figures, the limit, and the verdict."""

    name: str
    champion: float | None
    challenger: float | None
    limit: str
    passed: bool
    reason: str

    def to_json(self) -> dict[str, object]:
        """The check as promotion.json keeps it."""
        return files.rounded(asdict(self))


def brier_check(
    y: np.ndarray, challenger: np.ndarray, champion: np.ndarray, max_increase: float
) -> Check:
    """Calibration: the challenger's Brier score at most `max_increase` above the champion's."""
    new, old = float(brier_score_loss(y, challenger)), float(brier_score_loss(y, champion))
    passed = new - old <= max_increase
    verdict = "within" if passed else "breaks"
    return Check(
        "calibration (Brier)",
        old,
        new,
        f"+{max_increase:g}",
        passed,
        f"Calibration {verdict} its guardrail: Brier score {new:.4f} against the champion's "
        f"{old:.4f} (at most {max_increase:g} higher).",
    )


def latency_check(
    challenger_seconds: Sequence[float], champion_seconds: Sequence[float], max_ratio: float
) -> Check:
    """Latency: the challenger's median one-row time at most `max_ratio` times the champion's."""
    new, old = float(np.median(challenger_seconds)), float(np.median(champion_seconds))
    ratio = new / old if old > 0 else float("inf")
    passed = ratio <= max_ratio
    verdict = "within" if passed else "breaks"
    return Check(
        "latency (one prediction)",
        old * 1000,
        new * 1000,
        f"x{max_ratio:g}",
        passed,
        f"Latency {verdict} its guardrail: one prediction takes {new * 1000:.1f} ms against the "
        f"champion's {old * 1000:.1f} ms ({ratio:.2f}x, at most {max_ratio:g}x).",
    )


def bands(values: pd.Series, cuts: Sequence[float]) -> pd.Series:
    """Each value's band between the cut points: "under 30", "30 to 45", ..., "60 and over"."""
    edges = [-np.inf, *cuts, np.inf]
    names = [
        f"under {cuts[0]:g}",
        *(f"{low:g} to {high:g}" for low, high in pairwise(cuts)),
        f"{cuts[-1]:g} and over",
    ]
    return pd.cut(pd.to_numeric(values), edges, right=False, labels=names)


def slice_frame(
    cleaned: pd.DataFrame, categorical: Sequence[str], banded: Mapping[str, Sequence[float]]
) -> pd.DataFrame:
    """The slice columns: the categorical inputs as they are, the banded numbers as bands.

    A banded column the model does not read (model.drop_columns) is not in `cleaned`: no band.
    """
    frame = cleaned[list(categorical)].copy()
    for name, cuts in banded.items():
        if name in cleaned.columns:
            frame[f"{name} band"] = bands(cleaned[name], cuts)
    return frame


def slice_drops(
    slices: pd.DataFrame, y: np.ndarray, challenger: np.ndarray, champion: np.ndarray
) -> pd.DataFrame:
    """ROC AUC of both models on each measurable slice (one per value of each column)."""
    rows = []
    for column in slices.columns:
        groups = slices.groupby(slices[column].astype("string"), observed=True).indices
        for value, positions in sorted(groups.items()):
            labels = y[positions]
            if labels.size < SLICE_MIN_ROWS or np.unique(labels).size < 2:
                continue
            new = float(roc_auc_score(labels, challenger[positions]))
            old = float(roc_auc_score(labels, champion[positions]))
            rows.append(
                {
                    "slice": f"{column} = {value}",
                    "rows": labels.size,
                    "champion": old,
                    "challenger": new,
                    "drop": old - new,
                }
            )
    return pd.DataFrame(rows, columns=["slice", "rows", "champion", "challenger", "drop"])


def slice_check(
    slices: pd.DataFrame,
    y: np.ndarray,
    challenger: np.ndarray,
    champion: np.ndarray,
    max_drop: float,
) -> Check:
    """Slices: no slice's ROC AUC more than `max_drop` below the champion's on it."""
    table = slice_drops(slices, y, challenger, champion)
    if table.empty:
        reason = f"No slice has {SLICE_MIN_ROWS} rows of both classes, so none is compared."
        return Check("slices (ROC AUC)", None, None, f"-{max_drop:g}", True, reason)
    worst = table.loc[table["drop"].idxmax()]
    passed = bool(worst["drop"] <= max_drop)
    figures = (
        f"{worst['slice']} ({worst['rows']} rows): ROC AUC {worst['challenger']:.3f} against "
        f"the champion's {worst['champion']:.3f}"
    )
    if passed:
        reason = (
            f"Slices within their guardrail: the largest drop of {len(table)} slices is "
            f"{worst['drop']:.3f} ({figures}; at most {max_drop:g})."
        )
    else:
        reason = (
            f"A slice breaks its guardrail: {figures}, a drop of {worst['drop']:.3f} (at most "
            f"{max_drop:g})."
        )
    return Check(
        "slices (ROC AUC)",
        float(worst["champion"]),
        float(worst["challenger"]),
        f"-{max_drop:g}",
        passed,
        reason,
    )


def simplicity_check(
    challenger: str, champion: str, improvement_lower: float, improvement_upper: float
) -> Check:
    """The one-standard-error rule: a more complex challenger must be clearly better."""
    rank = {name: i for i, name in enumerate(SIMPLEST_FIRST)}
    more_complex = rank.get(challenger, len(rank)) > rank.get(champion, len(rank))
    clearly_better = improvement_lower > 0
    passed = not more_complex or clearly_better
    interval = f"interval {improvement_lower:.4f} to {improvement_upper:.4f}"
    if not more_complex:
        reason = f"Simplicity: {challenger} is not more complex than the champion's {champion}."
    elif clearly_better:
        reason = (
            f"Simplicity: {challenger} is more complex than the champion's {champion} and "
            f"clearly better ({interval}, above 0)."
        )
    else:
        verdict = "worse" if improvement_upper < 0 else "within noise of it"
        bound = "below 0" if improvement_upper < 0 else "not above 0"
        reason = (
            f"Simplicity breaks: {challenger} is more complex than the champion's {champion} "
            f"and {verdict} ({interval}, {bound}), so the simpler model stays."
        )
    return Check("simplicity (one standard error)", None, None, "better", passed, reason)


def guardrail_checks(
    y: np.ndarray,
    challenger: np.ndarray,
    champion: np.ndarray,
    slices: pd.DataFrame,
    latency: Mapping[str, Sequence[float]],
    algorithms: Mapping[str, str],
    improvement: tuple[float, float],
    limits: GuardrailParams,
) -> list[Check]:
    """Every guardrail of the module's docstring, in its order.

    Args:
        latency: one-row prediction seconds of "challenger" and "champion".
        algorithms: the algorithm of "challenger" and "champion".
        improvement: the interval (lower, upper) of the challenger's improvement on the gate's
            metric over the champion, signed so that positive is better.
    """
    return [
        brier_check(y, challenger, champion, limits.max_brier_increase),
        latency_check(latency["challenger"], latency["champion"], limits.max_latency_ratio),
        slice_check(slices, y, challenger, champion, limits.max_slice_drop),
        simplicity_check(algorithms["challenger"], algorithms["champion"], *improvement),
    ]


def one_row_seconds(models: Mapping[str, object], rows: pd.DataFrame) -> dict[str, list[float]]:
    """Time each model's predict_proba on one row at a time, the models in turns.

    Turns, not one model after the other: a burst of load from another process then slows
    both models' timings alike, and the ratio stays fair.
    """
    seconds: dict[str, list[float]] = {name: [] for name in models}
    for position in range(min(LATENCY_ROWS, len(rows))):
        row = rows.iloc[[position]]
        for name, model in models.items():
            started = time.perf_counter()
            model.predict_proba(row)  # type: ignore[attr-defined]
            seconds[name].append(time.perf_counter() - started)
    return seconds


def reuse_of_test_set(decisions: int, budget: int, md5: str) -> dict[str, object]:
    """How often the test set has decided, with a warning sentence above the budget."""
    warning = None
    if decisions > budget:
        warning = (
            f"The final test set has now decided {decisions} promotions (budget "
            f"{budget}): each decision fits it a little, so its scores flatter the models. "
            "Refresh it (new data, a later time window) before trusting another close call."
        )
    return {"md5": md5, "decisions": decisions, "budget": budget, "warning": warning}

"""How good the model is on each slice of the customers: each value of each categorical column.

A model can be good on average and poor for one country or one plan: the average hides it. Each
slice gets its ROC AUC with a bootstrap interval beside the reference model's, so that a reader
can tell a weak slice from a merely small one. The model card shows the table; metrics.json keeps
it for tools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.model.metrics import Interval, bootstrap_intervals

# Below this many rows (or with a single class) a slice's ROC AUC is not reported: its interval
# would span most of [0, 1] and say nothing.
MIN_ROWS = 50


@dataclass(frozen=True)
class Slice:
    """One slice of the test set: its size, churn rate and ROC AUC (None when too small)."""

    column: str
    value: str
    rows: int
    churn_rate: float
    roc_auc: Interval | None
    reference_roc_auc: float | None

    def weaker_than(self, overall: float) -> bool:
        """True when even the interval's upper bound is below the whole test set's ROC AUC."""
        return self.roc_auc is not None and self.roc_auc.upper < overall

    def to_json(self) -> dict[str, object]:
        """The slice as metrics.json keeps it."""
        interval = None if self.roc_auc is None else files.rounded(self.roc_auc._asdict())
        return {
            "column": self.column,
            "value": self.value,
            "rows": self.rows,
            "churn_rate": files.rounded(self.churn_rate),
            "roc_auc": interval,
            "reference_roc_auc": files.rounded(self.reference_roc_auc),
        }


def one_slice(
    column: str, value: str, y: np.ndarray, model: np.ndarray, reference: np.ndarray, **bootstrap
) -> Slice:
    """The slice's figures; no ROC AUC below MIN_ROWS rows or with a single class."""
    measurable = y.size >= MIN_ROWS and np.unique(y).size == 2
    interval = bootstrap_intervals(y, model, 0.5, **bootstrap)["roc_auc"] if measurable else None
    reference_auc = float(roc_auc_score(y, reference)) if measurable else None
    return Slice(column, value, int(y.size), float(y.mean()), interval, reference_auc)


def slices(
    test: pd.DataFrame,
    y: np.ndarray,
    scores: pd.DataFrame,
    columns: Sequence[str],
    n_resamples: int,
    confidence: float,
    seed: int,
) -> list[Slice]:
    """Every value of every column, in the columns' order, largest slice first."""
    results = []
    for column in columns:
        groups = test.groupby(test[column].astype("string"), observed=True).indices
        for value, rows in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
            results.append(
                one_slice(
                    column,
                    str(value),
                    y[rows],
                    scores["model"].to_numpy()[rows],
                    scores["reference"].to_numpy()[rows],
                    n_resamples=n_resamples,
                    confidence=confidence,
                    seed=seed,
                )
            )
    return results


def slice_table(results: Sequence[Slice], overall: float) -> str:
    """The model card's markdown table, a weak slice marked."""
    lines = [
        "| slice | rows | churn rate | ROC AUC | interval | reference |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        if result.roc_auc is None:
            figures = "too few rows | | "
        else:
            mark = " (below the whole set)" if result.weaker_than(overall) else ""
            figures = (
                f"{result.roc_auc.estimate:.3f}{mark} | {result.roc_auc.lower:.3f} to "
                f"{result.roc_auc.upper:.3f} | {result.reference_roc_auc:.3f}"
            )
        lines.append(
            f"| {result.column} = {result.value} | {result.rows} | {result.churn_rate:.3f} | "
            f"{figures} |"
        )
    return "\n".join(lines)

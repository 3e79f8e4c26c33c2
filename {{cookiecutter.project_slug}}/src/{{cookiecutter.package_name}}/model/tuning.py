"""Tuning: search the hyperparameters of the chosen algorithm, and measure it honestly (nested CV).

params.yaml's model.tuning sets the method (none, grid or random) and the search space.

1. `tune` cross-validates each candidate on the development folds and keeps the best mean
   validation ROC AUC. That best mean is optimistic: among many candidates, the winner is partly
   the one whose noise happened to suit these very folds, and the same folds then report it.
2. `nested_cv` measures the whole procedure "tune, then fit" instead: in each outer fold, inner
   folds made from the outer training rows only (same strategy, `inner_splits` folds) choose the
   candidate, and the outer validation rows, never seen by that choice, score it. Its mean is
   what tuning is worth on new customers; the gap to the tuned score is the optimism.

The preprocessing steps do not depend on the candidate, so each fold fits them once for all
candidates (`cross_validate_estimators`). The final test set is never involved.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import ParameterGrid, ParameterSampler

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator
from {{ cookiecutter.package_name }}.model.cross_validation import (
    checked_folds,
    cross_validate_estimators,
)
from {{ cookiecutter.package_name }}.model.features import build_steps, model_input
from {{ cookiecutter.package_name }}.model.folds import Split, cv_splits


@dataclass(frozen=True)
class NestedScore:
    """Tuned (non-nested) and nested cross-validation ROC AUC of the tuning procedure."""

    tuned: float  # the best candidate's mean on the folds that chose it (optimistic)
    nested: float  # mean over outer folds of the candidate that inner folds chose
    folds: list[dict[str, object]]  # per outer fold: the chosen candidate and its score

    def rows(self) -> dict[str, str]:
        """The two figures as the commands print them: the optimistic one first."""
        return {
            "tuned CV (non-nested, optimistic)": f"{self.tuned:.3f}",
            "nested CV": f"{self.nested:.3f}",
        }

    def to_json(self) -> dict[str, object]:
        """The figures for reports/training.json."""
        return {
            "tuned_cv_roc_auc": self.tuned,
            "nested_cv_roc_auc": self.nested,
            "optimism": round(self.tuned - self.nested, files.DIGITS),
            "outer_folds": self.folds,
        }


def candidates(params: Params) -> Iterator[dict[str, Any]]:
    """The hyperparameter candidates of the search space of the chosen algorithm."""
    tuning, name = params.model.tuning, params.model.name
    space = tuning.search_space.get(name, {})
    if tuning.method == "none" or not space:
        return iter(())
    if tuning.method == "grid":
        return iter(ParameterGrid(space))
    return iter(ParameterSampler(space, n_iter=tuning.n_iter, random_state=params.seed))


def fold_scores(
    params: Params,
    grid: Sequence[dict[str, Any]],
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
) -> np.ndarray:
    """Validation ROC AUC of each candidate (rows, in grid order) on each fold (columns)."""
    name, seed = params.model.name, params.seed
    base = params.model.hyperparameters.get(name, {})
    estimators = {
        str(i): build_estimator(name, {**base, **candidate}, seed)
        for i, candidate in enumerate(grid)
    }
    folds = cross_validate_estimators(build_steps(params), estimators, X, y, splits)
    return np.array([folds[str(i)]["valid_roc_auc"].to_numpy() for i in range(len(grid))])


def tune(
    params: Params, X: pd.DataFrame, y: np.ndarray, splits: Sequence[Split]
) -> tuple[dict[str, Any], list[dict[str, object]]]:
    """Cross-validate each candidate on the development folds; return the best hyperparameters.

    The final test set is not involved: tuning on it would make its score optimistic.
    """
    base = dict(params.model.hyperparameters.get(params.model.name, {}))
    grid = list(candidates(params))
    if not grid:
        return base, []
    scores = fold_scores(params, grid, X, y, splits)
    tried = [
        {
            **candidate,
            "roc_auc": round(float(row.mean()), files.DIGITS),
            "fold_roc_auc": [round(float(value), files.DIGITS) for value in row],
        }
        for candidate, row in zip(grid, scores, strict=True)
    ]
    best = max(tried, key=lambda row: row["roc_auc"])
    chosen = {k: v for k, v in best.items() if k not in ("roc_auc", "fold_roc_auc")}
    return {**base, **chosen}, tried


def inner_splits(development: pd.DataFrame, params: Params) -> list[Split]:
    """The inner folds of one outer training part: same strategy, `inner_splits` folds."""
    columns, validation = params.columns, params.validation
    return cv_splits(
        development,
        columns.target,
        validation.strategy,
        min(params.model.tuning.inner_splits, validation.n_splits),
        params.seed,
        id_column=columns.id,
        time_column=columns.time,
        holdout_size=validation.holdout_size,
        group_column=columns.group,
    )


def nested_cv(
    params: Params,
    development: pd.DataFrame,
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
    tried: Sequence[dict[str, object]],
) -> NestedScore | None:
    """Score the tuning procedure on outer folds it never chose on (None when tuning is off).

    Args:
        development: the development rows (X's rows), for the inner folds' groups and dates.
        splits: the outer folds (the validation strategy's folds, as `tune` used).
        tried: what `tune` returned for the same folds: its best is the non-nested score, and
            it already holds every candidate's score on every outer fold (fitted on that
            fold's training part), so nested CV only changes who chooses.
    """
    grid = list(candidates(params))
    if not grid or len(tried) != len(grid):
        return None
    outer = []
    for fold, (train, _) in enumerate(splits):
        inner = inner_splits(development.iloc[train], params)
        # The choice sees the outer training part only; the outer validation rows score it.
        chosen = int(np.argmax(fold_scores(params, grid, X.iloc[train], y[train], inner).mean(1)))
        outer.append({**grid[chosen], "roc_auc": tried[chosen]["fold_roc_auc"][fold]})
    tuned = max(float(row["roc_auc"]) for row in tried)
    nested = float(np.mean([row["roc_auc"] for row in outer]))
    return NestedScore(round(tuned, files.DIGITS), round(nested, files.DIGITS), outer)


def measure_tuning(development: pd.DataFrame, params: Params) -> NestedScore:
    """Tune on params.yaml's checked folds, then nest: both scores, without training a model."""
    if not list(candidates(params)):
        raise ParamsError(
            "Nested CV measures tuning, which is off: set model.tuning.method to grid or random "
            f"in params.yaml, with a search space for {params.model.name}."
        )
    splits, _ = checked_folds(development, params)
    X = model_input(development, params)
    y = development[params.columns.target].to_numpy(np.int64)
    _, tried = tune(params, X, y, splits)
    nested = nested_cv(params, development, X, y, splits, tried)
    assert nested is not None  # candidates exist, and tune tried each of them
    return nested

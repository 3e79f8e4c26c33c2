"""The folds gap: how much a random split flatters the model when customers share accounts.

Members of one account (household, company) churn together and look alike, so with a random
split (`stratified_kfold`) the model meets, in validation, accounts it has already seen in
training and is partly scored on what it memorised about them. Grouped folds (`group_kfold` by
`columns.group`) keep each account on one side, as the final test and real traffic do with new
customers. The same model is cross-validated on both kinds of folds; the difference is the leak.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator
from {{ cookiecutter.package_name }}.model.cross_validation import cross_validate
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
from {{ cookiecutter.package_name }}.model.folds import cv_splits


@dataclass(frozen=True)
class FoldsGap:
    """Mean validation ROC AUC of one model on random and on grouped folds."""

    algorithm: str
    group_column: str
    n_splits: int
    leaky: float  # stratified_kfold: accounts on both sides
    grouped: float  # group_kfold: each account on one side

    @property
    def gap(self) -> float:
        """How much higher the random split scores (the leak)."""
        return round(self.leaky - self.grouped, files.DIGITS)

    def rows(self) -> dict[str, object]:
        """The summary the command prints."""
        return {
            "algorithm": f"{self.algorithm} ({self.n_splits} folds each)",
            "stratified_kfold (random, leaky)": f"{self.leaky:.3f}",
            f"group_kfold (by {self.group_column})": f"{self.grouped:.3f}",
            "gap (leak)": f"{self.gap:+.3f}",
        }

    def to_json(self) -> dict[str, object]:
        """The figures for reports/folds_gap.json."""
        return {
            "algorithm": self.algorithm,
            "group_column": self.group_column,
            "n_splits": self.n_splits,
            "stratified_kfold_roc_auc": self.leaky,
            "group_kfold_roc_auc": self.grouped,
            "gap": self.gap,
        }


def folds_gap(development: pd.DataFrame, params: Params, n_splits: int) -> FoldsGap:
    """Cross-validate params.yaml's model on random folds, then on folds grouped by account."""
    columns = params.columns
    group = columns.group or columns.id
    if group is None:
        raise ParamsError(
            "The folds gap needs columns.group (or columns.id) in params.yaml, to know which "
            "rows belong together."
        )
    name = params.model.name
    estimator = build_estimator(name, params.model.hyperparameters.get(name, {}), params.seed)
    pipeline = build_pipeline(params, estimator)
    X, y = model_input(development, params), development[columns.target].to_numpy(np.int64)
    scores = {}
    for strategy in ("stratified_kfold", "group_kfold"):
        splits = cv_splits(
            development, columns.target, strategy, n_splits, params.seed, group_column=group
        )
        folds = cross_validate(pipeline, X, y, splits).folds
        scores[strategy] = round(float(folds["valid_roc_auc"].mean()), files.DIGITS)
    return FoldsGap(name, group, n_splits, scores["stratified_kfold"], scores["group_kfold"])

"""Tuning: search the hyperparameters of the chosen algorithm on the development folds.

params.yaml's model.tuning sets the method (none, grid or random) and the search space; each
candidate is cross-validated on the same folds and the best mean validation ROC AUC wins. The
final test set is not involved: tuning on it would make its score optimistic.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import ParameterGrid, ParameterSampler

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator
from {{ cookiecutter.package_name }}.model.cross_validation import cross_validate
from {{ cookiecutter.package_name }}.model.features import build_pipeline
from {{ cookiecutter.package_name }}.model.folds import Split


def candidates(params: Params) -> Iterator[dict[str, Any]]:
    """The hyperparameter candidates of the search space of the chosen algorithm."""
    tuning, name = params.model.tuning, params.model.name
    space = tuning.search_space.get(name, {})
    if tuning.method == "none" or not space:
        return iter(())
    if tuning.method == "grid":
        return iter(ParameterGrid(space))
    return iter(ParameterSampler(space, n_iter=tuning.n_iter, random_state=params.seed))


def tune(
    params: Params, X: pd.DataFrame, y: np.ndarray, splits: Sequence[Split]
) -> tuple[dict[str, Any], list[dict[str, object]]]:
    """Cross-validate each candidate on the development folds; return the best hyperparameters.

    The final test set is not involved: tuning on it would make its score optimistic.
    """
    name, seed = params.model.name, params.seed
    base = dict(params.model.hyperparameters.get(name, {}))
    tried = []
    for candidate in candidates(params):
        estimator = build_estimator(name, {**base, **candidate}, seed)
        folds = cross_validate(build_pipeline(params, estimator), X, y, splits).folds
        score = round(float(folds["valid_roc_auc"].mean()), files.DIGITS)
        tried.append({**candidate, "roc_auc": score})
    if not tried:
        return base, []
    best = max(tried, key=lambda row: row["roc_auc"])
    return {**base, **{k: v for k, v in best.items() if k != "roc_auc"}}, tried

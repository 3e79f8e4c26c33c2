"""Cross-validation: fit a pipeline on each fold and score it, as train and compare both do.

- `checked_folds` stops on a leaky feature, makes the folds of params.yaml's validation strategy
  (`model/folds.py`) and checks them (`model/leakage.py`): no customer on both sides, and in
  time mode no validation row older than a training row.
- `cross_validate` fits a fresh copy of a pipeline on each fold's training rows and measures both
  sides, keeping the out-of-fold scores (the threshold is chosen from them, and monitoring
  compares traffic with them).
- `learning_curve` and `validation_curve` cross-validate again while the training size or the
  complexity hyperparameter grows, to show bias and variance. Their point at the full size and
  at the chosen hyperparameter is the cross-validation itself: they take its fold scores
  rather than fit the same model on the same rows again.

The final test set is never read here: all of this runs on the development rows.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.algorithms import TABLE, build_estimator
from {{ cookiecutter.package_name }}.model.features import build_steps
from {{ cookiecutter.package_name }}.model.folds import Split, cv_splits
from {{ cookiecutter.package_name }}.model.leakage import (
    check_fold_groups,
    check_group_overlap,
    check_leakage,
    check_time_order,
)
from {{ cookiecutter.package_name }}.model.metrics import THRESHOLD_FREE, classification_metrics

# Shares of each fold's training rows that the learning curve trains on, about doubling from
# one to the next: the curve's shape shows on a log scale, and each smaller size is cheap.
LEARNING_SIZES = (0.1, 0.25, 0.5, 1.0)
# What the reports say about bias and variance when `model.curves` is false.
CURVES_OFF = "not computed (model.curves is false in params.yaml)"


@dataclass(frozen=True)
class FoldScores:
    """What cross-validation measured: metrics per fold and the out-of-fold scores."""

    folds: pd.DataFrame  # one row per fold: valid_<metric>, train_roc_auc, fit_seconds
    y: np.ndarray  # targets of the validation rows, fold after fold
    scores: np.ndarray  # the model's scores for those rows, made without seeing them


def churn_scores(model: Pipeline, X: pd.DataFrame) -> np.ndarray:
    """The model's churn probability for each row."""
    return model.predict_proba(X)[:, 1]


def threshold_free_metrics(y: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    """The metrics models are compared on (ROC AUC, PR AUC, log loss, Brier)."""
    values = classification_metrics(y, scores, threshold=0.5)
    return {name: values[name] for name in THRESHOLD_FREE}


def check_splits(splits: Sequence[Split], development: pd.DataFrame, params: Params) -> None:
    """Raise a LeakageError on a customer (grouped: an account) in both sides, or a look back."""
    columns = params.columns
    grouped = params.validation.strategy == "group_kfold" and columns.group is not None
    for train, valid in splits:
        if columns.id is not None:
            check_group_overlap(
                development[columns.id].iloc[train], development[columns.id].iloc[valid]
            )
        if grouped:
            groups = development[columns.group]
            check_fold_groups(groups.iloc[train], groups.iloc[valid], columns.group)
        if params.validation.strategy == "time":
            check_time_order(
                development[columns.time].iloc[train], development[columns.time].iloc[valid]
            )


def checked_folds(development: pd.DataFrame, params: Params) -> tuple[list[Split], pd.Series]:
    """Stop on a leaky feature, then make the validation folds of params.yaml and check them.

    Returns:
        The (training, validation) folds, and each feature's single-feature ROC AUC.
    """
    columns, model_columns, validation = params.columns, params.model_columns, params.validation
    leakage = check_leakage(
        development,
        columns.target,
        [*model_columns.numeric, *model_columns.categorical],
        validation.leakage_threshold,
        text_columns=model_columns.text,
    )
    splits = cv_splits(
        development,
        columns.target,
        validation.strategy,
        validation.n_splits,
        params.seed,
        id_column=columns.id,
        time_column=columns.time,
        holdout_size=validation.holdout_size,
        group_column=columns.group,
    )
    check_splits(splits, development, params)
    return splits, leakage


def cross_validate(
    pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, splits: Sequence[Split]
) -> FoldScores:
    """Fit a fresh copy of the pipeline on each fold's training rows and score both sides."""
    rows, all_y, all_scores = [], [], []
    for train, valid in splits:
        model = clone(pipeline)
        started = time.perf_counter()
        model.fit(X.iloc[train], y[train])
        fit_seconds = time.perf_counter() - started
        valid_scores = churn_scores(model, X.iloc[valid])
        row = {f"valid_{k}": v for k, v in threshold_free_metrics(y[valid], valid_scores).items()}
        row["train_roc_auc"] = threshold_free_metrics(y[train], churn_scores(model, X.iloc[train]))[
            "roc_auc"
        ]
        row["fit_seconds"] = fit_seconds
        rows.append(row)
        all_y.append(y[valid])
        all_scores.append(valid_scores)
    return FoldScores(pd.DataFrame(rows), np.concatenate(all_y), np.concatenate(all_scores))


def cross_validate_estimators(
    steps: Pipeline,
    estimators: Mapping[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
) -> dict[str, pd.DataFrame]:
    """cross_validate's fold metrics for several estimators behind the same steps.

    The steps (cleaning, features) do not depend on the estimator: they are fitted once per
    fold and their output shared, so each estimator gets the scores the whole pipeline would
    give, in a fraction of the time. Each fit time includes the steps' share, as a fit of the
    whole pipeline would.
    """
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in estimators}
    for train, valid in splits:
        fitted_steps = clone(steps)
        started = time.perf_counter()
        # What Pipeline.fit hands the estimator (fit_transform), and what scoring hands it
        # (transform): the same for these steps, but not for every transformer.
        fitted_on = fitted_steps.fit_transform(X.iloc[train], y[train])
        steps_seconds = time.perf_counter() - started
        seen, unseen = fitted_steps.transform(X.iloc[train]), fitted_steps.transform(X.iloc[valid])
        for name, estimator in estimators.items():
            model = clone(estimator)
            started = time.perf_counter()
            model.fit(fitted_on, y[train])
            fit_seconds = steps_seconds + time.perf_counter() - started
            metrics = threshold_free_metrics(y[valid], model.predict_proba(unseen)[:, 1])
            row = {f"valid_{k}": v for k, v in metrics.items()}
            row["train_roc_auc"] = roc_auc(y[train], model.predict_proba(seen)[:, 1])
            row["fit_seconds"] = fit_seconds
            rows[name].append(row)
    return {name: pd.DataFrame(folds) for name, folds in rows.items()}


def roc_auc(y: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC, as cross_validate reports it."""
    return threshold_free_metrics(y, scores)["roc_auc"]


def fold_summary(folds: pd.DataFrame) -> dict[str, float]:
    """Mean and standard deviation of each fold metric (fit time excluded: it is not a result)."""
    summary = {}
    for name in folds.columns.drop("fit_seconds"):
        summary[f"{name}_mean"] = round(float(folds[name].mean()), files.DIGITS)
        summary[f"{name}_std"] = round(float(folds[name].std(ddof=0)), files.DIGITS)
    return summary


def learning_curve(
    pipeline: Pipeline,
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
    seed: int,
    full: pd.DataFrame,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train and validation ROC AUC for growing shares of each fold's training rows.

    `full` holds cross_validate's fold metrics of the same pipeline on the same splits: the
    last size (all training rows) is that fit, so it is read, not fitted again.

    Returns:
        The mean training-set sizes, and train / validation scores shaped (sizes, folds).
    """
    rng = np.random.default_rng(seed)
    # One random order per fold, so each smaller training set is part of the next larger one.
    orders = [rng.permutation(train) for train, _ in splits]
    sizes = np.zeros(len(LEARNING_SIZES), dtype=np.int64)
    train_scores = np.zeros((len(LEARNING_SIZES), len(splits)))
    valid_scores = np.zeros_like(train_scores)
    for i, share in enumerate(LEARNING_SIZES):
        for j, ((_, valid), order) in enumerate(zip(splits, orders, strict=True)):
            subset = np.sort(order[: max(2, round(share * len(order)))])
            if len(subset) == len(order):
                scores = full.iloc[j]
            else:
                scores = cross_validate(pipeline, X, y, [(subset, valid)]).folds.iloc[0]
            train_scores[i, j] = scores["train_roc_auc"]
            valid_scores[i, j] = scores["valid_roc_auc"]
            sizes[i] += len(subset) // len(splits)
    return sizes, train_scores, valid_scores


def validation_curve(
    params: Params,
    hyperparameters: Mapping[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
    full: pd.DataFrame,
) -> tuple[str, list, np.ndarray, np.ndarray]:
    """Train and validation ROC AUC as the algorithm's complexity hyperparameter varies.

    Only the estimator changes from one value to the next: the steps before it are fitted once
    per fold (cross_validate_estimators). At the value the model already has, `full` (the
    cross-validation's fold metrics on the same splits) is that fit, so it is read instead.
    """
    name = params.model.name
    param, values = TABLE[name].complexity, TABLE[name].curve
    steps = build_steps(params)
    estimators = {
        str(value): build_estimator(name, {**hyperparameters, param: value}, params.seed)
        for value in values
        if value != hyperparameters.get(param)
    }
    folds = cross_validate_estimators(steps, estimators, X, y, splits)
    folds.update({str(value): full for value in values if str(value) not in folds})
    train_scores = np.array([folds[str(value)]["train_roc_auc"].to_numpy() for value in values])
    valid_scores = np.array([folds[str(value)]["valid_roc_auc"].to_numpy() for value in values])
    return param, list(values), train_scores, valid_scores


def learning_curve_verdict(
    train_scores: Sequence[float] | np.ndarray,
    validation_scores: Sequence[float] | np.ndarray,
    max_gap: float = 0.05,
    min_score: float = 0.7,
    still_rising: float = 0.005,
) -> str:
    """Read a learning curve (a higher-is-better score, e.g. ROC AUC, by training-set size).

    Judged at the largest training size:

    - train minus validation above `max_gap` (with train at least `min_score`): high variance
      (over-fitting), the model learns noise of its training rows;
    - otherwise validation below `min_score`: high bias (under-fitting), even the training
      rows are not fitted well enough;
    - otherwise a good fit.

    If validation rose by more than `still_rising` over the last step, the verdict adds that
    more data would likely help.
    """
    train = np.asarray(train_scores, dtype=np.float64)
    validation = np.asarray(validation_scores, dtype=np.float64)
    if train.size == 0 or train.shape != validation.shape:
        raise ValueError("train_scores and validation_scores must be non-empty and equally long.")
    # [exercise 13] judge the curve at its largest size: high variance, high bias or a good fit.
    final_train, final_validation = float(train[-1]), float(validation[-1])
    gap = final_train - final_validation
    scores = f"training {final_train:.3f}, validation {final_validation:.3f}"
    if gap > max_gap and final_train >= min_score:
        verdict = (
            f"high variance (over-fitting): the training score is {gap:.3f} above the validation "
            f"score ({scores}; tolerance {max_gap}); try more data, stronger regularisation or "
            "a simpler model."
        )
    elif final_validation < min_score:
        verdict = (
            f"high bias (under-fitting): the validation score is below {min_score} ({scores}); "
            "try more informative features or a more flexible model."
        )
    else:
        verdict = (
            f"good fit: the scores are close and at least {min_score} ({scores}; gap {gap:.3f})."
        )
    if validation.size > 1 and validation[-1] - validation[-2] > still_rising:
        verdict += " The validation score is still rising, so more data would likely help."
    return verdict
    # [/exercise 13]

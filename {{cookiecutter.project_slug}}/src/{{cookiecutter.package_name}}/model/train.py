"""Train: cross-validate the chosen algorithm on the development rows, then fit it on all of them.

The order of the stage is the order of the craft:

1. Leakage check: a feature that alone predicts churn almost perfectly stops the stage.
2. Folds from the validation strategy of params.yaml (`model/validation.py`), checked: no
   customer on both sides of a fold, and in time mode no validation row older than training.
3. Optional tuning: each candidate of the search space is cross-validated on the same folds.
4. Cross-validation of the model and of the reference model, with out-of-fold scores from
   which the decision threshold is chosen (from the business costs, never on the test set).
5. Learning and validation curves, and what they say about bias and variance.
6. The final fit on every development row, saved as skops files, and one MLflow run holding
   the params, the fold metrics, the figures, the input data set and the model.

Outputs: models/*.skops, models/training.json (the run id and file hashes the next stages
check), models/training_profile.parquet (what monitoring compares traffic with),
reports/training.json (fold metrics) and reports/figures/training/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import ParameterGrid, ParameterSampler
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import (
    BASELINE_FILES,
    DEVELOPMENT_DATA,
    MODEL_FILE,
    PROFILE_SCORE,
    TRAINING_FIGURES,
    TRAINING_JSON,
    TRAINING_PROFILE,
    TRAINING_REPORT,
    Params,
)
from {{ cookiecutter.package_name }}.data.clean import parse_numbers
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model import figures, tracking
from {{ cookiecutter.package_name }}.model.algorithms import (
    COMPLEXITY,
    build_estimator,
    check_hyperparameters,
)
from {{ cookiecutter.package_name }}.model.features import (
    build_dummy,
    build_pipeline,
    build_reference,
    model_input,
)
from {{ cookiecutter.package_name }}.model.metrics import (
    THRESHOLD_FREE,
    choose_threshold,
    classification_metrics,
    learning_curve_verdict,
)
from {{ cookiecutter.package_name }}.model.validation import (
    Split,
    check_group_overlap,
    check_leakage,
    check_time_order,
    cv_splits,
)

# Learning and validation curves refit the model many times: a few folds show the trend.
CURVE_FOLDS = 3
LEARNING_SIZES = (0.1, 0.25, 0.5, 0.75, 1.0)
# Rows kept in the training profile: enough for drift tests to see small shifts, small enough
# to download with each monitoring run.
PROFILE_ROWS = 5000


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
    """Raise a LeakageError if a fold shares a customer or, in time mode, looks into the past."""
    columns = params.columns
    for train, valid in splits:
        if columns.id is not None:
            check_group_overlap(
                development[columns.id].iloc[train], development[columns.id].iloc[valid]
            )
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


def fold_summary(folds: pd.DataFrame) -> dict[str, float]:
    """Mean and standard deviation of each fold metric (fit time excluded: it is not a result)."""
    summary = {}
    for name in folds.columns.drop("fit_seconds"):
        summary[f"{name}_mean"] = round(float(folds[name].mean()), files.DIGITS)
        summary[f"{name}_std"] = round(float(folds[name].std(ddof=0)), files.DIGITS)
    return summary


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


def learning_curve(
    pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, splits: Sequence[Split], seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Train and validation ROC AUC for growing shares of each fold's training rows.

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
) -> tuple[str, list, np.ndarray, np.ndarray]:
    """Train and validation ROC AUC as the algorithm's complexity hyperparameter varies."""
    name = params.model.name
    param, values = COMPLEXITY[name]
    train_scores = np.zeros((len(values), len(splits)))
    valid_scores = np.zeros_like(train_scores)
    for i, value in enumerate(values):
        estimator = build_estimator(name, {**hyperparameters, param: value}, params.seed)
        folds = cross_validate(build_pipeline(params, estimator), X, y, splits).folds
        train_scores[i] = folds["train_roc_auc"].to_numpy()
        valid_scores[i] = folds["valid_roc_auc"].to_numpy()
    return param, list(values), train_scores, valid_scores


def training_profile(
    X: pd.DataFrame, splits: Sequence[Split], scores: np.ndarray, seed: int
) -> pd.DataFrame:
    """A sample of the model's input rows with their out-of-fold scores, for monitoring.

    Out-of-fold scores were made by models that never saw the row, as production scores are:
    scores of the final model on its own training rows would be over-confident, and monitoring
    would then see drift on the first day.
    """
    rows = np.concatenate([valid for _, valid in splits])  # the order of the fold scores
    profile = X.iloc[rows].assign(**{PROFILE_SCORE: scores})
    if len(profile) > PROFILE_ROWS:
        profile = profile.sample(PROFILE_ROWS, random_state=seed)
    return profile.reset_index(drop=True)


def mlflow_params(params: Params, hyperparameters: Mapping[str, Any]) -> dict[str, object]:
    """The params that define this run, flattened for MLflow."""
    validation = params.validation
    return {
        "seed": params.seed,
        "algorithm": params.model.name,
        **{f"model.{k}": v for k, v in sorted(hyperparameters.items())},
        "drop_columns": ",".join(params.model.drop_columns) or "none",
        "text_max_features": params.model.text_max_features,
        "segments": params.model.segments,
        "tuning": params.model.tuning.method,
        "validation.test_split": validation.test_split,
        "validation.strategy": validation.strategy,
        "validation.n_splits": validation.n_splits,
        "cost_missed_churner": params.evaluation.cost_missed_churner,
        "cost_retention_offer": params.evaluation.cost_retention_offer,
    }


def run(params: Params) -> dict[str, object]:
    """Train the model of params.yaml on data/split/development.parquet and track the run."""
    check_hyperparameters(params.model, params.seed)
    # Connect first: an unreachable tracking server should stop the stage before minutes of work.
    tracking.connect(params.registry.model_name)
    development = files.read_parquet(DEVELOPMENT_DATA)
    columns, name = params.columns, params.model.name
    if development[columns.target].nunique() < 2:
        raise DataError(f"{DEVELOPMENT_DATA} holds only one class of {columns.target}.")

    splits, leakage = checked_folds(development, params)
    validation = params.validation
    X = model_input(development, params)
    y = development[columns.target].to_numpy(dtype=np.int64)

    hyperparameters, tried = tune(params, X, y, splits)
    pipeline = build_pipeline(params, build_estimator(name, hyperparameters, params.seed))
    model_cv = cross_validate(pipeline, X, y, splits)
    reference_cv = cross_validate(build_reference(params), X, y, splits)
    costs = params.evaluation
    threshold = choose_threshold(
        model_cv.y, model_cv.scores, costs.cost_missed_churner, costs.cost_retention_offer
    )
    curve_splits = splits[:CURVE_FOLDS]
    sizes, learn_train, learn_valid = learning_curve(pipeline, X, y, curve_splits, params.seed)
    param, values, curve_train, curve_valid = validation_curve(
        params, hyperparameters, X, y, curve_splits
    )
    verdict = learning_curve_verdict(learn_train.mean(axis=1), learn_valid.mean(axis=1))

    started = time.perf_counter()
    model = clone(pipeline).fit(X, y)
    fit_seconds = time.perf_counter() - started
    baselines = {"dummy": build_dummy(params).fit(X, y), "reference": build_reference(params)}
    baselines["reference"].fit(X, y)

    model_summary, reference_summary = (
        fold_summary(model_cv.folds),
        fold_summary(reference_cv.folds),
    )
    report = {
        "algorithm": name,
        "hyperparameters": hyperparameters,
        "strategy": validation.strategy,
        "folds": len(splits),
        "development_rows": len(development),
        "cv": model_summary,
        "reference_cv": reference_summary,
        "threshold": round(threshold, files.DIGITS),
        "learning_curve": {
            "train_sizes": sizes.tolist(),
            "train_roc_auc": np.round(learn_train.mean(axis=1), files.DIGITS).tolist(),
            "validation_roc_auc": np.round(learn_valid.mean(axis=1), files.DIGITS).tolist(),
            "verdict": verdict,
        },
        "validation_curve": {
            "hyperparameter": param,
            "values": values,
            "train_roc_auc": np.round(curve_train.mean(axis=1), files.DIGITS).tolist(),
            "validation_roc_auc": np.round(curve_valid.mean(axis=1), files.DIGITS).tolist(),
        },
        "leakage_check": files.rounded(leakage.to_dict()),
        "tuning": tried,
    }
    learning_figure = figures.learning_curve_figure(sizes, learn_train, learn_valid, "ROC AUC")
    curve_figure = figures.validation_curve_figure(
        param, values, curve_train, curve_valid, "ROC AUC"
    )

    # Files last, each written atomically: a failure above leaves the previous model in place.
    hashes = {"model": tracking.save_model(model, MODEL_FILE)}
    for kind, path in BASELINE_FILES.items():
        hashes[kind] = tracking.save_model(baselines[kind], path)
    with files.atomic_dir(TRAINING_FIGURES) as folder:
        files.save_figure(folder / "learning_curve.png", learning_figure)
        files.save_figure(folder / "validation_curve.png", curve_figure)
    files.write_json(TRAINING_REPORT, report)
    files.write_parquet(TRAINING_PROFILE, training_profile(X, splits, model_cv.scores, params.seed))
    run_id, model_uri, logged_sha256 = log_run(
        params, hyperparameters, report, development, X, model
    )
    files.write_json(
        TRAINING_JSON,
        {
            "run_id": run_id,
            "model_uri": model_uri,
            "algorithm": name,
            "sha256": hashes["model"],
            "logged_sha256": logged_sha256,
            "baselines_sha256": {kind: hashes[kind] for kind in BASELINE_FILES},
            "threshold": report["threshold"],
        },
    )
    return {
        "algorithm": name,
        "strategy": f"{validation.strategy} ({len(splits)} folds)",
        "ROC AUC (folds)": f"{model_summary['valid_roc_auc_mean']:.3f} "
        f"± {model_summary['valid_roc_auc_std']:.3f}",
        "reference ROC AUC": f"{reference_summary['valid_roc_auc_mean']:.3f}",
        "threshold": f"{threshold:.3f}",
        "fit seconds (final)": f"{fit_seconds:.1f}",
        "bias / variance": verdict.split(":")[0],
        "MLflow run": run_id,
    }


def log_run(
    params: Params,
    hyperparameters: Mapping[str, Any],
    report: Mapping[str, Any],
    development: pd.DataFrame,
    X: pd.DataFrame,
    model: Pipeline,
) -> tuple[str, str, str]:
    """Record the training run in MLflow; return its run id, the model's URI and its hash."""
    import mlflow

    with mlflow.start_run(run_name=params.model.name) as run:
        mlflow.log_params(mlflow_params(params, hyperparameters))
        mlflow.log_metrics({f"cv_{k}": v for k, v in report["cv"].items()})
        mlflow.log_metrics({f"reference_cv_{k}": v for k, v in report["reference_cv"].items()})
        mlflow.log_metric("threshold", report["threshold"])
        tracking.log_dataset(
            development, DEVELOPMENT_DATA, params.columns.target, "development", "training"
        )
        mlflow.log_artifacts(str(TRAINING_FIGURES), artifact_path="figures/training")
        mlflow.log_artifact(str(TRAINING_REPORT))
        mlflow.log_artifact(str(TRAINING_PROFILE), artifact_path="profile")
        signature = tracking.model_signature(params, list(X.columns))
        model_uri, sha256 = tracking.log_model(
            model, contract_example(X.head(5), params), MODEL_FILE, signature
        )
    return run.info.run_id, model_uri, sha256


def contract_example(rows: pd.DataFrame, params: Params) -> pd.DataFrame:
    """Input rows as the signature types them: numbers parsed ("1 234,50" -> 1234.5)."""
    numeric = [name for name in params.model_columns.numeric if name in rows.columns]
    return rows.assign(**{name: parse_numbers(rows[name]) for name in numeric})

"""Train: cross-validate the chosen algorithm on the development rows, then fit it on all of them.

The order of the stage is the order of the craft:

1. Leakage check: a feature that alone predicts churn almost perfectly stops the stage.
2. Folds from the validation strategy of params.yaml (`model/folds.py`), checked: no
   customer on both sides of a fold, and in time mode no validation row older than training.
3. Optional tuning (`model/tuning.py`): each candidate of the search space is cross-validated
   on the same folds, and nested CV (inner folds choose, outer folds score) measures the
   tuning honestly.
4. Cross-validation (`model/cross_validation.py`) of the model and of the reference model,
   with out-of-fold scores from which the decision threshold is chosen (from the business
   costs, never on the test set).
5. Learning and validation curves, and what they say about bias and variance (most of the
   stage's time: `model.curves: false` skips them for quick experiments).
6. The final fit on every development row, saved as skops files, and one MLflow run holding
   the params, the fold metrics, the figures, the input data set and the model.

Outputs: models/*.skops, models/training.json (the run id and file hashes the next stages
check), models/training_profile.parquet (what monitoring compares traffic with),
reports/training.json (fold metrics) and reports/figures/training/.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.numbers import parse_numbers
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model import figures, tracking
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator, check_hyperparameters
from {{ cookiecutter.package_name }}.model.cross_validation import (
    CURVES_OFF,
    checked_folds,
    cross_validate,
    fold_summary,
    learning_curve,
    learning_curve_verdict,
    validation_curve,
)
from {{ cookiecutter.package_name }}.model.features import build_dummy, build_pipeline, build_reference, model_input
from {{ cookiecutter.package_name }}.model.folds import Split
from {{ cookiecutter.package_name }}.model.lineage import lineage_tags
from {{ cookiecutter.package_name }}.model.metrics import choose_threshold
from {{ cookiecutter.package_name }}.model.tuning import nested_cv, tune
from {{ cookiecutter.package_name }}.paths import (
    BASELINE_FILES,
    DEVELOPMENT_DATA,
    MODEL_FILE,
    PROFILE_SCORE,
    TRAINING_FIGURES,
    TRAINING_JSON,
    TRAINING_PROFILE,
    TRAINING_REPORT,
)

# Learning and validation curves refit the model many times: a few folds show the trend.
CURVE_FOLDS = 3
# Rows kept in the training profile: enough for drift tests to see small shifts, small enough
# to download with each monitoring run.
PROFILE_ROWS = 5000


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


def bias_variance_curves(
    pipeline: Pipeline,
    params: Params,
    hyperparameters: Mapping[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    splits: Sequence[Split],
    model_folds: pd.DataFrame,
) -> tuple[dict[str, Any], dict[str, Figure]]:
    """The learning and validation curves on a few folds: their report entries and figures.

    `model_folds` (the cross-validation's fold metrics) is the curves' point at the full
    training size and at the chosen hyperparameter. With `model.curves: false` both entries
    are null and there are no figures.
    """
    if not params.model.curves:
        return {"learning_curve": None, "validation_curve": None}, {}
    curve_splits, full = splits[:CURVE_FOLDS], model_folds.iloc[:CURVE_FOLDS]
    sizes, learn_train, learn_valid = learning_curve(
        pipeline, X, y, curve_splits, params.seed, full
    )
    param, values, curve_train, curve_valid = validation_curve(
        params, hyperparameters, X, y, curve_splits, full
    )
    report = {
        "learning_curve": {
            "train_sizes": sizes.tolist(),
            "train_roc_auc": np.round(learn_train.mean(axis=1), files.DIGITS).tolist(),
            "validation_roc_auc": np.round(learn_valid.mean(axis=1), files.DIGITS).tolist(),
            "verdict": learning_curve_verdict(learn_train.mean(axis=1), learn_valid.mean(axis=1)),
        },
        "validation_curve": {
            "hyperparameter": param,
            "values": values,
            "train_roc_auc": np.round(curve_train.mean(axis=1), files.DIGITS).tolist(),
            "validation_roc_auc": np.round(curve_valid.mean(axis=1), files.DIGITS).tolist(),
        },
    }
    figures_by_file = {
        "learning_curve.png": figures.learning_curve_figure(
            sizes, learn_train, learn_valid, "ROC AUC"
        ),
        "validation_curve.png": figures.validation_curve_figure(
            param, values, curve_train, curve_valid, "ROC AUC"
        ),
    }
    return report, figures_by_file


def fit_final(pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray) -> tuple[Pipeline, float]:
    """The model on every development row, and the seconds its fit took."""
    started = time.perf_counter()
    model = clone(pipeline).fit(X, y)
    return model, time.perf_counter() - started


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
        "curves": params.model.curves,
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
    nested = nested_cv(params, development, X, y, splits, tried)
    pipeline = build_pipeline(params, build_estimator(name, hyperparameters, params.seed))
    model_cv = cross_validate(pipeline, X, y, splits)
    reference_cv = cross_validate(build_reference(params), X, y, splits)
    costs = params.evaluation
    threshold = choose_threshold(
        model_cv.y, model_cv.scores, costs.cost_missed_churner, costs.cost_retention_offer
    )
    curves, curve_figures = bias_variance_curves(
        pipeline, params, hyperparameters, X, y, splits, model_cv.folds
    )
    verdict = curves["learning_curve"]["verdict"] if params.model.curves else CURVES_OFF

    model, fit_seconds = fit_final(pipeline, X, y)
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
        "bias_variance": verdict,
        **curves,
        "leakage_check": files.rounded(leakage.to_dict()),
        "tuning": tried,
        "nested_cv": nested.to_json() if nested else None,
    }

    # Files last, each written atomically: a failure above leaves the previous model in place.
    hashes = {"model": tracking.save_model(model, MODEL_FILE)}
    for kind, path in BASELINE_FILES.items():
        hashes[kind] = tracking.save_model(baselines[kind], path)
    with files.atomic_dir(TRAINING_FIGURES) as folder:
        for file_name, figure in curve_figures.items():
            files.save_figure(folder / file_name, figure)
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
        **(nested.rows() if nested else {}),
        "threshold": f"{threshold:.3f}",
        "fit seconds (final)": f"{fit_seconds:.1f}",
        "bias / variance": verdict.split(":")[0] if params.model.curves else "not computed",
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
        mlflow.set_tags(lineage_tags([DEVELOPMENT_DATA]))
        mlflow.log_params(mlflow_params(params, hyperparameters))
        mlflow.log_metrics({f"cv_{k}": v for k, v in report["cv"].items()})
        mlflow.log_metrics({f"reference_cv_{k}": v for k, v in report["reference_cv"].items()})
        mlflow.log_metric("threshold", report["threshold"])
        if report["nested_cv"]:
            nested = report["nested_cv"]
            mlflow.log_metrics({k: nested[k] for k in ("tuned_cv_roc_auc", "nested_cv_roc_auc")})
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

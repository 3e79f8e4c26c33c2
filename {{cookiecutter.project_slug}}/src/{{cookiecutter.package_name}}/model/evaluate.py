"""Evaluate: score the final test set once, with confidence intervals and against the baselines.

This is the only stage besides the promotion gate that reads data/split/test.parquet. It loads
the trained model and the two baselines from their skops files (after checking their hashes
against models/training.json), scores the test rows and reports:

- every metric with a bootstrap confidence interval (`model/metrics.py`), next to the
  reference model (a plain logistic regression) and the dummy model (always the churn rate);
- the expected cost per customer at the threshold chosen in training, next to the cost of
  flagging nobody and of flagging everyone (the decisions a business can make without a model);
- figures: confusion matrix, ROC, precision-recall, calibration, permutation importance and
  the cost curve;
- a model card (reports/model_card.md), logged with everything else to the training's MLflow run.

reports/metrics.json is declared as DVC metrics: `dvc metrics diff` compares it across commits
and experiments. It holds no run id or timing, so the same params give the same file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sklearn.inspection import permutation_importance
from sklearn.pipeline import Pipeline

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model import figures, tracking
from {{ cookiecutter.package_name }}.model.curve_data import curve_tables
from {{ cookiecutter.package_name }}.model.features import model_input
from {{ cookiecutter.package_name }}.model.metrics import (
    METRICS,
    bootstrap_intervals,
    calibration_verdict,
    # [bug 3]
    # [bug 3 planted]
    # choose_threshold,
    # [/bug 3]
    classification_metrics,
    cost_by_threshold,
    expected_cost,
)
from {{ cookiecutter.package_name }}.model.slices import slice_table, slices
from {{ cookiecutter.package_name }}.paths import (
    BASELINE_FILES,
    EVALUATION_FIGURES,
    EVALUATION_PLOTS,
    METRICS_JSON,
    MODEL_CARD,
    MODEL_FILE,
    SPLIT_JSON,
    TEST_DATA,
    TEST_SCORES,
    TRAINING_JSON,
    TRAINING_REPORT,
)

# Permutation importance refits nothing but scores the model n_repeats times per column. On the
# shipped data, 2,000 rows rank the columns as the whole test set does (4,000 rows), in half the
# time: the stage's longest step.
PERMUTATION_ROWS = 2_000
PERMUTATION_REPEATS = 5
MODELS = ("model", "reference", "dummy")


def load_models(training: Mapping[str, Any]) -> dict[str, Pipeline]:
    """The trained model and the baselines, each checked against the hash training recorded."""
    paths = {"model": MODEL_FILE, **BASELINE_FILES}
    hashes = {"model": training["sha256"], **training["baselines_sha256"]}
    return {name: tracking.load_model(paths[name], hashes[name]) for name in MODELS}


def score_models(models: Mapping[str, Pipeline], X: pd.DataFrame) -> pd.DataFrame:
    """Each model's churn probability for each row, one column per model."""
    return pd.DataFrame({name: model.predict_proba(X)[:, 1] for name, model in models.items()})


def evaluation_report(
    y: np.ndarray, scores: pd.DataFrame, training: Mapping[str, Any], params: Params
) -> dict[str, Any]:
    """The test metrics of every model, at the decision threshold of the trained model."""
    # [bug 3]
    threshold = float(training["threshold"])
    # [bug 3 planted]
    # costs = params.evaluation
    # threshold = choose_threshold(
    #     y, scores["model"].to_numpy(), costs.cost_missed_churner, costs.cost_retention_offer
    # )
    # [/bug 3]
    return metrics_report(y, scores, threshold, params)


def metrics_report(
    y: np.ndarray, scores: pd.DataFrame, threshold: float, params: Params
) -> dict[str, Any]:
    """Metrics with intervals for the model, estimates for the baselines, and the costs."""
    costs = params.evaluation
    intervals = bootstrap_intervals(
        y,
        scores["model"].to_numpy(),
        threshold,
        n_resamples=costs.bootstrap_resamples,
        confidence=costs.confidence,
        seed=params.seed,
    )
    cost_args = (costs.cost_missed_churner, costs.cost_retention_offer)
    return {
        "threshold": files.rounded(threshold),
        "test_rows": len(y),
        "confidence": costs.confidence,
        "model": {
            name: {
                "estimate": files.rounded(i.estimate),
                "lower": files.rounded(i.lower),
                "upper": files.rounded(i.upper),
            }
            for name, i in intervals.items()
        },
        "reference": {
            name: files.rounded(value)
            for name, value in classification_metrics(y, scores["reference"], threshold).items()
        },
        "dummy": {
            name: files.rounded(value)
            for name, value in classification_metrics(y, scores["dummy"], threshold).items()
        },
        "cost_per_customer": {
            "model": files.rounded(expected_cost(y, scores["model"], threshold, *cost_args)),
            "flag_nobody": files.rounded(expected_cost(y, np.zeros(len(y)), 1.0, *cost_args)),
            "flag_everyone": files.rounded(expected_cost(y, np.ones(len(y)), 0.0, *cost_args)),
        },
    }


def importances(model: Pipeline, X: pd.DataFrame, y: np.ndarray, seed: int) -> pd.DataFrame:
    """Permutation importance of each raw input column: the ROC AUC lost when it is shuffled.

    Computed on the raw columns the pipeline takes, so one number per column a user knows,
    whatever the encoding made of it.
    """
    rows = np.random.default_rng(seed).permutation(len(X))[:PERMUTATION_ROWS]
    result = permutation_importance(
        model,
        X.iloc[rows],
        y[rows],
        scoring="roc_auc",
        n_repeats=PERMUTATION_REPEATS,
        random_state=seed,
    )
    frame = pd.DataFrame(
        {"mean": result.importances_mean, "std": result.importances_std}, index=X.columns
    )
    return frame.sort_values("mean", ascending=False)


def draw_figures(
    y: np.ndarray,
    scores: pd.DataFrame,
    threshold: float,
    importance: pd.DataFrame,
    params: Params,
) -> dict[str, Any]:
    """Every evaluation figure, by file name."""
    by_model = {name: scores[name].to_numpy() for name in MODELS}
    costs = params.evaluation
    thresholds, cost_values = cost_by_threshold(
        y, by_model["model"], costs.cost_missed_churner, costs.cost_retention_offer
    )
    return {
        "confusion_matrix.png": figures.confusion_matrix_figure(y, by_model["model"], threshold),
        "roc.png": figures.roc_figure(y, by_model),
        "precision_recall.png": figures.precision_recall_figure(y, by_model),
        "calibration.png": figures.calibration_figure(y, by_model),
        "permutation_importance.png": figures.permutation_importance_figure(importance, "ROC AUC"),
        "cost_curve.png": figures.threshold_cost_figure(thresholds, cost_values, threshold),
    }


def interval_row(name: str, interval: Mapping[str, float], reference: Mapping[str, float]) -> str:
    """One markdown table row: the metric, its interval, and the reference's value."""
    return (
        f"| {name} | {interval['estimate']:.3f} | {interval['lower']:.3f} to "
        f"{interval['upper']:.3f} | {reference[name]:.3f} |"
    )


def model_card(
    params: Params,
    training: Mapping[str, Any],
    training_report: Mapping[str, Any],
    split_report: Mapping[str, Any],
    report: Mapping[str, Any],
    importance: pd.DataFrame,
    calibration: str,
    by_slice: str,
) -> str:
    """The model card: what the model is, what it is for, how it was validated, how good it is
    overall and by slice, and its limits."""
    costs = params.evaluation
    level = f"{report['confidence'] * 100:g}%"
    metric_rows = "\n".join(
        interval_row(name, report["model"][name], report["reference"])
        for name in METRICS
        if name not in ("positive_rate", "prevalence")
    )
    top = ", ".join(f"{name} ({value:.3f})" for name, value in importance["mean"].head(5).items())
    leak = max(training_report["leakage_check"].items(), key=lambda item: item[1])
    cost = report["cost_per_customer"]
    development, test = split_report["development"], split_report["test"]
    return f"""# Model card: {params.registry.model_name} ({training["algorithm"]})

## Model
- Algorithm: `{training["algorithm"]}` with hyperparameters `{training_report["hyperparameters"]}`.
- Input: one raw customer record (the columns of the data contract in params.yaml, except
  {", ".join(params.model.drop_columns) or "none"}); the pipeline cleans, encodes and scores it.
- Output: the probability that the customer churns; customers at or above the threshold
  {report["threshold"]:.3f} get a retention offer.
- MLflow run: `{training["run_id"]}`; model file sha256 `{training["sha256"][:16]}…`.

## Intended use
- Rank current customers by their risk of churning, to choose who gets a retention offer; the
  offer is cheap and a person can override it.
- Not for decisions a customer cannot contest (prices, credit, closing an account), and not for
  customers unlike the training data (other markets, products or periods: see the slices below,
  and watch the incoming data once it serves).

## Data
- Development rows: {development["rows"]} (churn rate {development["churn_rate"]:.3f}); final
  test rows: {test["rows"]} (churn rate {test["churn_rate"]:.3f}), split by
  `{split_report["mode"]}`.
- Adversarial validation (development vs test): {split_report["adversarial_verdict"]}

## Validation strategy
- `{training_report["strategy"]}` with {training_report["folds"]} folds on the development rows;
  the final test set was read only by this evaluation.
- Cross-validated ROC AUC {training_report["cv"]["valid_roc_auc_mean"]:.3f} ±
  {training_report["cv"]["valid_roc_auc_std"]:.3f} (reference
  {training_report["reference_cv"]["valid_roc_auc_mean"]:.3f}).
- Learning curve: {training_report["bias_variance"]}

## Metrics on the final test set ({level} bootstrap intervals)
| metric | model | interval | reference |
|---|---|---|---|
{metric_rows}

Threshold-dependent metrics use the threshold {report["threshold"]:.3f}.

## Results by slice ({level} bootstrap intervals of ROC AUC)
Each value of each categorical input; "below the whole set" marks a slice whose interval lies
entirely below the whole test set's ROC AUC.

{by_slice}

## Decision threshold and cost
A missed churner costs {costs.cost_missed_churner:g}, a retention offer
{costs.cost_retention_offer:g}. Expected cost per customer: {cost["model"]:.2f} with the model,
{cost["flag_nobody"]:.2f} flagging nobody, {cost["flag_everyone"]:.2f} flagging everyone.

## Known limitations
- Calibration: {calibration}
- Most important inputs (ROC AUC lost when shuffled): {top}.
- The strongest single feature reaches ROC AUC {leak[1]:.3f} alone (`{leak[0]}`); columns
  known only after the outcome must stay in model.drop_columns.
- The cost model assumes an offer always retains a churner; the test set is the latest
  {params.validation.test_size:g} of the data and may not represent future customers.
"""


def run(params: Params) -> dict[str, object]:
    """Evaluate the trained model on data/split/test.parquet and log the results to its run."""
    training = files.read_json(TRAINING_JSON)
    training_report = files.read_json(TRAINING_REPORT)
    split_report = files.read_json(SPLIT_JSON)
    tracking.connect(params.registry.model_name)
    models = load_models(training)
    test = files.read_parquet(TEST_DATA)
    X = model_input(test, params)
    y = test[params.columns.target].to_numpy(dtype=np.int64)
    if np.unique(y).size < 2:
        raise DataError(f"{TEST_DATA} holds only one class of {params.columns.target}.")

    scores = score_models(models, X)
    report = evaluation_report(y, scores, training, params)
    threshold = report["threshold"]
    importance = importances(models["model"], X, y, params.seed)
    calibration = calibration_verdict(y, scores["model"].to_numpy())
    costs = params.evaluation
    categorical = list(params.model_columns.categorical)
    # By the categories the model sees: its own cleaning step repairs "FRANCE" and "Frnace".
    seen = models["model"].named_steps["clean"].transform(X)
    by_slice = slices(
        seen, y, scores, categorical, costs.bootstrap_resamples, costs.confidence, params.seed
    )
    report["slices"] = [result.to_json() for result in by_slice]
    table = slice_table(by_slice, report["model"]["roc_auc"]["estimate"])
    card = model_card(
        params, training, training_report, split_report, report, importance, calibration, table
    )
    drawn = draw_figures(y, scores, threshold, importance, params)
    curves = curve_tables(y, scores["model"].to_numpy())

    files.write_parquet(TEST_SCORES, scores.assign(**{params.columns.target: y}))
    with files.atomic_dir(EVALUATION_FIGURES) as folder:
        for name, figure in drawn.items():
            files.save_figure(folder / name, figure)
    with files.atomic_dir(EVALUATION_PLOTS) as folder:
        for name, points in curves.items():
            files.write_csv(folder / name, points)
    files.write_text(MODEL_CARD, card)
    files.write_json(METRICS_JSON, report)
    log_evaluation(training["run_id"], report, test, params)
    model = report["model"]
    return {
        "test rows": len(y),
        "ROC AUC": f"{model['roc_auc']['estimate']:.3f} "
        f"[{model['roc_auc']['lower']:.3f}, {model['roc_auc']['upper']:.3f}]",
        "reference ROC AUC": f"{report['reference']['roc_auc']:.3f}",
        "recall / precision": f"{model['recall']['estimate']:.3f} / "
        f"{model['precision']['estimate']:.3f}",
        "cost per customer": f"{report['cost_per_customer']['model']:.2f} "
        f"(nobody flagged: {report['cost_per_customer']['flag_nobody']:.2f})",
        "metrics": str(METRICS_JSON),
        "model card": str(MODEL_CARD),
    }


def log_evaluation(
    run_id: str, report: Mapping[str, Any], test: pd.DataFrame, params: Params
) -> None:
    """Add the test metrics, figures, model card and test data set to the training run."""
    import mlflow

    with mlflow.start_run(run_id=run_id):
        mlflow.log_metrics(
            {f"test_{name}": value["estimate"] for name, value in report["model"].items()}
        )
        mlflow.log_metrics(
            {f"test_{name}_lower": value["lower"] for name, value in report["model"].items()}
        )
        mlflow.log_metrics(
            {f"test_{name}_upper": value["upper"] for name, value in report["model"].items()}
        )
        mlflow.log_metric("test_cost_per_customer", report["cost_per_customer"]["model"])
        tracking.log_dataset(test, TEST_DATA, params.columns.target, "test", "evaluation")
        mlflow.log_artifacts(str(EVALUATION_FIGURES), artifact_path="figures/evaluation")
        mlflow.log_artifact(str(MODEL_CARD))
        mlflow.log_artifact(str(METRICS_JSON))

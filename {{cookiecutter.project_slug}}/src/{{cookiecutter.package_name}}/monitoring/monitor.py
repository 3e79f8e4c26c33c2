"""Monitor: does the served model still see the data it learned from, and is it still right?

`monitor check` reads the last `monitoring.window` served predictions of the prediction log and,
for each model version among them:

1. Data drift: the version's training profile (a sample of its training rows, logged with its
   run by `model train`) against the window's inputs, column by column (monitoring/drift.py).
   Both go through the version's own fitted cleaner first, so that "1 234,50" and 1234.5 are
   the same number and "FR" is France. The id and the time columns are left out: new customers
   have new ids and later signup dates by nature, which is no drift.
2. Prediction drift: the profile's out-of-fold scores against the window's scores.
3. Performance, from the outcomes fed back so far: ROC AUC, accuracy of the decisions served
   (at the version's threshold) and Brier score, against the version's test metrics (logged by
   `model evaluate`). An alert when ROC AUC falls more than `monitoring.performance_tolerance`
   below the test ROC AUC, once `monitoring.min_outcomes` outcomes are in. Label delay:
   predictions still awaiting one.

Alerts, which make `monitor check` exit 1 (for cron or CI) and write reports/retrain_signal.json
saying why: data drift (at least `monitoring.dataset_drift_share` of the input columns drifted,
Evidently's dataset-level rule) and a performance drop. Warnings, reported but not failing: a
few drifted columns below that share, and prediction drift (the scores also move with a trend
the model has learned, e.g. later signups, so on their own they are a reason to look, not to
retrain). reports/monitoring.json always holds the full result.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import MonitoringParams, Params
from {{ cookiecutter.package_name }}.errors import DataError, ProjectError
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.monitoring.drift import (
    ColumnDrift,
    DriftThresholds,
    column_drift,
    dataset_drift,
    prediction_drift,
)
from {{ cookiecutter.package_name }}.monitoring.text_drift import text_drift
from {{ cookiecutter.package_name }}.paths import PROFILE_SCORE, REPORTS
from {{ cookiecutter.package_name }}.serving.predict import records_frame
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

MONITORING_JSON = REPORTS / "monitoring.json"
DRIFT_HEADERS = ("column", "test", "statistic", "threshold", "drifted", "PSI")
RETRAIN_SIGNAL = REPORTS / "retrain_signal.json"
PROFILE_ARTIFACT = "profile/training_profile.parquet"
DIGITS = 4  # monitoring figures are read by people, not diffed: fewer digits (files.DIGITS is 6)


@dataclass(frozen=True)
class Version:
    """What monitoring needs of one registered version: its cleaner, profile and test metrics."""

    version: str
    cleaner: Any
    profile: pd.DataFrame
    test_metrics: dict[str, float]


def load_version(name: str, version: str) -> Version:
    """Load a registered version's model (checked), training profile and test metrics."""
    import mlflow
    from mlflow.exceptions import MlflowException

    registry = mlflow.MlflowClient()
    try:
        found = registry.get_model_version(name, version)
        metrics = registry.get_run(found.run_id).data.metrics
        with tempfile.TemporaryDirectory(prefix="profile-") as workdir:
            path = mlflow.artifacts.download_artifacts(
                run_id=found.run_id, artifact_path=PROFILE_ARTIFACT, dst_path=workdir
            )
            profile = pd.read_parquet(path)
    # ValueError: Arrow's refusal of a profile file that is cut short or not Parquet.
    except (MlflowException, OSError, ValueError) as error:
        raise ProjectError(
            f"Version {version} of '{name}' has no training profile to compare with "
            f"({tracking.first_line(error)}); retrain it with `make pipeline`."
        ) from None
    model = tracking.load_logged_model(f"models:/{name}/{version}", found.tags.get("sha256", ""))
    test_metrics = {k.removeprefix("test_"): v for k, v in metrics.items() if k.startswith("test_")}
    return Version(
        version=version,
        cleaner=model[0],
        profile=profile,
        test_metrics=test_metrics,
    )


def thresholds_of(monitoring: MonitoringParams) -> DriftThresholds:
    """The drift thresholds of params.yaml."""
    return DriftThresholds(
        p_value=monitoring.p_value,
        distance=monitoring.distance,
        dataset_share=monitoring.dataset_drift_share,
    )


def cleaned(cleaner: Any, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's model columns through the version's fitted cleaner (typed, respelt)."""
    return cleaner.transform(frame[list(cleaner.feature_names_in_)])


def cleaned_pair(
    version: Version, window: pd.DataFrame, params: Params
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The profile and the window's inputs, both through the version's fitted cleaner."""
    current_raw = records_frame(window["inputs"].tolist(), params)
    # [bug 6]
    return cleaned(version.cleaner, version.profile), cleaned(version.cleaner, current_raw)
    # [bug 6 planted]
    # current = cleaned(version.cleaner, current_raw)
    # return current.head(len(current) // 2), current
    # [/bug 6]


def data_drift(
    version: Version, window: pd.DataFrame, params: Params, thresholds: DriftThresholds
) -> list[ColumnDrift]:
    """Drift of every monitored column and of the scores, profile against window."""
    columns = params.model_columns
    reference, current = cleaned_pair(version, window, params)
    results = []
    for name in columns.numeric:
        results.append(column_drift(reference[name], current[name], "numeric", thresholds))
    for name in columns.categorical:
        results.append(column_drift(reference[name], current[name], "categorical", thresholds))
    for name in columns.text:
        results += text_drift(reference[name], current[name], thresholds)
    scores = window["score"].to_numpy(dtype=float)
    results.append(prediction_drift(version.profile[PROFILE_SCORE], scores, thresholds))
    return results


def auc_standard_error(auc: float, positives: int, negatives: int) -> float:
    """The standard error of a ROC AUC (Hanley & McNeil, 1982), from its value and class counts."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (
        auc * (1 - auc) + (positives - 1) * (q1 - auc**2) + (negatives - 1) * (q2 - auc**2)
    ) / (positives * negatives)
    return float(max(variance, 0.0) ** 0.5)


def outcome_metrics(known: pd.DataFrame) -> dict[str, Any]:
    """ROC AUC (with its standard error), accuracy and Brier score of predictions with outcomes."""
    y = known["outcome"].to_numpy(dtype=int)
    scores = known["score"].to_numpy(dtype=float)
    result: dict[str, Any] = {
        "outcomes": len(known),
        "accuracy": round(float((known["decision"].astype(int) == y).mean()), DIGITS),
        "brier": round(float(brier_score_loss(y, scores, labels=[0, 1])), DIGITS),
        "roc_auc": None,
        "roc_auc_se": None,
    }
    positives = int(y.sum())
    if 0 < positives < len(y):
        auc = float(roc_auc_score(y, scores))
        result["roc_auc"] = round(auc, DIGITS)
        result["roc_auc_se"] = round(auc_standard_error(auc, positives, len(y) - positives), DIGITS)
    return result


def performance_alert(
    metrics: dict[str, Any], reference: float | None, monitoring: MonitoringParams
) -> str | None:
    """Why the ROC AUC counts as fallen, or None.

    Two conditions, both needed: the drop is larger than the tolerance (it matters), and larger
    than chance (the window's ROC AUC plus 1.96 standard errors stays below the test ROC AUC).
    The second keeps small windows from crying wolf: with 200 outcomes a ROC AUC wobbles by
    about 0.03 on its own.
    """
    # [exercise 16] alert when the drop passes both the tolerance and chance (1.96 std errors).
    auc, se = metrics["roc_auc"], metrics["roc_auc_se"]
    if auc is None or reference is None or metrics["outcomes"] < monitoring.min_outcomes:
        return None
    drop = reference - auc
    if drop <= monitoring.performance_tolerance or auc + 1.96 * se >= reference:
        return None
    return (
        f"ROC AUC {auc:.3f} (± {1.96 * se:.3f}) on {metrics['outcomes']:,} outcomes is "
        f"{drop:.3f} below the test ROC AUC {reference:.3f} "
        f"(tolerance {monitoring.performance_tolerance})."
    )
    # [/exercise 16]


def performance(window: pd.DataFrame, version: Version, monitoring: MonitoringParams) -> dict:
    """Metrics on the predictions whose outcome is known, per variant too, against the test."""
    known = window.dropna(subset=["outcome"])
    reference = version.test_metrics.get("roc_auc")
    result: dict[str, Any] = {
        "outcomes": len(known),
        "awaiting_outcome": int(window["outcome"].isna().sum()),
        "test_roc_auc": reference,
        "alert": None,
    }
    if known.empty:
        return result
    result |= outcome_metrics(known)
    result["alert"] = performance_alert(result, reference, monitoring)
    # A version can answer as several variants (champion, canary share): each judged apart.
    result["variants"] = {
        str(variant): outcome_metrics(part) for variant, part in known.groupby("variant")
    }
    return result


def check_version(version: Version, window: pd.DataFrame, params: Params) -> dict[str, Any]:
    """Drift and performance of one version over its part of the window, with its alerts."""
    monitoring = params.monitoring
    perf = performance(window, version, monitoring)
    alerts, warnings = [], []
    if len(window) < monitoring.min_predictions:
        # A handful of rows differs from any reference by chance: no verdict on drift yet.
        drifts, drifted, share = [], False, None
        warnings.append(
            f"Not enough data to judge drift: {len(window):,} predictions, "
            f"{monitoring.min_predictions:,} needed (monitoring.min_predictions)."
        )
    else:
        thresholds = thresholds_of(monitoring)
        drifts = data_drift(version, window, params, thresholds)
        inputs = [drift for drift in drifts if drift.column != PROFILE_SCORE]
        drifted, share = dataset_drift(inputs, thresholds.dataset_share)
        names = [drift.column for drift in inputs if drift.drifted]
        if drifted:
            alerts.append(
                f"Data drift: {share:.0%} of the columns drifted (alert at "
                f"{thresholds.dataset_share:.0%}): {', '.join(names)}."
            )
        elif names:
            warnings.append(f"Column drift below the data set's share: {', '.join(names)}.")
        score_drift = drifts[-1]
        if score_drift.drifted:
            warnings.append(
                f"Prediction drift: the scores moved by {score_drift.statistic:.3f} "
                f"({score_drift.test}, threshold {score_drift.threshold:g})."
            )
    if perf["alert"]:
        alerts.append(f"Performance: {perf['alert']}")
    return {
        "version": version.version,
        "predictions": len(window),
        "drifted_share": None if share is None else round(share, DIGITS),
        "dataset_drift": drifted,
        "drifted_columns": [drift.column for drift in drifts if drift.drifted],
        "columns": [files.rounded(asdict(drift), DIGITS) for drift in drifts],
        "performance": perf,
        "alerts": alerts,
        "warnings": warnings,
    }


def drift_rows(result: dict[str, Any]) -> list[tuple[str, ...]]:
    """A version's drift table as the terminal shows it: one row per monitored column."""
    return [
        (
            column["column"],
            column["test"],
            f"{column['statistic']:.3f}",
            f"{column['threshold']:g}",
            "yes" if column["drifted"] else "no",
            f"{column['psi']:.3f} ({column['psi_band']})",
        )
        for column in result["columns"]
    ]


def outcome_line(result: dict[str, Any]) -> str:
    """A version's performance in one line: outcomes in and awaited, ROC AUC, accuracy."""
    perf = result["performance"]
    return (
        f"Outcomes: {perf['outcomes']:,} in, {perf['awaiting_outcome']:,} awaited; ROC AUC "
        f"{perf.get('roc_auc')} (test {perf['test_roc_auc']}), accuracy {perf.get('accuracy')}"
    )


def served_window(log: PredictionLog, last: int, hours: float | None = None) -> pd.DataFrame:
    """The last `last` served predictions, of the last `hours` only when given.

    Shadow predictions are left out: they are the challenger's, never an answer.
    """
    since = None if hours is None else datetime.now(UTC) - timedelta(hours=hours)
    window = log.read(since=since, last=last)
    window = window[window["served"].astype(bool)]
    if window.empty:
        period = "" if hours is None else f" in the last {hours:g} hours"
        raise DataError(
            f"The prediction log holds no served prediction{period} yet: serve some traffic "
            "first (make serve, or monitor simulate)."
        )
    return window


def checked_versions(
    params: Params, log: PredictionLog, name: str, hours: float | None = None
) -> list[tuple[Version, pd.DataFrame, dict[str, Any]]]:
    """Each version in the window: the version, its predictions and its check."""
    window = served_window(log, params.monitoring.window, hours)
    # The registry of MLFLOW_TRACKING_URI (default: the project's store); an unreachable
    # server is one sentence here, before any work.
    tracking.connect(name)
    checked = []
    for number, part in window.groupby("model_version", sort=True):
        version = load_version(name, str(number))
        checked.append((version, part, check_version(version, part, params)))
    return checked


def summary(checked: list[tuple[Version, pd.DataFrame, dict[str, Any]]]) -> dict[str, Any]:
    """The whole check: every version's result, and all alerts and warnings together."""
    versions = [result for _, _, result in checked]
    return {
        "window": sum(len(part) for _, part, _ in checked),
        "versions": versions,
        "alerts": [alert for version in versions for alert in version["alerts"]],
        "warnings": [warning for version in versions for warning in version["warnings"]],
    }


def write_outputs(report: dict[str, Any]) -> None:
    """Write monitoring.json; the retraining signal exists exactly when the last check alerted."""
    files.write_json(MONITORING_JSON, report)
    if report["alerts"]:
        files.write_json(RETRAIN_SIGNAL, {"reasons": report["alerts"]})
    else:
        RETRAIN_SIGNAL.unlink(missing_ok=True)


def run_check(
    params: Params, log: PredictionLog, name: str, hours: float | None = None
) -> dict[str, Any]:
    """Check every version in the window; write monitoring.json, and the signal on an alert."""
    report = summary(checked_versions(params, log, name, hours))
    write_outputs(report)
    return report

"""The leaderboard's rows: each algorithm's cross-validated scores, spread and cost, exactly.

The whole comparison (cross-validation, baselines, MLflow runs) is in test_stages.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.model.compare import COLUMNS, leaderboard_row


def folds(**changes: list[float]) -> pd.DataFrame:
    """Two folds' scores as cross_validate writes them: train and validation metrics, fit time."""
    scores = {f"{part}_{metric}": [0.5, 0.5] for part in ("train", "valid") for metric in COLUMNS}
    return pd.DataFrame({**scores, "fit_seconds": [1.0, 2.0], **changes})


@pytest.mark.exercise(37)
def test_a_row_gives_the_mean_and_spread_of_each_validation_metric() -> None:
    scores = folds(valid_roc_auc=[0.8, 0.7], valid_brier=[0.1, 0.2], fit_seconds=[0.1234, 0.2])

    row = leaderboard_row("logistic_regression", scores)

    assert list(row) == [
        "algorithm",
        *(f"{metric}_{stat}" for metric in COLUMNS for stat in ("mean", "std")),
        "train_roc_auc_mean",
        "fit_seconds",
    ]
    assert row["algorithm"] == "logistic_regression"
    assert row["roc_auc_mean"] == pytest.approx(0.75)
    assert row["roc_auc_std"] == pytest.approx(0.05)  # the folds' own spread (ddof=0)
    assert row["brier_mean"] == pytest.approx(0.15)
    assert row["pr_auc_std"] == 0.0
    assert row["fit_seconds"] == 0.162  # the mean, to the millisecond


@pytest.mark.exercise(37)
def test_a_row_keeps_the_training_score_to_show_overfitting() -> None:
    scores = folds(train_roc_auc=[1.0, 0.98], valid_roc_auc=[0.7, 0.72])

    row = leaderboard_row("decision_tree", scores)

    assert row["train_roc_auc_mean"] == pytest.approx(0.99)
    assert row["roc_auc_mean"] == pytest.approx(0.71)
    assert "train_brier_mean" not in row  # only validation scores rank the algorithms

"""The leaderboard's rows: each algorithm's cross-validated scores, spread and cost, exactly.

The whole comparison (cross-validation, baselines, MLflow runs) is in test_stages.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, SIMPLEST_FIRST
from {{ cookiecutter.package_name }}.model.compare import (
    COLUMNS,
    leaderboard_row,
    one_standard_error,
    within_noise_sentence,
)


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


def board(**scores: tuple[float, float]) -> pd.DataFrame:
    """A leaderboard of (mean, std) ROC AUC per algorithm, best first as compare sorts it."""
    rows = {name: {"roc_auc_mean": m, "roc_auc_std": s} for name, (m, s) in scores.items()}
    return pd.DataFrame.from_dict(rows, orient="index").sort_values("roc_auc_mean", ascending=False)


def test_a_simpler_model_within_one_standard_error_is_preferred() -> None:
    # Five folds: the standard error of gradient boosting's mean is 0.006 / sqrt(5) = 0.0027.
    scores = board(gradient_boosting=(0.834, 0.006), logistic_regression=(0.832, 0.004))

    choice = one_standard_error(scores, folds=5)

    assert choice == {
        "best": "gradient_boosting",
        "best_roc_auc": 0.834,
        "standard_error": 0.002683,
        "pick": "logistic_regression",
        "pick_roc_auc": 0.832,
    }
    sentence = within_noise_sentence(choice)
    assert sentence.startswith("One-standard-error rule: logistic_regression (0.832) is within")


def test_a_lead_larger_than_the_noise_keeps_the_best() -> None:
    scores = board(gradient_boosting=(0.834, 0.006), logistic_regression=(0.828, 0.004))

    choice = one_standard_error(scores, folds=5)

    assert (choice["best"], choice["pick"]) == ("gradient_boosting", "gradient_boosting")
    assert "no simpler algorithm is within one standard error" in within_noise_sentence(choice)


def test_the_baselines_are_never_the_pick_and_every_algorithm_has_a_rank() -> None:
    scores = board(reference=(0.90, 0.001), dummy=(0.5, 0.0), random_forest=(0.80, 0.01))

    assert one_standard_error(scores, folds=5)["pick"] == "random_forest"
    assert one_standard_error(board(reference=(0.9, 0.0)), folds=5) == {}
    # An algorithm missing from SIMPLEST_FIRST would never be picked: every one has a rank.
    assert sorted(SIMPLEST_FIRST) == sorted(ALGORITHMS)

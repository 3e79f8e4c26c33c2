"""Compare: every algorithm under the same validation strategy, as one leaderboard.

Each algorithm is cross-validated on the same folds of the development rows (the final test set
is not read), with the hyperparameters of params.yaml, next to the reference and dummy models.
In MLflow the comparison is one parent run with a child run per algorithm, so the runs can be
sorted and charted side by side in the UI. The leaderboard goes to reports/leaderboard.json and
reports/figures/leaderboard.png; pick a winner and set it as model.name in params.yaml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model import cross_validation, figures, tracking
from {{ cookiecutter.package_name }}.model.algorithms import (
    ALGORITHMS,
    SIMPLEST_FIRST,
    build_estimator,
    check_hyperparameters,
)
from {{ cookiecutter.package_name }}.model.features import build_dummy, build_reference, build_steps, model_input
from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA, FIGURES, LEADERBOARD_JSON

SPLIT_COMMAND = "{{ cookiecutter.project_slug }} model split"
LEADERBOARD_FIGURE = FIGURES / "leaderboard.png"
COLUMNS = ("roc_auc", "pr_auc", "log_loss", "brier")


@dataclass(frozen=True, eq=False)
class Leaderboard:
    """The comparison's result: reports/leaderboard.json (`to_json`), the table (`rows`)."""

    HEADERS: ClassVar[tuple[str, ...]] = (
        "algorithm",
        "ROC AUC",
        "PR AUC",
        "log loss",
        "Brier",
        "fit s",
    )

    strategy: str
    folds: int
    n_rows: int  # development rows cross-validated
    board: pd.DataFrame  # one row per algorithm (the index), best mean ROC AUC first
    run_id: str  # the MLflow parent run
    within_noise: dict[str, object]  # the one-standard-error rule's pick (one_standard_error)

    def to_json(self) -> dict[str, object]:
        """The content of reports/leaderboard.json."""
        return {
            "strategy": self.strategy,
            "folds": self.folds,
            "rows": self.n_rows,
            "leaderboard": self.board.reset_index().to_dict(orient="records"),
            "one_standard_error": self.within_noise,
        }

    def rows(self) -> list[tuple[str, ...]]:
        """One line per algorithm under HEADERS: each metric's mean ± std, and the fit time."""
        return [
            (
                str(name),
                *(f"{row[f'{m}_mean']:.3f} ± {row[f'{m}_std']:.3f}" for m in COLUMNS),
                f"{row['fit_seconds']:.2f}",
            )
            for name, row in self.board.iterrows()
        ]


def chosen_algorithms(names: Sequence[str] | None) -> list[str]:
    """The algorithms to compare: all of them, or the ones named (each must exist)."""
    if not names:
        return list(ALGORITHMS)
    unknown = [name for name in names if name not in ALGORITHMS]
    if unknown:
        raise ParamsError(
            f"Unknown algorithm '{unknown[0]}'; choose among {', '.join(ALGORITHMS)}."
        )
    return list(dict.fromkeys(names))


def subsample(rows: pd.DataFrame, max_rows: int | None, target: str, seed: int) -> pd.DataFrame:
    """At most max_rows development rows, the churn rate kept (a quicker, rougher comparison)."""
    if max_rows is None or len(rows) <= max_rows:
        return rows
    if max_rows < 100:
        raise ParamsError(f"--max-rows must be at least 100, not {max_rows}.")
    share = max_rows / len(rows)
    parts = [
        group.sample(frac=share, random_state=seed) for _, group in rows.groupby(target, sort=True)
    ]
    return pd.concat(parts).sort_index()


def leaderboard_row(name: str, folds: pd.DataFrame) -> dict[str, object]:
    """One algorithm's mean and std of each validation metric, and its mean fit time."""
    # [exercise 37] the mean and std of each validation metric, the train ROC AUC, the fit time.
    summary = cross_validation.fold_summary(folds)
    row: dict[str, object] = {"algorithm": name}
    for metric in COLUMNS:
        row[f"{metric}_mean"] = summary[f"valid_{metric}_mean"]
        row[f"{metric}_std"] = summary[f"valid_{metric}_std"]
    row["train_roc_auc_mean"] = summary["train_roc_auc_mean"]
    row["fit_seconds"] = round(float(folds["fit_seconds"].mean()), 3)
    return row
    # [/exercise 37]


def one_standard_error(board: pd.DataFrame, folds: int) -> dict[str, object]:
    """The simplest algorithm whose mean ROC AUC is within one standard error of the best's.

    The standard error is the best algorithm's fold spread over the square root of the folds:
    a lead smaller than that is noise of the folds, and the simpler model is cheaper to run,
    explain and keep (Breiman's one-standard-error rule). Baselines are not candidates.
    """
    candidates = board.loc[[name for name in SIMPLEST_FIRST if name in board.index]]
    if candidates.empty:
        return {}
    best = str(candidates["roc_auc_mean"].idxmax())
    error = float(candidates.loc[best, "roc_auc_std"]) / np.sqrt(folds)
    floor = float(candidates.loc[best, "roc_auc_mean"]) - error
    pick = next(name for name, row in candidates.iterrows() if row["roc_auc_mean"] >= floor)
    return files.rounded(
        {
            "best": best,
            "best_roc_auc": candidates.loc[best, "roc_auc_mean"],
            "standard_error": error,
            "pick": str(pick),
            "pick_roc_auc": candidates.loc[pick, "roc_auc_mean"],
        }
    )


def within_noise_sentence(choice: dict[str, object]) -> str:
    """The rule's verdict in one sentence, for the terminal."""
    if not choice:
        return "One-standard-error rule: no algorithm compared."
    error = f"standard error {choice['standard_error']:.3f}"
    best = f"{choice['best']} ({choice['best_roc_auc']:.3f}, {error})"
    if choice["pick"] == choice["best"]:
        return (
            f"One-standard-error rule: {best} is the best, and no simpler algorithm is within one "
            "standard error of it."
        )
    return (
        f"One-standard-error rule: {choice['pick']} ({choice['pick_roc_auc']:.3f}) is within one "
        f"standard error of the best, {best}, and simpler: prefer it unless the gap matters."
    )


def run(
    params: Params, algorithms: Sequence[str] | None = None, max_rows: int | None = None
) -> Leaderboard:
    """Cross-validate each algorithm and the baselines; return the leaderboard, best first."""
    import mlflow

    names = chosen_algorithms(algorithms)
    check_hyperparameters(params.model, params.seed)
    tracking.connect(params.registry.model_name)
    columns, validation = params.columns, params.validation
    development = files.read_parquet(DEVELOPMENT_DATA)
    development = subsample(development, max_rows, columns.target, params.seed)
    development = development.reset_index(drop=True)
    splits, _ = cross_validation.checked_folds(development, params)
    X = model_input(development, params)
    y = development[columns.target].to_numpy(dtype=np.int64)

    estimators = {
        name: build_estimator(name, params.model.hyperparameters.get(name, {}), params.seed)
        for name in names
    }
    # Every algorithm behind the same cleaning and features, fitted once per fold and shared;
    # the baselines have their own, simpler pipelines.
    steps = build_steps(params)
    fold_metrics = cross_validation.cross_validate_estimators(steps, estimators, X, y, splits)
    baselines = {"reference": build_reference(params), "dummy": build_dummy(params)}
    for name, baseline in baselines.items():
        fold_metrics[name] = cross_validation.cross_validate(baseline, X, y, splits).folds
    rows = []
    with mlflow.start_run(run_name="compare") as parent:
        mlflow.log_params(
            {"strategy": validation.strategy, "folds": len(splits), "rows": len(development)}
        )
        for name, folds in fold_metrics.items():
            with mlflow.start_run(run_name=name, nested=True):
                row = leaderboard_row(name, folds)
                mlflow.log_param("algorithm", name)
                mlflow.log_params(
                    {f"model.{k}": v for k, v in params.model.hyperparameters.get(name, {}).items()}
                )
                mlflow.log_metrics({k: v for k, v in row.items() if k != "algorithm"})
            rows.append(row)
        board = pd.DataFrame(rows).set_index("algorithm")
        board = board.sort_values("roc_auc_mean", ascending=False, kind="stable")
        leaderboard = Leaderboard(
            validation.strategy,
            len(splits),
            len(development),
            board,
            parent.info.run_id,
            one_standard_error(board, len(splits)),
        )
        figure = figures.leaderboard_figure(board)
        files.save_figure(LEADERBOARD_FIGURE, figure)
        files.write_json(LEADERBOARD_JSON, leaderboard.to_json())
        mlflow.log_artifact(str(LEADERBOARD_FIGURE))
        mlflow.log_artifact(str(LEADERBOARD_JSON))
        mlflow.set_tag("best_algorithm", str(board.index[0]))
    return leaderboard

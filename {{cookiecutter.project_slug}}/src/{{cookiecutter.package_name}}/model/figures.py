"""Figures of the model stages: curves that show bias and variance, and how good a model is.

Only drawing happens here: every number comes from the caller or from scikit-learn's curve
functions. Figures are matplotlib `Figure` objects (no pyplot state, no GUI backend); the
stages save them with files.save_figure, which DVC declares as plots and MLflow logs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from sklearn.calibration import calibration_curve
from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_curve

# The same colour for the same model on every figure.
COLOURS = {"model": "tab:blue", "reference": "tab:orange", "dummy": "tab:gray"}
TRAIN_COLOUR, VALID_COLOUR = "tab:red", "tab:green"


def new_axes(width: float = 6.0, height: float = 4.0) -> tuple[Figure, Axes]:
    """A figure with one set of axes."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots()


def band(ax: Axes, x: Sequence, scores: np.ndarray, label: str, colour: str) -> None:
    """Plot the mean over folds (columns) as a line and +- one standard deviation as a band."""
    mean, std = scores.mean(axis=1), scores.std(axis=1)
    ax.plot(x, mean, marker="o", label=label, color=colour)
    ax.fill_between(x, mean - std, mean + std, alpha=0.2, color=colour)


def learning_curve_figure(
    sizes: np.ndarray, train: np.ndarray, valid: np.ndarray, metric: str
) -> Figure:
    """Training and validation score by training-set size (rows: sizes, columns: folds)."""
    figure, ax = new_axes()
    band(ax, sizes, train, "training rows", TRAIN_COLOUR)
    band(ax, sizes, valid, "validation rows", VALID_COLOUR)
    ax.set(xlabel="training rows", ylabel=metric, title="Learning curve")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return figure


def validation_curve_figure(
    param: str, values: Sequence, train: np.ndarray, valid: np.ndarray, metric: str
) -> Figure:
    """Training and validation score as the complexity hyperparameter grows (left: simplest)."""
    figure, ax = new_axes()
    # Evenly spaced positions: the values span several orders of magnitude.
    positions = np.arange(len(values))
    band(ax, positions, train, "training rows", TRAIN_COLOUR)
    band(ax, positions, valid, "validation rows", VALID_COLOUR)
    ax.set_xticks(positions, [f"{value:g}" for value in values])
    ax.set(xlabel=f"{param} (simplest model on the left)", ylabel=metric, title="Validation curve")
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return figure


def confusion_matrix_figure(y: np.ndarray, scores: np.ndarray, threshold: float) -> Figure:
    """Counts of customers by true outcome and by decision at the threshold."""
    matrix = confusion_matrix(y, (scores >= threshold).astype(int), labels=[0, 1])
    figure, ax = new_axes(4.5, 4.0)
    ax.imshow(matrix, cmap="Blues")
    for (row, column), count in np.ndenumerate(matrix):
        colour = "white" if count > matrix.max() / 2 else "black"
        ax.text(column, row, f"{count:,}", ha="center", va="center", color=colour)
    ax.set_xticks([0, 1], ["no offer", "offer"])
    ax.set_yticks([0, 1], ["stayed", "churned"])
    ax.set(xlabel=f"decision (score >= {threshold:.3f})", ylabel="outcome")
    ax.set_title("Confusion matrix (final test set)")
    return figure


def roc_figure(y: np.ndarray, by_model: Mapping[str, np.ndarray]) -> Figure:
    """ROC curve of each model, with its area in the legend."""
    from sklearn.metrics import roc_auc_score

    figure, ax = new_axes(5.0, 5.0)
    for name, scores in by_model.items():
        fpr, tpr, _ = roc_curve(y, scores)
        auc = roc_auc_score(y, scores)
        ax.plot(fpr, tpr, label=f"{name} (AUC {auc:.3f})", color=COLOURS.get(name))
    ax.plot([0, 1], [0, 1], linestyle=":", color="black", linewidth=0.8)
    ax.set(xlabel="false positive rate", ylabel="true positive rate (recall)", title="ROC curve")
    ax.legend(loc="lower right")
    return figure


def precision_recall_figure(y: np.ndarray, by_model: Mapping[str, np.ndarray]) -> Figure:
    """Precision-recall curve of each model; the dotted line is the churn rate (no skill)."""
    from sklearn.metrics import average_precision_score

    figure, ax = new_axes(5.0, 5.0)
    for name, scores in by_model.items():
        precision, recall, _ = precision_recall_curve(y, scores)
        ap = average_precision_score(y, scores)
        ax.plot(recall, precision, label=f"{name} (AP {ap:.3f})", color=COLOURS.get(name))
    ax.axhline(float(np.mean(y)), linestyle=":", color="black", linewidth=0.8)
    ax.set(xlabel="recall", ylabel="precision", title="Precision-recall curve", ylim=(0, 1.02))
    ax.legend(loc="upper right")
    return figure


def calibration_figure(y: np.ndarray, by_model: Mapping[str, np.ndarray]) -> Figure:
    """Observed churn rate against mean predicted probability, in ten equal-size groups."""
    figure, ax = new_axes(5.0, 5.0)
    for name, scores in by_model.items():
        if np.unique(scores).size < 2:  # the dummy: one score, one point
            ax.plot(scores.mean(), y.mean(), "s", label=name, color=COLOURS.get(name))
            continue
        observed, predicted = calibration_curve(y, scores, n_bins=10, strategy="quantile")
        ax.plot(predicted, observed, marker="o", label=name, color=COLOURS.get(name))
    ax.plot([0, 1], [0, 1], linestyle=":", color="black", linewidth=0.8)
    ax.set(
        xlabel="mean predicted churn probability",
        ylabel="observed churn rate",
        title="Calibration (dotted: perfect)",
    )
    ax.legend(loc="upper left")
    return figure


def permutation_importance_figure(importance: pd.DataFrame, metric: str) -> Figure:
    """Mean and spread of the score lost when each input column is shuffled, largest on top."""
    ordered = importance.sort_values("mean")
    figure, ax = new_axes(6.0, 0.35 * len(ordered) + 1.5)
    ax.barh(ordered.index, ordered["mean"], xerr=ordered["std"], color=COLOURS["model"])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(xlabel=f"{metric} lost when the column is shuffled", title="Permutation importance")
    return figure


def threshold_cost_figure(thresholds: np.ndarray, costs: np.ndarray, chosen: float) -> Figure:
    """Expected cost per customer by decision threshold, with the chosen threshold marked."""
    figure, ax = new_axes()
    ax.plot(thresholds, costs, color=COLOURS["model"])
    ax.axvline(chosen, linestyle="--", color="black", label=f"chosen threshold {chosen:.3f}")
    ax.set(
        xlabel="decision threshold (offer when score >= threshold)",
        ylabel="expected cost per customer",
        title="Business cost by threshold (final test set)",
    )
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return figure


def leaderboard_figure(board: pd.DataFrame) -> Figure:
    """Validation ROC AUC (mean +- std over folds) of every compared model, best on top."""
    ordered = board.sort_values("roc_auc_mean")
    colours = [COLOURS.get(name, COLOURS["model"]) for name in ordered.index]
    figure, ax = new_axes(6.0, 0.4 * len(ordered) + 1.5)
    ax.barh(ordered.index, ordered["roc_auc_mean"], xerr=ordered["roc_auc_std"], color=colours)
    low = max(0.0, float(ordered["roc_auc_mean"].min()) - 0.05)
    ax.set(xlim=(low, 1.0), xlabel="validation ROC AUC", title="Leaderboard (same folds)")
    return figure

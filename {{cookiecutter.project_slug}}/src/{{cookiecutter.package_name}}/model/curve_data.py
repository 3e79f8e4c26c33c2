"""The evaluation curves as data: the points DVC draws (`dvc plots show`) and compares between
two commits or experiments (`dvc plots diff`), beside the PNG figures, which only a person can
compare. The model's curves only: the reference and the dummy are in the figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import precision_recall_curve, roc_curve

from {{ cookiecutter.package_name }}.files import DIGITS

# Points per curve: a smooth line, and a file small enough to read in a git diff.
MAX_POINTS = 200
CALIBRATION_BINS = 10  # as the calibration figure: ten groups of equal size


def thinned(frame: pd.DataFrame) -> pd.DataFrame:
    """At most MAX_POINTS rows, evenly spaced along the curve, its first and last kept."""
    if len(frame) > MAX_POINTS:
        rows = np.unique(np.linspace(0, len(frame) - 1, MAX_POINTS).round().astype(int))
        frame = frame.iloc[rows]
    return frame.reset_index(drop=True).round(DIGITS)


def roc_points(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """The ROC curve, from (0, 0) to (1, 1)."""
    false_positive_rate, true_positive_rate, _ = roc_curve(y, scores)
    return thinned(
        pd.DataFrame(
            {"false_positive_rate": false_positive_rate, "true_positive_rate": true_positive_rate}
        )
    )


def precision_recall_points(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Precision against recall, recall growing."""
    precision, recall, _ = precision_recall_curve(y, scores)
    # scikit-learn lists them from the highest threshold down: recall falls.
    return thinned(pd.DataFrame({"recall": recall[::-1], "precision": precision[::-1]}))


def calibration_points(y: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Observed churn rate against the mean predicted probability, in groups of equal size."""
    observed, predicted = calibration_curve(y, scores, n_bins=CALIBRATION_BINS, strategy="quantile")
    return thinned(pd.DataFrame({"mean_predicted": predicted, "observed_rate": observed}))


def curve_tables(y: np.ndarray, scores: np.ndarray) -> dict[str, pd.DataFrame]:
    """Each curve's points, by file name (dvc.yaml's top-level plots name the same files)."""
    return {
        "roc.csv": roc_points(y, scores),
        "precision_recall.csv": precision_recall_points(y, scores),
        "calibration.csv": calibration_points(y, scores),
    }

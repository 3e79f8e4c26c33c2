"""The evaluation curves as data: the points DVC draws and compares between experiments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import auc, roc_curve

from {{ cookiecutter.package_name }}.model import curve_data

from . import conftest


def churn_data(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and probabilities (the hidden propensity through a sigmoid)."""
    y, signal = conftest.churn_data(n=n)
    return y, 1 / (1 + np.exp(-signal))


def test_the_roc_points_run_from_corner_to_corner_and_keep_the_area() -> None:
    y, scores = churn_data(n=4000)

    points = curve_data.roc_points(y, scores)

    assert len(points) <= curve_data.MAX_POINTS
    assert points.iloc[0].tolist() == [0.0, 0.0] and points.iloc[-1].tolist() == [1.0, 1.0]
    assert points["false_positive_rate"].is_monotonic_increasing
    assert points["true_positive_rate"].is_monotonic_increasing
    full = auc(*roc_curve(y, scores)[:2])
    # Thinning to 200 points moves the area by less than a thousandth.
    assert auc(points["false_positive_rate"], points["true_positive_rate"]) == pytest.approx(
        full, abs=1e-3
    )


def test_the_precision_recall_points_go_with_growing_recall() -> None:
    y, scores = churn_data(n=4000)

    points = curve_data.precision_recall_points(y, scores)

    assert len(points) <= curve_data.MAX_POINTS
    assert points["recall"].is_monotonic_increasing
    assert points["recall"].iloc[-1] == 1.0
    # At full recall everyone is flagged: precision is the churn rate.
    assert points["precision"].iloc[-1] == pytest.approx(y.mean(), abs=1e-6)


def test_the_calibration_points_are_scikit_learn_s_ten_groups() -> None:
    y, scores = churn_data(n=2000)

    points = curve_data.calibration_points(y, scores)

    observed, predicted = calibration_curve(y, scores, n_bins=10, strategy="quantile")
    assert len(points) == 10
    np.testing.assert_allclose(points["observed_rate"], observed, atol=1e-6)
    np.testing.assert_allclose(points["mean_predicted"], predicted, atol=1e-6)


def test_a_short_curve_is_kept_whole_and_a_long_one_keeps_its_ends() -> None:
    short = pd.DataFrame({"x": [0.0, 0.5, 1.0]})
    long = pd.DataFrame({"x": np.linspace(0, 1, 1001)})

    assert curve_data.thinned(short)["x"].tolist() == [0.0, 0.5, 1.0]
    kept = curve_data.thinned(long)["x"]
    assert len(kept) == curve_data.MAX_POINTS
    assert (kept.iloc[0], kept.iloc[-1]) == (0.0, 1.0)


def test_the_three_files_are_the_ones_dvc_yaml_draws() -> None:
    y, scores = churn_data(n=500)

    assert set(curve_data.curve_tables(y, scores)) == {
        "roc.csv",
        "precision_recall.csv",
        "calibration.csv",
    }

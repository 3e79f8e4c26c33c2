"""The monitor's pure judgements: when a fall in ROC AUC on delayed outcomes is an alert."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.monitoring.monitor import performance_alert

from ..conftest import make_params


@pytest.mark.exercise(16)
@pytest.mark.parametrize(
    ("auc", "se", "outcomes", "alert"),
    [
        (0.70, 0.02, 1000, True),  # a large, certain drop
        (0.70, 0.07, 1000, False),  # as large, but within chance
        (0.79, 0.01, 1000, False),  # certain, but within the tolerance
        (0.60, 0.01, 150, False),  # too few outcomes to judge
        (None, None, 1000, False),  # one class only among the outcomes: no ROC AUC
    ],
)
def test_a_performance_alert_needs_a_drop_beyond_tolerance_and_chance(
    auc: float | None, se: float | None, outcomes: int, alert: bool
) -> None:
    monitoring = make_params(monitoring={"performance_tolerance": 0.05, "min_outcomes": 200})
    metrics = {"roc_auc": auc, "roc_auc_se": se, "outcomes": outcomes}

    message = performance_alert(metrics, 0.82, monitoring.monitoring)

    assert (message is not None) == alert
    if alert:
        assert message == (
            "ROC AUC 0.700 (± 0.039) on 1,000 outcomes is 0.120 below the test ROC AUC 0.820 "
            "(tolerance 0.05)."
        )


@pytest.mark.exercise(16)
def test_no_performance_alert_without_a_test_roc_auc_to_compare_with() -> None:
    monitoring = make_params().monitoring
    metrics = {"roc_auc": 0.5, "roc_auc_se": 0.01, "outcomes": 1000}

    assert performance_alert(metrics, None, monitoring) is None

"""When the nightly run retrains: only on the monitor's signal, and a failure is reported."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.nightly import run as night
from {{ cookiecutter.package_name }}.nightly.morning_report import (
    DONE,
    FAILED,
    NOT_NEEDED,
    SKIPPED,
    Retraining,
)


def test_no_alert_means_no_retraining() -> None:
    def retrain() -> Retraining:
        raise AssertionError("retrained without a signal")

    assert night.retrain_if_signalled((), "auto", retrain) == Retraining(NOT_NEEDED)


def test_an_alert_retrains_and_keeps_the_reasons() -> None:
    calls = []

    def retrain() -> Retraining:
        calls.append(1)
        return Retraining(DONE, version="4", promoted=False)

    outcome = night.retrain_if_signalled(("Data drift.",), "auto", retrain)

    assert calls == [1]
    assert outcome == Retraining(DONE, ("Data drift.",), "4", False)


def test_skip_reports_the_signal_without_retraining() -> None:
    def retrain() -> Retraining:
        raise AssertionError("retrained although told to skip")

    outcome = night.retrain_if_signalled(("Data drift.",), "skip", retrain)

    assert outcome == Retraining(SKIPPED, reasons=("Data drift.",))


def test_a_failed_retraining_is_reported_not_raised() -> None:
    def retrain() -> Retraining:
        raise ProjectError("dvc repro stopped (exit 1): the cleaner refused the data")

    outcome = night.retrain_if_signalled(("Data drift.",), "auto", retrain)

    assert outcome.decision == FAILED
    assert outcome.reasons == ("dvc repro stopped (exit 1): the cleaner refused the data",)

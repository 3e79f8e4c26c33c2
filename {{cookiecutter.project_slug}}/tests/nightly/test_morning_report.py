"""The morning report says, in plain words, what the night did and what to look at first."""

from __future__ import annotations

from dataclasses import replace

import pytest

from {{ cookiecutter.package_name }}.nightly.morning_report import (
    DONE,
    FAILED,
    NOT_NEEDED,
    SKIPPED,
    UNMONITORED,
    MorningReport,
    Retraining,
)

from ..conftest import require_exercises


@pytest.fixture
def report() -> MorningReport:
    """A quiet night: 2,000 customers, 412 flagged, the same model as yesterday."""
    return MorningReport(
        day="2026-11-30",
        project="churn",
        started="02:00 UTC",
        seconds=41.4,
        batch_id="20261130-020000-abcdef",
        customers=2000,
        flagged=412,
        threshold=0.31,
        model_name="churn",
        model_version="3",
        output="data/scored/customers-2026-11-30.parquet",
        retraining=Retraining(NOT_NEEDED),
        previous_version="3",
        previous_share=0.198,
        steps=(("model score", "2,000 customers in 1.2 s"),),
    )


@pytest.mark.exercise(38)
def test_the_summary_gives_the_key_numbers_in_plain_words(report: MorningReport) -> None:
    rows = dict(report.rows())

    assert rows["Customers scored"] == (
        "2,000 (batch 20261130-020000-abcdef); 412 of them (20.6%) flagged as likely to churn, "
        "at a score of 0.31 or more."
    )
    assert rows["Model serving"] == "churn version 3, the same as in the last run."
    assert rows["Compared with the last run"] == (
        "20.6% flagged, against 19.8% in the last run (+0.8 points)."
    )
    assert rows["Retraining"].startswith("Not needed: the monitor raised no alert")
    assert rows["Alerts"].startswith("None")
    assert rows["Look at this first"].startswith("Nothing urgent: hand the 412 flagged")


def test_the_page_holds_the_summary_and_the_steps(report: MorningReport) -> None:
    require_exercises(38)  # the summary ends with what to look at first
    page = report.to_markdown()

    assert page.startswith("# Morning report, 2026-11-30\n")
    assert "started at 02:00 UTC and took 41 seconds" in page
    assert "- **Customers scored:** 2,000 (batch" in page
    assert "| model score | 2,000 customers in 1.2 s |" in page


@pytest.mark.exercise(38)
def test_an_alert_comes_first_and_is_quoted(report: MorningReport) -> None:
    alerted = replace(report, alerts=("Data drift: age moved (distance 0.31).",))

    assert dict(alerted.rows())["Alerts"] == "1: Data drift: age moved (distance 0.31)."
    assert alerted.first_look().startswith("The alert: Data drift: age moved")


@pytest.mark.exercise(38)
def test_a_failed_retraining_outranks_an_alert(report: MorningReport) -> None:
    failed = replace(
        report,
        alerts=("Data drift.",),
        retraining=Retraining(FAILED, reasons=("dvc repro stopped (exit 1): boom",)),
    )

    assert failed.first_look().startswith("The failed retraining")
    assert "boom" in dict(failed.rows())["Retraining"]


@pytest.mark.exercise(38)
def test_a_new_model_is_called_out(report: MorningReport) -> None:
    promoted = replace(report, retraining=Retraining(DONE, ("Drift.",), "4", True))
    promoted = replace(promoted, model_version="4")

    assert dict(promoted.rows())["Model serving"] == (
        "churn version 4: NEW, the last run used version 3."
    )
    assert "version 4 was trained on the outcomes fed back and promoted" in (
        promoted.retraining.sentence()
    )
    assert promoted.first_look().startswith("The new model, version 4")


@pytest.mark.exercise(38)
def test_a_jump_in_the_flagged_share_is_the_first_thing_to_check(report: MorningReport) -> None:
    jumped = replace(report, flagged=700)  # 35% against 19.8%

    assert "moved by more than 5 points" in jumped.first_look()


def test_a_monitor_without_verdict_is_not_called_a_quiet_night(report: MorningReport) -> None:
    require_exercises(38)  # the summary ends with what to look at first
    blind = replace(report, retraining=Retraining(NOT_NEEDED, reasons=("No traffic yet.",)))

    assert dict(blind.rows())["Retraining"] == (
        "Not asked for: the monitor could not judge yesterday's traffic. No traffic yet."
    )


def test_a_first_run_and_a_skipped_retraining_say_so(report: MorningReport) -> None:
    require_exercises(38)  # the summary ends with what to look at first
    first = replace(
        report,
        previous_version=None,
        previous_share=None,
        retraining=Retraining(SKIPPED, reasons=("Data drift.",)),
    )
    rows = dict(first.rows())

    assert rows["Model serving"].endswith("(first nightly run: nothing to compare with).")
    assert rows["Compared with the last run"] == "No earlier run to compare with."
    assert rows["Retraining"] == (
        "Recommended by the monitor but skipped (--retrain skip). The monitor said: Data drift."
    )


def test_without_monitoring_nothing_is_called_a_verdict(report: MorningReport) -> None:
    require_exercises(38)  # the summary ends with what to look at first
    rows = dict(replace(report, retraining=Retraining(UNMONITORED)).rows())

    assert rows["Retraining"].startswith("Not judged: this project has no monitoring")
    assert rows["Alerts"] == "None: this project has no monitoring."

"""The A/B report object: its JSON form and what the terminal shows of it."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.ab.report import ABReport, daily_looks, sequential_summary, verdict

SRM = {"chi2": 0.2, "p_value": 0.6543, "mismatch": False}
COMPARISON = {
    "rate_control": 0.25,
    "rate_variant": 0.2,
    "difference": -0.05,
    "ci_low": -0.08,
    "ci_high": -0.02,
    "p_value": 0.0002,
    "significant": True,
}


def report(**changes: object) -> ABReport:
    """A report of 1,000 units per variant, most with an outcome."""
    base = ABReport(
        mode="ab",
        planned_shares={"champion": 0.5, "challenger": 0.5},
        requests={"champion": 1200, "challenger": 1100},
        units={"challenger": 1000, "champion": 1000},
        units_with_outcome={"champion": 900, "challenger": 880},
        awaiting_outcome=220,
        srm=SRM,
        comparison=COMPARISON,
        required_units_per_variant=3194,
        peeking_warning=None,
        sequential=None,
        verdict=verdict(SRM, COMPARISON, None),
    )
    return dataclasses.replace(base, **changes)


def test_the_json_form_holds_every_field_by_name() -> None:
    saved = report().to_json()

    assert saved["units"] == {"challenger": 1000, "champion": 1000}
    assert saved["comparison"] == COMPARISON
    assert saved["verdict"].endswith("the challenger's churn rate is significantly lower.")
    assert sorted(saved) == sorted(field.name for field in dataclasses.fields(ABReport))


def test_rows_show_each_variant_with_its_churn_rate() -> None:
    shown = report()

    assert shown.title() == "A/B report (planned challenger share 0.5)"
    assert shown.rows() == [
        ("challenger", "1100", "1000", "880", "0.200"),
        ("champion", "1200", "1000", "900", "0.250"),
    ]


def test_without_a_comparison_the_rates_are_dashes_and_the_notes_say_so() -> None:
    shown = report(
        comparison=None,
        required_units_per_variant=None,
        verdict=verdict(SRM, None, None),
    )

    assert [row[-1] for row in shown.rows()] == ["-", "-"]
    assert shown.notes() == [
        "Sample ratio check: p = 0.654 (ok)",
        "Awaiting an outcome: 220 units",
        "No challenger unit has an outcome yet: nothing to compare.",
    ]


def test_a_mismatch_comes_first_in_the_notes_and_the_verdict() -> None:
    srm = {"chi2": 90.0, "p_value": 1.6e-21, "mismatch": True}
    shown = report(srm=srm, verdict=verdict(srm, COMPARISON, None))

    assert shown.notes()[0] == "Sample ratio check: p = 1.6e-21 (MISMATCH)"
    assert shown.notes()[1] == "Planned units per variant: 3,194"
    assert shown.verdict.startswith("Sample ratio mismatch (p = 1.6e-21)")


def test_the_sequential_test_adds_one_line_with_its_decision() -> None:
    sequential = {
        "tau": 0.03,
        "likelihood_ratio": 45.2,
        "p_value": 0.0221,
        "reject": True,
        "looks": 3,
    }
    shown = report(sequential=sequential)

    assert shown.notes()[3] == (
        "Sequential test (mSPRT, tau = 0.03): always-valid p = 0.0221 over 3 daily look(s): "
        "the variants differ, stopping now is valid."
    )
    waiting = report(sequential={**sequential, "p_value": 0.4, "reject": False})
    assert waiting.notes()[3].endswith(
        "p = 0.4 over 3 daily look(s): no decision yet, keep collecting."
    )


@pytest.fixture
def three_days() -> pd.DataFrame:
    """Labelled units over three days; the challenger's first unit comes on day 2."""
    rows = [
        ("2026-01-01T09:00", "champion", 1),
        ("2026-01-01T17:00", "champion", 0),
        ("2026-01-02T10:00", "challenger", 0),
        ("2026-01-02T11:00", "champion", 1),
        ("2026-01-03T08:00", "challenger", 1),
        ("2026-01-03T09:00", "challenger", 0),
    ]
    return pd.DataFrame(rows, columns=["created_at", "variant", "outcome"])


def test_daily_looks_are_running_totals_from_the_first_day_with_both_variants(
    three_days: pd.DataFrame,
) -> None:
    looks = daily_looks(three_days)

    assert [str(day.date()) for day in looks.index] == ["2026-01-02", "2026-01-03"]
    assert looks["n_champion"].tolist() == [3, 3]
    assert looks["churned_champion"].tolist() == [2, 2]
    assert looks["n_challenger"].tolist() == [1, 3]
    assert looks["churned_challenger"].tolist() == [0, 1]


def test_the_sequential_summary_counts_the_looks_and_keeps_tau(three_days: pd.DataFrame) -> None:
    summary = sequential_summary(three_days, tau=0.05, alpha=0.05)

    assert summary["looks"] == 2
    assert summary["tau"] == 0.05
    assert summary["reject"] is False  # six units prove nothing
    assert 0 < summary["p_value"] <= 1

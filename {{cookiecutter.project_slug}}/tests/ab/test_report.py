"""The A/B report object: its JSON form and what the terminal shows of it."""

from __future__ import annotations

import dataclasses

from {{ cookiecutter.package_name }}.ab.report import ABReport, verdict

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

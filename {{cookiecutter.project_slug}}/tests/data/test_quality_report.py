"""The data-quality report object: its JSON form, its display rows and its Markdown."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.data.quality_report import QualityReport, RuleResult

UNIQUE = RuleResult("unique", "id", True, 2, False, "every id appears once")
DUPLICATES = RuleResult("no_duplicate_rows", None, False, 0, True, "no row | twice")


def test_the_json_form_lists_every_rule_and_counts_the_failures() -> None:
    report = QualityReport("clean", 1234, (UNIQUE, DUPLICATES))

    assert report.to_json() == {
        "stage": "clean",
        "rows": 1234,
        "rules": [
            {
                "rule": "unique",
                "column": "id",
                "blocking": True,
                "failing_rows": 2,
                "passed": False,
                "description": "every id appears once",
            },
            {
                "rule": "no_duplicate_rows",
                "column": None,
                "blocking": False,
                "failing_rows": 0,
                "passed": True,
                "description": "no row | twice",
            },
        ],
        "date_forms": {},
        "summary": {"rules": 2, "failed": 1, "blocking_failed": 1},
    }


def test_rows_give_one_display_line_per_rule() -> None:
    report = QualityReport("raw", 10, (UNIQUE, DUPLICATES))

    assert report.rows() == [
        ("`id`", "`unique`", "yes", "2", "❌ FAIL", "every id appears once"),
        ("(whole rows)", "`no_duplicate_rows`", "no", "0", "✅ pass", "no row | twice"),
    ]


def test_the_verdict_depends_on_the_stage_and_the_blocking_failures() -> None:
    passing = QualityReport("clean", 10, (DUPLICATES,))
    raw = QualityReport("raw", 10, (UNIQUE, DUPLICATES))
    clean = QualityReport("clean", 10, (UNIQUE, DUPLICATES))

    assert passing.verdict() == "✅ All 1 rules passed."
    assert raw.verdict().startswith("🔎 1 of 2 rules failed: they describe the raw dirt")
    assert clean.verdict() == "❌ 1 of 2 rules failed, 1 of them blocking."


def test_the_markdown_lists_the_dates_of_each_form_before_the_verdict() -> None:
    forms = {"ISO 8601": 9800, "D/M/Y": 150, "ambiguous": 2}

    markdown = QualityReport("raw", 9952, (DUPLICATES,), forms).to_markdown().splitlines()

    assert markdown[4:7] == [
        "Dates by form: ISO 8601 9,800, D/M/Y 150, ambiguous 2",
        "",
        "**Verdict:** ✅ All 1 rules passed.",
    ]


def test_the_markdown_escapes_a_pipe_in_a_description() -> None:
    markdown = QualityReport("raw", 12345, (DUPLICATES,)).to_markdown()

    assert markdown.splitlines()[:3] == ["# Data quality: raw data", "", "Rows checked: 12,345"]
    assert markdown.endswith(
        "| (whole rows) | `no_duplicate_rows` | no | 0 | ✅ pass | no row \\| twice |\n"
    )

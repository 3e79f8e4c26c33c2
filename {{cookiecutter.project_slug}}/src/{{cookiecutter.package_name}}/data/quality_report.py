"""The data-quality report: the result of checking a frame's rules, as one typed object.

data/validate.py builds it; it writes itself as JSON (reports/data_quality*.json) and Markdown
(reports/data_quality*.md), and gives its rows to whatever displays it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Stage = Literal["raw", "clean"]
STAGES = ("raw", "clean")
MARKDOWN_HEADER = (
    "| Column | Rule | Blocking | Failing rows | Status | Description |",
    "|---|---|---|---:|---|---|",
)


@dataclass(frozen=True)
class RuleResult:
    """One rule's outcome on the data."""

    rule: str
    column: str | None  # None for a rule on whole rows (duplicates)
    blocking: bool
    failing_rows: int
    passed: bool
    description: str

    def to_json(self) -> dict[str, object]:
        """The rule's entry in the JSON report."""
        return {
            "rule": self.rule,
            "column": self.column,
            "blocking": self.blocking,
            "failing_rows": self.failing_rows,
            "passed": self.passed,
            "description": self.description,
        }

    def row(self) -> tuple[str, str, str, str, str, str]:
        """The rule as display cells: column, rule, blocking, failing rows, status, description."""
        return (
            "(whole rows)" if self.column is None else f"`{self.column}`",
            f"`{self.rule}`",
            "yes" if self.blocking else "no",
            f"{self.failing_rows:,}",
            "✅ pass" if self.passed else "❌ FAIL",
            self.description,
        )


@dataclass(frozen=True)
class QualityReport:
    """Every rule of one stage checked on the data: what passed, what failed, what blocks."""

    stage: Stage
    rows_checked: int
    rules: tuple[RuleResult, ...]
    # Raw data only: the time column's cells per form of data/dates.py ("D/M/Y": 149, ...).
    date_forms: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> list[RuleResult]:
        """The rules the data broke."""
        return [rule for rule in self.rules if not rule.passed]

    @property
    def blocking_failed(self) -> list[RuleResult]:
        """The broken rules that fail the stage."""
        return [rule for rule in self.failed if rule.blocking]

    def to_json(self) -> dict[str, object]:
        """The JSON report: stage, rows checked, one entry per rule, and the counts."""
        return {
            "stage": self.stage,
            "rows": self.rows_checked,
            "rules": [rule.to_json() for rule in self.rules],
            "date_forms": self.date_forms,
            "summary": {
                "rules": len(self.rules),
                "failed": len(self.failed),
                "blocking_failed": len(self.blocking_failed),
            },
        }

    def verdict(self) -> str:
        """One line saying whether the data passed."""
        if not self.failed:
            return f"✅ All {len(self.rules)} rules passed."
        counts = f"{len(self.failed)} of {len(self.rules)} rules failed"
        if self.stage == "raw":
            return f"🔎 {counts}: they describe the raw dirt, which the clean stage must remove."
        return f"❌ {counts}, {len(self.blocking_failed)} of them blocking."

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """One display row per rule, in contract order."""
        return [rule.row() for rule in self.rules]

    def to_markdown(self) -> str:
        """The report as Markdown: title, rows, date forms, verdict and one row per rule."""
        forms = ", ".join(f"{form} {count:,}" for form, count in self.date_forms.items())
        lines = [
            f"# Data quality: {self.stage} data",
            "",
            f"Rows checked: {self.rows_checked:,}",
            "",
            *([f"Dates by form: {forms}", ""] if forms else []),
            f"**Verdict:** {self.verdict()}",
            "",
            *MARKDOWN_HEADER,
        ]
        for cells in self.rows():
            escaped = [*cells[:-1], cells[-1].replace("|", "\\|")]
            lines.append("| " + " | ".join(escaped) + " |")
        return "\n".join(lines) + "\n"

"""Validate: the data-quality stage, checking the contract's rules and writing their reports.

The rules themselves, one per column and role, are in data/quality_rules.py. This stage runs
every rule of one data set and writes what it found:

- raw: the CSV as read. The report DESCRIBES the dirt and never fails.
- clean: the processed, typed frame. A broken rule fails the stage with a QualityError, after
  the report is written so the user can read it.

`check_quality` runs the rules one by one to count the failing rows of each (pure: no file I/O).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.dates import read_dates
from {{ cookiecutter.package_name }}.data.quality_report import (
    STAGES,
    QualityReport,
    RuleResult,
    Stage,
)
from {{ cookiecutter.package_name }}.data.quality_rules import contract_rules, run_rule
from {{ cookiecutter.package_name }}.errors import DataError, QualityError
from {{ cookiecutter.package_name }}.paths import (
    PROCESSED_DATA,
    QUALITY_JSON,
    QUALITY_MD,
    RAW_DATA,
    RAW_QUALITY_JSON,
    RAW_QUALITY_MD,
)

OUTPUTS = {"raw": (RAW_QUALITY_JSON, RAW_QUALITY_MD), "clean": (QUALITY_JSON, QUALITY_MD)}


# --- Checking a frame and reporting. ---


def require_columns(frame: pd.DataFrame, columns: ColumnsParams, source: str) -> None:
    """Raise a DataError naming the declared columns the frame lacks."""
    missing = [name for name in columns.all if name not in frame.columns]
    if missing:
        raise DataError(
            f"{source} lacks the declared columns {missing} (see columns in params.yaml)."
        )


def check_quality(
    frame: pd.DataFrame, columns: ColumnsParams, stage: Stage, source: str = "The data"
) -> QualityReport:
    """Check every rule of the stage on the frame and return the report (pure: no file I/O).

    failing_rows counts the distinct rows that break a rule: every copy for `unique` and
    `no_duplicate_rows`, and the missing cells for `null_rate`. The raw report also counts
    the time column's cells of each date form (ISO 8601, D/M/Y, ambiguous, unreadable...).
    """
    require_columns(frame, columns, source)
    results = []
    for item in contract_rules(columns, stage):
        passed, failing = run_rule(item, frame)
        results.append(
            RuleResult(item.name, item.column, item.blocking, failing, passed, item.description)
        )
    forms = {}
    if stage == "raw" and columns.time is not None:
        forms = read_dates(frame[columns.time], columns.date_order).form_counts()
    return QualityReport(stage, len(frame), tuple(results), forms)


def count_problem(count: int, problem: str) -> str:
    """Put a count before a problem, plural if needed: 3, "value missing" -> "3 values missing"."""
    noun, _, rest = problem.partition(" ")
    return f"{count:,} {noun}{'' if count == 1 else 's'} {rest}"


def broken_rule_sentences(report: QualityReport, columns: ColumnsParams) -> list[str]:
    """One sentence per broken blocking rule: "Column 'age' has 3 values outside [18, 100]."."""
    problems = {(r.column, r.name): r.problem for r in contract_rules(columns, report.stage)}
    sentences = []
    for result in report.blocking_failed:
        subject = "The data" if result.column is None else f"Column '{result.column}'"
        problem = problems[(result.column, result.rule)]
        sentences.append(f"{subject} has {count_problem(result.failing_rows, problem)}.")
    return sentences


def enforce_blocking_rules(
    report: QualityReport, columns: ColumnsParams, source: str, report_path: Path | str
) -> None:
    """Raise a QualityError with one sentence per broken blocking rule, if any."""
    sentences = broken_rule_sentences(report, columns)
    if sentences:
        raise QualityError(
            f"{source} breaks blocking data-quality rules (details in {report_path}): "
            + " ".join(sentences)
        )


def read_stage_input(params: Params, stage: Stage) -> tuple[pd.DataFrame, Path]:
    """Read the data the stage checks: the raw CSV or the processed Parquet file."""
    if stage == "raw":
        return files.read_raw_csv(RAW_DATA, params.columns), RAW_DATA
    frame = files.read_parquet(PROCESSED_DATA)
    return frame, PROCESSED_DATA


def run(params: Params, stage: Stage) -> dict[str, object]:
    """Check the stage's data, write its JSON and Markdown reports, and fail on blocking rules.

    The reports are written before a QualityError is raised, so the user can read what broke.
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be 'raw' or 'clean', not {stage!r}.")
    frame, path = read_stage_input(params, stage)
    report = check_quality(frame, params.columns, stage, source=str(path))
    json_path, md_path = OUTPUTS[stage]
    files.write_json(json_path, report.to_json())
    files.write_text(md_path, report.to_markdown())
    enforce_blocking_rules(report, params.columns, str(path), md_path)
    return {
        "stage": stage,
        "rows": report.rows_checked,
        "rules": len(report.rules),
        "failed": len(report.failed),
        "blocking failed": len(report.blocking_failed),
        "report": str(md_path),
    }

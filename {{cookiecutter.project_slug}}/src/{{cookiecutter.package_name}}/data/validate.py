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
from {{ cookiecutter.package_name }}.config import (
    PROCESSED_DATA,
    QUALITY_JSON,
    QUALITY_MD,
    RAW_DATA,
    RAW_QUALITY_JSON,
    RAW_QUALITY_MD,
    ColumnsParams,
    Params,
)
from {{ cookiecutter.package_name }}.data.quality_rules import (
    STAGES,
    Stage,
    contract_rules,
    run_rule,
)
from {{ cookiecutter.package_name }}.errors import DataError, QualityError

OUTPUTS = {"raw": (RAW_QUALITY_JSON, RAW_QUALITY_MD), "clean": (QUALITY_JSON, QUALITY_MD)}
# The commands that make each stage's input, named when that input is missing.
ACQUIRE_COMMAND = "{{ cookiecutter.project_slug }} data acquire"
CLEAN_COMMAND = "{{ cookiecutter.project_slug }} data clean"


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
) -> dict:
    """Check every rule of the stage on the frame and return the report (pure: no file I/O).

    failing_rows counts the distinct rows that break a rule: every copy for `unique` and
    `no_duplicate_rows`, and the missing cells for `null_rate`.
    """
    require_columns(frame, columns, source)
    entries = []
    for item in contract_rules(columns, stage):
        passed, failing = run_rule(item, frame)
        entries.append(
            {
                "rule": item.name,
                "column": item.column,
                "blocking": item.blocking,
                "failing_rows": failing,
                "passed": passed,
                "description": item.description,
            }
        )
    failed = [entry for entry in entries if not entry["passed"]]
    return {
        "stage": stage,
        "rows": len(frame),
        "rules": entries,
        "summary": {
            "rules": len(entries),
            "failed": len(failed),
            "blocking_failed": sum(entry["blocking"] for entry in failed),
        },
    }


def count_problem(count: int, problem: str) -> str:
    """Put a count before a problem, plural if needed: 3, "value missing" -> "3 values missing"."""
    noun, _, rest = problem.partition(" ")
    return f"{count:,} {noun}{'' if count == 1 else 's'} {rest}"


def broken_rule_sentences(report: dict, columns: ColumnsParams) -> list[str]:
    """One sentence per broken blocking rule: "Column 'age' has 3 values outside [18, 100]."."""
    problems = {(r.column, r.name): r.problem for r in contract_rules(columns, report["stage"])}
    sentences = []
    for entry in report["rules"]:
        if entry["passed"] or not entry["blocking"]:
            continue
        subject = "The data" if entry["column"] is None else f"Column '{entry['column']}'"
        problem = problems[(entry["column"], entry["rule"])]
        sentences.append(f"{subject} has {count_problem(entry['failing_rows'], problem)}.")
    return sentences


def enforce_blocking_rules(
    report: dict, columns: ColumnsParams, source: str, report_path: Path | str
) -> None:
    """Raise a QualityError with one sentence per broken blocking rule, if any."""
    sentences = broken_rule_sentences(report, columns)
    if sentences:
        raise QualityError(
            f"{source} breaks blocking data-quality rules (details in {report_path}): "
            + " ".join(sentences)
        )


def verdict(report: dict) -> str:
    """One line saying whether the data passed."""
    summary = report["summary"]
    if summary["failed"] == 0:
        return f"✅ All {summary['rules']} rules passed."
    counts = f"{summary['failed']} of {summary['rules']} rules failed"
    if report["stage"] == "raw":
        return f"🔎 {counts}: they describe the raw dirt, which the clean stage must remove."
    return f"❌ {counts}, {summary['blocking_failed']} of them blocking."


def to_markdown(report: dict) -> str:
    """Render the report as Markdown: title, rows, verdict and one table row per rule."""
    lines = [
        f"# Data quality: {report['stage']} data",
        "",
        f"Rows checked: {report['rows']:,}",
        "",
        f"**Verdict:** {verdict(report)}",
        "",
        "| Column | Rule | Blocking | Failing rows | Status | Description |",
        "|---|---|---|---:|---|---|",
    ]
    for entry in report["rules"]:
        column = "(whole rows)" if entry["column"] is None else f"`{entry['column']}`"
        status = "✅ pass" if entry["passed"] else "❌ FAIL"
        description = entry["description"].replace("|", "\\|")
        lines.append(
            f"| {column} | `{entry['rule']}` | {'yes' if entry['blocking'] else 'no'} "
            f"| {entry['failing_rows']:,} | {status} | {description} |"
        )
    return "\n".join(lines) + "\n"


def read_stage_input(params: Params, stage: Stage) -> tuple[pd.DataFrame, Path]:
    """Read the data the stage checks: the raw CSV or the processed Parquet file."""
    if stage == "raw":
        return files.read_raw_csv(RAW_DATA, params.columns, produced_by=ACQUIRE_COMMAND), RAW_DATA
    frame = files.read_parquet(PROCESSED_DATA, produced_by=CLEAN_COMMAND)
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
    files.write_json(json_path, report)
    files.write_text(md_path, to_markdown(report))
    enforce_blocking_rules(report, params.columns, str(path), md_path)
    summary = report["summary"]
    return {
        "stage": stage,
        "rows": report["rows"],
        "rules": summary["rules"],
        "failed": summary["failed"],
        "blocking failed": summary["blocking_failed"],
        "report": str(md_path),
    }

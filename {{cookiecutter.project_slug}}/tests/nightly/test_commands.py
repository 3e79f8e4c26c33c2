"""The overnight commands as a scheduler calls them: one sentence and exit 1 on a mistake."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app

runner = CliRunner()


def test_nightly_customers_writes_the_day_s_file_without_outcomes(project_dir: Path) -> None:
    result = runner.invoke(app, ["nightly", "customers", "--n", "50", "--day", "2026-11-30"])

    assert result.exit_code == 0, result.output
    day = pd.read_csv(project_dir / "data/incoming/customers-2026-11-30.csv")
    assert len(day) == 50 and "churn" not in day.columns and "customer_id" in day.columns


def test_model_score_refuses_a_spreadsheet_in_one_sentence(project_dir: Path) -> None:
    (project_dir / "day.xlsx").write_bytes(b"PK\x03\x04")

    result = runner.invoke(app, ["model", "score", "day.xlsx"])

    assert result.exit_code == 1
    assert "Error: day.xlsx is neither .csv nor .parquet" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_nightly_run_without_the_day_s_file_says_which_command_writes_it(
    project_dir: Path,
) -> None:
    result = runner.invoke(app, ["nightly", "run", "--day", "2026-11-30"])

    assert result.exit_code == 1
    assert "There are no customers to score for 2026-11-30" in result.stderr
    assert "(nightly customers)" in result.stderr

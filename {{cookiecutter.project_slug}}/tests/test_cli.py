"""The one CLI: every data stage end to end, and one clear sentence for every user mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import CLEANING_JSON, PROCESSED_DATA, QUALITY_JSON, RAW_DATA

from .conftest import require_exercises

runner = CliRunner()


def invoke(*args: str):
    """Run the CLI in-process, as the console script would."""
    return runner.invoke(app, list(args))


def test_help_lists_the_command_groups() -> None:
    result = invoke("--help")

    assert result.exit_code == 0
    assert "data" in result.output
    assert "bench" in result.output


def test_python_dash_m_works_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "{{ cookiecutter.package_name }}", "data", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "acquire" in result.stdout


def test_the_data_stages_run_in_order(project_dir: Path) -> None:
    require_exercises(1)  # the clean stage clips outliers
    for stage in (
        ["data", "acquire"],
        ["data", "validate", "raw"],
        ["data", "clean"],
        ["data", "validate", "clean"],
        ["data", "explore"],
    ):
        result = invoke(*stage)
        assert result.exit_code == 0, f"{stage}: {result.output}"

    assert len(RAW_DATA.read_text().splitlines()) == 2000 + 1
    assert PROCESSED_DATA.exists()
    assert json.loads(QUALITY_JSON.read_text())["summary"]["blocking_failed"] == 0
    cleaning = json.loads(CLEANING_JSON.read_text())
    assert cleaning
    assert Path("reports/eda.md").read_text().startswith("#")


def test_bad_params_give_one_sentence_and_exit_1(project_dir: Path) -> None:
    text = Path("params.yaml").read_text().replace("n_rows: 2000", "n_rowz: 2000")
    Path("params.yaml").write_text(text)

    result = invoke("data", "acquire")

    assert result.exit_code == 1
    assert "Error: params.yaml is invalid:" in result.stderr
    assert "data.n_rowz is not a known parameter (misspelt?)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not RAW_DATA.exists()


def test_a_missing_input_names_the_command_that_makes_it(project_dir: Path) -> None:
    result = invoke("data", "validate", "clean")

    assert result.exit_code == 1
    assert "data clean` first" in result.stderr


def test_an_unknown_stage_is_a_usage_error(project_dir: Path) -> None:
    result = invoke("data", "validate", "cooked")

    assert result.exit_code == 2
    assert "'cooked' is not one of" in result.stderr


def test_a_bad_user_csv_keeps_the_previous_raw_data(project_dir: Path) -> None:
    assert invoke("data", "acquire").exit_code == 0
    before = RAW_DATA.read_bytes()
    Path("data/external").mkdir(parents=True)
    Path("data/external/mine.csv").write_text("customer_id;churn\nC1;0\n")
    text = Path("params.yaml").read_text()
    text = text.replace("source: synthetic", "source: csv")
    text = text.replace("csv_path: null", "csv_path: data/external/mine.csv")
    Path("params.yaml").write_text(text)

    result = invoke("data", "acquire")

    assert result.exit_code == 1
    # The semicolon is detected (data.csv_delimiter: auto); the file lacks the contract's columns.
    assert "data/external/mine.csv lacks the declared columns ['signup_date'" in result.stderr
    assert RAW_DATA.read_bytes() == before


@pytest.mark.parametrize("sizes", [["50"], ["abc"]])
def test_bench_refuses_bad_sizes(project_dir: Path, sizes: list[str]) -> None:
    result = invoke("bench", "data", *sizes)

    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.stderr + result.stdout


def use_csv(text: str) -> None:
    """Point params.yaml at data/external/mine.csv holding `text`."""
    Path("data/external").mkdir(parents=True, exist_ok=True)
    Path("data/external/mine.csv").write_text(text)
    params = Path("params.yaml").read_text()
    params = params.replace("source: synthetic", "source: csv")
    params = params.replace("csv_path: null", "csv_path: data/external/mine.csv")
    Path("params.yaml").write_text(params)


def test_check_accepts_the_default_params_and_writes_nothing(project_dir: Path) -> None:
    result = invoke("check")

    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout
    assert "2000" in result.stdout
    assert sorted(path.name for path in project_dir.iterdir()) == ["params.yaml"]


def test_check_refuses_a_csv_without_the_target_in_one_sentence(project_dir: Path) -> None:
    use_csv("customer_id,age\nC1,40\n")

    result = invoke("check")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: data/external/mine.csv has no target column 'churn' "
        "(columns.target in params.yaml)."
    )


def test_check_refuses_bad_params_and_hyperparameters(project_dir: Path) -> None:
    text = Path("params.yaml").read_text()
    Path("params.yaml").write_text(text.replace("n_splits: 5", "n_splits: 1"))

    result = invoke("check")

    assert result.exit_code == 1
    assert "validation.n_splits" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

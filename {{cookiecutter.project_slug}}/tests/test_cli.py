"""The one CLI: every data stage end to end, and one clear sentence for every user mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.paths import CLEANING_JSON, PROCESSED_DATA, QUALITY_JSON, RAW_DATA

from .conftest import csv_text, raw_params, raw_row, require_exercises, write_params

runner = CliRunner()


def invoke(*args: str):
    """Run the CLI in-process, as the console script would."""
    return runner.invoke(app, list(args))


def test_help_lists_the_command_groups() -> None:
    result = invoke("--help")

    assert result.exit_code == 0
    assert "data" in result.output
    assert "bench" in result.output


def test_starting_the_cli_imports_no_numeric_library() -> None:
    # Each command imports what it needs when it runs: `data acquire` or `--help` should not
    # pay seconds for scikit-learn, SciPy or MLflow (every stage of every run would).
    code = "import sys, {{ cookiecutter.package_name }}.cli; print(*sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    loaded = set(done.stdout.split())
    assert "{{ cookiecutter.package_name }}.cli" in loaded
    assert {"sklearn", "scipy", "mlflow"} & loaded == set()


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
    # Cleaning clips outliers (1) and repairs typos (9); raw validation counts typos (9, 10);
    # exploring compares periods (35) and the churn of rows with and without a value (40).
    require_exercises(1, 9, 10, 35, 40)
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


def test_a_blank_exercise_stops_a_stage_with_one_sentence(
    contract_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def blank(*args: object) -> None:
        raise NotImplementedError("Exercise 9: the edit distance.")

    monkeypatch.setattr("{{ cookiecutter.package_name }}.data.acquire.run", blank)

    result = invoke("data", "acquire")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Exercise 9: the edit distance. (not written yet: `make exercises`)"
    )


def test_bad_params_give_one_sentence_and_exit_1(contract_dir: Path) -> None:
    raw = raw_params()
    raw["data"]["n_rowz"] = raw["data"].pop("n_rows")
    write_params(raw)

    result = invoke("data", "acquire")

    assert result.exit_code == 1
    assert "Error: params.yaml is invalid:" in result.stderr
    assert "data.n_rowz is not a known parameter (misspelt?)" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not RAW_DATA.exists()


def test_a_missing_input_names_the_command_that_makes_it(contract_dir: Path) -> None:
    result = invoke("data", "validate", "clean")

    assert result.exit_code == 1
    assert "data clean` first" in result.stderr


def test_an_unknown_stage_is_a_usage_error(contract_dir: Path) -> None:
    result = invoke("data", "validate", "cooked")

    assert result.exit_code == 2
    assert "'cooked' is not one of" in result.stderr


def test_a_bad_user_csv_keeps_the_previous_raw_data(
    contract_dir: Path, contract: ColumnsParams
) -> None:
    RAW_DATA.parent.mkdir(parents=True)
    RAW_DATA.write_text(csv_text(contract, [raw_row(contract, i) for i in range(3)]))
    before = RAW_DATA.read_bytes()
    use_csv(f"{contract.id};{contract.target}\nA1;0\n")

    result = invoke("data", "acquire")

    assert result.exit_code == 1
    # The semicolon is detected (data.csv_delimiter: auto); the file lacks the contract's columns.
    missing = [name for name in contract.all if name not in (contract.id, contract.target)]
    assert f"data/external/mine.csv lacks the declared columns {missing}; add" in result.stderr
    assert RAW_DATA.read_bytes() == before


@pytest.mark.parametrize("sizes", [["50"], ["abc"]])
def test_bench_refuses_bad_sizes(contract_dir: Path, sizes: list[str]) -> None:
    result = invoke("bench", "data", *sizes)

    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.stderr + result.stdout


def use_csv(text: str) -> None:
    """Point the tests' params.yaml at data/external/mine.csv holding `text`."""
    Path("data/external").mkdir(parents=True, exist_ok=True)
    Path("data/external/mine.csv").write_text(text)
    write_params(raw_params(data={"source": "csv", "csv_path": "data/external/mine.csv"}))


def test_check_accepts_the_default_params_and_writes_nothing(project_dir: Path) -> None:
    result = invoke("check")

    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout
    assert "2000" in result.stdout
    assert sorted(path.name for path in project_dir.iterdir()) == ["params.yaml"]


def test_check_accepts_a_csv_of_the_contract_and_writes_nothing(
    contract_dir: Path, contract: ColumnsParams
) -> None:
    require_exercises(34)  # the check maps the CSV's labels to 0 and 1
    use_csv(csv_text(contract, [raw_row(contract, i) for i in range(37)]))

    result = invoke("check")

    assert result.exit_code == 0, result.output
    assert "valid" in result.stdout
    assert "37" in result.stdout
    files_there = [path for path in contract_dir.rglob("*") if path.is_file()]
    assert sorted(str(path.relative_to(contract_dir)) for path in files_there) == [
        "data/external/mine.csv",
        "params.yaml",
    ]


def test_check_refuses_a_csv_without_the_target_in_one_sentence(
    contract_dir: Path, contract: ColumnsParams
) -> None:
    use_csv(f"{contract.id},age\nA1,40\n")

    result = invoke("check")

    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: data/external/mine.csv has no target column '{contract.target}' "
        "(columns.target in params.yaml)."
    )


def test_check_refuses_bad_params_and_hyperparameters(contract_dir: Path) -> None:
    write_params(raw_params(validation={"n_splits": 1}))

    result = invoke("check")

    assert result.exit_code == 1
    assert "validation.n_splits" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def cut_parquet(monkeypatch: pytest.MonkeyPatch, contract: ColumnsParams) -> None:
    """data/processed/customers.parquet cut in half, as a full disk or a stopped copy leaves it."""
    PROCESSED_DATA.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"a": range(1000)}).to_parquet(PROCESSED_DATA)
    PROCESSED_DATA.write_bytes(PROCESSED_DATA.read_bytes()[: PROCESSED_DATA.stat().st_size // 2])


def seed_too_large(monkeypatch: pytest.MonkeyPatch, contract: ColumnsParams) -> None:
    """A seed past what numpy and scikit-learn take (2**32)."""
    write_params(raw_params() | {"seed": 2**32})


def tab_in_params(monkeypatch: pytest.MonkeyPatch, contract: ColumnsParams) -> None:
    """params.yaml indented with a tab on its third line."""
    lines = yaml.safe_dump(raw_params(), sort_keys=False).splitlines()
    lines[2] = "\t" + lines[2].lstrip()
    Path("params.yaml").write_text("\n".join(lines) + "\n")


def endless_row(monkeypatch: pytest.MonkeyPatch, contract: ColumnsParams) -> None:
    """A user CSV whose second row runs past the longest row read whole (made 64 KB here)."""
    monkeypatch.setattr("{{ cookiecutter.package_name }}.files.MAX_ROW_BYTES", 64 * 1024)
    use_csv(csv_text(contract, [raw_row(contract, 0)]) + "x" * 300_000 + "\n")


@pytest.mark.parametrize(
    ("breaks", "command", "expected"),
    [
        (
            cut_parquet,
            "data validate clean",
            "data/processed/customers.parquet is cut short or not a Parquet file; run "
            "`{{ cookiecutter.project_slug }} data clean` again.",
        ),
        (
            seed_too_large,
            "data acquire",
            "params.yaml is invalid: seed Input should be less than or equal to 4294967295.",
        ),
        (
            tab_in_params,
            "data acquire",
            "params.yaml is not valid YAML at line 3, column 1 (found character '\\t' that "
            "cannot start any token); a tab or an unclosed bracket or quote is the usual cause.",
        ),
        (
            endless_row,
            "data acquire",
            "data/external/mine.csv has a row longer than 0.0625 MB, more than any record "
            "holds; look for an unclosed quote or lost line ends before it.",
        ),
    ],
    ids=["cut-parquet", "seed-2**32", "tab-in-params", "endless-row"],
)
def test_a_hostile_input_is_one_sentence_and_exit_1(
    contract_dir: Path,
    contract: ColumnsParams,
    monkeypatch: pytest.MonkeyPatch,
    breaks: Callable[[pytest.MonkeyPatch, ColumnsParams], None],
    command: str,
    expected: str,
) -> None:
    breaks(monkeypatch, contract)

    result = invoke(*command.split())

    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {expected}"

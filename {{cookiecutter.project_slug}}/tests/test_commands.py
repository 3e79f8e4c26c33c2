"""The map of which command writes which file, and the "run it first" sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }} import commands
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.files import read_json, read_parquet
from {{ cookiecutter.package_name }}.paths import METRICS_JSON, RAW_DATA, TEST_DATA

PROJECT = Path(__file__).resolve().parents[1]
CLI = "{{ cookiecutter.project_slug }}"


def test_a_missing_stage_output_names_the_command_that_writes_it() -> None:
    assert commands.run_first(TEST_DATA) == (
        f"data/split/test.parquet does not exist; run `{CLI} model split` first."
    )
    assert commands.run_first(RAW_DATA).endswith(f"run `{CLI} data acquire` first.")


def test_a_file_no_command_writes_gets_no_hint() -> None:
    assert commands.run_first(Path("data/external/mine.csv")) == (
        "data/external/mine.csv does not exist."
    )


def test_an_explicit_command_overrides_the_map() -> None:
    assert commands.run_first("model.skops of models:/m@champion", commands.REGISTER) == (
        f"model.skops of models:/m@champion does not exist; run `{CLI} model register` first."
    )


def test_each_file_is_an_output_of_the_dvc_stage_that_runs_its_command() -> None:
    stages = yaml.safe_load((PROJECT / "dvc.yaml").read_text(encoding="utf-8"))["stages"]
    outputs = {
        stage["cmd"]: {
            Path(next(iter(out)) if isinstance(out, dict) else out)
            for kind in ("outs", "metrics", "plots")
            for out in stage.get(kind, [])
        }
        for stage in stages.values()
    }

    wrong = {
        str(path): command
        for path, command in commands.PRODUCED_BY.items()
        if path not in outputs.get(command, set())
    }

    assert wrong == {}


def test_reading_a_missing_output_raises_the_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(DataError) as parquet:
        read_parquet(TEST_DATA)
    with pytest.raises(DataError) as json_file:
        read_json(METRICS_JSON)

    assert str(parquet.value) == commands.run_first(TEST_DATA)
    assert str(json_file.value) == (
        f"reports/metrics.json does not exist; run `{CLI} model evaluate` first."
    )

"""The exercises commands: a hint at a time, a solution after asking, one sentence if bad."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.exercise_catalogue import CATALOGUE

runner = CliRunner()
FIRST = CATALOGUE[0]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each command in an empty folder: the hint count goes to its .exercises/."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_hint_shows_the_next_hint_and_counts_it(in_tmp: Path) -> None:
    first = runner.invoke(app, ["exercises", "hint", str(FIRST.number)])
    second = runner.invoke(app, ["exercises", "hint", str(FIRST.number)])

    assert first.exit_code == second.exit_code == 0
    assert f"hint 1 of {len(FIRST.hints)}" in first.stdout and FIRST.hints[0] in first.stdout
    assert f"hint 2 of {len(FIRST.hints)}" in second.stdout and FIRST.hints[1] in second.stdout
    state = json.loads((in_tmp / ".exercises/state.json").read_text(encoding="utf-8"))
    assert state == {"hints": {str(FIRST.number): 2}}


def test_solution_asks_first_and_a_no_shows_nothing() -> None:
    declined = runner.invoke(app, ["exercises", "solution", str(FIRST.number)], input="n\n")
    shown = runner.invoke(app, ["exercises", "solution", str(FIRST.number), "--yes"])

    assert declined.exit_code == 0 and "Not shown." in declined.stdout
    assert "def transform(" not in declined.stdout
    assert shown.exit_code == 0 and "Reference solution of exercise 1" in shown.stdout


def test_an_unknown_exercise_is_one_sentence_and_exit_1() -> None:
    result = runner.invoke(app, ["exercises", "hint", "999"])

    assert result.exit_code == 1
    assert "This project has no exercise 999" in result.output
    assert "Traceback" not in result.output

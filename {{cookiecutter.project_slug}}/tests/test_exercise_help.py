"""Hints come one at a time and are counted; a solution comes from the bake's file or the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercise_catalogue import Exercise
from {{ cookiecutter.package_name }}.exercise_help import hints_used, next_hint, solution

EXERCISE = Exercise(
    90, "a test one", "data.numbers", "parse_numbers", "03 cleaning", ("quality",), ("Q?", "Idea.")
)


def test_each_call_gives_the_next_hint_and_stays_on_the_last(tmp_path: Path) -> None:
    state = tmp_path / ".exercises" / "state.json"

    shown = [next_hint(EXERCISE, state) for _ in range(3)]

    assert shown == [(1, "Q?"), (2, "Idea."), (2, "Idea.")]
    assert hints_used(state) == {90: 2}
    assert json.loads(state.read_text()) == {"hints": {"90": 2}}


def test_a_broken_state_file_is_one_sentence(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("[1, 2", encoding="utf-8")

    with pytest.raises(ProjectError, match="is not a JSON object: delete it"):
        next_hint(EXERCISE, state)


def test_the_saved_solution_comes_first_then_the_code_in_place(tmp_path: Path) -> None:
    saved = tmp_path / "solutions.json"
    saved.write_text(json.dumps({"90": "return 42\n"}), encoding="utf-8")

    assert solution(EXERCISE, saved) == "return 42\n"
    # Without a saved one, the function's own (solved) source.
    assert solution(EXERCISE, tmp_path / "none.json").startswith("def parse_numbers(")

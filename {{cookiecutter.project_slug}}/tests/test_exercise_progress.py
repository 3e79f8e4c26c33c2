"""The progress tables: each exercise with its status and hints used, each skill with its cover."""

from __future__ import annotations

from rich.console import Console

from {{ cookiecutter.package_name }}.exercise_catalogue import Exercise
from {{ cookiecutter.package_name }}.exercise_mutation import MutationGrade
from {{ cookiecutter.package_name }}.exercise_progress import next_steps, progress_table, skill_rows

CLIP = Exercise(1, "clipping", "data.transformers", "QuantileClipper.transform", "03", ("quality",))
FOLDS = Exercise(2, "folds", "model.folds", "group_kfold", "05", ("leakage", "quality"), ("Q?",))
# A number of its own: its test file does not exist, so it is never the bake's placeholder.
WRITE = Exercise(
    90, "cost tests", "model.metrics", "expected_cost", "07", ("testing",), ("Q?",), "write-tests"
)


def test_the_table_shows_each_exercise_with_its_tests_hints_and_status() -> None:
    console = Console(record=True, width=200)

    console.print(progress_table([CLIP, FOLDS], {1: (2, 2), 2: (0, 3)}, {2: 1}))

    lines = console.export_text().splitlines()
    row_one = next(line for line in lines if line.startswith("│ 1 "))
    row_two = next(line for line in lines if line.startswith("│ 2 "))
    assert "clipping" in row_one and "data/transformers.py" in lines[lines.index(row_one) + 1]
    assert "03" in row_one and "2/2" in row_one and "0/0" in row_one and "done" in row_one
    assert "0/3" in row_two and "1/1" in row_two and "to do" in row_two


def test_each_skill_lists_its_exercises_and_how_many_are_done() -> None:
    rows = {row[0]: row[1:] for row in skill_rows([CLIP, FOLDS], {1: (2, 2), 2: (0, 3)})}

    assert rows["quality"] == ("1, 2", "1/2")
    assert rows["leakage"] == ("2", "0/1")
    assert rows["svm"] == ("-", "-")


def test_the_next_steps_of_a_write_tests_exercise_name_the_bugs_let_through() -> None:
    grade = MutationGrade(tests=3, failed=0, caught=("a",), missed=("b", "c"))

    lines = next_steps(WRITE, grade, {90: 1})

    assert "write tests of expected_cost" in lines[0]
    assert lines[1] == "Your tests let these bugs through: b; c."
    assert lines[2] == f"Its tests: uv run pytest {WRITE.test_file}"
    assert lines[3] == "Every hint seen: make solution N=90 shows the reference."
    assert next_steps(FOLDS, None, {})[-1] == (
        "Stuck? make hint N=2 shows hint 1 of 1; make solution N=2 shows the reference."
    )

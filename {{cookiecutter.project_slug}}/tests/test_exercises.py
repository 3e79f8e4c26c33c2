"""The practice exercises' catalogue names real functions with hints; the table grades them."""

from __future__ import annotations

from rich.console import Console

from {{ cookiecutter.package_name }}.exercises import (
    CATALOGUE,
    Exercise,
    function_of,
    graded_test_file,
    hint,
    is_done,
    present,
    progress_table,
)

from .conftest import ROOT


def test_every_present_exercise_is_a_function_with_a_test_file() -> None:
    for exercise in present():
        assert callable(function_of(exercise))
        # Baked with exercises=yes, the docstring holds hints; with no, the hook dropped them.
        assert hint(exercise) == "" or hint(exercise).startswith("Hints: ")
        assert (ROOT / exercise.path).is_file()
        assert (ROOT / graded_test_file(exercise)).is_file()


def test_the_graded_tests_of_a_subpackage_mirror_its_folders() -> None:
    exercise = Exercise(0, "t", "model.scratch.linear", "logistic_gd", "06 training")

    assert graded_test_file(exercise) == "tests/model/scratch/test_linear.py"
    assert exercise.path.endswith("/model/scratch/linear.py")


def test_an_exercise_is_done_only_when_it_has_tests_and_all_of_them_pass() -> None:
    first, second, third = CATALOGUE[:3]
    grades = {first.number: (4, 4), second.number: (3, 4)}

    assert is_done(first, grades)
    assert not is_done(second, grades)
    assert not is_done(third, grades)  # no graded test ran


def test_the_table_shows_each_exercise_with_its_chapter_and_status() -> None:
    first, second = CATALOGUE[:2]
    console = Console(record=True, width=200)

    console.print(progress_table([first, second], {first.number: (2, 2), second.number: (0, 3)}))

    lines = console.export_text().splitlines()
    row_one = next(line for line in lines if line.startswith(f"│ {first.number} "))
    row_two = next(line for line in lines if line.startswith(f"│ {second.number} "))
    assert first.chapter in row_one and "2/2" in row_one and "done" in row_one
    assert "0/3" in row_two and "to do" in row_two

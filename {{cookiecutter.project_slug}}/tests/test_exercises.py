"""The exercises' catalogue names real functions with hints and skills; lookups are safe."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercises import (
    CATALOGUE,
    Exercise,
    find,
    function_of,
    graded_test_file,
    is_done,
    present,
)
from {{ cookiecutter.package_name }}.skills import unknown

from .conftest import ROOT


def test_every_present_exercise_is_a_function_with_a_test_file_hints_and_skills() -> None:
    for exercise in present():
        assert callable(function_of(exercise))
        assert (ROOT / exercise.path).is_file()
        assert (ROOT / graded_test_file(exercise)).is_file()
        assert 1 <= len(exercise.hints) <= 3, exercise.number
        assert exercise.skills and unknown(exercise.skills) == [], exercise.number
    numbers = [exercise.number for exercise in CATALOGUE]
    assert len(numbers) == len(set(numbers))


def test_a_write_tests_exercise_is_graded_by_its_own_test_file() -> None:
    exercise = next(ex for ex in CATALOGUE if ex.kind == "write-tests")

    assert graded_test_file(exercise) == exercise.test_file
    assert exercise.test_file.startswith(f"tests/practice/test_write_{exercise.number}_")


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


def test_an_unknown_number_is_one_sentence_that_lists_the_exercises() -> None:
    assert find(present()[0].number) == present()[0]
    with pytest.raises(ProjectError, match=r"no exercise 999: its exercises are 1, 2, "):
        find(999)

"""Planted bugs grade a test file: its tests must pass on the function and fail on each bug."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercise_mutants import MUTANTS, Mutant
from {{ cookiecutter.package_name }}.exercise_mutation import MutantRunner, grade_tests, planted
from {{ cookiecutter.package_name }}.exercises import grade_written, present
from {{ cookiecutter.package_name }}.monitoring.drift import psi_band

from .conftest import ROOT, require_exercises

SWAP = Mutant("labels swapped", (('"moderate" if value < major else "major"', '"major"'),))
MOVED = Mutant("bound moved", (("if value < moderate:", "if value < 0.05:"),))
WEAK_TESTS = """
from {{ cookiecutter.package_name }}.monitoring.drift import psi_band


def test_far_values():
    assert psi_band(0.0) == "none"
    assert psi_band(0.2) == "moderate"
"""


def test_one_session_runs_the_tests_on_the_function_then_on_each_bug(tmp_path: Path) -> None:
    test_file = tmp_path / "test_session.py"
    test_file.write_text(WEAK_TESTS, encoding="utf-8")
    runner = MutantRunner(psi_band, (SWAP, MOVED))

    pytest.main(["-q", "-p", "no:cacheprovider", str(test_file)], plugins=[runner])

    ran = {bug: len(tests) for bug, tests in runner.ran.items()}
    failed = {bug: len(tests) for bug, tests in runner.failed.items()}
    assert ran == {None: 1, "labels swapped": 1, "bound moved": 1}
    assert failed == {None: 0, "labels swapped": 1, "bound moved": 0}


def test_a_planted_bug_changes_the_function_only_inside_the_block() -> None:
    with planted(psi_band, SWAP):
        assert psi_band(0.2) == "major"
    assert psi_band(0.2) == "moderate"


def test_a_bug_that_no_longer_fits_the_source_is_one_sentence() -> None:
    stale = Mutant("stale", (("value <= 99", "value < 99"),))

    with pytest.raises(ProjectError, match="no longer fits psi_band"), planted(psi_band, stale):
        pass


def test_weak_tests_catch_the_bug_they_look_at_and_miss_the_other(tmp_path: Path) -> None:
    test_file = tmp_path / "test_weak.py"
    test_file.write_text(WEAK_TESTS, encoding="utf-8")

    grade = grade_tests(test_file, psi_band, (SWAP, MOVED))

    assert (grade.tests, grade.failed) == (1, 0)
    assert grade.caught == ("labels swapped",) and grade.missed == ("bound moved",)
    assert (grade.passed_checks, grade.checks) == (2, 3)


def test_tests_that_fail_on_the_real_function_catch_nothing(tmp_path: Path) -> None:
    test_file = tmp_path / "test_wrong.py"
    test_file.write_text(WEAK_TESTS.replace('== "none"', '== "major"'), encoding="utf-8")

    grade = grade_tests(test_file, psi_band, (SWAP,))

    assert grade.failed == 1 and not grade.reference_ok
    assert (grade.passed_checks, grade.checks) == (0, 2)


def test_a_file_without_tests_grades_nothing(tmp_path: Path) -> None:
    test_file = tmp_path / "test_empty.py"
    test_file.write_text("import pytest\n", encoding="utf-8")

    grade = grade_tests(test_file, psi_band, (SWAP,))

    assert (grade.tests, grade.failed, grade.caught) == (0, 0, ())
    assert (grade.passed_checks, grade.checks) == (0, 2)


def test_the_reference_tests_catch_every_planted_bug() -> None:
    written = [ex for ex in present() if ex.kind == "write-tests"]
    require_exercises(*(exercise.number for exercise in written))
    for exercise in written:
        grade = grade_written(exercise, ROOT)

        assert grade.reference_ok, exercise.number
        assert grade.missed == (), (exercise.number, grade.missed)
        assert len(grade.caught) == len(MUTANTS[exercise.number]) >= 3
    assert written

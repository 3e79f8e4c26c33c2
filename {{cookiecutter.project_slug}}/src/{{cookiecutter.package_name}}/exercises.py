"""The practice exercises: which functions they are, whether they are solved, and their grades.

A project baked with `exercises=yes` has the body of each "implement" exercise's function
(exercise_catalogue.py) replaced by a `NotImplementedError("Exercise N: ...")`, and the test file
of each "write-tests" exercise replaced by one failing placeholder. The tests marked
`@pytest.mark.exercise(N)` grade an implement exercise; a write-tests exercise is graded by
planting bugs in its function (exercise_mutation.py). `make exercises` runs both and prints the
progress (exercise_progress.py). Tests that only need a solved exercise (everything that trains a
model needs exercise 1) skip while it is blank: see `require_exercises` in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercise_catalogue import CATALOGUE, PACKAGE, Exercise
from {{ cookiecutter.package_name }}.exercise_mutants import MUTANTS

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.exercise_mutation import MutationGrade

__all__ = ["CATALOGUE", "Exercise"]


def present() -> list[Exercise]:
    """The exercises whose module and chapter this project has (the options can remove some)."""
    return [ex for ex in CATALOGUE if has_module(f"{PACKAGE}.{ex.module}") and has_chapter(ex)]


def has_chapter(exercise: Exercise) -> bool:
    """Whether the tutorial has the chapter that teaches the exercise ("10 monitoring": 10-*.md).

    A feature turned off takes its chapter, and the exercises it teaches, even where their code
    stays (the drift statistics stay without monitoring).
    """
    number = exercise.chapter.split()[0]
    return any(project_file("docs/tutorial").glob(f"{number}-*.md"))


def has_module(name: str) -> bool:
    """Whether the module exists (a removed parent package counts as missing, not an error)."""
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # find_spec imports the parents, e.g. a removed serving/
        return False


def function_of(exercise: Exercise) -> object:
    """The exercise's function (or method)."""
    found: object = importlib.import_module(f"{PACKAGE}.{exercise.module}")
    for name in exercise.function.split("."):
        found = getattr(found, name)
    return found


def is_blank(exercise: Exercise) -> bool:
    """True while the function's body (or the test file) is still the bake's placeholder."""
    if exercise.kind == "write-tests":
        test_file = project_file(exercise.test_file)
        text = test_file.read_text(encoding="utf-8") if test_file.is_file() else ""
        return f"def test_exercise_{exercise.number}_is_written(" in text
    source = inspect.getsource(function_of(exercise))
    return re.search(rf'NotImplementedError\(\s*"Exercise {exercise.number}:', source) is not None


def project_file(relative: str) -> Path:
    """A file of the project, found from this module's place (src/<package>/), not the cwd."""
    return Path(__file__).resolve().parents[2] / relative


def unsolved(numbers: tuple[int, ...]) -> list[Exercise]:
    """Those of the numbered exercises that are present and still blank."""
    return [ex for ex in present() if ex.number in numbers and is_blank(ex)]


class GradeRecorder:
    """A pytest plugin that records the outcome of every graded test, by exercise (or bug)."""

    def __init__(self, marker: str = "exercise") -> None:
        self.marker = marker
        self.number_of: dict[str, int] = {}
        self.outcome: dict[str, str] = {}

    def pytest_collection_modifyitems(self, items: list[Any]) -> None:
        """Note which exercise each collected test grades."""
        for item in items:
            marker = item.get_closest_marker(self.marker)
            if marker is not None:
                self.number_of[item.nodeid] = int(marker.args[0])

    def pytest_runtest_logreport(self, report: Any) -> None:
        """A failure in any phase (set-up, call, tear-down) fails the test."""
        if report.failed:
            self.outcome[report.nodeid] = "failed"
        elif report.when == "call" or report.skipped:
            self.outcome.setdefault(report.nodeid, report.outcome)

    def grades(self) -> dict[int, tuple[int, int]]:
        """Per exercise: how many of its tests passed, out of those that ran.

        A graded test that needs another blank exercise skips, and does not count.
        """
        grades: dict[int, tuple[int, int]] = {}
        for nodeid, number in self.number_of.items():
            outcome = self.outcome.get(nodeid)
            if outcome in ("passed", "failed"):
                passed, ran = grades.get(number, (0, 0))
                grades[number] = (passed + (outcome == "passed"), ran + 1)
        return grades


def grade(tests: Path = Path("tests"), marker: str = "exercise") -> dict[int, tuple[int, int]]:
    """Run the graded tests quietly; per exercise (or bug), the tests passed and those that ran."""
    import pytest  # a development dependency: only this command needs it

    if not tests.is_dir():
        raise ProjectError(f"No {tests}/ folder here: run the command from the project's folder.")
    recorder = GradeRecorder(marker)
    output = io.StringIO()
    # The learners' own test files are graded apart (grade_written): one that does not import
    # yet must not stop the grading of the others.
    arguments = ["-m", marker, "-q", "-p", "no:cacheprovider", str(tests)]
    arguments += [f"--ignore={tests / 'practice'}"]
    with contextlib.redirect_stdout(output):
        code = pytest.main(arguments, plugins=[recorder])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise ProjectError(f"pytest could not run the graded tests:\n{output.getvalue()[-3000:]}")
    return recorder.grades()


def find(number: int) -> Exercise:
    """The present exercise with this number; a clear error for any other."""
    exercises = present()
    for exercise in exercises:
        if exercise.number == number:
            return exercise
    numbers = ", ".join(str(exercise.number) for exercise in exercises)
    raise ProjectError(f"This project has no exercise {number}: its exercises are {numbers}.")


def grade_written(exercise: Exercise, root: Path = Path()) -> MutationGrade:
    """Grade a write-tests exercise: its test file on the real function, then on each mutant."""
    # Imported here: it needs pytest, a development dependency.
    from {{ cookiecutter.package_name }}.exercise_mutation import grade_tests

    function: Any = function_of(exercise)
    return grade_tests(root / exercise.test_file, function, MUTANTS[exercise.number])


def is_done(exercise: Exercise, grades: dict[int, tuple[int, int]]) -> bool:
    """Done when graded tests of the exercise ran and every one of them passed."""
    passed, ran = grades.get(exercise.number, (0, 0))
    return ran > 0 and passed == ran


def graded_test_file(exercise: Exercise) -> str:
    """The file whose tests grade the exercise: the learner's, or the module's mirror in tests/."""
    if exercise.kind == "write-tests":
        return exercise.test_file
    package, _, module = exercise.module.rpartition(".")
    folder = package.replace(".", "/")  # a subpackage, e.g. model.scratch
    return f"tests/{folder}/test_{module}.py" if package else f"tests/test_{module}.py"

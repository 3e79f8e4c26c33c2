"""The practice exercises: which functions they are, whether they are solved, and their grades.

A project baked with `exercises=yes` has the body of each function of the catalogue
(exercise_catalogue.py) replaced by a `NotImplementedError("Exercise N: ...")`; its docstring
keeps a "Hints:" paragraph (which a project baked with `exercises=no` does not have). The tests
marked `@pytest.mark.exercise(N)` grade exercise N; `make exercises` runs them and prints the
progress. Tests that only need a solved exercise (everything that trains a model needs
exercise 1) skip while it is blank: see `require_exercises` in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import inspect
import io
import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercise_catalogue import CATALOGUE, PACKAGE, Exercise

__all__ = ["CATALOGUE", "Exercise"]


def present() -> list[Exercise]:
    """The exercises whose module this project has (the options can remove some)."""
    return [ex for ex in CATALOGUE if has_module(f"{PACKAGE}.{ex.module}")]


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
    """True while the function's body is still the exercise's NotImplementedError."""
    source = inspect.getsource(function_of(exercise))
    return re.search(rf'NotImplementedError\(\s*"Exercise {exercise.number}:', source) is not None


def unsolved(numbers: tuple[int, ...]) -> list[Exercise]:
    """Those of the numbered exercises that are present and still blank."""
    return [ex for ex in present() if ex.number in numbers and is_blank(ex)]


def hint(exercise: Exercise) -> str:
    """The docstring's paragraph that starts with "Hints:", on one line."""
    doc = inspect.getdoc(function_of(exercise)) or ""
    for paragraph in doc.split("\n\n"):
        if paragraph.startswith("Hints:"):
            return " ".join(paragraph.split())
    return ""


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
    arguments = ["-m", marker, "-q", "-p", "no:cacheprovider", str(tests)]
    with contextlib.redirect_stdout(output):
        code = pytest.main(arguments, plugins=[recorder])
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise ProjectError(f"pytest could not run the graded tests:\n{output.getvalue()[-3000:]}")
    return recorder.grades()


def progress_table(exercises: list[Exercise], grades: dict[int, tuple[int, int]]) -> Table:
    """One row per exercise: where it is, the chapter that teaches it, and its status."""
    table = Table(title=f"Practice exercises (files below src/{PACKAGE}/)", title_justify="left")
    for header in ("#", "exercise", "file, function", "chapter", "tests", "status"):
        justify = "right" if header in ("#", "tests") else "left"
        # In a narrow terminal the titles and chapters wrap, never the names.
        table.add_column(header, justify=justify, no_wrap=header not in ("exercise", "chapter"))
    for ex in exercises:
        passed, ran = grades.get(ex.number, (0, 0))
        status = "[green]done[/]" if is_done(ex, grades) else "[yellow]to do[/]"
        where = f"{ex.module.replace('.', '/')}.py\n{ex.function}"
        table.add_row(str(ex.number), ex.title, where, ex.chapter, f"{passed}/{ran}", status)
    return table


def is_done(exercise: Exercise, grades: dict[int, tuple[int, int]]) -> bool:
    """Done when graded tests of the exercise ran and every one of them passed."""
    passed, ran = grades.get(exercise.number, (0, 0))
    return ran > 0 and passed == ran


def run(console: Console) -> int:
    """Grade the exercises, print the progress and the next hint; 0 when all are done, else 1."""
    exercises = present()
    with console.status("Running the graded tests..."):
        grades = grade()
    console.print(progress_table(exercises, grades))
    to_do = [ex for ex in exercises if not is_done(ex, grades)]
    done = len(exercises) - len(to_do)
    console.print(f"{done}/{len(exercises)} exercises done.")
    if not to_do:
        return 0
    ex = to_do[0]
    console.print(
        f"Next: exercise {ex.number}, {ex.title}, in {ex.path} ({ex.function}); "
        f"chapter {ex.chapter} of the tutorial explains it.",
        soft_wrap=True,
    )
    if hint(ex):
        console.print(hint(ex), soft_wrap=True, markup=False)
    console.print(f"Its tests: uv run pytest -m exercise {graded_test_file(ex)}", soft_wrap=True)
    return 1


def graded_test_file(exercise: Exercise) -> str:
    """The test file of the exercise's module, by the tests-mirror-src convention."""
    package, _, module = exercise.module.rpartition(".")
    folder = package.replace(".", "/")  # a subpackage, e.g. model.scratch
    return f"tests/{folder}/test_{module}.py" if package else f"tests/test_{module}.py"

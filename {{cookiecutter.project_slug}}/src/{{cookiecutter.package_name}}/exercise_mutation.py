"""Grade a write-tests exercise: the learner's tests must pass, then fail on each planted bug.

Everything runs in one pytest session in this process, for speed (a new Python per mutant would
import pandas and scikit-learn again each time). A mutant is planted by giving the real function
object the code of its mutated source (`__code__`), so every caller sees it, also a test module
that did `from module import function`. A value a test module computes when it is imported is
computed once, with the real function: tests call the function inside each test.

pytest is a development dependency: only `make exercises` and the tests import this module.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FunctionType
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercise_mutants import Mutant


@dataclass(frozen=True)
class MutationGrade:
    """How a test file fared: its tests on the real function, and which planted bugs it caught."""

    tests: int  # tests that ran on the real function
    failed: int  # of those, how many failed
    caught: tuple[str, ...]  # the bugs of the mutants it caught
    missed: tuple[str, ...]  # and of those it let through

    @property
    def passed_checks(self) -> int:
        """One check for the real function (every test passes), one per mutant caught."""
        return int(self.reference_ok) + len(self.caught)

    @property
    def checks(self) -> int:
        """The real function, then each mutant."""
        return 1 + len(self.caught) + len(self.missed)

    @property
    def reference_ok(self) -> bool:
        """Tests ran on the real function and all of them passed."""
        return self.tests > 0 and self.failed == 0


def mutated_code(function: FunctionType, mutant: Mutant) -> Any:
    """The code object of the function's source with the mutant's edits applied."""
    source = textwrap.dedent(inspect.getsource(function))
    for old, new in mutant.edits:
        if source.count(old) != 1:
            raise ProjectError(
                f"The planted bug '{mutant.bug}' no longer fits {function.__qualname__}(): "
                f"its source should hold {old!r} once; restore the function or update "
                "exercise_mutants.py."
            )
        source = source.replace(old, new)
    namespace: dict[str, Any] = {}
    exec(compile(source, inspect.getfile(function), "exec"), function.__globals__, namespace)
    return namespace[function.__name__].__code__


@contextlib.contextmanager
def planted(function: FunctionType, mutant: Mutant) -> Iterator[None]:
    """Run the block with the mutant in place of the function's code, then restore it."""
    original = function.__code__
    function.__code__ = mutated_code(function, mutant)
    try:
        yield
    finally:
        function.__code__ = original


class MutantRunner:
    """A pytest plugin: one session runs the tests on the real function, then on each mutant.

    One session for all of them: starting pytest costs more than these small tests.
    """

    def __init__(self, function: FunctionType, mutants: tuple[Mutant, ...]) -> None:
        self.function, self.mutants = function, mutants
        self.current: str | None = None  # the bug planted now; None: the real function
        self.ran: dict[str | None, set[str]] = {}
        self.failed: dict[str | None, set[str]] = {}

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> object:
        """Run every test on the real function, then, if they all pass, on each mutant."""
        if session.testsfailed:
            return None  # a collection error: pytest's own loop reports it
        self.run_all(session, None)
        if not self.ran.get(None) or self.failed.get(None):
            return True
        for mutant in self.mutants:
            with planted(self.function, mutant):
                self.run_all(session, mutant.bug)
        return True

    def run_all(self, session: pytest.Session, bug: str | None) -> None:
        """Run each collected test once, with its fixtures set up and torn down afresh."""
        self.current = bug
        self.ran[bug], self.failed[bug] = set(), set()
        for item in session.items:
            if hasattr(item, "_initrequest"):  # fresh fixture values, as pytest-rerunfailures does
                item._initrequest()
            item.ihook.pytest_runtest_protocol(item=item, nextitem=None)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """A failure in any phase fails the test; a skipped test did not run."""
        if report.failed:
            self.failed[self.current].add(report.nodeid)
        if report.when == "call" and not report.skipped:
            self.ran[self.current].add(report.nodeid)

    def grade(self) -> MutationGrade:
        """The tests on the real function, and the bugs caught and missed."""
        tests, failed = len(self.ran.get(None, ())), len(self.failed.get(None, ()))
        if tests == 0 or failed:
            # Tests that fail on the real function would "catch" every mutant: nothing to grade.
            return MutationGrade(tests, failed, (), self.bugs())
        caught = tuple(bug for bug in self.bugs() if self.failed[bug])
        missed = tuple(bug for bug in self.bugs() if not self.failed[bug])
        return MutationGrade(tests, 0, caught, missed)

    def bugs(self) -> tuple[str, ...]:
        """The bugs of the mutants, in their order."""
        return tuple(mutant.bug for mutant in self.mutants)


def grade_tests(
    test_file: Path, function: FunctionType, mutants: tuple[Mutant, ...]
) -> MutationGrade:
    """Run the tests on the real function, then, if they pass there, on each mutant."""
    if not test_file.is_file():
        raise ProjectError(f"No {test_file} here: run the command from the project's folder.")
    runner = MutantRunner(function, mutants)
    forget_test_modules(test_file.resolve().parent)  # a test module changed since its import
    # Only pass or fail matters, so no assertion rewriting, and no unraisable-exception plugin
    # (at the end of a session it collects the garbage twice: about a second with pandas loaded).
    arguments = ["-q", "--assert=plain", "-p", "no:cacheprovider", "-p", "no:unraisableexception"]
    with contextlib.redirect_stdout(io.StringIO()):
        pytest.main([*arguments, str(test_file)], plugins=[runner])
    return runner.grade()


def forget_test_modules(folder: Path) -> None:
    """Drop the imported test modules of the folder, so a new grading imports them again."""
    prefix = f"{folder}{os.sep}"
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None)).startswith(prefix):
            del sys.modules[name]

"""The progress of the practice exercises: one table of exercises, one of skills, and what next.

`make exercises` (`<cli> exercises`) grades every exercise (exercises.py), then prints what is
done and to do with the tests passed and the hints used, how much of each skill of skills.py the
exercises cover, and where to start on the next one.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from {{ cookiecutter.package_name }}.exercise_catalogue import PACKAGE, Exercise
from {{ cookiecutter.package_name }}.exercise_help import hints_used
from {{ cookiecutter.package_name }}.exercise_mutation import MutationGrade
from {{ cookiecutter.package_name }}.exercises import (
    grade,
    grade_written,
    graded_test_file,
    is_blank,
    is_done,
    present,
)
from {{ cookiecutter.package_name }}.skills import SKILLS

Grades = dict[int, tuple[int, int]]


def progress_table(exercises: list[Exercise], grades: Grades, hints: dict[int, int]) -> Table:
    """One row per exercise: what and where it is, its chapter, tests passed, hints, status."""
    title = f"Practice exercises (files below src/{PACKAGE}/ or tests/practice/)"
    table = Table(title=title, title_justify="left")
    for header in ("#", "exercise: file, function", "chapter", "tests", "hints", "status"):
        justify = "right" if header in ("#", "tests", "hints") else "left"
        table.add_column(header, justify=justify, no_wrap=header != "chapter")
    for ex in exercises:
        passed, ran = grades.get(ex.number, (0, 0))
        status = "[green]done[/]" if is_done(ex, grades) else "[yellow]to do[/]"
        where = f"{ex.module.replace('.', '/')}.py\n{ex.function}"
        if ex.kind == "write-tests":
            where = f"{Path(ex.test_file).name}\ntests of {ex.function}"
        used = f"{hints.get(ex.number, 0)}/{len(ex.hints)}"
        what = f"[bold]{escape(ex.title)}[/]\n{escape(where)}"
        table.add_row(str(ex.number), what, ex.chapter, f"{passed}/{ran}", used, status)
    return table


def skill_rows(exercises: list[Exercise], grades: Grades) -> list[tuple[str, str, str]]:
    """Per skill of skills.py: its id, the exercises that train it, and how many are done."""
    rows = []
    for skill_id in SKILLS:
        training = [ex for ex in exercises if skill_id in ex.skills]
        done = sum(is_done(ex, grades) for ex in training)
        numbers = ", ".join(str(ex.number) for ex in training) or "-"
        rows.append((skill_id, numbers, f"{done}/{len(training)}" if training else "-"))
    return rows


def skills_table(exercises: list[Exercise], grades: Grades) -> Table:
    """The coverage of each skill: which exercises train it, done out of total."""
    table = Table(title="Skills practised (skills.py)", title_justify="left")
    table.add_column("skill", no_wrap=True)
    table.add_column("exercises")
    table.add_column("done", justify="right")
    for row in skill_rows(exercises, grades):
        table.add_row(*row)
    return table


def grade_everything(exercises: list[Exercise]) -> tuple[Grades, dict[int, MutationGrade]]:
    """The grades of every exercise: graded tests for the implement kind, mutants for the other."""
    grades = grade()
    written = {ex.number: grade_written(ex) for ex in exercises if ex.kind == "write-tests"}
    for number, result in written.items():
        grades[number] = (result.passed_checks, result.checks)
    return grades, written


def next_steps(ex: Exercise, written: MutationGrade | None, hints: dict[int, int]) -> list[str]:
    """What to do on the next exercise: where, how to check it, and how to get help."""
    if ex.kind == "write-tests":
        lines = [
            f"Next: exercise {ex.number}, {ex.title}: write tests of {ex.function} ({ex.path}) "
            f"in {ex.test_file}; chapter {ex.chapter} of the tutorial explains it. They must "
            "pass on the function and fail on each bug that `make exercises` plants in it."
        ]
        if written is None or is_blank(ex):
            pass  # the bake's placeholder fails on purpose: nothing to report yet
        elif written.tests == 0:
            lines.append(f"No test of yours ran: write functions named test_... in {ex.test_file}.")
        elif written.failed:
            lines.append(
                f"{written.failed} of your {written.tests} tests fail on the real function."
            )
        elif written.missed:
            lines.append("Your tests let these bugs through: " + "; ".join(written.missed) + ".")
    else:
        lines = [
            f"Next: exercise {ex.number}, {ex.title}, in {ex.path} ({ex.function}); "
            f"chapter {ex.chapter} of the tutorial explains it."
        ]
    marker = "" if ex.kind == "write-tests" else "-m exercise "
    lines.append(f"Its tests: uv run pytest {marker}{graded_test_file(ex)}")
    used = hints.get(ex.number, 0)
    if used < len(ex.hints):
        lines.append(
            f"Stuck? make hint N={ex.number} shows hint {used + 1} of {len(ex.hints)}; "
            f"make solution N={ex.number} shows the reference."
        )
    else:
        lines.append(f"Every hint seen: make solution N={ex.number} shows the reference.")
    return lines


def run(console: Console) -> int:
    """Grade the exercises, print the progress and what next; 0 when all are done, else 1."""
    exercises = present()
    with console.status("Running the graded tests..."):
        grades, written = grade_everything(exercises)
    hints = hints_used()
    # The long skills table first: the exercises and what to do next stay in view below it.
    console.print(skills_table(exercises, grades))
    covered = sum(row[1] != "-" for row in skill_rows(exercises, grades))
    console.print(f"{covered}/{len(SKILLS)} skills have an exercise in this project.")
    console.print(progress_table(exercises, grades, hints))
    to_do = [ex for ex in exercises if not is_done(ex, grades)]
    console.print(f"{len(exercises) - len(to_do)}/{len(exercises)} exercises done.")
    if not to_do:
        return 0
    ex = to_do[0]
    for line in next_steps(ex, written.get(ex.number), hints):
        console.print(escape(line), soft_wrap=True)
    return 1

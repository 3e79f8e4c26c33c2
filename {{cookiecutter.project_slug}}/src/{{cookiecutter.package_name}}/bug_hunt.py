"""The bug hunt: the faults a project baked with `exercises=bugs` has, and how many are fixed.

Such a project works, but a few classic faults of ML engineering are planted in it. The learner
sees only their symptoms (a score too good to be true, a split that is not what params.yaml
says, served scores that differ from offline ones, a flaky A/B split, a drift check that misses
drift, test rows cleaned with every row's statistics) and hunts the cause. The tests of
tests/bugs/ marked `@pytest.mark.bug(N)` check that the symptom of fault N is gone; `make bugs`
runs them and counts the faults found. In a project baked without bugs they are ordinary tests
that pass: the reference code has no fault.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }}.exercise_catalogue import PACKAGE
from {{ cookiecutter.package_name }}.exercises import grade, has_module


@dataclass(frozen=True)
class Bug:
    """One planted fault, as the learner meets it: its symptom and where to see it."""

    number: int
    symptom: str
    where: str  # the command or file that shows the symptom in the real pipeline
    module: str  # the module the fault needs, below the package (options can remove it)


# The symptoms say what is observed, never which file holds the fault.
BUGS = (
    Bug(
        1,
        "The model's ROC AUC is close to 1, in training and on the test set: too good to be true.",
        "make pipeline; reports/training.json (cv) and reports/metrics.json (model.roc_auc)",
        "model.features",
    ),
    Bug(
        2,
        "params.yaml asks for a time split, yet test customers signed up before development ones.",
        "reports/split.json: test.first_signup against development.last_signup",
        "model.split",
    ),
    Bug(
        3,
        "The threshold of the test report is not the one training chose, and its cost is lower.",
        "models/training.json (threshold) against reports/metrics.json (threshold)",
        "model.evaluate",
    ),
    Bug(
        4,
        "For some customers the service's score is not the score the pipeline gives them.",
        "POST /predict one test row, against its score in models/test_scores.parquet",
        "serving.record_scorer",
    ),
    Bug(
        5,
        "The same customer meets the champion on one request and the challenger on the next.",
        "POST /predict twice with one customer id, experiment mode ab: the variant",
        "serving.dependencies",
    ),
    Bug(
        6,
        "Monitoring flags the scores' drift but no input column, even on drifted traffic.",
        "monitor simulate drift, then monitor check: the drifted columns",
        "monitoring.monitor",
    ),
    Bug(
        7,
        "The final test rows hold no missing value and no number written as text; raw rows do.",
        "data/split/test.parquet against data/interim/customers.parquet",
        "model.split",
    ),
)


def present() -> list[Bug]:
    """The faults whose module this project has (a disabled feature takes its faults along)."""
    return [bug for bug in BUGS if has_module(f"{PACKAGE}.{bug.module}")]


def is_found(bug: Bug, grades: dict[int, tuple[int, int]]) -> bool:
    """Found when tests of the fault ran and every one of them passed."""
    passed, ran = grades.get(bug.number, (0, 0))
    return ran > 0 and passed == ran


def hunt_table(bugs: list[Bug], grades: dict[int, tuple[int, int]]) -> Table:
    """One row per fault: its symptom, where to see it, its tests and whether it is found."""
    table = Table(title="The bug hunt: symptoms to explain and fix", title_justify="left")
    for header in ("#", "symptom", "where to see it", "tests", "status"):
        justify = "right" if header in ("#", "tests") else "left"
        table.add_column(header, justify=justify, no_wrap=header in ("#", "tests", "status"))
    for bug in bugs:
        passed, ran = grades.get(bug.number, (0, 0))
        status = "[green]found[/]" if is_found(bug, grades) else "[yellow]not found[/]"
        table.add_row(str(bug.number), bug.symptom, bug.where, f"{passed}/{ran}", status)
    return table


def found(bugs: list[Bug], grades: dict[int, tuple[int, int]]) -> int:
    """How many faults are fixed: every one of their tests ran and passed."""
    return sum(is_found(bug, grades) for bug in bugs)


def run(console: Console) -> int:
    """Run the faults' tests, print the table and the count; 0 when every fault is found."""
    bugs = present()
    with console.status("Running the symptoms' tests..."):
        # tests/bugs/ holds one fast test per fault, on small data it builds. Slower tests
        # elsewhere that also show a fault are marked too, so that CI leaves them to this table.
        grades = grade(Path("tests") / "bugs", marker="bug")
    console.print(hunt_table(bugs, grades))
    count = found(bugs, grades)
    console.print(f"{count} of {len(bugs)} bugs found.")
    return 0 if count == len(bugs) else 1

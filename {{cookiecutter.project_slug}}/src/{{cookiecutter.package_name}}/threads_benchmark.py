"""The thread policy measured: one fit alone, then beside another OpenMP job, with and without it.

The neighbour is what a shared machine really runs: another gradient-boosting training with the
libraries' default threads (a notebook, a second pipeline, the other test worker). The fit under
test runs in a fresh process with the project's policy (one numeric thread, threads.py), then
with the libraries' default; each figure is the best of a few runs, and the slowdown beside the
neighbour is a ratio measured in the same session, so the machine's speed cancels out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.threads import VARIABLES, thread_variables

# One histogram gradient-boosting fit on synthetic data, timed; argv: rows, iterations, loop.
# With loop=1 it fits again and again (the neighbour) after printing "ready".
FIT = """
import sys, time
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
rows, iterations, loop = map(int, sys.argv[1:4])
X, y = make_classification(n_samples=rows, n_features=30, random_state=0)
model = HistGradientBoostingClassifier(max_iter=iterations, early_stopping=False, random_state=0)
print("ready", flush=True)
while True:
    start = time.perf_counter()
    model.fit(X, y)
    if not loop:
        print(time.perf_counter() - start)
        break
"""
POLICIES = {"one thread per process (the policy)": 1, "the libraries' default": 0}
TIMEOUT = 600  # seconds for one fit: a bound, far above the slowest measured


@dataclass(frozen=True)
class Slowdown:
    """One setting's fit time alone and beside the neighbour, in seconds."""

    setting: str
    alone: float
    beside: float

    @property
    def ratio(self) -> float:
        """How many times slower the fit is beside the neighbour."""
        return self.beside / self.alone


def environment(threads: int) -> dict[str, str]:
    """This process's environment with only the policy's thread variables (none for 0)."""
    clean = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    return {**clean, **thread_variables(threads, clean)}


def fit_seconds(threads: int, rows: int, iterations: int) -> float:
    """Seconds of one fit in a fresh process with `threads` numeric threads (0: default)."""
    command = [sys.executable, "-c", FIT, str(rows), str(iterations), "0"]
    done = subprocess.run(
        command, env=environment(threads), capture_output=True, text=True, timeout=TIMEOUT
    )
    if done.returncode != 0:
        raise ProjectError(f"The timed fit failed: {done.stderr.strip().splitlines()[-1]}")
    return float(done.stdout.split()[-1])


def start_neighbour(rows: int, iterations: int) -> subprocess.Popen:
    """Start the neighbour (default threads, fitting in a loop); return once it is fitting."""
    command = [sys.executable, "-c", FIT, str(rows), str(iterations), "1"]
    neighbour = subprocess.Popen(
        command, env=environment(0), stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert neighbour.stdout is not None
    if neighbour.stdout.readline().strip() != "ready":
        neighbour.kill()
        raise ProjectError("The neighbouring OpenMP job could not start.")
    return neighbour


def measure(
    rows: int, iterations: int, repeats: int, policies: dict[str, int] = POLICIES
) -> list[Slowdown]:
    """Each setting's best fit time of `repeats`, alone and beside the neighbour."""
    alone = {
        name: min(fit_seconds(threads, rows, iterations) for _ in range(repeats))
        for name, threads in policies.items()
    }
    neighbour = start_neighbour(rows, iterations)
    try:
        beside = {
            name: min(fit_seconds(threads, rows, iterations) for _ in range(repeats))
            for name, threads in policies.items()
        }
    finally:
        neighbour.kill()
        neighbour.wait()
    return [Slowdown(name, alone[name], beside[name]) for name in policies]


def slowdown_table(slowdowns: list[Slowdown], rows: int, iterations: int) -> Table:
    """The figures side by side: alone, beside the neighbour, and the ratio."""
    table = Table(
        title=f"A gradient-boosting fit ({rows:,} rows, {iterations} iterations) alone and "
        "beside another OpenMP training",
        title_justify="left",
    )
    for header in ("numeric threads", "alone (s)", "beside (s)", "slowdown"):
        table.add_column(header, justify="left" if header == "numeric threads" else "right")
    for row in slowdowns:
        table.add_row(row.setting, f"{row.alone:.2f}", f"{row.beside:.2f}", f"{row.ratio:.1f}x")
    return table


def run(rows: int, iterations: int, repeats: int, console: Console) -> list[Slowdown]:
    """Measure, print the table and what it means; return the figures."""
    with console.status("Timing fits alone and beside another OpenMP job..."):
        slowdowns = measure(rows, iterations, repeats)
    console.print(slowdown_table(slowdowns, rows, iterations))
    policy, default = slowdowns
    console.print(
        f"Beside another OpenMP job the fit took {policy.ratio:.1f}x its time alone with one "
        f"thread per process, and {default.ratio:.1f}x with the libraries' default threads "
        f"({default.beside / policy.beside:.1f}x the policy's time).",
        soft_wrap=True,
    )
    return slowdowns

"""Do this project's drift verdicts agree with Evidently's on the same data? A benchmark.

drift.py follows Evidently's documented default tests; this benchmark checks that claim on
synthetic columns whose truth is known: numeric and categorical columns, with and without a
shift, small (p-value tests) and large (distances) references. Each case is judged by both
tools and the verdicts are printed side by side with the share that agrees.

Evidently is not a dependency of the project (it is large, and its 0.7 series needs pandas 2),
so it is imported only here, when installed:

    uv run --with "evidently>=0.7,<0.8" --with "pandas<3" <project> bench drift-agreement

The known differences are documented where they are made (two_sample.chi_square_test: a
homogeneity test instead of goodness of fit); a disagreement on a borderline case is expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.monitoring.drift import Kind, column_drift

HEADERS = ("case (reference rows, change)", "truth", "this project", "Evidently")
INSTALL_HINT = (
    'Evidently is not installed; run: uv run --with "evidently>=0.7,<0.8" --with "pandas<3" '
    "<project> bench drift-agreement"
)


@dataclass(frozen=True)
class Case:
    """One synthetic column: a reference and a current sample, and whether it truly drifted."""

    name: str
    kind: Kind
    reference: pd.Series
    current: pd.Series
    drifted: bool


def cases(seed: int = 0) -> list[Case]:
    """Numeric and categorical columns, shifted or not, with small and large references."""
    rng = np.random.default_rng(seed)
    built = []
    for rows in (500, 5000):
        for shift in (0.0, 0.05, 0.5):
            reference = pd.Series(rng.normal(size=rows), name=f"numeric {rows}, shift {shift:g}")
            current = pd.Series(rng.normal(shift, 1.0, size=rows), name=reference.name)
            built.append(Case(str(reference.name), "numeric", reference, current, shift >= 0.5))
        for tilt in (0.0, 0.02, 0.2):
            shares = np.array([0.5, 0.3, 0.2])
            moved = shares + np.array([-tilt, tilt / 2, tilt / 2])
            name = f"categorical {rows}, tilt {tilt:g}"
            reference = pd.Series(rng.choice(list("abc"), size=rows, p=shares), name=name)
            current = pd.Series(rng.choice(list("abc"), size=rows, p=moved), name=name)
            built.append(Case(name, "categorical", reference, current, tilt >= 0.2))
    return built


def our_verdicts(all_cases: list[Case]) -> dict[str, bool]:
    """This project's drift verdict of each case."""
    return {
        case.name: column_drift(case.reference, case.current, case.kind).drifted
        for case in all_cases
    }


def evidently_drifted(method: str, value: float, threshold: float) -> bool:
    """Evidently's rule: a p-value drifts below its threshold, a distance at or above it."""
    return value < threshold if "p_value" in method else value >= threshold


def evidently_verdicts(all_cases: list[Case]) -> dict[str, bool]:
    """Evidently's DataDriftPreset verdict of each case (one report per case: its own size)."""
    try:
        from evidently import DataDefinition, Dataset, Report
        from evidently.presets import DataDriftPreset
    except ImportError:
        raise ProjectError(INSTALL_HINT) from None
    verdicts = {}
    for case in all_cases:
        columns = {
            "numerical_columns" if case.kind == "numeric" else "categorical_columns": [case.name]
        }
        definition = DataDefinition(**columns)
        frames = [
            Dataset.from_pandas(s.to_frame(), data_definition=definition)
            for s in (case.current, case.reference)
        ]
        result = Report([DataDriftPreset()]).run(*frames).dict()
        drift = next(m for m in result["metrics"] if m["config"].get("column") == case.name)
        verdicts[case.name] = evidently_drifted(
            drift["config"]["method"], drift["value"], drift["config"]["threshold"]
        )
    return verdicts


def comparison_rows(
    all_cases: list[Case], ours: dict[str, bool], theirs: dict[str, bool]
) -> list[tuple[Any, ...]]:
    """One row per case: its name (kind, size, change), truth and both verdicts."""

    def word(drifted: bool) -> str:
        """A verdict as a word."""
        return "drift" if drifted else "-"

    return [
        (
            case.name,
            word(case.drifted),
            word(ours[case.name]),
            word(theirs[case.name]),
        )
        for case in all_cases
    ]


def agreement(ours: dict[str, bool], theirs: dict[str, bool]) -> float:
    """The share of cases on which both tools give the same verdict."""
    if ours.keys() != theirs.keys() or not ours:
        raise ValueError("Both tools must judge the same, non-empty set of cases.")
    return sum(ours[name] == theirs[name] for name in ours) / len(ours)


def run(console: Any, seed: int = 0) -> float:
    """Judge every case with both tools; print them side by side and the agreement."""
    from rich.table import Table

    all_cases = cases(seed)
    theirs = evidently_verdicts(all_cases)
    ours = our_verdicts(all_cases)
    table = Table(title="Drift verdicts: this project vs Evidently (DataDriftPreset)")
    for header in HEADERS:
        table.add_column(header)
    for row in comparison_rows(all_cases, ours, theirs):
        table.add_row(*row)
    console.print(table)
    share = agreement(ours, theirs)
    console.print(f"Agreement: {share:.0%} of {len(all_cases)} cases.")
    return share

"""The Evidently agreement benchmark: its cases, this project's side and the comparison."""

from __future__ import annotations

import re
import sys

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.monitoring.agreement import (
    agreement,
    cases,
    comparison_rows,
    evidently_drifted,
    evidently_verdicts,
    our_verdicts,
)

from ..conftest import require_exercises


def test_this_project_finds_exactly_the_true_drifts_of_the_benchmark_cases() -> None:
    require_exercises(7)  # every numeric column gets a PSI
    all_cases = cases(seed=0)

    ours = our_verdicts(all_cases)

    assert len(all_cases) == 12
    assert sum(case.drifted for case in all_cases) == 4
    assert ours == {case.name: case.drifted for case in all_cases}


def test_evidently_reads_p_values_below_and_distances_at_or_above_the_threshold() -> None:
    assert evidently_drifted("K-S p_value", 0.01, 0.05) is True
    assert evidently_drifted("chi-square p_value", 0.05, 0.05) is False
    assert evidently_drifted("Wasserstein distance (normed)", 0.1, 0.1) is True
    assert evidently_drifted("Jensen-Shannon distance", 0.09, 0.1) is False


def test_the_agreement_is_the_share_of_equal_verdicts_and_rows_show_both() -> None:
    all_cases = cases(seed=0)[:2]
    ours = {all_cases[0].name: False, all_cases[1].name: False}
    theirs = {all_cases[0].name: True, all_cases[1].name: False}

    assert agreement(ours, theirs) == 0.5
    assert comparison_rows(all_cases, ours, theirs)[0] == (
        "numeric 500, shift 0",
        "-",
        "-",
        "drift",
    )
    with pytest.raises(ValueError, match="same, non-empty set of cases"):
        agreement(ours, {})


def test_without_evidently_the_benchmark_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "evidently", None)  # as if it were not installed

    with pytest.raises(ProjectError, match=re.escape('--with "evidently>=0.7,<0.8"')):
        evidently_verdicts(cases(seed=0))

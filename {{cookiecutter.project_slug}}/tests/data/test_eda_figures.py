"""The exploration's figures: one per finding, the period figure only with a time column."""

from __future__ import annotations

from matplotlib.figure import Figure

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.eda_figures import FIGURES, draw_figures
from {{ cookiecutter.package_name }}.data.eda_stats import missing_share, summarise

from ..conftest import clean_frame, require_exercises


def test_every_figure_is_drawn_for_the_contract(contract: ColumnsParams) -> None:
    require_exercises(35)  # the earlier-vs-later table
    frame = clean_frame(contract, 60)
    findings = summarise(frame, missing_share(frame), contract, later_share=0.2)

    figures = draw_figures(frame, findings, contract)

    assert list(figures) == list(FIGURES)
    assert all(isinstance(figure, Figure) for figure in figures.values())
    distributions = figures["distributions.png"]
    titles = [ax.get_title() for ax in distributions.axes if ax.get_visible()]
    assert titles == list(contract.numeric)  # one panel per numeric column


def test_without_a_time_column_the_period_figure_is_not_drawn(contract: ColumnsParams) -> None:
    no_time = contract.model_copy(update={"time": None})
    frame = clean_frame(contract, 60).drop(columns=contract.time)
    findings = summarise(frame, missing_share(frame), no_time, later_share=0.2)

    figures = draw_figures(frame, findings, no_time)

    assert "later_signups.png" not in figures
    assert list(figures) == [name for name in FIGURES if name != "later_signups.png"]

"""The figures of the exploration, drawn from its findings (data/eda_stats.py).

Figures are built from matplotlib.figure.Figure, not pyplot: no GUI backend and no global
state, so the stage runs on a server without a display and never opens a window. The explore
stage (data/explore.py) saves them to reports/figures/eda/.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.eda_stats import (
    TOP,
    Findings,
    Periods,
    correlation_matrix,
    is_later_signup,
    percent,
    strongest_first,
)

# Every figure the stage can draw, in the order eda.md links them, with the link text.
FIGURES = {
    "distributions.png": "Numeric columns, churned vs stayed",
    "missingness.png": "Missing values before cleaning",
    "churn_by_category.png": "Churn rate by category",
    "correlations.png": "Correlations between numeric columns and churn",
    "later_signups.png": "Earlier vs later signups",
}
BINS = 30
PANEL = (4.0, 3.0)  # inches per panel: small figures that stay readable in a Markdown preview
CHURNED, STAYED = "tab:red", "tab:blue"
EARLIER, LATER = "tab:gray", "tab:orange"


def _grid(panels: int, columns: int = 3) -> tuple[Figure, list[Axes]]:
    """A figure with at least one panel, `columns` panels per row; unused panels hidden."""
    ncols = max(1, min(columns, panels))
    nrows = max(1, -(-panels // ncols))
    figure = Figure(figsize=(PANEL[0] * ncols, PANEL[1] * nrows))
    # Fixed spacing rather than layout="constrained", which doubled the drawing time; the outer
    # margins are trimmed when the figure is saved (bbox_inches="tight").
    figure.subplots_adjust(wspace=0.3, hspace=0.6, top=1 - 0.6 / (PANEL[1] * nrows))
    axes = list(figure.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[panels:]:
        ax.set_visible(False)
    return figure, axes[:panels]


def _empty_figure(message: str) -> Figure:
    """A one-panel figure that says why there is nothing to draw."""
    figure = Figure(figsize=PANEL)
    ax = figure.subplots()
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True)
    ax.set_axis_off()
    return figure


def _histograms(ax: Axes, groups: dict[str, tuple[np.ndarray, str]], title: str) -> None:
    """Overlaid histograms on shared bins, as the share of each group so sizes do not matter.

    Counts come from np.histogram on every row and only the bar outlines are drawn, so the cost
    of drawing does not depend on the number of rows: no sampling is needed even at 1M rows.
    """
    edges = np.histogram_bin_edges(np.concatenate([v for v, _ in groups.values()]), bins=BINS)
    for label, (values, color) in groups.items():
        counts, _ = np.histogram(values, bins=edges)
        ax.stairs(counts / max(len(values), 1), edges, label=label, color=color, linewidth=1.5)
    ax.set_title(title)
    ax.set_ylabel("share of group")


def draw_distributions(frame: pd.DataFrame, numeric: list[str], target: str) -> Figure:
    """A grid of histograms, one per numeric column, churned vs stayed."""
    if not numeric:
        return _empty_figure("No numeric columns are declared in params.yaml.")
    figure, axes = _grid(len(numeric))
    churned = frame[target].to_numpy() == 1
    for ax, name in zip(axes, numeric, strict=True):
        values = frame[name].to_numpy(dtype="float64")
        groups = {"churned": (values[churned], CHURNED), "stayed": (values[~churned], STAYED)}
        _histograms(ax, groups, name)
        ax.set_xlabel(name)
    axes[0].legend()
    figure.suptitle("Numeric columns: churned vs stayed customers")
    return figure


def draw_missingness(missing: pd.Series, max_null_rate: float) -> Figure:
    """Horizontal bars: share of missing values per raw column, with the flag threshold."""
    figure = Figure(figsize=(7.0, 0.3 * len(missing) + 1.5))
    ax = figure.subplots()
    ordered = missing.iloc[::-1]  # barh draws bottom-up: keep the most missing on top
    ax.barh(ordered.index, ordered.to_numpy(), color="tab:purple")
    ax.axvline(max_null_rate, color="black", linestyle="--", label="flag threshold")
    ax.set_xlabel("share of values missing in the raw data")
    ax.set_title("Missing values before cleaning")
    ax.legend(loc="lower right")
    return figure


def draw_churn_by_category(categories: dict[str, pd.DataFrame], churn_rate: float) -> Figure:
    """One bar chart of churn rate per category column, with the overall rate as a line."""
    if not categories:
        return _empty_figure("No categorical columns are declared in params.yaml.")
    figure, axes = _grid(len(categories), columns=2)
    for ax, (name, table) in zip(axes, categories.items(), strict=True):
        positions = np.arange(len(table))
        ax.bar(positions, table["churn_rate"].to_numpy(), color="tab:red")
        ax.set_xticks(positions, table.index.astype(str), rotation=30, ha="right")
        ax.axhline(churn_rate, color="black", linestyle="--")
        ax.set_title(name)
        ax.set_ylabel("churn rate")
    figure.suptitle(f"Churn rate by category (dashed line: all customers, {percent(churn_rate)})")
    return figure


def draw_correlations(matrix: pd.DataFrame) -> Figure:
    """A heatmap of the Pearson correlations, each cell labelled with its value."""
    size = 1.0 + 0.7 * len(matrix)
    figure = Figure(figsize=(size + 1.5, size))
    ax = figure.subplots()
    image = ax.imshow(matrix.to_numpy(), cmap="coolwarm", vmin=-1, vmax=1)
    ticks = np.arange(len(matrix))
    ax.set_xticks(ticks, matrix.columns, rotation=45, ha="right")
    ax.set_yticks(ticks, matrix.index)
    for (row, col), value in np.ndenumerate(matrix.to_numpy()):
        label = "" if np.isnan(value) else f"{round(value, 2) + 0.0:.2f}"
        # White on the dark ends of the colour scale, black elsewhere.
        color = "white" if abs(value) > 0.6 else "black"
        ax.text(col, row, label, ha="center", va="center", color=color)
    figure.colorbar(image, ax=ax, label="Pearson correlation")
    ax.set_title("Correlations between numeric columns and churn")
    return figure


def draw_later_signups(frame: pd.DataFrame, periods: Periods, target: str) -> Figure:
    """Earlier vs later signups: the most-shifted columns, then the churn rate per period."""
    shifted = strongest_first(periods.table["smd"].iloc[:-1]).dropna().head(TOP)
    figure, axes = _grid(len(shifted) + 1, columns=len(shifted) + 1)
    later = is_later_signup(frame, periods.time_column, periods.later_share).to_numpy()
    for ax, (name, smd) in zip(axes, shifted.items(), strict=False):
        values = frame[name].to_numpy(dtype="float64")
        groups = {"earlier": (values[~later], EARLIER), "later": (values[later], LATER)}
        _histograms(ax, groups, f"{name} (SMD {smd:+.2f})")
        ax.set_xlabel(name)
    if len(shifted):
        axes[0].legend()
    rates = periods.table.loc[target]
    ax = axes[-1]
    heights = [rates["mean_earlier"], rates["mean_later"]]
    ax.bar(["earlier", "later"], heights, color=[EARLIER, LATER])
    ax.set_title("Churn rate per period")
    ax.set_ylabel("churn rate")
    figure.suptitle(f"Signups after {periods.cutoff:%Y-%m-%d} vs earlier ones")
    return figure


def draw_figures(
    frame: pd.DataFrame, findings: Findings, columns: ColumnsParams
) -> dict[str, Figure]:
    """Every figure the findings allow, by file name (no period figure without a time column)."""
    numeric, target = list(columns.numeric), columns.target
    figures = {
        "distributions.png": draw_distributions(frame, numeric, target),
        "missingness.png": draw_missingness(findings.missing, findings.max_null_rate),
        "churn_by_category.png": draw_churn_by_category(findings.categories, findings.churn_rate),
        "correlations.png": draw_correlations(correlation_matrix(frame, [*numeric, target])),
    }
    if findings.periods is not None:
        figures["later_signups.png"] = draw_later_signups(frame, findings.periods, target)
    return figures

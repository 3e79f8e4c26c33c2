"""Explore the clean data: figures in reports/figures/eda/ and a plain-language reports/eda.md.

Exploration answers the questions to ask before modelling: how many customers churn, which
columns go with churn, which values were missing before cleaning, and whether recent signups
look like earlier ones (if not, a model trained on the past may serve the present badly).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# Figures are built from matplotlib.figure.Figure, not pyplot: no GUI backend and no global
# state, so the stage runs on a server without a display and never opens a window.
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import (
    EDA_FIGURES,
    EDA_MD,
    PROCESSED_DATA,
    RAW_DATA,
    ColumnsParams,
    Params,
)
from {{ cookiecutter.package_name }}.errors import DataError

# Every figure the stage can draw, in the order eda.md links them, with the link text.
FIGURES = {
    "distributions.png": "Numeric columns, churned vs stayed",
    "missingness.png": "Missing values before cleaning",
    "churn_by_category.png": "Churn rate by category",
    "correlations.png": "Correlations between numeric columns and churn",
    "later_signups.png": "Earlier vs later signups",
}
# Above this absolute standardised mean difference a shift between periods is worth a look
# (the usual rule of thumb in covariate-balance checks).
SMD_FLAG = 0.1
TOP = 3  # how many columns the summary names in each "most ..." list
BINS = 30
PANEL = (4.0, 3.0)  # inches per panel: small figures that stay readable in a Markdown preview
CHURNED, STAYED = "tab:red", "tab:blue"
EARLIER, LATER = "tab:gray", "tab:orange"


@dataclass(frozen=True)
class Periods:
    """The comparison of the latest signups with the earlier ones."""

    time_column: str
    later_share: float
    cutoff: pd.Timestamp  # later signups are strictly after this date
    rows_earlier: int
    rows_later: int
    table: pd.DataFrame  # compare_periods(): one row per numeric column, then the target


@dataclass(frozen=True)
class Findings:
    """Everything eda.md reports, computed from the data without drawing or writing."""

    rows: int
    churn_rate: float
    missing: pd.Series
    max_null_rate: float
    correlations: pd.Series
    categories: dict[str, pd.DataFrame]
    text: dict[str, pd.DataFrame]
    periods: Periods | None


def missing_share(raw: pd.DataFrame) -> pd.Series:
    """Share of missing values per column, highest first (ties keep the column order)."""
    return raw.isna().mean().sort_values(ascending=False, kind="stable")


def churn_rate_by_category(frame: pd.DataFrame, column: str, target: str) -> pd.DataFrame:
    """Customers and churn rate per category of `column`, highest churn rate first."""
    table = frame.groupby(column, sort=True)[target].agg(customers="size", churn_rate="mean")
    # Stable sort after the groupby's alphabetical order: equal rates come out in a fixed order.
    return table.sort_values("churn_rate", ascending=False, kind="stable")


def correlation_matrix(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Pearson correlations between the given numeric columns."""
    return frame[columns].astype("float64").corr(method="pearson")


def correlations_with_target(
    frame: pd.DataFrame, numeric_columns: list[str], target: str
) -> pd.Series:
    """Pearson correlation of each numeric column with the 0/1 target, strongest first.

    Pearson rather than Spearman: with a 0/1 target it is the point-biserial correlation, which
    grows with the gap between the churners' mean and the others' mean (the same idea as the
    standardised mean difference used for periods). Its weakness, outliers, is already handled:
    the clean stage clipped every numeric column. It is also ~15x faster than ranking 1M rows.
    A constant column has no correlation (NaN) and comes last.
    """
    matrix = correlation_matrix(frame, [*numeric_columns, target])
    return _strongest_first(matrix[target].drop(target))


def _strongest_first(values: pd.Series) -> pd.Series:
    """Sort by absolute value, largest first, NaN last, ties in the original order."""
    order = values.abs().sort_values(ascending=False, kind="stable", na_position="last").index
    return values.reindex(order)


def is_later_signup(frame: pd.DataFrame, time_column: str, later_share: float) -> pd.Series:
    """True for the latest `later_share` of signups: those strictly after the cutoff date.

    The cutoff is an actual signup date (the lower quantile), so customers who signed up on
    the same day are never split between periods; with many ties the later share is smaller.
    """
    times = frame[time_column]
    cutoff = times.quantile(1.0 - later_share, interpolation="lower")
    return times > cutoff


def compare_periods(
    frame: pd.DataFrame,
    time_column: str,
    later_share: float,
    numeric_columns: list[str],
    target: str,
) -> pd.DataFrame:
    """Mean of each numeric column, and of the target, for earlier and later signups.

    Returns one row per numeric column and a last row for the target (whose means are the churn
    rates of each period), with columns mean_earlier, mean_later and smd: the standardised mean
    difference (later minus earlier, divided by the pooled standard deviation
    sqrt((var_earlier + var_later) / 2)). Unlike a p-value it does not shrink to "significant"
    just because there are a million rows. It is NaN for a column constant in both periods.
    """
    later = is_later_signup(frame, time_column, later_share)
    if later.all() or not later.any():
        raise DataError(
            f"{time_column} has too few distinct dates to split off the latest "
            f"{_percent(later_share, 0)} of signups."
        )
    values = frame[[*numeric_columns, target]].astype("float64")
    earlier_part, later_part = values[~later], values[later]
    pooled = np.sqrt((earlier_part.var() + later_part.var()) / 2)
    table = pd.DataFrame({"mean_earlier": earlier_part.mean(), "mean_later": later_part.mean()})
    table["smd"] = (table["mean_later"] - table["mean_earlier"]) / pooled.where(pooled > 0)
    table.index.name = "column"
    return table


def text_by_target(frame: pd.DataFrame, column: str, target: str) -> pd.DataFrame:
    """Per target value: share of empty texts and mean length (characters) of the others."""
    length = frame[column].fillna("").str.len()
    parts = pd.DataFrame({"share_empty": length.eq(0), "mean_length": length.where(length > 0)})
    return parts.groupby(frame[target], sort=True).mean()


def summarise(
    frame: pd.DataFrame, missing: pd.Series, columns: ColumnsParams, later_share: float
) -> Findings:
    """Compute every finding of the stage from the processed frame and the raw missing shares."""
    numeric, target = list(columns.numeric), columns.target
    periods = None
    if columns.time is not None:
        later = is_later_signup(frame, columns.time, later_share)
        periods = Periods(
            time_column=columns.time,
            later_share=later_share,
            cutoff=frame[columns.time][~later].max(),
            rows_earlier=int((~later).sum()),
            rows_later=int(later.sum()),
            table=compare_periods(frame, columns.time, later_share, numeric, target),
        )
    return Findings(
        rows=len(frame),
        churn_rate=float(frame[target].mean()),
        missing=missing,
        max_null_rate=columns.max_null_rate,
        correlations=correlations_with_target(frame, numeric, target),
        categories={
            name: churn_rate_by_category(frame, name, target) for name in columns.categorical
        },
        text={name: text_by_target(frame, name, target) for name in columns.text},
        periods=periods,
    )


def _percent(value: float, decimals: int = 1) -> str:
    """A share as a percentage: 0.25 -> "25.0%"."""
    return format(value, f".{decimals}%")


def _signed(value: float, decimals: int = 3) -> str:
    """A signed number, or a dash when undefined; never "-0.000"."""
    return "-" if pd.isna(value) else f"{round(value, decimals) + 0.0:+.{decimals}f}"


def _direction(correlation: float) -> str:
    """The sign of a correlation with churn, in words."""
    return "more churn" if correlation > 0 else "less churn"


def _strength(correlation: float) -> str:
    """Cohen's usual words for the size of a correlation (0.1 small, 0.3 medium, 0.5 large)."""
    size = abs(correlation)
    if size < 0.1:
        return "negligible"
    if size < 0.3:
        return "weak"
    return "moderate" if size < 0.5 else "strong"


def _shifted(periods: Periods) -> pd.Series:
    """SMD of the numeric columns whose shift is flagged, largest first."""
    smd = _strongest_first(periods.table["smd"].iloc[:-1])
    return smd[smd.abs() > SMD_FLAG]


def _summary_lines(findings: Findings) -> list[str]:
    """The "In short" bullet points."""
    lines = [
        f"- **{findings.rows:,} customers**, of whom **{_percent(findings.churn_rate)} churned**."
    ]
    top = findings.correlations.dropna().head(TOP)
    if not top.empty:
        related = "; ".join(
            f"higher **{name}** goes with {_direction(value)} "
            f"({_signed(value, 2)}, {_strength(value)})"
            for name, value in top.items()
        )
        lines.append(f"- Numeric columns most related to churn (Pearson correlation): {related}.")
    if findings.categories:
        highest = "; ".join(
            f"{name} = **{table.index[0]}** ({_percent(table['churn_rate'].iloc[0])})"
            for name, table in findings.categories.items()
        )
        lines.append(f"- Highest churn rate in each category column: {highest}.")
    missing = findings.missing[findings.missing > 0].head(TOP)
    if missing.empty:
        lines.append("- No value was missing before cleaning.")
    else:
        most = ", ".join(f"{name} ({_percent(share)})" for name, share in missing.items())
        lines.append(f"- Most missing values before cleaning: {most}.")
    return lines


def _periods_section(findings: Findings) -> list[str]:
    """The earlier-vs-later section, or the sentence saying why it is skipped."""
    periods = findings.periods
    lines = ["## Earlier vs later signups", ""]
    if periods is None:
        lines.append(
            "The comparison of earlier and later signups is skipped because no time column is "
            "declared (columns.time is null in params.yaml)."
        )
        return lines
    cutoff = f"{periods.cutoff:%Y-%m-%d}"
    rates = periods.table.iloc[-1]
    shifted = _shifted(periods)
    lines += [
        f"The latest {_percent(periods.later_share, 0)} of signups ({periods.rows_later:,} "
        f"customers who signed up after {cutoff}) are compared with the "
        f"{periods.rows_earlier:,} earlier ones.",
        "",
    ]
    if shifted.empty:
        lines.append(
            f"No numeric column differs noticeably between the two groups (every |SMD| is at "
            f"most {SMD_FLAG})."
        )
    else:
        named = ", ".join(
            f"**{name}** ({'higher' if value > 0 else 'lower'} for later signups)"
            for name, value in shifted.items()
        )
        lines.append(
            f"Later signups differ most from earlier ones in {named}. A model trained on older "
            "customers may be less accurate on new ones: check whether the change is expected "
            "(recent customers have had less time to build up tenure, for example) or a sign "
            "that the customers or the way the data is recorded have changed."
        )
    lines += [
        "",
        f"Churn rate: {_percent(rates['mean_earlier'])} for earlier signups, "
        f"{_percent(rates['mean_later'])} for later ones.",
        "",
        "The standardised mean difference (SMD) is the gap between the two means in units of "
        f"the column's spread; above {SMD_FLAG} in absolute value is the usual flag.",
        "",
        "| column | mean earlier | mean later | SMD |",
        "|---|---:|---:|---:|",
    ]
    for name, row in periods.table.iterrows():
        lines.append(
            f"| {name} | {row['mean_earlier']:.3f} | {row['mean_later']:.3f} | "
            f"{_signed(row['smd'])} |"
        )
    return lines


def summary_markdown(findings: Findings, figures: list[str], figure_dir: str) -> str:
    """The text of reports/eda.md, readable by a non-technical colleague.

    Args:
        findings: what summarise() computed.
        figures: file names of the figures drawn, linked in the order of FIGURES.
        figure_dir: their folder relative to eda.md's folder, e.g. "figures/eda".
    """
    lines = [
        "# Exploratory data analysis",
        "",
        "Written by `{{ cookiecutter.project_slug }} data explore` from the cleaned data "
        f"({PROCESSED_DATA}) and, for missing values, the raw data ({RAW_DATA}).",
        "",
        "## In short",
        "",
        *_summary_lines(findings),
        "",
        "## Numeric columns and churn",
        "",
        "Pearson correlation with churn (0 = stayed, 1 = churned), from -1 to +1: a positive "
        "value means higher values go with more churn, a negative value with less churn.",
        "",
        "| column | correlation with churn | higher values go with | strength |",
        "|---|---:|---|---|",
    ]
    for name, value in findings.correlations.items():
        if pd.isna(value):
            lines.append(f"| {name} | - | undefined (constant column) | - |")
        else:
            lines.append(
                f"| {name} | {_signed(value)} | {_direction(value)} | {_strength(value)} |"
            )
    lines += ["", "## Churn rate by category", ""]
    lines.append(f"Overall churn rate: {_percent(findings.churn_rate)}.")
    lines += ["", "| column | category | customers | churn rate |", "|---|---|---:|---:|"]
    for name, table in findings.categories.items():
        for category, row in table.iterrows():
            lines.append(
                f"| {name} | {category} | {int(row['customers']):,} | "
                f"{_percent(row['churn_rate'])} |"
            )
    lines += ["", "## Missing values before cleaning", ""]
    lines.append(
        f"Columns above {_percent(findings.max_null_rate)} missing are flagged in the raw "
        "data-quality report; cleaning imputed every missing value."
    )
    missing = findings.missing[findings.missing > 0]
    if missing.empty:
        lines += ["", "No value was missing."]
    else:
        lines += ["", "| column | missing |", "|---|---:|"]
        lines += [f"| {name} | {_percent(share)} |" for name, share in missing.items()]
        lines += ["", "No other column had missing values."]
    lines += ["", *_periods_section(findings)]
    if findings.text:
        lines += ["", "## Free text", "", "| column | churn | empty | mean length |"]
        lines.append("|---|---:|---:|---:|")
        for name, table in findings.text.items():
            for value, row in table.iterrows():
                length = "-" if pd.isna(row["mean_length"]) else f"{row['mean_length']:.0f}"
                lines.append(f"| {name} | {value} | {_percent(row['share_empty'])} | {length} |")
        lines += ["", "Mean length counts characters of the non-empty texts only."]
    lines += ["", "## Figures", ""]
    lines += [
        f"- [{title}]({figure_dir}/{name})" for name, title in FIGURES.items() if name in figures
    ]
    return "\n".join(lines) + "\n"


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
    figure.suptitle(f"Churn rate by category (dashed line: all customers, {_percent(churn_rate)})")
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
    shifted = _strongest_first(periods.table["smd"].iloc[:-1]).dropna().head(TOP)
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


def check_processed(frame: pd.DataFrame, columns: ColumnsParams) -> None:
    """Raise a DataError if the processed data cannot be explored."""
    rerun = "rerun `{{ cookiecutter.project_slug }} data clean`"
    missing = [name for name in columns.all if name not in frame.columns]
    if missing:
        raise DataError(f"{PROCESSED_DATA} lacks the declared columns {missing}; {rerun}.")
    if frame.empty:
        raise DataError(f"{PROCESSED_DATA} has no rows; {rerun}.")
    # Clean parses these two columns; text here means the file was written some other way.
    if not pd.api.types.is_numeric_dtype(frame[columns.target]):
        raise DataError(f"{PROCESSED_DATA} column '{columns.target}' is not 0/1 numbers; {rerun}.")
    if columns.time is not None and not pd.api.types.is_datetime64_any_dtype(frame[columns.time]):
        raise DataError(f"{PROCESSED_DATA} column '{columns.time}' is not a date; {rerun}.")


def run(params: Params) -> dict[str, object]:
    """Read the processed and raw data, draw the figures, write eda.md; return a summary."""
    columns = params.columns
    frame = files.read_parquet(PROCESSED_DATA)
    check_processed(frame, columns)
    # Only the missing shares of the raw data are needed: the raw frame is dropped at once.
    missing = missing_share(files.read_raw_csv(RAW_DATA, columns))
    findings = summarise(frame, missing, columns, params.explore.later_share)
    figures = draw_figures(frame, findings, columns)
    # The folder is rebuilt whole: a figure the current params no longer allow cannot linger.
    with files.atomic_dir(EDA_FIGURES) as folder:
        for name, figure in figures.items():
            files.save_figure(folder / name, figure)
    figure_dir = EDA_FIGURES.relative_to(EDA_MD.parent).as_posix()
    files.write_text(EDA_MD, summary_markdown(findings, list(figures), figure_dir))
    periods = findings.periods
    return {
        "rows": findings.rows,
        "churn rate": round(findings.churn_rate, 4),
        "shifted columns": "skipped" if periods is None else len(_shifted(periods)),
        "figures": len(figures),
        "figures dir": EDA_FIGURES,
        "report": EDA_MD,
    }

"""Explore the clean data: figures in reports/figures/eda/ and a plain-language reports/eda.md.

Exploration answers the questions to ask before modelling: how many customers churn, which
columns go with churn, which values were missing before cleaning, and whether recent signups
look like earlier ones (if not, a model trained on the past may serve the present badly).

The numbers come from data/eda_stats.py and the figures from data/eda_figures.py; this stage
reads the data, writes them, and says what they mean in reports/eda.md.
"""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.eda_figures import FIGURES, draw_figures
from {{ cookiecutter.package_name }}.data.eda_stats import (
    SMD_FLAG,
    TOP,
    Findings,
    missing_share,
    missingness_and_churn,
    percent,
    shifted_columns,
    summarise,
)
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.paths import EDA_FIGURES, EDA_MD, PROCESSED_DATA, RAW_DATA


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


def _summary_lines(findings: Findings) -> list[str]:
    """The "In short" bullet points."""
    lines = [
        f"- **{findings.rows:,} customers**, of whom **{percent(findings.churn_rate)} churned**."
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
            f"{name} = **{table.index[0]}** ({percent(table['churn_rate'].iloc[0])})"
            for name, table in findings.categories.items()
        )
        lines.append(f"- Highest churn rate in each category column: {highest}.")
    missing = findings.missing[findings.missing > 0].head(TOP)
    if missing.empty:
        lines.append("- No value was missing before cleaning.")
    else:
        most = ", ".join(f"{name} ({percent(share)})" for name, share in missing.items())
        lines.append(f"- Most missing values before cleaning: {most}.")
    return lines


def _missing_churn_lines(table: pd.DataFrame | None) -> list[str]:
    """The sentence that says whether a missing value goes with churn, column by column."""
    if table is None or table.empty:
        return []
    rates = "; ".join(
        f"{name} {percent(row['churn_if_missing'])} vs {percent(row['churn_if_present'])}"
        for name, row in table.head(TOP).iterrows()
    )
    return [
        "",
        f"Churn rate where the value was missing vs present: {rates}. Rates far apart mean the "
        "values are not missing at random: imputing them hides a signal that a "
        "missing-indicator feature would keep.",
    ]


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
    shifted = shifted_columns(periods)
    lines += [
        f"The latest {percent(periods.later_share, 0)} of signups ({periods.rows_later:,} "
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
        f"Churn rate: {percent(rates['mean_earlier'])} for earlier signups, "
        f"{percent(rates['mean_later'])} for later ones.",
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
    lines.append(f"Overall churn rate: {percent(findings.churn_rate)}.")
    lines += ["", "| column | category | customers | churn rate |", "|---|---|---:|---:|"]
    for name, table in findings.categories.items():
        for category, row in table.iterrows():
            lines.append(
                f"| {name} | {category} | {int(row['customers']):,} | "
                f"{percent(row['churn_rate'])} |"
            )
    lines += ["", "## Missing values before cleaning", ""]
    lines.append(
        f"Columns above {percent(findings.max_null_rate)} missing are flagged in the raw "
        "data-quality report; cleaning imputed every missing value."
    )
    missing = findings.missing[findings.missing > 0]
    if missing.empty:
        lines += ["", "No value was missing."]
    else:
        lines += ["", "| column | missing |", "|---|---:|"]
        lines += [f"| {name} | {percent(share)} |" for name, share in missing.items()]
        lines += ["", "No other column had missing values."]
        lines += _missing_churn_lines(findings.missing_churn)
    lines += ["", *_periods_section(findings)]
    if findings.text:
        lines += ["", "## Free text", "", "| column | churn | empty | mean length |"]
        lines.append("|---|---:|---:|---:|")
        for name, table in findings.text.items():
            for value, row in table.iterrows():
                length = "-" if pd.isna(row["mean_length"]) else f"{row['mean_length']:.0f}"
                lines.append(f"| {name} | {value} | {percent(row['share_empty'])} | {length} |")
        lines += ["", "Mean length counts characters of the non-empty texts only."]
    lines += ["", "## Figures", ""]
    lines += [
        f"- [{title}]({figure_dir}/{name})" for name, title in FIGURES.items() if name in figures
    ]
    return "\n".join(lines) + "\n"


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
    # Only where values are missing is needed from the raw data: the raw frame is dropped at once.
    raw = files.read_raw_csv(RAW_DATA, columns)
    missing, missing_churn = missing_share(raw), missingness_and_churn(raw, columns.target)
    del raw
    findings = summarise(frame, missing, columns, params.explore.later_share, missing_churn)
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
        "shifted columns": "skipped" if periods is None else len(shifted_columns(periods)),
        "figures": len(figures),
        "figures dir": EDA_FIGURES,
        "report": EDA_MD,
    }

"""Monitoring report: the check of monitor.py as one self-contained HTML page.

reports/monitoring.html holds everything inline (CSS in a <style> element, figures as base64
PNG data URIs), so it opens from a CI artifact or an e-mail with no server and no network:
a plain-language summary first, then for each model version the drift table, the reference
and current distribution of every monitored column, and the performance over the window.
"""

from __future__ import annotations

import base64
import html
import io as bytes_io
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.monitoring import monitor
from {{ cookiecutter.package_name }}.paths import PROFILE_SCORE, REPORTS
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

MONITORING_HTML = REPORTS / "monitoring.html"
CHUNKS = 10  # the window's outcomes are cut into this many chunks for the trend
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.drifted { background: #fde2e1; }
.alert { color: #a40000; font-weight: bold; }
.warning { color: #8a5a00; }
.figures { display: flex; flex-wrap: wrap; gap: 0.5rem; }
"""


def png(figure: Figure) -> str:
    """The figure as an <img> with a base64 PNG data URI (nothing to fetch)."""
    buffer = bytes_io.BytesIO()
    figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{encoded}">'


def distribution_figure(name: str, reference: pd.Series, current: pd.Series) -> Figure:
    """Reference and current side by side: shared-bin histograms, or category shares."""
    figure = Figure(figsize=(4.0, 2.6))
    ax = figure.subplots()
    reference, current = reference.dropna(), current.dropna()
    if pd.api.types.is_numeric_dtype(reference) and pd.api.types.is_numeric_dtype(current):
        both = np.concatenate([reference.to_numpy(float), current.to_numpy(float)])
        bins = np.histogram_bin_edges(both, bins=30)
        ax.hist(reference, bins=bins, density=True, alpha=0.5, label="reference")
        ax.hist(current, bins=bins, density=True, alpha=0.5, label="current")
    else:
        shares = pd.DataFrame(
            {
                "reference": reference.astype(str).value_counts(normalize=True),
                "current": current.astype(str).value_counts(normalize=True),
            }
        ).fillna(0.0)
        shares.head(15).plot.bar(ax=ax, rot=45)
    ax.set_title(name)
    ax.legend(fontsize="small")
    return figure


def performance_figure(window: pd.DataFrame, test_brier: float | None) -> Figure | None:
    """Accuracy and Brier score of the outcomes so far, chunk by chunk in time order."""
    known = window.dropna(subset=["outcome"]).sort_values("created_at")
    if len(known) < CHUNKS:
        return None
    chunks = np.array_split(np.arange(len(known)), CHUNKS)
    y = known["outcome"].to_numpy(int)
    scores = known["score"].to_numpy(float)
    decisions = known["decision"].to_numpy(bool)
    accuracy = [float((decisions[rows] == y[rows]).mean()) for rows in chunks]
    brier = [float(((scores[rows] - y[rows]) ** 2).mean()) for rows in chunks]
    figure = Figure(figsize=(6.0, 2.8))
    ax = figure.subplots()
    ax.plot(range(1, CHUNKS + 1), accuracy, marker="o", label="accuracy at threshold")
    ax.plot(range(1, CHUNKS + 1), brier, marker="s", label="Brier score")
    if test_brier is not None:
        ax.axhline(test_brier, color="grey", linestyle="--", label="Brier score on the test set")
    ax.set(xlabel=f"chunk of the window (oldest first, {len(known) // CHUNKS} outcomes each)")
    ax.legend(fontsize="small")
    return figure


def drift_rows(result: dict[str, Any]) -> str:
    """The drift table's rows, drifted ones highlighted."""
    rows = []
    for column in result["columns"]:
        p_value = "" if column["p_value"] is None else f"{column['p_value']:.3g}"
        rows.append(
            f'<tr class="{"drifted" if column["drifted"] else ""}">'
            f"<td>{html.escape(column['column'])}</td><td>{column['test']}</td>"
            f"<td>{column['statistic']:.3f}</td><td>{p_value}</td>"
            f"<td>{column['threshold']:g}</td><td>{'yes' if column['drifted'] else 'no'}</td>"
            f"<td>{column['psi']:.3f} ({column['psi_band']})</td></tr>"
        )
    return "\n".join(rows)


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The plain-language summary: what fired, or that nothing did."""
    lines = [f'<p class="alert">Alert: {html.escape(alert)}</p>' for alert in report["alerts"]]
    lines += [
        f'<p class="warning">Warning: {html.escape(warning)}</p>' for warning in report["warnings"]
    ]
    if not lines:
        lines.append(
            f"<p>No alert and no warning over the last {report['window']:,} served predictions: "
            "the inputs look like the training data and the model performs as tested.</p>"
        )
    return lines


def drift_sentence(result: dict[str, Any], params: Params) -> str:
    """How much of the input drifted, or why that is not judged yet."""
    if result["drifted_share"] is None:
        return f"<p>{html.escape(result['warnings'][0])}</p>"
    return (
        f"<p>{result['drifted_share']:.0%} of the input columns drifted (data set drift at "
        f"{params.monitoring.dataset_drift_share:.0%}).</p>"
    )


def version_section(
    version: monitor.Version, window: pd.DataFrame, result: dict[str, Any], params: Params
) -> str:
    """One version's drift table, distribution figures and performance."""
    reference, current = monitor.cleaned_pair(version, window, params)
    columns = params.model_columns
    figures = [
        png(distribution_figure(name, reference[name], current[name]))
        for name in [*columns.numeric, *columns.categorical]
    ]
    figures.append(
        png(
            distribution_figure(
                "churn score", version.profile[PROFILE_SCORE], window["score"].astype(float)
            )
        )
    )
    perf = result["performance"]
    trend = performance_figure(window, version.test_metrics.get("brier"))
    return "\n".join(
        [
            f"<h2>Version {html.escape(result['version'])}: {result['predictions']:,} "
            "predictions</h2>",
            drift_sentence(result, params),
            "<table><tr><th>column</th><th>test</th><th>statistic</th><th>p-value</th>"
            "<th>threshold</th><th>drifted</th><th>PSI</th></tr>",
            drift_rows(result),
            "</table>",
            '<div class="figures">',
            *figures,
            "</div>",
            "<h3>Performance</h3>",
            f"<p>{perf['outcomes']:,} outcomes in, {perf['awaiting_outcome']:,} still awaited. "
            f"ROC AUC {perf.get('roc_auc')} (test: {perf['test_roc_auc']}), accuracy "
            f"{perf.get('accuracy')}, Brier score {perf.get('brier')}.</p>",
            png(trend) if trend is not None else "<p>Too few outcomes for a trend yet.</p>",
        ]
    )


def render(report: dict[str, Any], sections: list[str]) -> str:
    """The whole page."""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            "<title>Monitoring report</title>",
            f"<style>{STYLE}</style></head><body>",
            "<h1>Monitoring report</h1>",
            *summary_lines(report),
            *sections,
            "</body></html>",
        ]
    )


def run(
    params: Params, log: PredictionLog, name: str, hours: float | None = None
) -> dict[str, Any]:
    """Check the window, write monitoring.json (and the signal) and monitoring.html."""
    checked = monitor.checked_versions(params, log, name, hours)
    report = monitor.summary(checked)
    monitor.write_outputs(report)
    sections = [version_section(version, part, result, params) for version, part, result in checked]
    files.write_text(MONITORING_HTML, render(report, sections))
    return report

"""The A/B report: from the prediction log and the outcomes fed back, is the challenger better?

In the order an analyst should ask (the statistics are in ab/stats.py):

1. Is the split healthy? Units per variant against the experiment's shares (sample ratio
   mismatch). A mismatch means the groups are not comparable: stop there.
2. Is there enough data? Units with a known outcome per variant, against the sample size the
   design needs (serving.experiment: minimum_detectable_effect, alpha, power). Before that
   size, a small p-value is not a result (peeking).
3. What is the difference? Churn rate per variant, the difference with a two-proportion
   z-test and a bootstrap interval (fixed horizon: valid once, at the planned size).
4. Can we stop now? The always-valid p-value of the sequential test (ab/sequential.py), over
   one look per day of the log: it may be read every day and stopped on.

A unit is a customer: each counts once, with the outcome of their latest served prediction.
Writes reports/ab_report.json and reports/figures/ab/churn_by_variant.png; the result is one
typed object (ABReport) that gives its JSON form and its rows to the terminal.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.ab.sequential import sequential_test
from {{ cookiecutter.package_name }}.ab.stats import (
    compare_variants,
    peeking_warning,
    required_sample_size,
    srm_check,
)
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.paths import FIGURES, REPORTS
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.settings import Settings

AB_REPORT = REPORTS / "ab_report.json"
AB_FIGURE = FIGURES / "ab" / "churn_by_variant.png"
HEADERS = ("variant", "requests", "units", "with outcome", "churn rate")


@dataclass(frozen=True)
class ABReport:
    """Every figure of the A/B report, rounded as reports/ab_report.json holds them.

    `srm` and `comparison` are the results of ab/stats.py (srm_check, compare_variants).
    """

    mode: str
    planned_shares: dict[str, float]
    requests: dict[str, int]
    units: dict[str, int]
    units_with_outcome: dict[str, int]
    awaiting_outcome: int
    srm: dict[str, Any]
    comparison: dict[str, Any] | None
    required_units_per_variant: int | None
    peeking_warning: str | None
    sequential: dict[str, Any] | None
    verdict: str

    def to_json(self) -> dict[str, Any]:
        """The JSON report: every field, by name."""
        return dataclasses.asdict(self)

    def title(self) -> str:
        """The table's title: the challenger share the experiment planned."""
        return f"A/B report (planned challenger share {self.planned_shares.get(CHALLENGER, 0.0):g})"

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """One display row per variant: requests, units, units with an outcome, churn rate."""
        comparison = self.comparison or {}
        rates = {
            CHAMPION: comparison.get("rate_control"),
            CHALLENGER: comparison.get("rate_variant"),
        }
        return [
            (
                variant,
                str(self.requests.get(variant, 0)),
                str(units),
                str(self.units_with_outcome.get(variant, 0)),
                "-" if rates.get(variant) is None else f"{rates[variant]:.3f}",
            )
            for variant, units in sorted(self.units.items())
        ]

    def notes(self) -> list[str]:
        """The lines under the table: split health, planned size, awaited outcomes, verdict."""
        health = "MISMATCH" if self.srm["mismatch"] else "ok"
        lines = [f"Sample ratio check: p = {self.srm['p_value']:.3g} ({health})"]
        if self.required_units_per_variant:
            lines.append(f"Planned units per variant: {self.required_units_per_variant:,}")
        lines.append(f"Awaiting an outcome: {self.awaiting_outcome} units")
        if self.sequential:
            lines.append(sequential_line(self.sequential))
        return [*lines, self.verdict]


def sequential_line(sequential: dict[str, Any]) -> str:
    """The sequential test in one sentence: its p-value, looks and decision."""
    decision = (
        "the variants differ, stopping now is valid"
        if sequential["reject"]
        else "no decision yet, keep collecting"
    )
    return (
        f"Sequential test (mSPRT, tau = {sequential['tau']:g}): always-valid "
        f"p = {sequential['p_value']:.3g} over {sequential['looks']} daily look(s): {decision}."
    )


def served_units(log: pd.DataFrame) -> pd.DataFrame:
    """One row per (variant, unit): its latest served prediction and that prediction's outcome."""
    served = log[log["served"].astype(bool)]
    if "batch_id" in served:  # batch scores (model score) were all the champion's: no experiment
        served = served[served["batch_id"].isna()]
    return served.groupby(["variant", "unit_id"], sort=True).tail(1)


def daily_looks(labelled: pd.DataFrame) -> pd.DataFrame:
    """Cumulative units and churned units per variant at the end of each day of the log.

    One row per day (served predictions' dates), from the first day on which both variants
    have a unit with an outcome; columns n_<variant> and churned_<variant>.
    """
    day = pd.to_datetime(labelled["created_at"], utc=True).dt.floor("D")
    outcome = labelled["outcome"].astype(int)
    table = pd.DataFrame({"day": day, "variant": labelled["variant"], "outcome": outcome})
    grouped = table.groupby(["day", "variant"])["outcome"].agg(["size", "sum"])
    daily = grouped.unstack("variant", fill_value=0).sort_index().cumsum()
    looks = pd.DataFrame(
        {
            f"{column}_{variant}": daily[(kind, variant)] if (kind, variant) in daily.columns else 0
            for column, kind in (("n", "size"), ("churned", "sum"))
            for variant in (CHAMPION, CHALLENGER)
        },
        index=daily.index,
    )
    return looks[(looks[f"n_{CHAMPION}"] > 0) & (looks[f"n_{CHALLENGER}"] > 0)]


def sequential_summary(labelled: pd.DataFrame, tau: float, alpha: float) -> dict[str, Any]:
    """The mSPRT over the daily looks of the labelled units: ratio, p-value, decision."""
    looks = daily_looks(labelled)
    result = sequential_test(
        looks[f"churned_{CHAMPION}"].to_numpy(),
        looks[f"n_{CHAMPION}"].to_numpy(),
        looks[f"churned_{CHALLENGER}"].to_numpy(),
        looks[f"n_{CHALLENGER}"].to_numpy(),
        tau=tau,
        alpha=alpha,
    )
    return {"tau": tau, **result._asdict()}


def design_weights(params: Params, share: float | None = None) -> dict[str, float]:
    """The shares of units the experiment asked for, by variant (`share`: the planned one)."""
    experiment = params.serving.experiment
    if share is not None and not 0 <= share <= 1:
        raise ParamsError(f"--share must be between 0 and 1, not {share}.")
    if share is not None or experiment.mode in ("ab", "canary"):
        share = experiment.challenger_share if share is None else share
        return {CHAMPION: 1.0 - share, CHALLENGER: share}
    # off or shadow: the challenger answers nobody, so any unit it served is a mismatch.
    return {CHAMPION: 1.0, CHALLENGER: 0.0}


def analyse(log: pd.DataFrame, params: Params, share: float | None = None) -> ABReport:
    """Every figure of the report, from the log as PredictionLog.read() gives it.

    Args:
        log: the prediction log with outcomes.
        params: the experiment's design (serving.experiment).
        share: the challenger share that was planned, if not params.yaml's.
    """
    units = served_units(log)
    if units.empty:
        raise DataError(
            "The prediction log holds no served prediction yet; send traffic to the service "
            "(make serve) or simulate some (ab simulate)."
        )
    experiment = params.serving.experiment
    counts = units["variant"].value_counts().to_dict()
    labelled = units[units["outcome"].notna()]
    outcomes = {
        variant: group["outcome"].astype(int).to_numpy()
        for variant, group in labelled.groupby("variant", sort=True)
    }
    report: dict[str, Any] = {
        "mode": experiment.mode,
        "planned_shares": design_weights(params, share),
        "requests": log[log["served"].astype(bool)]["variant"].value_counts().to_dict(),
        "units": counts,
        "units_with_outcome": {variant: int(o.size) for variant, o in outcomes.items()},
        "awaiting_outcome": int(units["outcome"].isna().sum()),
        "srm": srm_check(counts, design_weights(params, share)),
        "comparison": None,
        "required_units_per_variant": None,
        "peeking_warning": None,
        "sequential": None,
    }
    if CHAMPION in outcomes and outcomes[CHAMPION].size:
        baseline = float(np.clip(outcomes[CHAMPION].mean(), 0.01, 0.99))
        effect = experiment.minimum_detectable_effect
        # Detecting a fall in churn is the point of a better model; a rise is as large.
        signed = -effect if baseline - effect > 0 else effect
        required = required_sample_size(baseline, signed, experiment.alpha, experiment.power)
        report["required_units_per_variant"] = required
        if CHALLENGER in outcomes and outcomes[CHALLENGER].size:
            sizes = {variant: int(o.size) for variant, o in outcomes.items()}
            report["peeking_warning"] = peeking_warning(sizes, required)
            report["comparison"] = compare_variants(
                outcomes, CHAMPION, alpha=experiment.alpha, seed=params.seed
            )[CHALLENGER]
            # tau: the effect the design cares about is the one the test should find fastest.
            report["sequential"] = sequential_summary(
                labelled, experiment.minimum_detectable_effect, experiment.alpha
            )
    report["verdict"] = verdict(report["srm"], report["comparison"], report["peeking_warning"])
    return ABReport(**files.rounded(report))


def verdict(srm: dict[str, Any], comparison: dict[str, Any] | None, peeking: str | None) -> str:
    """What the report says, in one or two plain sentences, most important first."""
    if srm["mismatch"]:
        return (
            f"Sample ratio mismatch (p = {srm['p_value']:.2g}): the units did not arrive "
            "in the planned shares, so the groups are not comparable; find what loses units "
            "before reading any result."
        )
    if comparison is None:
        return "No challenger unit has an outcome yet: nothing to compare."
    difference = comparison["difference"]
    text = (
        f"Churn rate {comparison['rate_control']:.3f} (champion) vs "
        f"{comparison['rate_variant']:.3f} (challenger): difference {difference:+.3f}, "
        f"interval {comparison['ci_low']:+.3f} to {comparison['ci_high']:+.3f}, "
        f"p = {comparison['p_value']:.3g}: "
    )
    if comparison["significant"]:
        better = "lower" if difference < 0 else "higher"
        text += f"the challenger's churn rate is significantly {better}."
    else:
        text += "no significant difference."
    if peeking:
        text += " " + peeking
    return text


def churn_figure(comparison: dict[str, Any] | None) -> Figure:
    """Churn rate per variant, with the challenger's difference interval in the title."""
    figure = Figure(figsize=(5.0, 4.0))
    ax = figure.subplots()
    if comparison is None:
        ax.text(0.5, 0.5, "No outcome to compare yet", ha="center", va="center")
        ax.set_axis_off()
        return figure
    rates = [comparison["rate_control"], comparison["rate_variant"]]
    ax.bar([CHAMPION, CHALLENGER], rates, color=["tab:blue", "tab:orange"])
    for x, rate in enumerate(rates):
        ax.text(x, rate, f"{rate:.3f}", ha="center", va="bottom")
    ax.set(
        ylabel="churn rate (units with an outcome)",
        title=f"Difference {comparison['difference']:+.3f} "
        f"[{comparison['ci_low']:+.3f}, {comparison['ci_high']:+.3f}]",
    )
    return figure


def run(params: Params, settings: Settings, share: float | None = None) -> ABReport:
    """Analyse the prediction log; write the JSON report and the figure; return the report."""
    log = PredictionLog(settings.prediction_log_url).read()
    try:
        report = analyse(log, params, share)
    except ValueError as error:  # the statistics refuse data they cannot test
        raise DataError(f"The A/B data cannot be analysed: {error}") from None
    files.save_figure(AB_FIGURE, churn_figure(report.comparison))
    files.write_json(AB_REPORT, report.to_json())
    return report

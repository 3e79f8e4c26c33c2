"""The A/B commands beyond simulate and report: `ab peeking`, `ab shadow` and `ab canary`.

They live here, not in cli.py, so that the A/B folder carries its own commands; cli.py
registers them on its `ab` group with `add_commands`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import console, print_table


def peeking(
    experiments: Annotated[int, typer.Option(help="Simulated A/A experiments.")] = 500,
    days: Annotated[int, typer.Option(help="Days each experiment runs, one look a day.")] = 20,
    units_per_day: Annotated[int, typer.Option(help="New units per variant and day.")] = 200,
    seed: Annotated[int, typer.Option(help="Seed of the simulated outcomes.")] = 0,
) -> None:
    """A/A experiments read every day: naive peeking's false positives vs the sequential test."""
    from {{ cookiecutter.package_name }}.ab import peeking as simulation
    from {{ cookiecutter.package_name }}.config import load_params

    experiment = load_params().serving.experiment
    result = simulation.simulate(
        experiments,
        days,
        units_per_day,
        alpha=experiment.alpha,
        tau=experiment.minimum_detectable_effect,
        seed=seed,
    )
    title = (
        f"False positives of {result.experiments:,} A/A experiments, "
        f"{result.units_per_day:,} units per variant a day"
    )
    print_table(title, result.rows())
    console.print(
        "Stop on the always-valid p-value (ab report prints it) to read an experiment every day."
    )


def shadow() -> None:
    """Champion vs challenger on the same requests (shadow mode): agreement, flips, outcomes."""
    from {{ cookiecutter.package_name }}.ab import shadow as analysis
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings

    with console.status("ab shadow..."):
        log = PredictionLog(get_settings().prediction_log_url).read()
        report = analysis.run(log)
    print_table("Shadow: champion vs challenger on the same requests", report.rows())
    console.print(f"Written to {analysis.SHADOW_REPORT}.")


def canary() -> None:
    """Judge the canary's guardrails on the recent log; set the challenger's share to 0 for
    every worker when one is broken (exit 3), with the reason."""
    from {{ cookiecutter.package_name }}.ab import canary as guardrails
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.settings import get_settings

    report = guardrails.run(load_params(), get_settings())
    judgement = report.judgement
    title = (
        f"Canary guardrails: champion {judgement.champion_version or '-'} vs challenger "
        f"{judgement.challenger_version or '-'} ({report.mode}, share "
        f"{report.challenger_share_before:g})"
    )
    print_table(title, judgement.rows(), headers=judgement.headers())
    console.print(
        f"Requests judged: {judgement.champion_requests:,} champion, "
        f"{judgement.challenger_requests:,} challenger (failures included)."
    )
    console.print(report.summary())
    console.print(f"Written to {guardrails.CANARY_REPORT}.")
    if judgement.broken:
        raise typer.Exit(guardrails.ROLLED_BACK_EXIT)


def add_commands(ab_app: typer.Typer) -> None:
    """Register this module's commands on the `ab` group."""
    ab_app.command("peeking")(peeking)
    ab_app.command("shadow")(shadow)
    ab_app.command("canary")(canary)

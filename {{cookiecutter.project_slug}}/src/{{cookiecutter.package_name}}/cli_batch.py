"""The overnight commands: `model score` (batch scoring) and `nightly` (the whole night's run)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import console, print_table, run_stage

nightly_app = typer.Typer(
    help="The overnight run: the day's customers, scored; the morning report.",
    no_args_is_help=True,
)


def today() -> date:
    """Today in UTC: the day whose file the night scores."""
    return datetime.now(UTC).date()


def score(
    source: Annotated[Path, typer.Argument(help="Customers to score: a .csv or .parquet file.")],
    output: Annotated[
        Path | None,
        typer.Option(
            help="Where the scores go (.csv or .parquet); default data/scored/<name>.parquet."
        ),
    ] = None,
    log: Annotated[bool, typer.Option(help="Also write every score to the prediction log.")] = True,
) -> None:
    """Score a file of customers with the champion, in chunks: scores, decisions, batch id."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.serving import batch_score
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings

    params = load_params()
    prediction_log = PredictionLog(get_settings().prediction_log_url) if log else None
    with console.status("model score..."):
        result = batch_score.run(params, source, output, prediction_log)
    print_table("model score", result.rows())
    console.print(f"Written to {result.output} and {batch_score.BATCH_JSON}.")


Day = Annotated[
    datetime | None,
    typer.Option(formats=["%Y-%m-%d"], help="The day (YYYY-MM-DD); default today, in UTC."),
]


@nightly_app.command("customers")
def customers(
    n: Annotated[int, typer.Option(min=1, max=10_000_000, help="Customers to generate.")] = 2000,
    day: Day = None,
    seed: Annotated[int | None, typer.Option(help="Seed (default: one per day).")] = None,
) -> None:
    """Write the day's customers to score, from the synthetic generator: data/incoming/."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.nightly.customers import write_day_file

    when = day.date() if day else today()
    run_stage("nightly customers", lambda: write_day_file(load_params(), when, n, seed))


@nightly_app.command("run")
def nightly_run(
    day: Day = None,
    source: Annotated[
        Path | None,
        typer.Option("--input", help="The customers to score; default the day's file."),
    ] = None,
    retrain: Annotated[
        str, typer.Option(help="auto: retrain when the monitor alerts; skip: only report it.")
    ] = "auto",
) -> None:
    """Monitor, retrain if the monitor says so, score the day's customers, write the report."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.nightly import run as night
    from {{ cookiecutter.package_name }}.nightly.customers import day_file
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings

    when = day.date() if day else today()
    log = PredictionLog(get_settings().prediction_log_url)
    with console.status("nightly run..."):
        report = night.run(load_params(), log, when, source or day_file(when), retrain)
    print_table(f"Morning report, {report.day}", report.rows())
    console.print(f"Written to {night.MORNING_MD}.")


def bench_score(
    rows: Annotated[
        list[int] | None, typer.Argument(help="Customers to score, one run per size.")
    ] = None,
) -> None:
    """Batch scoring's seconds per million customers and peak memory, beside single requests."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.serving import batch_benchmark

    batch_benchmark.run(load_params(), rows or [1_000_000], console)

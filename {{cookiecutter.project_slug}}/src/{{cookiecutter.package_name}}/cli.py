"""The one command-line entry point: dvc.yaml, the Makefile and the tutorial all call it."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

# [ab]
from {{ cookiecutter.package_name }}.ab.commands import add_commands as add_ab_commands
# [/ab]
from {{ cookiecutter.package_name }}.cli_bench import bench_app
from {{ cookiecutter.package_name }}.cli_bugs import bugs_command
from {{ cookiecutter.package_name }}.cli_drift_agreement import drift_agreement
from {{ cookiecutter.package_name }}.cli_exercises import exercises_app
from {{ cookiecutter.package_name }}.cli_quiz import quiz_app
from {{ cookiecutter.package_name }}.cli_scratch import scratch_app
from {{ cookiecutter.package_name }}.cli_validation import folds_gap, nested_cv
from {{ cookiecutter.package_name }}.terminal import (
    FriendlyErrors,
    console,
    print_table,
    run_stage,
)

app = typer.Typer(
    cls=FriendlyErrors,
    help="{{ cookiecutter.project_slug }}: every stage of the ML workflow, from raw data to a monitored model.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
data_app = typer.Typer(help="Data stages: acquire, validate, clean, explore.", no_args_is_help=True)
model_app = typer.Typer(
    help="Model stages: split, train, evaluate, register; compare algorithms; move aliases.",
    no_args_is_help=True,
)
# [monitoring]
monitor_app = typer.Typer(
    help="Monitoring: drift and performance of the served model.", no_args_is_help=True
)
# [/monitoring]
# [ab]
ab_app = typer.Typer(
    help="A/B testing: simulate traffic, report on the experiment.", no_args_is_help=True
)
add_ab_commands(ab_app)  # ab peeking, ab shadow, ab canary: in ab/commands.py
# [/ab]


@app.callback()
def thread_policy() -> None:
    """Cap the numeric libraries' threads before any command loads them (threads.py)."""
    from {{ cookiecutter.package_name }}.threads import apply_policy

    apply_policy()


app.add_typer(data_app, name="data")
app.add_typer(model_app, name="model")
model_app.command("folds-gap")(folds_gap)
model_app.command("nested-cv")(nested_cv)
app.add_typer(exercises_app, name="exercises")
# [ab]
app.add_typer(ab_app, name="ab")
# [/ab]
app.add_typer(bench_app, name="bench")
bench_app.command("drift-agreement")(drift_agreement)
app.add_typer(scratch_app, name="scratch")
app.add_typer(quiz_app, name="quiz")
app.command("bugs")(bugs_command)
# [monitoring]
app.add_typer(monitor_app, name="monitor")
# [/monitoring]


@app.command()
def check() -> None:
    """Check params.yaml and the configured input before any stage runs (make pipeline does)."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import acquire
    from {{ cookiecutter.package_name }}.model.algorithms import check_hyperparameters

    params = load_params()
    # The refusals a later stage would reach only after the earlier ones ran for minutes.
    check_hyperparameters(params.model, params.seed)
    run_stage("check", lambda: acquire.check_input(params))


@data_app.command()
def acquire() -> None:
    """Generate the synthetic data set (or ingest your CSV) into data/raw/."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import acquire as stage

    run_stage("acquire", lambda: stage.run(load_params()))


@data_app.command()
def validate(
    stage: Annotated[
        Literal["raw", "clean"],
        typer.Argument(help="raw: describe the dirt without failing; clean: enforce the rules."),
    ],
) -> None:
    """Check data-quality rules and write reports/data_quality*.{json,md}."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import validate as quality

    reports = quality.OUTPUTS[stage]
    run_stage(f"validate {stage}", lambda: quality.run(load_params(), stage), reports)


@data_app.command()
def clean() -> None:
    """Clean the raw data into data/interim/ and data/processed/, with reports/cleaning.json."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import clean as stage
    from {{ cookiecutter.package_name }}.paths import CLEANING_JSON

    run_stage("clean", lambda: stage.run(load_params()), [CLEANING_JSON])


@data_app.command()
def explore() -> None:
    """Draw the exploration figures and write reports/eda.md."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import explore as stage
    from {{ cookiecutter.package_name }}.paths import EDA_MD

    run_stage("explore", lambda: stage.run(load_params()), [EDA_MD])


@model_app.command()
def split() -> None:
    """Set the final test set aside: data/split/{development,test}.parquet, reports/split.json."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import split as stage
    from {{ cookiecutter.package_name }}.paths import SPLIT_JSON

    run_stage("split", lambda: stage.run(load_params()), [SPLIT_JSON])


@model_app.command()
def train() -> None:
    """Cross-validate and train model.name of params.yaml; track the run in MLflow."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import train as stage
    from {{ cookiecutter.package_name }}.paths import TRAINING_REPORT

    run_stage("train", lambda: stage.run(load_params()), [TRAINING_REPORT])


@model_app.command()
def evaluate() -> None:
    """Score the final test set: reports/metrics.json, figures and the model card."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import evaluate as stage
    from {{ cookiecutter.package_name }}.paths import METRICS_JSON, MODEL_CARD

    run_stage("evaluate", lambda: stage.run(load_params()), [METRICS_JSON, MODEL_CARD])


@model_app.command()
def register() -> None:
    """Register the model, make it challenger, and promote it if it passes the gate."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import register as stage
    from {{ cookiecutter.package_name }}.paths import PROMOTION_JSON

    run_stage("register", lambda: stage.run(load_params()).rows(), [PROMOTION_JSON])


@model_app.command()
def compare(
    algorithm: Annotated[
        list[str] | None,
        typer.Option("--algorithm", "-a", help="Compare only these (repeat the option)."),
    ] = None,
    max_rows: Annotated[
        int | None,
        typer.Option(help="Compare on a stratified sample of this many development rows."),
    ] = None,
) -> None:
    """Cross-validate every algorithm on the same folds and print the leaderboard."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import compare as stage
    from {{ cookiecutter.package_name }}.paths import LEADERBOARD_JSON

    with console.status("compare..."):
        leaderboard = stage.run(load_params(), algorithm, max_rows)
    title = "leaderboard (validation folds, mean ± std)"
    print_table(title, leaderboard.rows(), leaderboard.HEADERS)
    console.print(stage.within_noise_sentence(leaderboard.within_noise))
    console.print(f"Written to {LEADERBOARD_JSON}; MLflow parent run {leaderboard.run_id}.")


@model_app.command()
def promote(
    version: Annotated[str, typer.Argument(help="The registered version to make champion.")],
) -> None:
    """Make a registered version the champion (the alias the service loads)."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import register as stage

    run_stage("promote", lambda: stage.promote(load_params(), version))


@model_app.command()
def rollback() -> None:
    """Give the champion alias back to the version that held it before."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model import register as stage

    run_stage("rollback", lambda: stage.rollback(load_params()))


# [api]
from {{ cookiecutter.package_name }}.cli_batch import bench_score, nightly_app, score  # noqa: E402

model_app.command("score")(score)
bench_app.command("score")(bench_score)
app.add_typer(nightly_app, name="nightly")


@app.command()
def serve(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Worker processes.")] = 1,
    host: Annotated[
        str, typer.Option(help="Address to listen on: 0.0.0.0 only inside a container.")
    ] = "127.0.0.1",
) -> None:
    """Serve the champion (and the challenger) over HTTP: http://127.0.0.1:PORT/docs."""
    from {{ cookiecutter.package_name }}.serving.server import serve as run_server

    run_server(host, port, workers)


# [monitoring]
# The window is the last `monitoring.window` served predictions; --hours narrows it in time.
Hours = Annotated[
    float | None,
    typer.Option(min=0.01, help="Only the predictions of the last HOURS hours."),
]


@monitor_app.command("check")
def monitor_check(hours: Hours = None) -> None:
    """Compare recent traffic with the training profile; exit 1 when an alert fires."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.monitoring import monitor
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings
    from {{ cookiecutter.package_name }}.terminal import print_alerts

    params = load_params()
    log = PredictionLog(get_settings().prediction_log_url)
    report = monitor.run_check(params, log, params.registry.model_name, hours)
    for version in report["versions"]:
        title = f"Version {version['version']}: {version['predictions']:,} predictions"
        print_table(title, monitor.drift_rows(version), monitor.DRIFT_HEADERS, left=2)
        console.print(monitor.outcome_line(version))
    print_alerts(report["alerts"])
    console.print(f"Written to {monitor.MONITORING_JSON}.")
    if report["alerts"]:
        console.print(f"Retraining signal written to {monitor.RETRAIN_SIGNAL}.")
        raise typer.Exit(1)


@monitor_app.command("report")
def monitor_report(hours: Hours = None) -> None:
    """The same check as one self-contained HTML page: reports/monitoring.html."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.monitoring import report as html_report
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings
    from {{ cookiecutter.package_name }}.terminal import print_alerts

    params = load_params()
    log = PredictionLog(get_settings().prediction_log_url)
    report = html_report.run(params, log, params.registry.model_name, hours)
    print_alerts(report["alerts"], report["warnings"])
    console.print(f"Written to {html_report.MONITORING_HTML} and reports/monitoring.json.")


@monitor_app.command("simulate")
def monitor_simulate(
    scenario: Annotated[
        str, typer.Option(help="none | covariate | concept | prior | schema")
    ] = "none",
    n: Annotated[int, typer.Option(help="Synthetic customers to send.")] = 2000,
    awaiting: Annotated[
        float, typer.Option(help="Share of the newest predictions still awaiting an outcome.")
    ] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the customers and the scenario.")] = 0,
) -> None:
    """Send production-like traffic with a chosen drift through the service; feed outcomes."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.monitoring import simulate
    from {{ cookiecutter.package_name }}.settings import get_settings

    summary = simulate.run(load_params(), get_settings(), scenario, n, seed, awaiting)
    print_table("Monitoring simulation", summary.items())


@monitor_app.command("feedback")
def monitor_feedback() -> None:
    """Write the served records whose outcome came back to data/feedback/ (make retrain)."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.monitoring import feedback
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings

    log = PredictionLog(get_settings().prediction_log_url)
    run_stage("feedback", lambda: feedback.run(load_params(), log))


# [/monitoring]
@app.command()
def reload(
    url: Annotated[str, typer.Option(help="The running service.")] = "http://127.0.0.1:8000",
) -> None:
    """Ask a running service to load the registry's current champion and challenger."""
    from {{ cookiecutter.package_name }}.serving.admin_client import reload_service
    from {{ cookiecutter.package_name }}.settings import get_settings

    answer = reload_service(url, get_settings().admin_api_key)
    loaded = ", ".join(f"{alias} = version {v}" for alias, v in answer["models"].items())
    console.print(f"The service at {url} reloaded its models: {loaded}.")


# [/api]
# [ab]
@ab_app.command("simulate")
def ab_simulate(
    n: Annotated[int, typer.Option(help="Synthetic customers to send.")] = 4000,
    effect: Annotated[
        float,
        typer.Option(help="True change of the challenger's churn rate (-0.03: 3 points less)."),
    ] = -0.03,
    share: Annotated[
        float | None, typer.Option(help="Real challenger share (default: params.yaml's).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the customers and outcomes.")] = 0,
    mode: Annotated[
        str, typer.Option(help="ab, canary (a small share), or shadow (scored unseen).")
    ] = "ab",
) -> None:
    """Send synthetic customers through the service (ab, canary, shadow); feed back outcomes."""
    from {{ cookiecutter.package_name }}.ab import simulate
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.settings import get_settings

    params, settings = load_params(), get_settings()
    run_stage("ab simulate", lambda: simulate.run(params, settings, n, effect, share, seed, mode))


@ab_app.command("report")
def ab_report(
    share: Annotated[
        float | None,
        typer.Option(help="The challenger share that was planned (default: params.yaml's)."),
    ] = None,
) -> None:
    """Analyse the experiment: split health (SRM), sample size, churn rate per variant."""
    from {{ cookiecutter.package_name }}.ab import report as analysis
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.settings import get_settings

    with console.status("ab report..."):
        report = analysis.run(load_params(), get_settings(), share)
    print_table(report.title(), report.rows(), analysis.HEADERS)
    for line in report.notes():
        console.print(line, soft_wrap=True)
    console.print(f"Written to {analysis.AB_REPORT} and {analysis.AB_FIGURE}.")
# [/ab]


def main() -> None:
    """Console-script entry point."""
    app()

"""The one command-line entry point: dvc.yaml, the Makefile and the tutorial all call it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from {{ cookiecutter.package_name }}.errors import ProjectError

console = Console()
# Soft wrap: an error sentence stays on one line, whatever the terminal width.
err_console = Console(stderr=True, soft_wrap=True)


class FriendlyErrors(TyperGroup):
    """Print the errors a user can cause as one sentence with exit code 1, never a traceback."""

    def invoke(self, ctx: typer.Context) -> object:
        """Run the command, catching ProjectError from any stage."""
        try:
            return super().invoke(ctx)
        except ProjectError as error:
            err_console.print(f"[bold red]Error:[/] {escape(str(error))}")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=FriendlyErrors,
    help="{{ cookiecutter.project_slug }}: every stage of the ML workflow, from raw data to a monitored model.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
data_app = typer.Typer(help="Data stages: acquire, validate, clean, explore.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks: time and memory of the stages.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(bench_app, name="bench")


def print_summary(title: str, summary: dict[str, object]) -> None:
    """Print a stage's summary as a two-column rich table."""
    table = Table(title=title, show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in summary.items():
        table.add_row(key, escape(str(value)))
    console.print(table)


def run_stage(title: str, work: Callable[[], dict[str, object]]) -> None:
    """Run a stage behind a spinner (long stages take seconds), then print its summary."""
    with console.status(f"{title}..."):
        summary = work()
    print_summary(title, summary)


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

    run_stage(f"validate {stage}", lambda: quality.run(load_params(), stage))


@data_app.command()
def clean() -> None:
    """Clean the raw data into data/interim/ and data/processed/, with reports/cleaning.json."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import clean as stage

    run_stage("clean", lambda: stage.run(load_params()))


@data_app.command()
def explore() -> None:
    """Draw the exploration figures and write reports/eda.md."""
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.data import explore as stage

    run_stage("explore", lambda: stage.run(load_params()))


@bench_app.command("data")
def bench_data(
    rows: Annotated[list[int], typer.Argument(help="Data set sizes to measure, in rows.")],
) -> None:
    """Time acquire + validate + clean and measure peak memory at each size."""
    from {{ cookiecutter.package_name }} import bench
    from {{ cookiecutter.package_name }}.config import load_params

    bench.run_data_bench(load_params(), rows, console)


def main() -> None:
    """Console-script entry point."""
    app()

"""How the commands talk to the terminal: one table printer, a spinner, errors as one sentence."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

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
        except OSError as error:
            # The disk refused (a file where a folder belongs, no permission, a full disk): no
            # traceback can help more than the path and the reason.
            err_console.print(f"[bold red]Error:[/] {escape(disk_problem(error))}")
            raise typer.Exit(1) from None
        except NotImplementedError as error:
            # A practice exercise still blank (exercises=yes): say which, not a traceback.
            err_console.print(
                f"[bold red]Error:[/] {escape(str(error))} (not written yet: `make exercises`)"
            )
            raise typer.Exit(1) from None


# What to do when a command meets a path of the wrong kind.
KIND_HINTS = {
    FileExistsError: "a file has the name of a folder the command needs: move it away",
    NotADirectoryError: "a file stands where the path needs a folder: move it away",
    IsADirectoryError: "a folder stands where the command writes a file: move it away",
}


def disk_problem(error: OSError) -> str:
    """An operating system's refusal as one sentence: the reason, the path, what to do."""
    reason = error.strerror or str(error) or type(error).__name__
    where = f": '{error.filename}'" if error.filename is not None else ""
    hint = KIND_HINTS.get(type(error))
    return f"{reason}{where}" + (f" ({hint})." if hint else ".")


def print_table(
    title: str, rows: Iterable[Sequence[object]], headers: Sequence[str] = (), left: int = 1
) -> None:
    """Print rows as a rich table: the one table printer of every command.

    With `headers`, the first `left` columns are aligned left and the numbers right; without,
    the rows are a stage's summary, a bold name beside each value.
    """
    table = Table(title=title, show_header=bool(headers), title_justify="left")
    for position, header in enumerate(headers):
        table.add_column(header, justify="left" if position < left else "right")
    if not headers:
        table.add_column(style="bold")
        table.add_column()
    for row in rows:
        table.add_row(*(escape(str(cell)) for cell in row))
    console.print(table)


def run_stage(
    title: str, work: Callable[[], dict[str, object]], reports: Sequence[Path] = ()
) -> None:
    """Run a stage behind a spinner (long stages take seconds), then print its summary.

    A refused stage writes no data or model (each is written atomically, last), so the last good
    run's stay; its `reports` become the record of the refusal (files.refusals_recorded).
    """
    from {{ cookiecutter.package_name }} import files

    with files.refusals_recorded(title, reports), console.status(f"{title}..."):
        summary = work()
    print_table(title, summary.items())


def print_alerts(alerts: Sequence[str], warnings: Sequence[str] = ()) -> None:
    """Print each alert to stderr (what pages someone) and each warning to stdout."""
    for alert in alerts:
        err_console.print(f"ALERT {escape(alert)}")
    for warning in warnings:
        console.print(f"Warning: {escape(warning)}")

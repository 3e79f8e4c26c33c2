"""`scratch`: the algorithms written from scratch (model/scratch/) beside scikit-learn's."""

from __future__ import annotations

from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import console, print_table

# Here, not in model/scratch/compare.py: importing that module (scikit-learn) at start-up would
# add seconds to every command of the CLI. Small enough that the pure-numpy trees grow in about
# a second, large enough for stable scores.
DEFAULT_ROWS = 2000

scratch_app = typer.Typer(
    help="The algorithms from scratch (numpy) beside scikit-learn's.", no_args_is_help=True
)


@scratch_app.command("compare")
def scratch_compare(
    rows: Annotated[
        int, typer.Option(help="Development rows sampled (a quarter for validation).")
    ] = DEFAULT_ROWS,
    target: Annotated[
        str | None,
        typer.Option(help="Numeric column of the regression side-task (default: the first)."),
    ] = None,
) -> None:
    """Fit each from-scratch algorithm and scikit-learn's on the same rows; print their scores."""
    from {{ cookiecutter.package_name }} import files
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model.scratch.compare import compare
    from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA

    params = load_params()
    with console.status("fitting..."):
        comparison = compare(params, files.read_parquet(DEVELOPMENT_DATA), rows, target)
    title = (
        f"from scratch vs scikit-learn ({comparison.n_train} training rows, "
        f"{comparison.n_valid} validation rows; regression target: {comparison.regression_target})"
    )
    print_table(title, comparison.rows(), comparison.HEADERS)
    console.print("Grade the exercises with: make exercises")

"""`model folds-gap` and `model nested-cv`: validation checks, apart so cli.py stays short."""

from __future__ import annotations

from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import run_stage


def folds_gap(
    splits: Annotated[int, typer.Option(min=2, max=20, help="Folds of each split.")] = 3,
) -> None:
    """Cross-validate the model on random and on account-grouped folds: the leak between them."""
    # Imported here: scikit-learn and pandas would slow every other command's start.
    from {{ cookiecutter.package_name }} import files
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model.folds_gap import folds_gap as measure
    from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA, FOLDS_GAP_JSON

    def work() -> dict[str, object]:
        gap = measure(files.read_parquet(DEVELOPMENT_DATA), load_params(), splits)
        files.write_json(FOLDS_GAP_JSON, gap.to_json())
        return {**gap.rows(), "report": str(FOLDS_GAP_JSON)}

    run_stage("folds gap", work)


def nested_cv(
    max_rows: Annotated[
        int | None,
        typer.Option(help="Run on a stratified sample of this many development rows."),
    ] = None,
) -> None:
    """Tune as params.yaml says, then score the tuning with nested CV (no model is trained)."""
    from {{ cookiecutter.package_name }} import files
    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.model.compare import subsample
    from {{ cookiecutter.package_name }}.model.tuning import measure_tuning
    from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA, NESTED_CV_JSON

    def work() -> dict[str, object]:
        params = load_params()
        rows = files.read_parquet(DEVELOPMENT_DATA)
        rows = subsample(rows, max_rows, params.columns.target, params.seed)
        nested = measure_tuning(rows, params)
        files.write_json(NESTED_CV_JSON, nested.to_json())
        return {"rows": f"{len(rows):,}", **nested.rows(), "report": str(NESTED_CV_JSON)}

    run_stage("nested cv", work)

"""The day's customers to score: one file per day in data/incoming/, as an export would drop them.

In production a CRM export or a data-warehouse query writes this file every evening. Here the
synthetic generator writes it (`nightly customers`), with the same dirt as the training data
and without the churn column: tomorrow's outcome is what the scores are for.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.synthetic import generate

INCOMING = Path("data/incoming")


def day_file(day: date) -> Path:
    """The file of one day's customers: data/incoming/customers-2026-11-30.csv."""
    return INCOMING / f"customers-{day.isoformat()}.csv"


def day_seed(day: date) -> int:
    """A seed of its own for each day, so that every day brings other customers."""
    return int(day.strftime("%Y%m%d"))


def write_day_file(params: Params, day: date, n_rows: int, seed: int | None = None) -> dict:
    """Generate `n_rows` customers without their outcome into the day's file; return counts."""
    frame, _ = generate(
        n_rows, params.data.dirt, params.columns, day_seed(day) if seed is None else seed
    )
    frame = frame.drop(columns=[params.columns.target])
    path = day_file(day)
    files.write_csv(path, frame)
    return {"customers": len(frame), "written to": str(path)}

"""Acquire: the raw customer data, generated (synthetic) or taken from your own CSV.

With data.source synthetic the rows come from data/synthetic.py, with the dirt params.yaml
asks for; with data.source csv they are your CSV, checked and bounded by data/ingest.py.
Production records whose outcome came back (data/feedback/customers.csv, written by `monitor
feedback` for `make retrain`) are appended to the generated rows or to your CSV. The result is
written to data/raw/customers.csv, as extracted: the later stages check and clean it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data import ingest
from {{ cookiecutter.package_name }}.data.synthetic import check_contract, generate
from {{ cookiecutter.package_name }}.paths import FEEDBACK_DATA, RAW_DATA


def flatten_counts(counts: Mapping[str, object]) -> dict[str, object]:
    """Flatten the injected counts for the summary: "injected missing cells (age)": 1000."""
    flat: dict[str, object] = {}
    for kind, value in counts.items():
        if isinstance(value, Mapping):
            flat.update({f"injected {kind} ({name})": count for name, count in value.items()})
        else:
            flat[f"injected {kind}"] = value
    return flat


def churn_rate(target: pd.Series) -> float | str:
    """The share of churners, or "n/a" when the target holds no number (a user's CSV)."""
    rate = pd.to_numeric(target, errors="coerce").mean()
    return "n/a" if pd.isna(rate) else round(float(rate), 3)


def read_csv_input(params: Params) -> tuple[pd.DataFrame, dict[str, int]]:
    """Read your CSV (data.source: csv) as `run` takes it in; also the overlong cells capped.

    Checked against the data contract, the target made 0/1 (or refused), cells capped.
    """
    frame = ingest.read_user_csv(params.data, params.columns)
    frame = ingest.binary_target(frame, params.columns, params.data.csv_path)
    return ingest.cap_cells(frame, params.columns)


def check_input(params: Params) -> dict[str, object]:
    """Check the configured input as `run` takes it in, writing nothing (`make pipeline` first)."""
    if params.data.source == "csv" and params.data.csv_path is not None:
        rows = len(read_csv_input(params)[0])
        return {"params": "valid", "input": str(params.data.csv_path), "rows": rows}
    check_contract(params.columns)
    return {"params": "valid", "input": "synthetic", "rows": params.data.n_rows}


def run(params: Params) -> dict[str, object]:
    """Generate the synthetic data (or read your CSV) and write it to data/raw/customers.csv."""
    summary: dict[str, object] = {"source": params.data.source}
    capped: Counter[str] = Counter()  # overlong cells of a CSV, cut or made missing
    if params.data.source == "csv" and params.data.csv_path is not None:
        frame, capped_csv = read_csv_input(params)
        capped.update(capped_csv)
        counts: dict[str, object] = {}
        summary["input"] = str(params.data.csv_path)
    else:
        data = params.data
        frame, counts = generate(data.n_rows, data.dirt, params.columns, params.seed)
    if FEEDBACK_DATA.exists():
        # Production records with their outcome (make retrain): new rows like any other.
        feedback = files.read_raw_csv(FEEDBACK_DATA, params.columns)
        feedback = ingest.binary_target(feedback, params.columns, FEEDBACK_DATA)
        feedback, capped_feedback = ingest.cap_cells(feedback, params.columns)
        capped.update(capped_feedback)
        frame = pd.concat([frame, feedback[frame.columns]], ignore_index=True)
        summary["feedback rows"] = len(feedback)
    files.write_csv(RAW_DATA, frame)
    summary |= capped
    summary.update(
        {
            "rows": len(frame),
            "columns": frame.shape[1],
            "churn rate": churn_rate(frame[params.columns.target]),
            "path": str(RAW_DATA),
        }
    )
    return summary | flatten_counts(counts)

"""Feedback: the production records whose outcome came back, as new rows of raw training data.

`monitor feedback`, the first step of `make retrain`, reads every served prediction of the
prediction log that has an outcome, and writes its raw inputs with the outcome as the target
to data/feedback/customers.csv, in the columns of the raw data. The acquire stage appends that
file to the generated data (or your CSV), so the next `dvc repro` cleans, splits and trains on
both, and the new version goes through the same promotion gate as any other.

Why only served predictions: a shadow prediction is the challenger's opinion of a request the
champion answered; the record and its outcome are already there once, from the served row.
A customer scored several times counts once, with the latest record and outcome. Columns the
service does not take (a leakage column the model drops, say) are left empty.
"""

from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.paths import FEEDBACK_DATA
from {{ cookiecutter.package_name }}.serving.predict import as_raw_text
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog


def labelled_rows(log: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The served predictions with an outcome, as raw data rows: inputs as text, the target."""
    known = log[log["served"].astype(bool) & log["outcome"].notna()]
    names, target = params.columns.all, params.columns.target
    decimal = params.columns.decimal
    rows = pd.DataFrame(
        [
            {name: raw_cell(record.get(name), decimal) for name in names}
            for record in known["inputs"]
        ],
        columns=names,
        dtype="object",
    )
    rows[target] = known["outcome"].astype(int).astype(str).to_numpy()
    if params.columns.id is not None:
        # The log is oldest first: the last row of a customer holds the latest record.
        rows = rows.drop_duplicates(subset=params.columns.id, keep="last")
    return rows.reset_index(drop=True)


def raw_cell(value: object, decimal: str) -> object:
    """A logged input as the raw CSV must hold it: a number written with the contract's mark.

    acquire reads data/feedback/customers.csv by columns.decimal like any raw file: with a
    decimal comma, 12.5 written as "12.5" would not be a number there (the point may only
    group thousands), and the row would lose the value.
    """
    cell = as_raw_text(value)
    if decimal == "," and isinstance(cell, float) and not pd.isna(cell):
        return repr(cell).replace(".", ",")
    return cell


def run(params: Params, log: PredictionLog) -> dict[str, object]:
    """Write the labelled production records to data/feedback/customers.csv; return counts."""
    history = log.read()
    rows = labelled_rows(history, params)
    if rows.empty:
        raise DataError(
            "The prediction log holds no served prediction with an outcome yet: there is "
            "nothing new to learn from (send outcomes to POST /feedback, or monitor simulate)."
        )
    files.write_csv(FEEDBACK_DATA, rows)
    return {
        "served predictions": int(history["served"].astype(bool).sum()),
        "with an outcome": int((history["served"].astype(bool) & history["outcome"].notna()).sum()),
        "rows written (one per customer)": len(rows),
        "churn rate": round(float(rows[params.columns.target].astype(int).mean()), 3),
        "path": str(FEEDBACK_DATA),
    }

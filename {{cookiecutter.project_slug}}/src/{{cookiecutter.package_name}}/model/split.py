"""Split: set the final test set aside, in its own file, before any model is trained.

Every later choice (features, algorithm, hyperparameters, threshold) is made on the development
rows only. The test rows are read once by the final evaluation and by the promotion gate, so the
number they give has not been fitted by any of those choices.

The split is checked before it is written: no customer on both sides and, for a time split, no
test row older than a development row. Adversarial validation then says whether the test rows
look like the development rows; a time split often shows a shift (newer customers have a
shorter tenure), which is the point of testing on the future rather than on a random sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.dates import parse_dates
from {{ cookiecutter.package_name }}.model.folds import final_test_split
from {{ cookiecutter.package_name }}.model.leakage import (
    adversarial_validation,
    check_group_overlap,
    # [bug 2]
    check_time_order,
    # [bug 2 planted]
    # [/bug 2]
    describe_adversarial_auc,
)
# [bug 7]
from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA, INTERIM_DATA, SPLIT_JSON, TEST_DATA
# [bug 7 planted]
# from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA, PROCESSED_DATA, SPLIT_JSON, TEST_DATA
# [/bug 7]

# Adversarial validation on at most this many rows per side: enough to see a shift, and fast.
ADVERSARIAL_ROWS = 20_000


def split_frame(frame: pd.DataFrame, params: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split the interim rows into development and final test rows, and check the split."""
    columns, validation = params.columns, params.validation
    # [bug 2]
    development, test = final_test_split(
        frame,
        columns.target,
        columns.time,
        validation.test_size,
        validation.test_split,
        params.seed,
    )
    development_rows, test_rows = frame.iloc[development], frame.iloc[test]
    if columns.id is not None:
        check_group_overlap(development_rows[columns.id], test_rows[columns.id])
    if validation.test_split == "time":
        check_time_order(development_rows[columns.time], test_rows[columns.time])
    # [bug 2 planted]
    # development, test = final_test_split(
    #     frame, columns.target, columns.time, validation.test_size, "random", params.seed
    # )
    # development_rows, test_rows = frame.iloc[development], frame.iloc[test]
    # if columns.id is not None:
    #     check_group_overlap(development_rows[columns.id], test_rows[columns.id])
    # [/bug 2]
    return development_rows.reset_index(drop=True), test_rows.reset_index(drop=True)


def side_summary(rows: pd.DataFrame, params: Params) -> dict[str, object]:
    """Rows, churn rate and (if dated) first and last signup of one side of the split."""
    columns = params.columns
    summary: dict[str, object] = {
        "rows": len(rows),
        "churn_rate": round(float(rows[columns.target].mean()), 6),
    }
    if columns.time is not None:
        dates = parse_dates(rows[columns.time])
        summary["first_signup"] = dates.min().date().isoformat()
        summary["last_signup"] = dates.max().date().isoformat()
    return summary


def sample(rows: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """At most n rows, drawn without replacement (all rows when there are fewer)."""
    if len(rows) <= n:
        return rows
    return rows.sample(n=n, random_state=seed)


def run(params: Params) -> dict[str, object]:
    """Write data/split/development.parquet, data/split/test.parquet and reports/split.json."""
    # [bug 7]
    frame = files.read_parquet(INTERIM_DATA, params.columns.all)
    # [bug 7 planted]
    # frame = files.read_parquet(PROCESSED_DATA)
    # [/bug 7]
    development, test = split_frame(frame, params)
    # The date itself is left out: on a time split it tells the sides apart by construction.
    features = params.model_columns.features
    auc = adversarial_validation(
        sample(development, ADVERSARIAL_ROWS, params.seed),
        sample(test, ADVERSARIAL_ROWS, params.seed),
        features,
        params.seed,
    )
    report = {
        "mode": params.validation.test_split,
        "test_size": params.validation.test_size,
        "development": side_summary(development, params),
        "test": side_summary(test, params),
        "adversarial_auc": round(auc, 4),
        "adversarial_verdict": describe_adversarial_auc(auc),
    }
    files.write_parquet(DEVELOPMENT_DATA, development)
    files.write_parquet(TEST_DATA, test)
    files.write_json(SPLIT_JSON, report)
    return {
        "mode": report["mode"],
        "development rows": len(development),
        "test rows": len(test),
        "churn rate dev / test": (
            f"{np.mean(development[params.columns.target]):.3f} / "
            f"{np.mean(test[params.columns.target]):.3f}"
        ),
        "adversarial ROC AUC": f"{auc:.3f}",
        "report": str(SPLIT_JSON),
    }

"""Feedback rows are raw data: acquire must read back the numbers the service logged."""

from __future__ import annotations

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.numbers import parse_text_numbers
from {{ cookiecutter.package_name }}.monitoring.feedback import labelled_rows, raw_cell


@pytest.mark.parametrize(
    ("value", "decimal", "expected"),
    [
        (12.5, ".", 12.5),
        (12.5, "auto", 12.5),
        (12.5, ",", "12,5"),
        (1234.25, ",", "1234,25"),
        (7, ",", 7),
        (None, ",", None),
        ("FR", ",", "FR"),
    ],
)
def test_a_logged_number_is_written_with_the_contracts_decimal_mark(
    value: object, decimal: str, expected: object
) -> None:
    cell = raw_cell(value, decimal)

    assert cell == expected or (expected is None and pd.isna(cell))


@pytest.mark.parametrize("decimal", [".", ",", "auto"])
def test_feedback_numbers_read_back_as_the_served_values(params: Params, decimal: str) -> None:
    columns = params.columns.model_copy(update={"decimal": decimal})
    with_decimal = params.model_copy(update={"columns": columns})
    numeric = next(iter(columns.numeric))
    log = pd.DataFrame(
        {
            "served": [True, True],
            "outcome": [1.0, 0.0],
            "inputs": [{columns.id: "C1", numeric: 12.5}, {columns.id: "C2", numeric: 1234.75}],
        }
    )

    rows = labelled_rows(log, with_decimal)
    text = rows[numeric].astype(str)

    assert list(parse_text_numbers(text, decimal)) == [12.5, 1234.75]
    assert list(rows[columns.target]) == ["1", "0"]

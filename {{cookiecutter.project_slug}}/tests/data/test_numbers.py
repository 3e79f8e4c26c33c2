"""Numbers written as text: one rule for validation, cleaning and the served record."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.data.numbers import (
    is_plain_number,
    non_finite_numbers,
    parse_number,
    parse_numbers,
)


def test_parse_numbers_reads_every_written_form() -> None:
    readable = ["1234.50", "1 234,50", "1\u00a0234,50", "$1,234.50", "€12", "-3", "1,234", "12,5"]
    text = pd.Series([*readable, "abc", "inf", None])

    numbers = parse_numbers(text)

    expected = [1234.5, 1234.5, 1234.5, 1234.5, 12.0, -3.0, 1234.0, 12.5]
    assert numbers.tolist()[:8] == expected
    assert numbers.iloc[8:].isna().all()
    assert numbers.dtype == "float64"


NUMBER_SPELLINGS = [
    *["1234.50", "1 234,50", "1\u00a0234,50", "1\u202f234,50", "$1,234.50", "€12", "12£"],
    *["-3", "+3", "-0", ".5", "5.", "1,234", "12,345,678", "1,5", "1,23", "1.234,56", "1\x0b2"],
    *["12345678901234567890.123", "0.30000000000000004441", "abc", "inf", "1e400", "NaN"],
    *["", " ", "--1", "1.2.3", "1,2,3", "\u0661\u0662\u0663", "\uff11\uff12\uff13"],
]


def same_numbers(one: float, other: float) -> bool:
    """Equal, or both NaN."""
    return one == other or (math.isnan(one) and math.isnan(other))


@pytest.mark.exercise(8)
def test_parse_number_reads_each_spelling_as_parse_numbers_reads_the_column() -> None:
    column = parse_numbers(pd.Series([*NUMBER_SPELLINGS, None], dtype=object))

    singles = [parse_number(value) for value in [*NUMBER_SPELLINGS, None]]

    assert all(same_numbers(a, b) for a, b in zip(column, singles, strict=True))
    assert singles[:3] == [1234.5, 1234.5, 1234.5]
    assert parse_number("12345678901234567890.123") == float("12345678901234567890.123")


@pytest.mark.exercise(8)
@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.lists(st.text(alphabet="0123456789.,-+ $€\u00a0\u0661eEinfa", max_size=24), min_size=1),
    st.sampled_from(["auto", ".", ","]),
)
def test_parse_number_agrees_with_parse_numbers_on_any_text(
    values: list[str], decimal: str
) -> None:
    column = parse_numbers(pd.Series(values, dtype=object), decimal)

    assert all(
        same_numbers(a, parse_number(value, decimal))
        for a, value in zip(column, values, strict=True)
    )


DECIMAL_SPELLINGS = [
    *["12,5", "12.5", "1.234,5", "1,234.5", "1.234", "1,234", "1 234,50", "1.234.567,8"],
    *["1,2,3", "1.2.3", "12,5e3", "€ 1.234,50", "1,23", "12.34,5", "-0,5", "1e3", "abc", ""],
]


@pytest.mark.exercise(8)
@pytest.mark.parametrize(
    ("decimal", "expected"),
    [
        ("auto", [12.5, 12.5, 1234.5, 1234.5, 1.234, 1234.0, 1234.5, 1234567.8]),
        (",", [12.5, math.nan, 1234.5, math.nan, 1234.0, 1.234, 1234.5, 1234567.8]),
        (".", [math.nan, 12.5, math.nan, 1234.5, 1.234, 1234.0, math.nan, math.nan]),
    ],
)
def test_the_declared_decimal_mark_decides_ambiguous_numbers(
    decimal: str, expected: list[float]
) -> None:
    column = parse_numbers(pd.Series(DECIMAL_SPELLINGS[:8], dtype=object), decimal)

    singles = [parse_number(value, decimal) for value in DECIMAL_SPELLINGS[:8]]

    assert all(same_numbers(a, b) for a, b in zip(column, expected, strict=True))
    assert all(same_numbers(a, b) for a, b in zip(singles, expected, strict=True))


@pytest.mark.exercise(8)
@pytest.mark.parametrize("decimal", ["auto", ".", ","])
def test_parse_number_agrees_with_parse_numbers_for_every_decimal_mark(decimal: str) -> None:
    values = [*NUMBER_SPELLINGS, *DECIMAL_SPELLINGS, None]

    column = parse_numbers(pd.Series(values, dtype=object), decimal)

    singles = [parse_number(value, decimal) for value in values]
    assert all(same_numbers(a, b) for a, b in zip(column, singles, strict=True))


def test_an_unknown_decimal_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="decimal must be one of"):
        parse_number("1", decimal=";")


NON_FINITE = ["inf", "-inf", "+Infinity", "NaN", "1e400", "-1E999", "$inf"]


@pytest.mark.exercise(8)
def test_non_finite_numbers_are_missing_and_counted_as_non_finite() -> None:
    text = pd.Series([*NON_FINITE, "1e308", "1e3", "abc", None], dtype=object)

    numbers = parse_numbers(text)

    assert numbers.iloc[: len(NON_FINITE)].isna().all()
    assert numbers.iloc[len(NON_FINITE) :].tolist()[:2] == [1e308, 1000.0]
    assert non_finite_numbers(text).tolist() == [True] * len(NON_FINITE) + [False] * 4
    assert [math.isnan(parse_number(value)) for value in NON_FINITE] == [True] * len(NON_FINITE)
    assert parse_number(float("inf")) != parse_number(float("inf"))  # NaN, like the column


def test_a_typed_column_counts_its_infinities_as_non_finite() -> None:
    values = pd.Series([1.0, float("inf"), float("-inf"), float("nan")])

    assert non_finite_numbers(values).tolist() == [False, True, True, False]
    assert parse_numbers(values).isna().tolist() == [False, True, True, True]
    assert is_plain_number(values).tolist() == [True, False, False, False]


def test_a_plain_number_is_finite_and_needs_no_parsing() -> None:
    text = pd.Series(["12", "-3.5", "1e3", "1 234", "12,5", "inf", "1e400", None], dtype=object)

    assert is_plain_number(text).tolist() == [True, True, True, False, False, False, False, False]


@pytest.mark.exercise(8)
@pytest.mark.parametrize("decimal", ["auto", ".", ","])
def test_a_value_that_already_is_a_number_is_taken_as_it_is(decimal: str) -> None:
    values = [1.234, 1234, "1,234", float("inf"), True, None]

    column = parse_numbers(pd.Series(values, dtype=object), decimal)

    singles = [parse_number(value, decimal) for value in values]
    assert all(same_numbers(a, b) for a, b in zip(column, singles, strict=True))
    assert column.tolist()[:2] == [1.234, 1234.0]
    assert column.iloc[3:].isna().all()  # inf is non-finite; a boolean is no number

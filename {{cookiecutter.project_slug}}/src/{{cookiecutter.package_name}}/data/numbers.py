"""Numbers written as text: the one rule validation, cleaning and the served record all read by.

Raw data writes numbers in many ways ("1234.50", "1 234,50", "$1,234.50", "12,5", "1e3"). Each
stage that reads them must read them alike, or a value counted out of range by validation is
imputed by cleaning, or a record is scored online with another number than it was trained on.
So the rule lives here, twice: `parse_numbers` for a column (pyarrow, fast on a million rows)
and `parse_number` for one served value (plain Python); the tests require both to agree.

The rule:

1. Currency signs and spaces (also the non-breaking ones of spreadsheets) are removed.
2. (A value that already is a number, such as a served record's float, skips steps 1-2.)
   The decimal mark is the contract's `columns.decimal`. With "auto", the last comma or point
   is the decimal mark, except that a comma followed only by groups of three digits ("1,234")
   separates thousands. With "." or ",", the other sign may only group thousands ("1,234.5",
   "1.234,5"); anywhere else the text is no number.
3. What remains must be a plain number, optionally with an exponent ("1.5e3"). It becomes a
   float64 if it is finite; "inf", "nan" and numbers too large for a float ("1e400") are
   NON-FINITE: treated as missing, and counted as such by validation and cleaning.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

# The patterns below are run by two engines: pyarrow's (RE2) on columns, Python's `re` on one
# served record (parse_number). They are written so both read them alike: [0-9] rather than
# \d (Python's \d also matches other scripts' digits), whitespace spelt out rather than \s
# (RE2's \s misses the vertical tab and the non-breaking spaces of spreadsheets).
# A number as a program writes it: optional sign, digits, optional decimal point, exponent.
PLAIN_NUMBER = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
# Removed before parsing: currency signs and spaces, also the non-breaking ones that
# spreadsheets put between thousands.
CURRENCY_AND_SPACES = "[ \t\n\r\f\v\u00a0\u202f$€£]"
# "1,234" or "12,345,678": commas grouping thousands, not a decimal comma.
COMMA_THOUSANDS = r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+"
# A comma with no point after it: the comma is the decimal mark, unless it groups thousands.
DECIMAL_COMMA = r",[^.]*$"
# With a declared decimal mark, the other sign may only group thousands before it.
GROUPED = {
    ".": r"[-+]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?",
    ",": r"[-+]?[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]*)?(?:[eE][-+]?[0-9]+)?",
}
THOUSANDS = {".": ",", ",": "."}
# Spellings of a non-finite value (any case), after currency signs and spaces are removed.
NON_FINITE_WORD = r"[-+]?(?:[iI][nN][fF](?:[iI][nN][iI][tT][yY])?|[nN][aA][nN])"
DECIMAL_MARKS = ("auto", ".", ",")
# Text that each decimal setting reads as it is written: digits, at most one point between
# digits (none with ",", where a point groups thousands), no currency sign, space or comma.
SIMPLE_NUMBER = {
    "auto": r"-?[0-9]+(?:\.[0-9]+)?",
    ".": r"-?[0-9]+(?:\.[0-9]+)?",
    ",": r"-?[0-9]+",
}


def check_decimal(decimal: str) -> None:
    """Raise a ValueError for a decimal mark the rule does not know."""
    if decimal not in DECIMAL_MARKS:
        raise ValueError(f"decimal must be one of {DECIMAL_MARKS}, not {decimal!r}.")


def plain_spellings(text: pd.Series, decimal: str) -> pd.Series:
    """Step 2 on distinct pyarrow strings: each as a plain number's spelling, or NA."""
    if decimal == "auto":
        comma_is_decimal = text.str.contains(DECIMAL_COMMA) & ~text.str.fullmatch(COMMA_THOUSANDS)
        return text.str.replace(",", "", regex=False).where(
            ~comma_is_decimal,
            text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False),
        )
    separator = THOUSANDS[decimal]
    allowed = ~text.str.contains(separator, regex=False) | text.str.fullmatch(GROUPED[decimal])
    plain = text.str.replace(separator, "", regex=False).str.replace(decimal, ".", regex=False)
    return plain.where(allowed)


def parse_text_numbers(values: pd.Series, decimal: str) -> np.ndarray:
    """Steps 1-3 on a text column, without the finiteness filter: float64 or NaN per row."""
    check_decimal(decimal)
    # Parse each distinct text once: a million rows hold a few thousand distinct amounts, so
    # the string work is done on thousands of values, then spread to the rows by their codes.
    codes, uniques = pd.factorize(values)
    typed, text = typed_and_text(values, uniques)
    parsed = np.full(len(uniques), np.nan)
    # Most texts are already simple numbers ("1234.5"): one cast reads them, and the rule's
    # ten string passes run only on the others. A model's every fit and scoring parses its
    # columns again, so this is most of the time a pipeline spends reading numbers.
    simple = text.str.fullmatch(SIMPLE_NUMBER[decimal]).to_numpy(dtype=bool, na_value=False)
    parsed[simple] = to_floats(text[simple])
    rest = ~simple & ~typed
    if rest.any():
        parsed[rest] = parse_by_the_rule(text[rest], decimal)
    parsed[typed] = np.asarray(uniques, dtype=object)[typed].astype("float64")
    # factorize marks a missing cell with code -1, which picks the NaN appended last.
    return np.append(parsed, np.nan)[codes]


def typed_and_text(values: pd.Series, uniques: Any) -> tuple[np.ndarray, pd.Series]:
    """Which distinct values already are numbers, and all of them as pyarrow strings.

    A typed number (a served record's float) gets an empty text: it needs no parsing.
    """
    if isinstance(values.dtype, pd.StringDtype):  # text only: no loop over the values
        typed = np.zeros(len(uniques), dtype=bool)
        return typed, pd.Series(uniques).astype("string[pyarrow]")
    typed = np.array([is_typed_number(value) for value in uniques], dtype=bool)
    text = pd.Series(np.where(typed, "", np.asarray(uniques, dtype=object)), dtype=object)
    return typed, text.astype(str).astype("string[pyarrow]")


def to_floats(plain: pd.Series) -> np.ndarray:
    """Cast plain numbers' spellings to float64 (NaN where missing).

    pyarrow's cast rounds correctly (like Python's float()); pd.to_numeric can be one unit off
    in the last digit for numbers of more than 17 digits.
    """
    return plain.astype("float64[pyarrow]").to_numpy(dtype="float64", na_value=np.nan)


def parse_by_the_rule(text: pd.Series, decimal: str) -> np.ndarray:
    """Steps 1-3 on pyarrow strings: float64, NaN for no number, inf for a spelt-out one."""
    text = text.str.replace(CURRENCY_AND_SPACES, "", regex=True)
    plain = plain_spellings(text, decimal)
    # Only plain numbers reach the cast, which would also accept "inf" or "nan".
    parsed = to_floats(plain.where(plain.str.fullmatch(PLAIN_NUMBER).fillna(False)))
    words = text.str.fullmatch(NON_FINITE_WORD).to_numpy(dtype=bool, na_value=False)
    # A spelt-out inf or nan is non-finite, like an overflow ("1e400").
    return np.where(words, np.inf, parsed)


def is_typed_number(value: Any) -> bool:
    """True for a number that is no text (int or float, not a boolean): no rule to apply."""
    return isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_))


def numeric_values(values: pd.Series) -> np.ndarray:
    """A numeric column's values as float64 (missing as NaN)."""
    return values.to_numpy(dtype="float64", na_value=np.nan)


def parse_numbers(values: pd.Series, decimal: str = "auto") -> pd.Series:
    """Parse text such as "1234.50", "1 234,50", "$1,234.50", "€12" or "-3" into float64.

    Text that is no number ("abc") or no finite number ("inf", "1e400") becomes NaN.
    """
    if pd.api.types.is_numeric_dtype(values):
        numbers = numeric_values(values)
    else:
        numbers = parse_text_numbers(values, decimal)
    numbers = np.where(np.isfinite(numbers), numbers, np.nan)
    return pd.Series(numbers, index=values.index, name=values.name)


def non_finite_numbers(values: pd.Series, decimal: str = "auto") -> pd.Series:
    """True where a value is a number that is not finite: "inf", "-inf", "nan", "1e400"."""
    if pd.api.types.is_numeric_dtype(values):
        numbers = numeric_values(values)
        non_finite = np.isinf(numbers)  # a missing value (NaN) is missing, not non-finite
    else:
        numbers = parse_text_numbers(values, decimal)
        non_finite = np.isinf(numbers)
    return pd.Series(non_finite, index=values.index, name=values.name)


def parse_number(value: Any, decimal: str = "auto") -> float:
    """One raw value parsed exactly as parse_numbers parses a text column (for one record).

    A column of a million rows is parsed by pyarrow; a single served value is parsed here, in
    plain Python, about a hundred times faster than through a one-row pandas Series.
    """
    check_decimal(decimal)
    if value is None:
        return math.nan
    if is_typed_number(value):
        number = float(value)
        return number if math.isfinite(number) else math.nan
    plain = plain_spelling(re.sub(CURRENCY_AND_SPACES, "", str(value)), decimal)
    if plain is None or not re.fullmatch(PLAIN_NUMBER, plain):
        return math.nan
    number = float(plain)
    return number if math.isfinite(number) else math.nan


def plain_spelling(text: str, decimal: str) -> str | None:
    """Step 2 on one value (currency signs and spaces removed): a plain number's spelling.

    None when the declared decimal mark makes the text no number ("1,2,3" with decimal ",").
    """
    # [exercise 8] find the decimal mark by rule 2, then respell the text with a point.
    if decimal == "auto":
        if re.search(DECIMAL_COMMA, text) and not re.fullmatch(COMMA_THOUSANDS, text):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    separator = THOUSANDS[decimal]
    if separator in text and not re.fullmatch(GROUPED[decimal], text):
        return None
    return text.replace(separator, "").replace(decimal, ".")
    # [/exercise 8]


def is_plain_number(values: pd.Series) -> pd.Series:
    """True where the text is already a plain, finite number ("1234.50", not "1 234,50")."""
    if pd.api.types.is_numeric_dtype(values):
        return pd.Series(np.isfinite(numeric_values(values)), index=values.index)
    codes, uniques = pd.factorize(values)
    text = pd.Series(uniques, dtype=object).astype(str).astype("string[pyarrow]")
    plain = text.str.fullmatch(PLAIN_NUMBER).to_numpy(dtype=bool)
    numbers = text.where(plain).astype("float64[pyarrow]").to_numpy(dtype="float64", na_value=0.0)
    plain &= np.isfinite(numbers)
    return pd.Series(np.append(plain, False)[codes], index=values.index)

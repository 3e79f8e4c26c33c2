"""Dates written as text: the one rule by which cleaning, validation, splits, features and the API
read them.

A cell is read by the first of these forms it matches:

1. ISO 8601 ("2021-03-14", "2021-03-14T10:00+01:00"), the form every stage writes.
2. Forms that cannot be misread: "2021.03.14" (Y.M.D), "Mar 14 2021" and "14 March 2021"
   (English month names, full or abbreviated, any case).
3. Slash dates, day and month as one or two digits: "14/03/2021" can only be day first and
   "03/14/2021" only month first, but "03/04/2021" is the 3rd of April in Europe and the 4th of
   March in the US. `columns.date_order` in params.yaml says how to read such a cell:
   day_first, month_first, or auto (the default), which decides from the column's own evidence:
   when some slash dates can only be day first and none can only be month first, the column is
   day first (and the other way round). Without evidence, or with both kinds, a slash date whose
   two numbers are both 12 or less (and differ) stays AMBIGUOUS: it is never guessed.

Anything else, or an impossible date ("31/02/2021"), is UNREADABLE. Both read as missing (NaT).

What each stage does with them: cleaning (data/clean.py) rewrites every readable date as ISO and
REFUSES the data while ambiguous dates remain, with one sentence naming their count, an example
and the parameter that resolves them. Dropping them instead would move customers out of the time
split without anyone noticing, and guessing would shift every date of a US export by months; a
refusal costs one line in params.yaml. The API and the model read one cell at a time (a
prediction must not depend on the other rows of a batch), so they have no column evidence: with
auto, the API answers an ambiguous date with 422 naming the field. Validation counts the cells
of each form. Numbers have their own rule, in data/numbers.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

# The forms a cell is counted under (validation's report, cleaning's counts).
ISO = "ISO 8601"
DOTTED = "Y.M.D"
MONTH_DAY_YEAR = "Mon D Y"
DAY_MONTH_YEAR = "D Mon Y"
DAY_FIRST = "D/M/Y"
MONTH_FIRST = "M/D/Y"
AMBIGUOUS = "ambiguous"
UNREADABLE = "unreadable"
FORMS = (ISO, DOTTED, MONTH_DAY_YEAR, DAY_MONTH_YEAR, DAY_FIRST, MONTH_FIRST, AMBIGUOUS, UNREADABLE)
DATE_ORDERS = ("auto", "day_first", "month_first")

MONTHS = {
    name: number
    for number, full in enumerate(
        [
            *("january", "february", "march", "april", "may", "june", "july", "august"),
            *("september", "october", "november", "december"),
        ],
        start=1,
    )
    for name in (full, full[:3])
} | {"sept": 9}

# Each pattern on stripped text; its groups give (year, month, day) in the order named.
DOTTED_PATTERN = r"^(?P<year>\d{4})\.(?P<month>\d{1,2})\.(?P<day>\d{1,2})$"
MONTH_DAY_PATTERN = r"^(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})$"
DAY_MONTH_PATTERN = r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?,?\s+(?P<year>\d{4})$"
SLASH_PATTERN = r"^(?P<first>\d{1,2})/(?P<second>\d{1,2})/(?P<year>\d{4})$"
# What every ISO 8601 date starts with: when all texts look like it, one pass reads them.
ISO_LOOK = r"\d{4}-\d{2}-\d{2}(?:[T ].*)?"


@dataclass(frozen=True)
class DateReading:
    """Every cell's date (NaT when missing, ambiguous or unreadable) and form (NaN if missing)."""

    dates: pd.Series
    forms: pd.Series

    def form_counts(self) -> dict[str, int]:
        """The cells of each form, in FORMS order, forms with no cell left out."""
        counts = self.forms.value_counts()
        return {form: int(counts[form]) for form in FORMS if counts.get(form, 0)}


def read_dates(values: pd.Series, order: str = "auto", column_evidence: bool = True) -> DateReading:
    """Read every cell by the module's rule; `order` is columns.date_order.

    With column_evidence=False each cell is read alone (auto then decides nothing), as a
    served record is.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        forms = pd.Series(np.where(values.notna(), ISO, None), index=values.index, dtype=object)
        return DateReading(values, forms)
    # Thousands of distinct texts in a million rows: each is read once, then spread by code.
    codes, uniques = pd.factorize(values)
    dates, forms = read_texts(pd.Series(uniques, dtype=object).astype(str), order, column_evidence)
    # factorize marks a missing cell with code -1, which picks the NaT (or None) appended last.
    dates = np.append(dates, np.array(["NaT"], dtype=dates.dtype))[codes]
    forms = np.append(forms, np.array([None], dtype=object))[codes]
    return DateReading(
        pd.Series(dates, index=values.index, name=values.name),
        pd.Series(forms, index=values.index, name=values.name, dtype=object),
    )


def parse_dates(values: pd.Series, order: str = "auto", column_evidence: bool = True) -> pd.Series:
    """The cells as datetime64: NaT where missing, ambiguous or unreadable."""
    return read_dates(values, order, column_evidence).dates


def read_texts(text: pd.Series, order: str, column_evidence: bool) -> tuple[np.ndarray, np.ndarray]:
    """The date and form of each distinct text (the work behind read_dates)."""
    if order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, not {order!r}")
    text = text.str.strip()
    # Nearly every date is ISO, and a served record has one: when all are, the other forms'
    # passes (a few milliseconds each, per call) would find nothing.
    if text.str.fullmatch(ISO_LOOK).all():
        iso = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        if iso.notna().all():
            return iso.dt.tz_localize(None).to_numpy(), np.full(len(text), ISO, dtype=object)
    year = pd.Series(np.nan, index=text.index)
    month, day = year.copy(), year.copy()
    forms = pd.Series(UNREADABLE, index=text.index, dtype=object)

    def take(parts: pd.DataFrame, form: str | pd.Series) -> None:
        found = parts["year"].notna() & forms.eq(UNREADABLE)
        year[found], month[found], day[found] = (parts[k][found] for k in ("year", "month", "day"))
        forms[found] = form[found] if isinstance(form, pd.Series) else form

    take(numbers(text.str.extract(DOTTED_PATTERN)), DOTTED)
    rest = text.where(forms.eq(UNREADABLE))
    iso = pd.to_datetime(rest, format="ISO8601", errors="coerce", utc=True)
    forms[iso.notna()] = ISO
    take(numbers(month_names(text.str.extract(MONTH_DAY_PATTERN))), MONTH_DAY_YEAR)
    take(numbers(month_names(text.str.extract(DAY_MONTH_PATTERN))), DAY_MONTH_YEAR)
    slash = numbers(text.str.extract(SLASH_PATTERN))
    slash, slash_forms = slash_dates(slash, order, column_evidence)
    forms[slash_forms.eq(AMBIGUOUS) & forms.eq(UNREADABLE)] = AMBIGUOUS
    take(slash, slash_forms)
    ymd = pd.DataFrame({"year": year, "month": month, "day": day})
    built = pd.to_datetime(ymd, errors="coerce")
    named = forms.isin([DOTTED, MONTH_DAY_YEAR, DAY_MONTH_YEAR, DAY_FIRST, MONTH_FIRST])
    forms[named & built.isna()] = UNREADABLE  # "31/02/2021": the right form, no such day
    dates = iso.dt.tz_localize(None).where(forms.eq(ISO), built.where(named))
    return dates.to_numpy(), forms.to_numpy()


def numbers(parts: pd.DataFrame) -> pd.DataFrame:
    """Captured digits as floats (NaN where the pattern did not match)."""
    return parts.apply(pd.to_numeric, errors="coerce")


def month_names(parts: pd.DataFrame) -> pd.DataFrame:
    """Month names as numbers; an unknown name ("Foo 3 2021") makes the row unmatched."""
    month = parts["month"].str.lower().map(MONTHS)
    return parts.assign(month=month, year=parts["year"].where(month.notna()))


def slash_order(first: pd.Series, second: pd.Series, order: str, column_evidence: bool) -> str:
    """The order slash dates are read in: the parameter's, or auto's decision from evidence."""
    if order != "auto" or not column_evidence:
        return order
    day_first = ((first > 12) & (second <= 12)).any()
    month_first = ((second > 12) & (first <= 12)).any()
    if day_first != month_first:
        return "day_first" if day_first else "month_first"
    return "auto"


def slash_dates(
    slash: pd.DataFrame, order: str, column_evidence: bool
) -> tuple[pd.DataFrame, pd.Series]:
    """Slash dates as (year, month, day) and their forms (NaN where no slash date), by order.

    An ambiguous cell gets no year, so that it is not read as a date.
    """
    first, second = slash["first"], slash["second"]
    decided = slash_order(first, second, order, column_evidence)
    if decided == "auto":
        # Read alone, a cell is day first only when it cannot be month first, and vice versa;
        # 05/05/2021 reads the same both ways.
        day_first = (first > 12) | (first == second)
        month_first = (second > 12) & ~day_first
    else:
        day_first = pd.Series(decided == "day_first", index=slash.index)
        month_first = ~day_first
    parts = slash.assign(month=second.where(day_first, first), day=first.where(day_first, second))
    forms = pd.Series(
        np.select([day_first, month_first], [DAY_FIRST, MONTH_FIRST], AMBIGUOUS),
        index=slash.index,
        dtype=object,
    ).where(slash["year"].notna())
    return parts.assign(year=parts["year"].where(forms.ne(AMBIGUOUS))), forms


def read_date(text: str, order: str = "auto") -> dt.date:
    """One date written as text, read alone as the API reads a field; a ValueError says why not."""
    reading = read_dates(pd.Series([text], dtype=object), order, column_evidence=False)
    form, stamp = reading.forms.iloc[0], reading.dates.iloc[0]
    if form == AMBIGUOUS:
        raise ValueError(
            f"'{text}' is ambiguous (day or month first?): write it as ISO 8601 (2024-03-15) "
            "or set columns.date_order in params.yaml"
        )
    if pd.isna(stamp):
        raise ValueError(
            f"'{text}' is no date: write it as ISO 8601 (2024-03-15) or as 2024.03.15, "
            "Mar 15 2024, 15 Mar 2024 or 15/03/2024"
        )
    return stamp.date()

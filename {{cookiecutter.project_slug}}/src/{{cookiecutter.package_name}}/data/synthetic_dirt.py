"""The dirt of the synthetic data, and the CSV text it is written in.

Cleaning is the skill being practised, so the generated customers get the dirt real exports
have, at the rates of params.yaml (`data.dirt`), in the order data/synthetic.py applies it:

1. Row dirt, on typed values: impossible records (negative tenure, age 250) and outliers.
2. Every value written as CSV text (`to_text`), in the compact `Text` column below.
3. Cell dirt: numbers written as text, category variants, typos, dates in other forms,
   missing cells.
4. Repeated ids: second, slightly different records of some clean customers.

Each function returns a new column (or table) and leaves its input untouched.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.contract import CategoricalColumn
from {{ cookiecutter.package_name }}.data.synthetic_customers import (
    CATEGORY_SHARES,
    MESSAGE_TEXTS,
    RAW_COLUMNS,
)

# An outlier pays 4 to 8 times its plan's price (at most 120 x 8 = 960, still within the
# contract's maximum of 1000: extreme but possible) or opens 30 to 60 support tickets.
OUTLIER_FACTOR = (4.0, 8.0)
OUTLIER_TICKETS = (30, 60)
IMPOSSIBLE_AGE = 250

# Zero-padded digits, looked up rather than formatted one amount at a time.
TWO_DIGITS = np.array([f"{i:02d}" for i in range(100)], dtype=object)
THREE_DIGITS = np.array([f"{i:03d}" for i in range(1000)], dtype=object)

# The other forms of a date (data/dates.py reads them all), drawn in equal shares. Day first
# "31/12/2024" lets cleaning's auto rule decide the column from the days above 12.
DATE_FORMS = ("%d/%m/%Y", "%Y.%m.%d", "%b %d %Y", "%d %b %Y")

# Only words this long get typos: a short code ("FR", "card") has too few letters to slip on
# and still be recognised (data/spelling.py repairs keys of 4 letters or more).
MIN_TYPO_LENGTH = 5

# A repeated record lacks one or two of these cells, so the original is the more complete one.
REPEAT_BLANKS = ("age", "monthly_charges", "payment_method", "country")


# --- Row dirt: values outside the contract's limits, and extreme but possible ones.


def with_impossible_values(
    customers: dict[str, np.ndarray], rows: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Give each of `rows` a negative tenure or an age of 250 (half each, at random)."""
    tenure = customers["tenure_months"].copy()
    age = customers["age"].copy()
    negative_tenure = rng.random(len(rows)) < 0.5
    tenure[rows[negative_tenure]] = -rng.integers(1, 25, size=int(negative_tenure.sum()))
    age[rows[~negative_tenure]] = IMPOSSIBLE_AGE
    return customers | {"tenure_months": tenure, "age": age}


def with_outliers(
    customers: dict[str, np.ndarray],
    rows: np.ndarray,
    max_monthly: float | None,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Give each of `rows` a monthly charge 4-8 times its plan's or 30-60 support tickets.

    The charge never exceeds `max_monthly` (the contract's limit): an outlier is extreme but
    possible, unlike an impossible value.
    """
    monthly = customers["monthly_charges"].copy()
    tickets = customers["support_tickets"].copy()
    charges = rng.random(len(rows)) < 0.5
    factor = rng.uniform(*OUTLIER_FACTOR, size=int(charges.sum()))
    extreme = np.round(monthly[rows[charges]] * factor, 2)
    monthly[rows[charges]] = extreme if max_monthly is None else np.minimum(extreme, max_monthly)
    low, high = OUTLIER_TICKETS
    tickets[rows[~charges]] = rng.integers(low, high + 1, size=int((~charges).sum()))
    return customers | {"monthly_charges": monthly, "support_tickets": tickets}


# --- Text: every value as it is written in the CSV.


@dataclass(frozen=True)
class Text:
    """A text column stored as codes into its distinct texts (code -1 for an empty cell).

    A million rows hold only a few thousand distinct ages, prices or spellings: formatting each
    distinct text once, and moving integer codes rather than strings when rows are copied or
    shuffled, makes the generator several times faster than building one string per row.
    """

    codes: np.ndarray
    texts: np.ndarray  # object array of str

    @classmethod
    def of(cls, values: np.ndarray) -> Text:
        """The column holding these texts (None for an empty cell)."""
        codes, texts = pd.factorize(values)
        return cls(codes, texts.astype(object))

    def values(self) -> np.ndarray:
        """Every cell's text (None where empty)."""
        return np.where(self.codes >= 0, self.texts[self.codes], None)

    def take(self, rows: np.ndarray) -> Text:
        """The given rows, in the given order."""
        return Text(self.codes[rows], self.texts)

    def append(self, other: Text) -> Text:
        """This column's rows followed by the other's."""
        codes = np.where(other.codes >= 0, other.codes + len(self.texts), -1)
        return Text(np.concatenate([self.codes, codes]), np.concatenate([self.texts, other.texts]))

    def replace(self, rows: np.ndarray, new: Text) -> Text:
        """A copy with the given rows holding the new column's cells."""
        codes = self.codes.copy()
        codes[rows] = np.where(new.codes >= 0, new.codes + len(self.texts), -1)
        return Text(codes, np.concatenate([self.texts, new.texts]))

    def emptied(self, rows: np.ndarray) -> Text:
        """A copy with the given cells empty."""
        codes = self.codes.copy()
        codes[rows] = -1
        return Text(codes, self.texts)

    def to_series(self, rows: np.ndarray) -> pd.Series:
        """The given rows as a pandas text column, NaN where empty (what read_csv gives)."""
        return pd.Series(pd.array(self.texts, dtype=str).take(self.codes[rows], allow_fill=True))


def to_text(customers: dict[str, np.ndarray]) -> dict[str, Text]:
    """Write every value as CSV text: "C0000042", "2021-03-14", "42", "1234.50", "basic"."""
    ids = customers["customer_id"]
    formatted = ("C" + pd.Series(ids).astype(str).str.zfill(7)).to_numpy(dtype=object)
    text = {
        "customer_id": Text(np.arange(len(ids)), formatted),
        "account_id": account_text(customers["account_id"]),
        "signup_date": date_text(customers["signup_date"]),
    }
    for name in RAW_COLUMNS[3:]:
        values = customers[name]
        if name in CATEGORY_SHARES:
            text[name] = Text(values, np.array(list(CATEGORY_SHARES[name]), dtype=object))
        elif name == "support_message":
            text[name] = Text(values, MESSAGE_TEXTS)
        elif values.dtype.kind == "f":
            text[name] = money_text(values)
        else:
            text[name] = int_text(values)
    return text


def account_text(numbers: np.ndarray) -> Text:
    """Account numbers as ids: "A000042"."""
    codes, uniques = pd.factorize(numbers)
    return Text(codes, ("A" + pd.Series(uniques).astype(str).str.zfill(6)).to_numpy(dtype=object))


def int_text(values: np.ndarray) -> Text:
    """Integers as text: "42", never "42.0"."""
    codes, uniques = pd.factorize(values)
    return Text(codes, uniques.astype(str).astype(object))


def date_text(dates: np.ndarray) -> Text:
    """Dates as ISO 8601 text: "2021-03-14"."""
    codes, days = pd.factorize(dates.astype("datetime64[D]").astype(np.int64))
    texts = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    return Text(codes, texts)


def money_text(
    amounts: np.ndarray, thousands: str = "", decimal: str = ".", prefix: str = ""
) -> Text:
    """Non-negative amounts below a million as text with two decimals: "1234.50", "1 234,50"."""
    codes, cents = pd.factorize(np.rint(amounts * 100).astype(np.int64))
    units, hundredths = np.divmod(cents, 100)
    if thousands:
        high, low = np.divmod(units, 1000)
        grouped = high.astype(str).astype(object) + thousands + THREE_DIGITS[low]
        whole = np.where(high > 0, grouped, low.astype(str).astype(object))
    else:
        whole = units.astype(str).astype(object)
    return Text(codes, prefix + whole + decimal + TWO_DIGITS[hundredths])


# --- Cell dirt: each function returns a new column and leaves its input untouched.


def with_numbers_as_text(text: Text, amounts: np.ndarray, n: int, rng: np.random.Generator) -> Text:
    """Write n random amounts as "1 234,50" (French) or "$1,234.50", half each."""
    rows = rng.choice(len(text.codes), size=n, replace=False)
    french, dollars = np.split(rows, [n // 2])
    text = text.replace(french, money_text(amounts[french], thousands=" ", decimal=","))
    return text.replace(dollars, money_text(amounts[dollars], thousands=",", prefix="$"))


def with_date_forms(text: Text, dates: np.ndarray, n: int, rng: np.random.Generator) -> Text:
    """Write n random dates in one of DATE_FORMS each: "31/12/2024", "2024.12.31", "Dec 31 2024"."""
    rows = rng.choice(len(text.codes), size=n, replace=False)
    form = rng.integers(0, len(DATE_FORMS), size=n)
    codes, days = pd.factorize(dates[rows].astype("datetime64[D]"))
    # Each distinct (day, form) pair is formatted once: a few thousand strftime calls at most.
    pairs, pair_codes = np.unique(np.stack([codes, form]), axis=1, return_inverse=True)
    stamps = pd.DatetimeIndex(days[pairs[0]])
    texts = [stamp.strftime(DATE_FORMS[f]) for stamp, f in zip(stamps, pairs[1], strict=True)]
    return text.replace(rows, Text(pair_codes.ravel(), np.array(texts, dtype=object)))


def spelling_variants(value: str, synonyms: Mapping[str, str]) -> list[str]:
    """Other spellings of a canonical value; each maps back by case, whitespace or synonym."""
    spellings = {value.upper(), value.lower(), value.title(), f"  {value}", f"{value} "}
    spellings.add(f" {value.upper()} ")
    for other, canonical in synonyms.items():
        if canonical == value:
            spellings.update({other, other.title()})
    spellings.discard(value)
    return sorted(spellings)  # sorted: a set's order changes from one run to the next


def with_variants(text: Text, spec: CategoricalColumn, n: int, rng: np.random.Generator) -> Text:
    """Replace n random canonical values by one of their spelling variants, drawn uniformly."""
    rows = rng.choice(len(text.codes), size=n, replace=False)
    values = text.take(rows).values()
    draw = rng.random(n)
    for value in spec.allowed:  # a loop over the few categories, not over the rows
        spellings = np.array(spelling_variants(value, spec.synonyms), dtype=object)
        hit = values == value
        values[hit] = spellings[(draw[hit] * len(spellings)).astype(np.int64)]
    return text.replace(rows, Text.of(values))


def typo_spellings(value: str, taken: Collection[str]) -> list[str]:
    """Misspellings a hurried typist makes of a value: two inner letters swapped, one dropped.

    None for a value shorter than MIN_TYPO_LENGTH, and never a spelling already `taken`
    (the accepted spelling keys, casefolded): each typo is one edit from its value only.
    """
    if len(value) < MIN_TYPO_LENGTH:
        return []
    inner = range(1, len(value) - 1)  # the first and last letters are rarely the ones that slip
    swapped = {value[:i] + value[i + 1] + value[i] + value[i + 2 :] for i in inner[:-1]}
    dropped = {value[:i] + value[i + 1 :] for i in inner}
    typos = {typo for typo in swapped | dropped if typo.casefold() not in taken}
    return sorted(typos)  # sorted: a set's order changes from one run to the next


def with_typos(
    text: Text, spec: CategoricalColumn, n: int, rng: np.random.Generator
) -> tuple[Text, int]:
    """Misspell up to n random cells holding a canonical value; return the column and the count."""
    taken = {other.strip().casefold() for other in [*spec.allowed, *spec.synonyms]}
    values = text.values()
    typos = {value: typo_spellings(value, taken) for value in spec.allowed}
    candidates = np.flatnonzero(np.isin(values, [value for value in typos if typos[value]]))
    rows = rng.choice(candidates, size=min(n, len(candidates)), replace=False)
    chosen = values[rows]
    draw = rng.random(len(rows))
    for value, spellings in typos.items():  # a loop over the few categories, not over the rows
        hit = chosen == value
        options = np.array(spellings, dtype=object)
        chosen[hit] = options[(draw[hit] * len(options)).astype(np.int64)]
    return text.replace(rows, Text.of(chosen)), len(rows)


def with_missing(
    text: Text, n: int, allowed: np.ndarray, rng: np.random.Generator
) -> tuple[Text, int]:
    """Empty n random cells that hold a value in `allowed` rows; return the column and the count."""
    present = np.flatnonzero((text.codes >= 0) & allowed)
    rows = rng.choice(present, size=min(n, len(present)), replace=False)
    return text.emptied(rows), len(rows)


# --- Repeated ids.


def repeated_records(
    raw: dict[str, Text],
    customers: dict[str, np.ndarray],
    sources: np.ndarray,
    rng: np.random.Generator,
) -> dict[str, Text]:
    """A second record of each source customer: same id, a later login, one or two cells lost.

    The days since the last login always change, so a repeat is never an exact copy.
    """
    n = len(sources)
    repeats = {name: text.take(sources) for name, text in raw.items()}
    days = customers["days_since_last_login"][sources] + rng.integers(1, 61, size=n)
    repeats["days_since_last_login"] = int_text(days)
    tickets = customers["support_tickets"][sources] + (rng.random(n) < 0.3)
    repeats["support_tickets"] = int_text(tickets)
    first = rng.integers(0, len(REPEAT_BLANKS), size=n)
    second = np.where(rng.random(n) < 0.5, rng.integers(0, len(REPEAT_BLANKS), size=n), -1)
    for position, name in enumerate(REPEAT_BLANKS):
        blank = np.flatnonzero((first == position) | (second == position))
        repeats[name] = repeats[name].emptied(blank)
    return repeats

"""Acquire: the raw customer data, generated (synthetic) or taken from your own CSV.

The synthetic data imitates a subscription business on a snapshot date: one row per customer,
and whether that customer cancelled (churned) in the months after the snapshot. Churn is caused
by the columns through a logistic function plus noise, so a model can learn it, but not
perfectly. Dirt is then injected at the rates of params.yaml (`data.dirt`), because cleaning is
the skill being practised, and `generate` returns how much of each kind it injected so you can
check that the later stages find all of it.

Production records whose outcome came back (data/feedback/customers.csv, written by `monitor
feedback` for `make retrain`) are appended to the generated rows or to your CSV.

How the rows are made, in this order:

1. Base rows: clean customers with unique ids.
2. Row dirt in base rows: impossible records (negative tenure, age 250) and outliers.
3. Cell dirt in base rows: numbers written as text, category variants, missing cells.
4. Repeated ids: second, slightly different records of some clean base customers.
5. Exact duplicates of rows made so far, then a shuffle.

Repeats and duplicates copy whatever cell dirt their source row holds, so in the file each cell
dirt rate holds on average, while the returned counts are exactly what was injected.

Every value comes from one numpy Generator seeded with `seed`, and every step works on whole
columns (no loop over rows): the same params give the same file, and a million rows take seconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import (
    FEEDBACK_DATA,
    RAW_DATA,
    CategoricalColumn,
    ColumnsParams,
    DirtParams,
    Params,
)
from {{ cookiecutter.package_name }}.data import ingest
from {{ cookiecutter.package_name }}.errors import ParamsError

# The columns of the raw CSV, in the order the generator writes them.
RAW_COLUMNS = [
    "customer_id",
    "signup_date",
    "tenure_months",
    "plan",
    "contract",
    "monthly_charges",
    "total_charges",
    "payment_method",
    "country",
    "age",
    "support_tickets",
    "days_since_last_login",
    "support_message",
    "refund_amount",
    "churn",
]
# Customers signed up over six years; the data is a snapshot taken on this date.
FIRST_SIGNUP = np.datetime64("2019-01-01", "D")
LAST_SIGNUP = np.datetime64("2024-12-31", "D")
SNAPSHOT_DATE = np.datetime64("2025-01-01", "D")

# Shares of each canonical value (unequal on purpose: real categories rarely are balanced).
PLAN_SHARES = {"basic": 0.45, "standard": 0.35, "premium": 0.20}
CONTRACT_SHARES = {"month_to_month": 0.50, "one_year": 0.27, "two_year": 0.23}
PAYMENT_SHARES = {
    "credit_card": 0.35,
    "bank_transfer": 0.25,
    "electronic_check": 0.25,
    "paypal": 0.15,
}
COUNTRY_SHARES = {
    "France": 0.30,
    "Germany": 0.25,
    "Spain": 0.14,
    "Italy": 0.12,
    "United Kingdom": 0.11,
    "Belgium": 0.08,
}
CATEGORY_SHARES = {
    "plan": PLAN_SHARES,
    "contract": CONTRACT_SHARES,
    "payment_method": PAYMENT_SHARES,
    "country": COUNTRY_SHARES,
}
# Normal monthly price range of each plan; an outlier pays 4 to 8 times its plan's price, at
# most 120 x 8 = 960, still within the contract's maximum of 1000: extreme but possible.
PLAN_CHARGES = {"basic": (20.0, 35.0), "standard": (45.0, 70.0), "premium": (80.0, 120.0)}
OUTLIER_FACTOR = (4.0, 8.0)
OUTLIER_TICKETS = (30, 60)
IMPOSSIBLE_AGE = 250

# Support messages are built from these pools. Churners complain more, so the words carry signal.
COMPLAINTS = [
    "I was charged twice this month",
    "There is an error on my bill again",
    "The app crashes every time I open it",
    "The app keeps logging me out",
    "Your prices went up again",
    "This is too expensive for what I get",
    "Support took a week to answer me",
    "Nobody answered my last three emails",
    "The service was down all weekend",
    "I cannot change my plan online",
]
COMPLAINT_ENDINGS = [
    "",
    " Please fix this.",
    " Very disappointed.",
    " I am thinking of cancelling.",
    "!",
]
QUESTIONS = [
    "How do I update my payment card",
    "Can you change my billing address",
    "Can I add a second user to my account",
    "Where can I download my invoice",
    "How do I install the app on my TV",
    "Can I pause my subscription during the holidays",
    "Can you reset my password",
]
QUESTION_ENDINGS = ["?", "? Thanks.", "? Thank you in advance."]
PRAISE = [
    "Thanks for the quick help.",
    "Problem solved, great support!",
    "I love the new features.",
    "Very happy with the service.",
    "The new app is much faster, well done.",
]
# Every full text is listed once (phrase + ending), then picked per customer by index.
COMPLAINT_TEXTS = np.array([c + e for c in COMPLAINTS for e in COMPLAINT_ENDINGS], dtype=object)
QUESTION_TEXTS = np.array([q + e for q in QUESTIONS for e in QUESTION_ENDINGS], dtype=object)
PRAISE_TEXTS = np.array(PRAISE, dtype=object)
MESSAGE_TEXTS = np.concatenate([COMPLAINT_TEXTS, QUESTION_TEXTS, PRAISE_TEXTS])
# Most customers without a ticket never write; a few send unprompted praise.
PRAISE_WITHOUT_TICKET = 0.12

# Zero-padded digits, looked up rather than formatted one amount at a time.
TWO_DIGITS = np.array([f"{i:02d}" for i in range(100)], dtype=object)
THREE_DIGITS = np.array([f"{i:03d}" for i in range(1000)], dtype=object)

# A repeated record lacks one or two of these cells, so the original is the more complete one.
REPEAT_BLANKS = ("age", "monthly_charges", "payment_method", "country")

# LEAKAGE TRAP. refund_amount is the pro-rata refund paid when a customer cancels, so it is
# only known AFTER the churn it would "predict": nearly every churner has one, almost no one
# else does, and on its own it separates churners with a ROC AUC near 1.0. It is kept in the
# data because real exports contain such columns: a model must exclude it, and a suspiciously
# perfect score is the symptom to learn to recognise.
REFUND_IF_CHURNED = 0.95  # the rest cancelled at the end of a paid period: nothing to refund
REFUND_IF_STAYED = 0.02  # goodwill gestures and corrected billing errors


def generate(
    n_rows: int, dirt: DirtParams, columns: ColumnsParams, seed: int
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Generate the raw synthetic data, every value as text, and the counts of injected dirt.

    Returns:
        The frame (exactly n_rows rows in RAW_COLUMNS order; str columns with NaN for empty
        cells, as `files.read_raw_csv` reads them back) and, for each kind of dirt, how many rows
        (or, per column, cells) received it.
    """
    check_contract(columns)
    rng = np.random.default_rng(seed)
    n_duplicates = round(dirt.duplicate_rate * n_rows)
    n_repeats = round(dirt.repeated_id_rate * n_rows)
    n_impossible = round(dirt.impossible_rate * n_rows)
    n_outliers = round(dirt.outlier_rate * n_rows)
    n_base = n_rows - n_duplicates - n_repeats
    if n_base - n_impossible - n_outliers < max(n_repeats, 1):
        raise ParamsError(
            "data.dirt rates are too high: duplicate_rate + 2 x repeated_id_rate + "
            "impossible_rate + outlier_rate must stay below 1."
        )

    customers = draw_customers(n_base, rng)
    dirty_rows = rng.choice(n_base, size=n_impossible + n_outliers, replace=False)
    customers = with_impossible_values(customers, dirty_rows[:n_impossible], rng)
    customers = with_outliers(
        customers, dirty_rows[n_impossible:], columns.numeric["monthly_charges"].max, rng
    )

    raw = to_text(customers)
    n_texts = round(dirt.numeric_text_rate * n_base)
    raw["total_charges"] = with_numbers_as_text(
        raw["total_charges"], customers["total_charges"], n_texts, rng
    )
    variants: dict[str, int] = {}
    for name, spec in columns.categorical.items():
        variants[name] = round(dirt.category_noise_rate * n_base)
        raw[name] = with_variants(raw[name], spec, variants[name], rng)
    # Impossible and outlying values are never emptied, so each one stays visible in the file.
    is_clean = np.ones(n_base, dtype=bool)
    is_clean[dirty_rows] = False
    missing: dict[str, int] = {}
    for name in dirt.missing_columns:
        n_missing = round(dirt.missing_rate * n_base)
        raw[name], missing[name] = with_missing(raw[name], n_missing, is_clean, rng)

    # Only clean customers are repeated, so each impossible or outlying record exists once.
    clean_rows = np.flatnonzero(is_clean)
    sources = rng.choice(clean_rows, size=n_repeats, replace=False)
    repeats = repeated_records(raw, customers, sources, rng)
    raw = {name: raw[name].append(repeats[name]) for name in RAW_COLUMNS}
    copies = rng.choice(n_base + n_repeats, size=n_duplicates, replace=False)
    order = np.concatenate([np.arange(n_base + n_repeats), copies])[rng.permutation(n_rows)]
    frame = pd.DataFrame({name: raw[name].to_series(order) for name in RAW_COLUMNS})

    counts: dict[str, object] = {
        "duplicate rows": n_duplicates,
        "repeated id rows": n_repeats,
        "impossible rows": n_impossible,
        "outlier rows": n_outliers,
        "numbers as text": n_texts,
        "category variants": variants,
        "missing cells": missing,
    }
    return frame, counts


def check_contract(columns: ColumnsParams) -> None:
    """Raise a ParamsError when the contract does not describe the synthetic data's columns."""
    declared = set(columns.all)
    if declared != set(RAW_COLUMNS):
        raise ParamsError(
            f"The synthetic data has the columns {RAW_COLUMNS} but `columns:` in params.yaml "
            f"declares {sorted(declared)}; restore them or set data.source to csv."
        )
    for name, shares in CATEGORY_SHARES.items():
        spec = columns.categorical.get(name)
        unknown = sorted(set(shares) - set(spec.allowed)) if spec else sorted(shares)
        if unknown:
            raise ParamsError(
                f"columns.categorical.{name}.allowed in params.yaml lacks {unknown}, "
                "which the synthetic data uses."
            )


# --- Base rows: clean customers. A table is a dict of numpy columns: cheaper than a DataFrame
# for the many whole-column steps below, and turned into one only at the end.


def draw_customers(n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw n clean customers (typed values, canonical categories) and whether each churned."""
    span = int((LAST_SIGNUP - FIRST_SIGNUP).astype(np.int64)) + 1
    # Sorted so that customer numbers follow signup order, as a real system assigns them.
    signup = np.sort(FIRST_SIGNUP + rng.integers(0, span, size=n))
    tenure = whole_months(signup, SNAPSHOT_DATE)
    plan = draw_category(PLAN_SHARES, n, rng)
    contract = draw_category(CONTRACT_SHARES, n, rng)
    payment = draw_category(PAYMENT_SHARES, n, rng)
    country = draw_category(COUNTRY_SHARES, n, rng)

    low, high = np.array([PLAN_CHARGES[name] for name in PLAN_SHARES])[plan].T
    monthly = np.round(rng.uniform(low, high), 2)
    # Prices changed over time and some months were discounted: the total is only roughly
    # monthly x tenure.
    total = np.round(monthly * tenure * rng.normal(1.0, 0.05, size=n).clip(0.8, 1.2), 2)
    age = np.rint(rng.normal(42, 13, size=n)).clip(18, 90).astype(np.int64)

    # Dissatisfaction is never recorded: it drives tickets, logins, complaints and churn, so
    # the columns carry its signal only partly, which keeps churn learnable but not perfectly.
    dissatisfaction = rng.standard_normal(n)
    tickets = rng.poisson(0.9 * np.exp(0.45 * dissatisfaction))
    days_since_login = np.floor(rng.exponential(10.0 * np.exp(0.6 * dissatisfaction)))
    days_since_login = days_since_login.clip(0, 3650).astype(np.int64)
    complains = (tickets > 0) & (
        rng.random(n) < sigmoid(-1.2 + 0.35 * tickets + 1.1 * dissatisfaction)
    )
    message = support_messages(tickets, complains, rng)

    logit = (
        -2.3
        + 1.6 * (contract == code_of(CONTRACT_SHARES, "month_to_month"))
        - 0.6 * (contract == code_of(CONTRACT_SHARES, "two_year"))
        - 0.025 * tenure
        + 0.015 * (monthly - 60.0)
        + 0.2 * tickets
        + 0.025 * days_since_login
        + 0.6 * (payment == code_of(PAYMENT_SHARES, "electronic_check"))
        + 1.0 * complains
        - 0.01 * (age - 42)
        + 0.8 * dissatisfaction
    )
    churn = (rng.random(n) < sigmoid(logit)).astype(np.int64)
    return {
        "customer_id": np.arange(1, n + 1),
        "signup_date": signup,
        "tenure_months": tenure,
        "plan": plan,
        "contract": contract,
        "monthly_charges": monthly,
        "total_charges": total,
        "payment_method": payment,
        "country": country,
        "age": age,
        "support_tickets": tickets,
        "days_since_last_login": days_since_login,
        "support_message": message,
        "refund_amount": refunds(churn, monthly, rng),
        "churn": churn,
    }


def draw_category(shares: Mapping[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw n codes of a category with the given shares (code i is the i-th key of `shares`)."""
    return rng.choice(len(shares), size=n, p=np.array(list(shares.values())))


def code_of(shares: Mapping[str, float], value: str) -> int:
    """The code draw_category gives to `value`."""
    return list(shares).index(value)


def whole_months(start: np.ndarray, end: np.datetime64) -> np.ndarray:
    """Whole months from each start date to the end date (a month counts once it is complete)."""
    months = (end.astype("datetime64[M]") - start.astype("datetime64[M]")).astype(np.int64)
    return months - (day_of_month(start) > day_of_month(np.array([end]))[0])


def day_of_month(dates: np.ndarray) -> np.ndarray:
    """The day of the month (1 to 31) of each date."""
    month_start = dates.astype("datetime64[M]").astype("datetime64[D]")
    return (dates.astype("datetime64[D]") - month_start).astype(np.int64) + 1


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function: a score on the real line to a probability."""
    return 1.0 / (1.0 + np.exp(-x))


def support_messages(
    tickets: np.ndarray, complains: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Each customer's last support message, as its position in MESSAGE_TEXTS (-1: none)."""
    n = len(tickets)
    # MESSAGE_TEXTS holds the complaints, then the questions, then the praise.
    complaint = rng.integers(0, len(COMPLAINT_TEXTS), size=n)
    question = len(COMPLAINT_TEXTS) + rng.integers(0, len(QUESTION_TEXTS), size=n)
    praise = len(MESSAGE_TEXTS) - len(PRAISE_TEXTS) + rng.integers(0, len(PRAISE_TEXTS), size=n)
    asks = rng.random(n) < 0.75  # a customer with tickets who does not complain mostly asks
    writes_anyway = rng.random(n) < PRAISE_WITHOUT_TICKET
    with_ticket = np.where(complains, complaint, np.where(asks, question, praise))
    return np.where(tickets > 0, with_ticket, np.where(writes_anyway, praise, -1))


def refunds(churn: np.ndarray, monthly: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The refund paid after a cancellation: the unused part of the month (see the trap above)."""
    n = len(churn)
    churned = churn == 1
    refunded = np.where(
        churned, rng.random(n) < REFUND_IF_CHURNED, rng.random(n) < REFUND_IF_STAYED
    )
    pro_rata = monthly * rng.uniform(0.05, 1.0, size=n)
    goodwill = rng.uniform(2.0, 15.0, size=n)
    return np.round(np.where(refunded, np.where(churned, pro_rata, goodwill), 0.0), 2)


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
        "signup_date": date_text(customers["signup_date"]),
    }
    for name in RAW_COLUMNS[2:]:
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


# --- The stage.


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

"""The clean synthetic customers: typed values, canonical categories, and who churned.

The data imitates a subscription business on a snapshot date: one row per customer, and
whether that customer cancelled (churned) in the months after the snapshot. Churn is caused by
the columns through a logistic function plus noise, so a model can learn it, but not
perfectly. No dirt here: data/synthetic_dirt.py adds it, data/synthetic.py puts both together.

A table is a dict of numpy columns: cheaper than a DataFrame for the many whole-column steps,
and turned into one only at the end (data/synthetic.py).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from {{ cookiecutter.package_name }}.data.synthetic_accounts import draw_accounts

# The columns of the raw CSV, in the order the generator writes them.
RAW_COLUMNS = [
    "customer_id",
    "account_id",
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
# Normal monthly price range of each plan (an outlier, data/synthetic_dirt.py, pays more).
PLAN_CHARGES = {"basic": (20.0, 35.0), "standard": (45.0, 70.0), "premium": (80.0, 120.0)}

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

# LEAKAGE TRAP. refund_amount is the pro-rata refund paid when a customer cancels, so it is
# only known AFTER the churn it would "predict": nearly every churner has one, almost no one
# else does, and on its own it separates churners with a ROC AUC near 1.0. It is kept in the
# data because real exports contain such columns: a model must exclude it, and a suspiciously
# perfect score is the symptom to learn to recognise.
REFUND_IF_CHURNED = 0.95  # the rest cancelled at the end of a paid period: nothing to refund
REFUND_IF_STAYED = 0.02  # goodwill gestures and corrected billing errors
# The churn logit's intercept, and the weight of the customer's own causes against the account's.
CHURN_INTERCEPT = -3.0
SIGNAL_SCALE = 1.3
# The accounts' own random stream, beside the seed (any fixed number would do).
ACCOUNT_STREAM = 11


def draw_customers(
    n: int, rng: np.random.Generator, account_rng: np.random.Generator | None = None
) -> dict[str, np.ndarray]:
    """Draw n clean customers (typed values, canonical categories) and whether each churned.

    Accounts (data/synthetic_accounts.py) draw from `account_rng` (default: seeded from nothing
    but ACCOUNT_STREAM), so they never shift the other values drawn from `rng`.
    """
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
    if account_rng is None:
        account_rng = np.random.default_rng(ACCOUNT_STREAM)
    account, account_effect = draw_accounts(country, payment, signup, account_rng)

    logit = (
        CHURN_INTERCEPT
        + SIGNAL_SCALE
        * (
            1.6 * (contract == code_of(CONTRACT_SHARES, "month_to_month"))
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
        + account_effect
    )
    churn = (rng.random(n) < sigmoid(logit)).astype(np.int64)
    return {
        "customer_id": np.arange(1, n + 1),
        "account_id": account + 1,
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

"""The synthetic accounts: households and companies whose members look alike and churn together.

The generator makes the shipped columns, so these tests name them (no params are needed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.data.synthetic_accounts import account_sizes, deal_accounts
from {{ cookiecutter.package_name }}.data.synthetic_customers import draw_customers


def spread_between_accounts(account: np.ndarray, churn: np.ndarray) -> float:
    """Sum over accounts of size x (its churn rate - overall rate)^2: high if accounts matter."""
    size = np.bincount(account)
    rate = np.bincount(account, weights=churn) / size
    return float((size * (rate - churn.mean()) ** 2).sum())


def test_account_sizes_hold_every_customer_mostly_in_households_some_in_companies() -> None:
    sizes = account_sizes(5000, np.random.default_rng(0))

    assert sizes.sum() == 5000 and (sizes >= 1).all()
    assert (sizes <= 3).mean() > 0.9  # most accounts are households of 1 to 3
    assert sizes.max() >= 20  # and some companies are large


def test_members_of_an_account_share_country_payment_and_signup_period() -> None:
    rng = np.random.default_rng(1)
    n = 3000
    country, payment = rng.integers(0, 6, n), rng.integers(0, 4, n)
    signup = np.sort(rng.integers(0, 2000, n))
    sizes = account_sizes(n, rng)

    account = deal_accounts(country, payment, signup, sizes)

    # Numbered 0, 1, ... in customer order, with exactly the drawn sizes
    assert account[0] == 0 and np.array_equal(np.sort(np.bincount(account)), np.sort(sizes))
    frame = pd.DataFrame({"a": account, "c": country, "p": payment, "s": signup})
    per_account = frame.groupby("a").agg(c=("c", "nunique"), p=("p", "nunique"), s=("s", "max"))
    span = per_account["s"] - frame.groupby("a")["s"].min()
    # Only the accounts at the edge of a (country, payment) block straddle two of them
    assert ((per_account["c"] == 1) & (per_account["p"] == 1)).mean() > 0.97
    assert span.median() <= 30  # members signed up within days of each other


def test_churn_differs_between_accounts_more_than_by_chance() -> None:
    customers = draw_customers(5000, np.random.default_rng(2), np.random.default_rng(3))
    account, churn = customers["account_id"] - 1, customers["churn"].astype(float)

    observed = spread_between_accounts(account, churn)
    rng = np.random.default_rng(4)
    shuffled = [spread_between_accounts(account, rng.permutation(churn)) for _ in range(200)]

    # The accounts' shared effect: the spread is far above what shuffled churn gives
    assert observed > max(shuffled)
    assert 0.15 < churn.mean() < 0.35  # and the churn rate stays that of a real business

"""Synthetic accounts: households and companies whose customers share a country, a payment
method, a signup period and part of their reason to churn.

Customers are not independent in real data: a family shares one bill, a company buys seats for
its staff. Members of one account churn together more often than chance (one account-level
random effect, added to every member's churn logit), and they look alike in the features (same
country and payment method, signed up within days of each other, so nearly the same tenure).
That is what makes a random split leak: with members of one account on both sides, a model
recognises the account in validation and is scored on what it memorised about it. Grouped
folds (`model/folds.py`, `group_kfold` by `columns.group`) keep each account on one side.

How accounts are made, from customers already drawn (data/synthetic_customers.py):

1. Account sizes: most are households of 1 to 3, some are companies of 4 to COMPANY_MAX.
2. Customers sorted by country, payment method and signup date are dealt into accounts in
   that order, so each account gathers customers who already look alike (the first and last
   account of a country may straddle two; rare enough to keep the dealing vectorised).
3. Each account draws its churn effect: stronger in companies (one decision for many seats).

Everything draws from its own Generator, so the customers' other values stay what they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Households: 1, 2 or 3 members with these probabilities.
HOUSEHOLD_SIZES = np.array([1, 2, 3])
HOUSEHOLD_SHARES = np.array([0.55, 0.30, 0.15])
# Share of accounts that are companies, and their size: 4 + a geometric number of seats.
COMPANY_SHARE = 0.05
COMPANY_MEAN_EXTRA = 16
COMPANY_MAX = 80
# Standard deviation of the account effect on the churn logit (a shared reason to churn).
HOUSEHOLD_EFFECT = 0.3
COMPANY_EFFECT = 3.0


def account_sizes(n: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes of accounts that together hold exactly n customers (the last one is cut to fit)."""
    # Average size is under 3, so n draws are always enough.
    n_draws = max(n, 1)
    household = rng.choice(HOUSEHOLD_SIZES, size=n_draws, p=HOUSEHOLD_SHARES)
    company = np.minimum(4 + rng.geometric(1 / COMPANY_MEAN_EXTRA, size=n_draws), COMPANY_MAX)
    sizes = np.where(rng.random(n_draws) < COMPANY_SHARE, company, household)
    ends = np.cumsum(sizes)
    last = int(np.searchsorted(ends, n))
    sizes = sizes[: last + 1].copy()
    sizes[-1] -= int(ends[last]) - n
    return sizes[sizes > 0]


def deal_accounts(
    country: np.ndarray, payment: np.ndarray, signup: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """Account number of each customer: numbered 0, 1, ... in customer order."""
    order = np.lexsort((signup, payment, country))
    account = np.empty(len(order), dtype=np.int64)
    account[order] = np.repeat(np.arange(len(sizes)), sizes)
    # Renumber by first member, so account numbers follow signup order as customer ids do.
    codes, _ = pd.factorize(account)
    return codes.astype(np.int64)


def draw_accounts(
    country: np.ndarray, payment: np.ndarray, signup: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Each customer's account number and the account's effect on the churn logit."""
    sizes = account_sizes(len(country), rng)
    account = deal_accounts(country, payment, signup, sizes)
    members = np.bincount(account)
    spread = np.where(members > HOUSEHOLD_SIZES.max(), COMPANY_EFFECT, HOUSEHOLD_EFFECT)
    effect = rng.standard_normal(len(members)) * spread
    return account, effect[account]

"""The clean synthetic customers: typed, canonical, with tenure counted in whole months.

The generator makes the shipped columns, so these tests name them (no params are needed).
"""

from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.data.synthetic_customers import (
    CATEGORY_SHARES,
    FIRST_SIGNUP,
    LAST_SIGNUP,
    RAW_COLUMNS,
    SNAPSHOT_DATE,
    draw_customers,
    whole_months,
)


def test_tenure_counts_whole_months_up_to_the_snapshot() -> None:
    signups = np.array(["2024-12-31", "2024-12-01", "2023-06-15", "2019-01-01"], "datetime64[D]")

    assert whole_months(signups, SNAPSHOT_DATE).tolist() == [0, 1, 18, 72]


def test_customers_are_typed_numbered_in_signup_order_and_canonical() -> None:
    customers = draw_customers(500, np.random.default_rng(0))

    assert list(customers) == RAW_COLUMNS
    assert all(len(values) == 500 for values in customers.values())
    assert customers["customer_id"].tolist() == list(range(1, 501))
    signup = customers["signup_date"]
    assert (np.diff(signup.astype(np.int64)) >= 0).all()
    assert signup.min() >= FIRST_SIGNUP and signup.max() <= LAST_SIGNUP
    for name, shares in CATEGORY_SHARES.items():  # codes into the canonical values
        assert set(customers[name].tolist()) == set(range(len(shares))), name
    assert set(customers["churn"].tolist()) == {0, 1}
    assert (customers["refund_amount"] >= 0).all()

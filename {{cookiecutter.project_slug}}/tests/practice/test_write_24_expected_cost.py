"""Exercise 24: the tests of expected_cost(), the business cost of a decision threshold.

`make exercises` runs this file on the real function (every test must pass), then on planted bugs
(for each, at least one test must fail).
"""

# [exercise 24] write tests of expected_cost() that pass on it and catch its planted bugs.
from __future__ import annotations

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.model.metrics import expected_cost

Y = np.array([1, 0, 1, 0])
SCORES = np.array([0.9, 0.8, 0.3, 0.1])


def test_flagged_customers_cost_the_offer_and_missed_churners_their_loss() -> None:
    # Flagged: 0.9 (churner) and 0.8 (stays), 2 offers; missed: the churner at 0.3.
    cost = expected_cost(Y, SCORES, 0.5, cost_missed_churner=10, cost_retention_offer=1)

    assert cost == pytest.approx((2 * 1 + 1 * 10) / 4)


def test_a_score_equal_to_the_threshold_gets_the_offer() -> None:
    cost = expected_cost(Y, SCORES, 0.3, cost_missed_churner=10, cost_retention_offer=1)

    assert cost == pytest.approx(3 * 1 / 4)  # three offers, no churner missed


def test_a_threshold_above_every_score_misses_every_churner() -> None:
    cost = expected_cost(Y, SCORES, 0.95, cost_missed_churner=10, cost_retention_offer=1)

    assert cost == pytest.approx(2 * 10 / 4)


def test_the_cost_is_per_customer_so_repeating_the_data_keeps_it() -> None:
    once = expected_cost(Y, SCORES, 0.5, cost_missed_churner=10, cost_retention_offer=1)
    twice = expected_cost(
        np.tile(Y, 2), np.tile(SCORES, 2), 0.5, cost_missed_churner=10, cost_retention_offer=1
    )

    assert twice == pytest.approx(once)
# [/exercise 24]

"""Exercise 25: the tests of in_range(), the data-quality rule that catches impossible values.

`make exercises` runs this file on the real function (every test must pass), then on planted bugs
(for each, at least one test must fail).
"""

# [exercise 25] write tests of in_range() that pass on it and catch its planted bugs.
from __future__ import annotations

import pandas as pd

from {{ cookiecutter.package_name }}.data.quality_rules import in_range


def test_the_bounds_themselves_pass_and_values_beyond_them_fail() -> None:
    check = in_range(0, 10)

    assert check(pd.Series([0, 10, 5, -1, 11])).tolist() == [True, True, True, False, False]


def test_a_missing_value_is_left_to_the_not_null_rule() -> None:
    check = in_range(0, 10)

    assert check(pd.Series([1.0, None])).tolist() == [True, True]


def test_no_lower_bound_lets_any_negative_number_pass() -> None:
    check = in_range(None, 10)

    assert check(pd.Series([-1000.0, 10.0, 10.5])).tolist() == [True, True, False]


def test_numbers_written_as_text_are_parsed_before_the_check() -> None:
    check = in_range(0, 10)

    assert check(pd.Series(["5", "12", "-3"])).tolist() == [True, False, False]
# [/exercise 25]

"""The two-sample tests and distances agree with scipy and hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.spatial import distance

from {{ cookiecutter.package_name }}.monitoring.two_sample import (
    MIN_STD,
    category_counts,
    chi_square_test,
    earth_movers_distance,
    jensen_shannon,
    ks_test,
    proportion_z_test,
    wasserstein_normed,
)

from .conftest import CATEGORIES, categories, normal


def test_ks_test_equals_scipy_ks_2samp() -> None:
    reference, current = normal(800, seed=1), normal(3000, seed=2, mean=0.1)

    expected = stats.ks_2samp(reference, current)

    assert ks_test(reference, current) == (
        pytest.approx(expected.statistic),
        pytest.approx(expected.pvalue),
    )


def test_chi_square_equals_chi2_contingency_on_the_table_of_counts() -> None:
    reference, current = categories(600, seed=1), categories(900, seed=2, shares=(0.4, 0.35, 0.25))
    table = [
        [(reference == value).sum() for value in CATEGORIES],
        [(current == value).sum() for value in CATEGORIES],
    ]

    expected = stats.chi2_contingency(table, correction=False)

    assert chi_square_test(reference, current) == (
        pytest.approx(expected.statistic),
        pytest.approx(expected.pvalue),
    )


def test_chi_square_stays_finite_for_a_category_new_in_the_current_data() -> None:
    statistic, p_value = chi_square_test(["a", "b"] * 50, ["a", "b", "c"] * 20)

    assert math.isfinite(statistic)
    assert p_value < 0.05


def test_proportion_z_test_matches_the_hand_computation() -> None:
    # Given 30 of 100 reference rows and 80 of 200 current rows saying "yes" (seen first)
    reference = ["yes"] * 30 + ["no"] * 70
    current = ["yes"] * 80 + ["no"] * 120

    z, p_value = proportion_z_test(reference, current)

    # Then z = (0.4 - 0.3) / sqrt(P (1 - P) (1/100 + 1/200)) with the pooled P = 110 / 300
    pooled = 110 / 300
    expected_z = 0.1 / math.sqrt(pooled * (1 - pooled) * (1 / 100 + 1 / 200))
    assert z == pytest.approx(expected_z)
    assert p_value == pytest.approx(math.erfc(expected_z / math.sqrt(2)))
    # and z squared is the uncorrected chi-square statistic of the same 2 x 2 table
    assert z**2 == pytest.approx(chi_square_test(reference, current).statistic)


def test_proportion_z_test_of_one_shared_category_finds_nothing() -> None:
    assert proportion_z_test(["a"] * 10, ["a"] * 20) == (0.0, 1.0)


def test_proportion_z_test_refuses_more_than_two_categories() -> None:
    with pytest.raises(ValueError, match="use chi_square_test"):
        proportion_z_test(["a", "b"], ["c"])


@pytest.mark.exercise(15)
def test_wasserstein_normed_is_scipy_distance_over_the_reference_std() -> None:
    reference, current = normal(2000, seed=1), normal(5000, seed=2, mean=0.3)

    expected = stats.wasserstein_distance(reference, current) / np.std(reference)

    assert wasserstein_normed(reference, current) == pytest.approx(expected)


@pytest.mark.exercise(15)
def test_wasserstein_normed_of_a_constant_reference_divides_by_min_std() -> None:
    assert wasserstein_normed([2.0] * 10, [3.0] * 10) == pytest.approx(1.0 / MIN_STD)


@pytest.mark.exercise(15)
@pytest.mark.parametrize(
    ("reference", "current", "distance"),
    [
        ([0.0, 1.0, 3.0], [0.0, 1.0, 3.0], 0.0),
        ([0.0, 0.0, 0.0], [2.0, 2.0, 2.0], 2.0),  # every value moves by 2
        ([0.0, 1.0], [0.0, 3.0], 1.0),  # half the mass moves by 2
        ([0.0], [1.0, 2.0, 3.0], 2.0),
        ([5.0, 1.0, 3.0], [3.0, 5.0, 1.0], 0.0),  # the order of the values does not matter
    ],
)
def test_earth_movers_distance_is_the_average_move_of_the_mass(
    reference: list[float], current: list[float], distance: float
) -> None:
    moved = earth_movers_distance(np.array(reference), np.array(current))

    assert moved == pytest.approx(distance)
    assert moved == pytest.approx(stats.wasserstein_distance(reference, current))


def test_jensen_shannon_equals_scipy_on_the_category_counts() -> None:
    reference, current = categories(3000, seed=1), categories(4000, seed=2, shares=(0.3, 0.3, 0.4))
    counts = category_counts(reference, current)

    expected = distance.jensenshannon(counts.reference, counts.current)

    assert jensen_shannon(reference, current) == pytest.approx(expected)
    assert jensen_shannon(reference, reference) == 0.0


def test_category_counts_cover_the_categories_of_both_samples_without_missing_values() -> None:
    counts = category_counts(pd.Series(["a", "b", None, "a"]), pd.Series(["c", "a", np.nan]))

    assert counts.categories.tolist() == ["a", "b", "c"]
    assert counts.reference.tolist() == [2, 1, 0]
    assert counts.current.tolist() == [1, 0, 1]

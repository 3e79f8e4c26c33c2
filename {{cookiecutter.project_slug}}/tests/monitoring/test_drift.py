"""The drift statistics agree with scipy and hand computations, and flag drift only where it is.

Samples are named after the columns of the tests' own contract (conftest.py), as the monitor
names them after params.yaml's.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.monitoring.drift import (
    PSI_EPSILON,
    ColumnDrift,
    DriftThresholds,
    column_drift,
    dataset_drift,
    prediction_drift,
    psi,
    psi_band,
    psi_categorical,
)
from {{ cookiecutter.package_name }}.monitoring.text_drift import text_drift

from ..conftest import clean_frame, require_exercises
from .conftest import CATEGORICAL, CONTRACT, NUMERIC, categories, normal

TEXT = CONTRACT.text[0]
# What text_drift checks of a text column, in its order.
TEXT_CHECKS = ("length", "is_empty", "top_terms")


def flags(n: int, seed: int, rate: float = 0.3) -> pd.Series:
    """n booleans, True with probability rate: a column of two categories, like the target."""
    return pd.Series(np.random.default_rng(seed).random(n) < rate, name=CONTRACT.target)


def result(drifted: bool) -> ColumnDrift:
    """A column result that only says whether the column drifted."""
    return ColumnDrift("x", "numeric", "ks", 0.0, 0.5, 0.05, drifted, 0.0, "none")


# PSI


@pytest.mark.exercise(7)
def test_psi_of_identical_samples_is_zero() -> None:
    sample = normal(5000, seed=1)

    assert psi(sample, sample) == 0.0
    assert psi_categorical(categories(500, seed=1), categories(500, seed=1)) == 0.0


@pytest.mark.exercise(7)
def test_psi_of_the_same_distribution_at_large_n_is_below_0_1() -> None:
    assert psi(normal(50_000, seed=1), normal(50_000, seed=2)) < 0.01
    assert psi_categorical(categories(50_000, seed=1), categories(50_000, seed=2)) < 0.01


@pytest.mark.exercise(7)
def test_psi_of_a_normal_shifted_by_one_standard_deviation_is_major() -> None:
    value = psi(normal(20_000, seed=1), normal(20_000, seed=2, mean=1.0))

    assert value > 0.25
    assert psi_band(value) == "major"


@pytest.mark.exercise(7)
def test_psi_uses_reference_quantile_bins_with_open_ends_and_epsilon_for_empty_bins() -> None:
    # Given a reference 0..99 in 4 bins (edges 24.75, 49.5, 74.25), so 25% in each bin
    reference = np.arange(100.0)

    # When the current sample fills only the two lower bins, or only the two outer ones
    lower_half = psi(reference, np.arange(50.0), bins=4)
    outside_range = psi(reference, np.array([-1e6, 1e6]), bins=4)

    # Then shares (0.5, 0.5, 0, 0) against 0.25 each, the empty bins counted as PSI_EPSILON
    expected = 2 * 0.25 * math.log(2) + 2 * (PSI_EPSILON - 0.25) * math.log(PSI_EPSILON / 0.25)
    assert lower_half == pytest.approx(expected)
    assert outside_range == pytest.approx(expected)


def test_categorical_psi_matches_the_hand_computation() -> None:
    # Shares (0.5, 0.5) become (0.25, 0.75): 0.25 ln 2 + 0.25 ln 1.5 = 0.25 ln 3
    assert psi_categorical(["a", "b"] * 2, ["a", "b", "b", "b"]) == pytest.approx(
        0.25 * math.log(3)
    )
    # A category new in the current data had share 0: PSI_EPSILON stands in for it
    expected = -0.5 * math.log(0.5) + (0.5 - PSI_EPSILON) * math.log(0.5 / PSI_EPSILON)
    assert psi_categorical(["a"] * 4, ["a", "a", "b", "b"]) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "band"),
    [(0.0, "none"), (0.099, "none"), (0.1, "moderate"), (0.249, "moderate"), (0.25, "major")],
)
def test_psi_bands_are_0_1_and_0_25(value: float, band: str) -> None:
    assert psi_band(value) == band


# Choosing the test


@pytest.mark.parametrize(
    ("make", "kind", "small_test", "large_test"),
    [
        (normal, "numeric", "ks", "wasserstein"),
        (categories, "categorical", "chi_square", "jensen_shannon"),
        (flags, "categorical", "z", "jensen_shannon"),
    ],
)
def test_the_test_switches_from_p_values_to_distances_above_1000_reference_rows(
    make, kind: str, small_test: str, large_test: str
) -> None:
    if kind == "numeric":
        require_exercises(7, 15)  # PSI (7); a reference above 1,000 rows: Wasserstein (15)
    current = make(2000, seed=9)

    small = column_drift(make(1000, seed=1), current, kind)
    large = column_drift(make(1001, seed=1), current, kind)

    assert (small.test, small.threshold) == (small_test, 0.05)
    assert small.p_value is not None
    assert (large.test, large.threshold, large.p_value) == (large_test, 0.1, None)


def test_a_numeric_column_with_at_most_5_distinct_values_is_tested_as_categorical() -> None:
    rng = np.random.default_rng(1)
    reference = pd.Series(rng.integers(0, 5, 500).astype(float), name=NUMERIC)
    current = pd.Series(rng.integers(0, 5, 500).astype(float))

    small = column_drift(reference, current, "numeric")
    large = column_drift(pd.concat([reference] * 3), current, "numeric")

    assert (small.kind, small.test) == ("numeric", "chi_square")
    assert large.test == "jensen_shannon"
    assert small.psi == pytest.approx(psi_categorical(reference, current))


def test_thresholds_are_configurable() -> None:
    require_exercises(7, 15)  # PSI (7); a reference above 1,000 rows: Wasserstein (15)
    reference, current = normal(2000, seed=1), normal(2000, seed=2, mean=0.3)

    default = column_drift(reference, current, "numeric")
    lenient = column_drift(reference, current, "numeric", DriftThresholds(distance=0.5))
    tested = column_drift(reference, current, "numeric", DriftThresholds(small_reference_rows=5000))

    assert default.drifted and not lenient.drifted
    assert lenient.threshold == 0.5
    assert tested.test == "ks"


def test_missing_and_infinite_values_are_dropped() -> None:
    require_exercises(7)  # a numeric column's drift reports its PSI
    reference, current = normal(500, seed=1), normal(500, seed=2)
    extra = pd.Series([np.nan, np.inf, -np.inf])
    dirty = pd.concat([reference, extra], ignore_index=True).rename(NUMERIC)

    assert column_drift(dirty, current, "numeric") == column_drift(reference, current, "numeric")


# Verdicts on samples with and without drift


@pytest.mark.parametrize(
    ("make", "kind"), [(normal, "numeric"), (categories, "categorical"), (flags, "categorical")]
)
def test_the_same_distribution_rarely_drifts_with_a_small_reference(make, kind: str) -> None:
    if kind == "numeric":
        require_exercises(7)  # a numeric column's drift reports its PSI
    # Given 20 draws of a 1,000-row reference and a 5,000-row current sample from one distribution
    alarms = sum(
        column_drift(make(1000, seed=seed), make(5000, seed=100 + seed), kind).drifted
        for seed in range(20)
    )

    # Then about 5% are false alarms at p < 0.05: at most 3 of 20
    assert alarms <= 3


@pytest.mark.parametrize(
    ("make", "kind"), [(normal, "numeric"), (categories, "categorical"), (flags, "categorical")]
)
def test_the_same_distribution_does_not_drift_with_a_large_reference(make, kind: str) -> None:
    if kind == "numeric":
        require_exercises(7, 15)  # PSI (7); a reference above 1,000 rows: Wasserstein (15)
    drift = column_drift(make(5000, seed=1), make(5000, seed=2), kind)

    assert drift.statistic < 0.05
    assert not drift.drifted
    assert drift.psi_band == "none"


@pytest.mark.parametrize("reference_rows", [500, 5000])
@pytest.mark.parametrize(
    ("reference", "shifted", "kind"),
    [
        (normal, lambda n, seed: normal(n, seed, mean=0.5), "numeric"),
        (categories, lambda n, seed: categories(n, seed, shares=(0.3, 0.3, 0.4)), "categorical"),
        (flags, lambda n, seed: flags(n, seed, rate=0.5), "categorical"),
    ],
)
def test_a_shifted_sample_drifts(reference, shifted, kind: str, reference_rows: int) -> None:
    if kind == "numeric":
        require_exercises(7)  # a numeric column's drift reports its PSI
        if reference_rows > 1000:
            require_exercises(15)  # a large reference gets the Wasserstein distance
    drift = column_drift(reference(reference_rows, seed=1), shifted(5000, seed=2), kind)

    assert drift.drifted


def test_prediction_drift_tests_the_scores_as_a_numeric_column() -> None:
    require_exercises(7, 15)  # the scores' PSI (7) and, on 3,000 rows, Wasserstein (15)
    rng = np.random.default_rng(1)
    reference, current = rng.beta(2, 5, 3000), rng.beta(3, 4, 3000)

    drift = prediction_drift(reference, current)

    assert (drift.column, drift.kind, drift.test, drift.drifted) == (
        "prediction",
        "numeric",
        "wasserstein",
        True,
    )


# Frames of the contract, every column tested by its kind as the monitor does


def drift_by_column(
    columns: ColumnsParams, reference: pd.DataFrame, current: pd.DataFrame
) -> dict[str, bool]:
    """Whether each column of the contract drifted, reference against current frame."""
    results = [column_drift(reference[n], current[n], "numeric") for n in columns.numeric]
    results += [column_drift(reference[n], current[n], "categorical") for n in columns.categorical]
    for name in columns.text:
        results += text_drift(reference[name], current[name])
    return {result.column: result.drifted for result in results}


def test_a_frame_of_the_contract_drifts_only_in_the_column_that_moved(
    contract: ColumnsParams,
) -> None:
    require_exercises(7)  # numeric columns and text lengths report their PSI
    reference, current = clean_frame(contract, 600), clean_frame(contract, 600)
    moved = next(iter(contract.numeric))
    current[moved] += (contract.numeric[moved].max - contract.numeric[moved].min) / 2

    unchanged = drift_by_column(contract, reference, clean_frame(contract, 600))
    drifted = drift_by_column(contract, reference, current)

    text_checks = [f"{name}.{check}" for name in contract.text for check in TEXT_CHECKS]
    assert list(unchanged) == [*contract.numeric, *contract.categorical, *text_checks]
    assert not any(unchanged.values())
    assert [name for name, drift in drifted.items() if drift] == [moved]


# The data set


def test_dataset_drift_is_detected_at_exactly_the_share() -> None:
    columns = [result(True), result(True), result(False), result(False)]

    assert dataset_drift(columns, share=0.5) == (True, 0.5)
    assert dataset_drift(columns, share=0.51) == (False, 0.5)
    assert dataset_drift([result(False)] * 3) == (False, 0.0)


# Bad input


def one_sentence(message: str) -> bool:
    """Whether the message is a single sentence ending in a full stop."""
    return message.endswith(".") and ". " not in message


def test_an_empty_sample_after_dropping_missing_values_raises_one_sentence() -> None:
    with pytest.raises(ValueError) as empty_current:
        column_drift(normal(100, seed=1), pd.Series([np.nan, None]), "numeric")
    with pytest.raises(ValueError) as empty_reference:
        empty = pd.Series([], name=CATEGORICAL, dtype=object)
        column_drift(empty, categories(10, seed=1), "categorical")

    assert str(empty_current.value) == (
        f"Column '{NUMERIC}' in the current data has no values once missing values are dropped, "
        "so drift cannot be measured."
    )
    assert f"Column '{CATEGORICAL}' in the reference data" in str(empty_reference.value)
    assert one_sentence(str(empty_current.value))
    assert one_sentence(str(empty_reference.value))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: column_drift(categories(10, seed=1), categories(10, seed=2), "numeric"),
            "not numbers",
        ),
        (
            lambda: column_drift(categories(10, seed=1), categories(10, seed=2), "text"),
            "kind must be",
        ),
        (lambda: psi([1.0, 2.0], [1.0], bins=1), "bins must be"),
        (lambda: dataset_drift([]), "at least one column"),
        (lambda: dataset_drift([result(True)], share=0), "share must be"),
        (lambda: DriftThresholds(p_value=0), "p_value must be"),
        (lambda: DriftThresholds(dataset_share=1.5), "dataset_share must be"),
    ],
)
def test_bad_input_raises_a_value_error_of_one_sentence(call, match: str) -> None:
    with pytest.raises(ValueError, match=match) as error:
        call()

    assert one_sentence(str(error.value))

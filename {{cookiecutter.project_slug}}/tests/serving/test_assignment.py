"""Assignment is sticky, follows the weights, and a new salt reshuffles the units."""

from __future__ import annotations

import hashlib
import math

import pytest

from {{ cookiecutter.package_name }}.serving.assignment import assign, check_weights, unit_hash

UNITS = [f"customer-{i}" for i in range(20_000)]


def test_unit_hash_is_the_first_eight_bytes_of_sha256_over_2_to_the_64() -> None:
    # Given a unit and a salt, and the digest worked out independently
    digest = hashlib.sha256(b"exp-1:customer-42").hexdigest()
    expected = int(digest[:16], 16) / 2**64

    # When the unit is hashed twice
    first, second = unit_hash("customer-42", "exp-1"), unit_hash("customer-42", "exp-1")

    # Then both give that number, inside [0, 1)
    assert first == second == expected
    assert 0 <= first < 1


def test_another_salt_gives_another_point() -> None:
    assert unit_hash("customer-42", "exp-1") != unit_hash("customer-42", "exp-2")


def test_weights_are_normalised_in_the_given_order() -> None:
    shares = check_weights({"treatment": 3, "control": 1, "holdout": 0})

    assert list(shares) == ["treatment", "control", "holdout"]
    assert shares == {"treatment": 0.75, "control": 0.25, "holdout": 0.0}


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({}, "at least one variant"),
        ({"control": 0.5, "treatment": -0.5}, "'treatment' must not be negative"),
        ({"control": math.nan}, "'control' must be a finite number"),
        ({"control": 1, "treatment": math.inf}, "'treatment' must be a finite number"),
        ({"control": 0, "treatment": 0}, "weight above 0"),
    ],
)
def test_weights_that_cannot_split_are_refused(weights: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_weights(weights)


@pytest.mark.exercise(5)
def test_the_same_unit_always_gets_the_same_variant() -> None:
    weights = {"control": 0.5, "treatment": 0.5}

    first = [assign(unit, "exp-1", weights) for unit in UNITS[:1000]]
    again = [assign(unit, "exp-1", weights) for unit in UNITS[:1000]]

    assert first == again


@pytest.mark.exercise(5)
def test_a_unit_goes_to_the_slice_its_hash_falls_in() -> None:
    # Given weights 3:7 (unnormalised), the slices are [0, 0.3) and [0.3, 1)
    weights = {"control": 3, "treatment": 7}

    for unit in UNITS[:500]:
        # When a unit is assigned, then it follows its hash
        expected = "control" if unit_hash(unit, "exp-1") < 0.3 else "treatment"
        assert assign(unit, "exp-1", weights) == expected


@pytest.mark.exercise(5)
def test_shares_follow_the_weights_over_many_units() -> None:
    weights = {"control": 0.9, "treatment": 0.1}

    variants = [assign(unit, "exp-1", weights) for unit in UNITS]

    assert variants.count("treatment") / len(UNITS) == pytest.approx(0.1, abs=0.01)


@pytest.mark.exercise(5)
def test_a_zero_weight_variant_never_gets_a_unit() -> None:
    weights = {"paused": 0, "control": 0.5, "switched_off": 0, "treatment": 0.5}

    variants = {assign(unit, "exp-1", weights) for unit in UNITS[:5000]}

    assert variants == {"control", "treatment"}


@pytest.mark.exercise(5)
def test_changing_the_salt_moves_about_half_the_units_of_a_50_50_split() -> None:
    # Given a 50/50 split assigned under two salts
    weights = {"control": 0.5, "treatment": 0.5}

    before = [assign(unit, "exp-1", weights) for unit in UNITS]
    after = [assign(unit, "exp-2", weights) for unit in UNITS]

    # Then the two assignments are independent: about half the units change variant
    moved = sum(old != new for old, new in zip(before, after, strict=True)) / len(UNITS)
    assert moved == pytest.approx(0.5, abs=0.02)

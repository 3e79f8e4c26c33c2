"""Exercise 27: the tests of unit_hash(), the point in [0, 1) that assigns a unit its variant.

`make exercises` runs this file on the real function (every test must pass), then on planted bugs
(for each, at least one test must fail).
"""

# [exercise 27] write tests of unit_hash() that pass on it and catch its planted bugs.
from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.serving.assignment import unit_hash

UNITS = [f"user-{i}" for i in range(2000)]


def test_a_unit_keeps_its_point_in_the_same_experiment() -> None:
    assert unit_hash("user-7", "exp-1") == unit_hash("user-7", "exp-1")


def test_points_are_in_the_unit_interval_and_spread_evenly() -> None:
    points = np.array([unit_hash(unit, "exp-1") for unit in UNITS])

    assert ((points >= 0) & (points < 1)).all()
    # Each tenth of [0, 1) holds about a tenth of the units (binomial sd ~ 13 of 200).
    counts = np.bincount((points * 10).astype(int), minlength=10)
    assert counts.min() > 140 and counts.max() < 260


def test_every_unit_gets_a_point_of_its_own() -> None:
    points = {unit_hash(unit, "exp-1") for unit in UNITS}

    assert len(points) == len(UNITS)


def test_a_new_salt_reshuffles_the_units() -> None:
    first = np.array([unit_hash(unit, "exp-1") < 0.5 for unit in UNITS])
    second = np.array([unit_hash(unit, "exp-2") < 0.5 for unit in UNITS])

    # Independent halves agree on about half of the units, not on all of them.
    assert 0.4 < (first == second).mean() < 0.6


def test_salt_and_id_cannot_be_confused() -> None:
    assert unit_hash("c", "ab") != unit_hash("bc", "a")
# [/exercise 27]

"""Sticky, deterministic assignment of units (customers) to the variants of an A/B test.

A unit must see the same variant every time it comes back: a customer who gets the new model on
Monday and the old one on Tuesday belongs to neither group, and their outcome says nothing about
either model. Storing every assignment in a table would work, but a hash does the same without
any state: hash the unit id together with a salt (one per experiment) into a number in [0, 1),
and cut [0, 1) into consecutive slices, one per variant, as wide as its weight. The same unit and
salt always land on the same point, so the same variant, on every server and after a restart.

SHA-256 spreads ids evenly and independently of how they look (sequential numbers, e-mails), so
each variant gets its share of units. A new salt reshuffles everyone, which is what a new
experiment needs: the units that were in the treatment group last time are not all in it again.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping

# The largest float below 1.0: keeps the hash inside [0, 1) (see unit_hash).
_BELOW_ONE = math.nextafter(1.0, 0.0)


def unit_hash(unit_id: str, salt: str) -> float:
    """The unit's point in [0, 1): SHA-256 of "salt:unit_id", first 8 bytes over 2**64."""
    digest = hashlib.sha256(f"{salt}:{unit_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    # The division rounds to a float: the very largest integers would round up to exactly 1.0.
    return min(point, _BELOW_ONE)


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights normalised to sum 1, in the given order; refuse weights that cannot split."""
    if not weights:
        raise ValueError("Give at least one variant with a weight.")
    for name, weight in weights.items():
        if not math.isfinite(weight):
            raise ValueError(
                f"The weight of variant '{name}' must be a finite number, not {weight}."
            )
        if weight < 0:
            raise ValueError(f"The weight of variant '{name}' must not be negative, not {weight}.")
    total = math.fsum(weights.values())
    if total == 0:
        raise ValueError("At least one variant must have a weight above 0.")
    return {name: weight / total for name, weight in weights.items()}


def assign(unit_id: str, salt: str, weights: Mapping[str, float]) -> str:
    """The variant of this unit: the slice of [0, 1) its hash falls in, slices in weight order."""
    # [exercise 5] return the variant whose slice of [0, 1) holds the unit's hash.
    shares = check_weights(weights)
    point = unit_hash(unit_id, salt)
    cumulative = 0.0
    for name, share in shares.items():
        cumulative += share
        # A zero share adds nothing, so the test fails for it: that variant never gets a unit.
        if point < cumulative:
            return name
    # Rounding can leave the last cumulative share a hair below 1: the point belongs to the
    # last variant that receives units.
    return [name for name, share in shares.items() if share > 0][-1]
    # [/exercise 5]

"""Exercise 26: the tests of psi_band(), which turns a PSI into "none", "moderate" or "major".

`make exercises` runs this file on the real function (every test must pass), then on planted bugs
(for each, at least one test must fail).
"""

# [exercise 26] write tests of psi_band() that pass on it and catch its planted bugs.
from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.monitoring.drift import psi_band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "none"),
        (0.0999, "none"),
        (0.1, "moderate"),
        (0.2499, "moderate"),
        (0.25, "major"),
        (3.0, "major"),
    ],
)
def test_each_default_band_starts_at_its_bound(value: float, band: str) -> None:
    assert psi_band(value) == band


def test_the_bands_given_replace_the_defaults() -> None:
    assert psi_band(0.3, moderate=0.2, major=0.5) == "moderate"
    assert psi_band(0.5, moderate=0.2, major=0.5) == "major"
    assert psi_band(0.15, moderate=0.2, major=0.5) == "none"
# [/exercise 26]

"""Cross-validation's pure parts: what a learning curve says about bias and variance."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.model.cross_validation import learning_curve_verdict


@pytest.mark.exercise(13)
@pytest.mark.parametrize(
    ("train", "valid", "verdict"),
    [
        ([0.99, 0.99, 0.98], [0.70, 0.74, 0.76], "high variance"),
        ([0.62, 0.61, 0.60], [0.60, 0.60, 0.60], "high bias"),
        ([0.86, 0.85, 0.84], [0.82, 0.83, 0.83], "good fit"),
    ],
)
def test_learning_curves_are_read_as_bias_or_variance(
    train: list[float], valid: list[float], verdict: str
) -> None:
    assert learning_curve_verdict(train, valid).startswith(verdict)


@pytest.mark.exercise(13)
def test_a_still_rising_curve_asks_for_more_data() -> None:
    text = learning_curve_verdict([0.9, 0.88, 0.87], [0.70, 0.78, 0.84])

    assert "more data would likely help" in text

"""Automatic grading: choice answers by number or letter, numbers within their tolerance."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.quiz.bank import load_bank
from {{ cookiecutter.package_name }}.quiz.grading import expected, is_correct, number

from .conftest import MODELS, write_bank


@pytest.fixture
def questions(tmp_path: Path) -> dict:
    """The choice question 'gini' (right: 2) and the numeric 'gd-step' (0.6 ± 0.001)."""
    return {q.id: q for q in load_bank(write_bank(tmp_path, {"02-models.yaml": MODELS}))}


@pytest.mark.parametrize(
    ("answer", "right"),
    [("2", True), ("b", True), (" B) ", True), ("1", False), ("4", False), ("", False)],
)
def test_a_choice_is_right_by_its_number_or_letter(
    questions: dict, answer: str, right: bool
) -> None:
    assert is_correct(questions["gini"], answer) is right


@pytest.mark.parametrize(
    ("answer", "right"),
    [
        ("0.6", True),
        ("0.6009", True),
        ("60%", True),
        (".602", False),
        ("0.5", False),
        ("six", False),
    ],
)
def test_a_number_is_right_within_its_tolerance(questions: dict, answer: str, right: bool) -> None:
    assert is_correct(questions["gd-step"], answer) is right


def test_open_questions_are_not_graded_automatically(tmp_path: Path) -> None:
    from .conftest import INTRO

    (question,) = load_bank(write_bank(tmp_path, {"01-intro.yaml": INTRO}))

    assert is_correct(question, "anything") is None


def test_numbers_read_thousands_and_percentages_and_the_right_answer_is_shown(
    questions: dict,
) -> None:
    assert number("1,200") == 1200
    assert number("25%") == 0.25
    assert number("nan") is None
    assert expected(questions["gini"]) == "2. Gini impurity"
    assert expected(questions["gd-step"]) == "0.6 (± 0.001)"

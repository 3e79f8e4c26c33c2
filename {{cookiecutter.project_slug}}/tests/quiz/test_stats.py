"""Mastery per skill and the mock interview's summary, on outcomes built here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from {{ cookiecutter.package_name }}.quiz.bank import load_bank
from {{ cookiecutter.package_name }}.quiz.schedule import Card
from {{ cookiecutter.package_name }}.quiz.session import Outcome
from {{ cookiecutter.package_name }}.quiz.stats import mastery, mock_summary

from .conftest import INTRO, MODELS, write_bank

DAY = date(2026, 3, 2)


def test_a_slow_right_answer_is_flagged_and_a_wrong_one_is_to_review(tmp_path: Path) -> None:
    leakage, gini, step = load_bank(
        write_bank(tmp_path, {"01-intro.yaml": INTRO, "02-models.yaml": MODELS})
    )
    outcomes = [
        Outcome(leakage, "said aloud", "easy", None, seconds=200.0),  # right, over 180 s
        Outcome(gini, "2", "good", True, seconds=10.0),
        Outcome(step, "0.5", "again", False, seconds=30.0),
    ]

    summary = mock_summary(outcomes, seconds_each=180)

    scores = {score.skill: score for score in summary}
    # Weakest first: none of 1, then 1 of 2, then 1 of 1.
    assert list(scores) == ["gradient-descent", "decision-trees", "leakage"]
    assert scores["leakage"].verdict == "right but slow: practise saying it shorter"
    assert scores["decision-trees"].row() == ("decision-trees", "review gd-step", 2, 1, 0)
    assert scores["gradient-descent"].to_review == ("gd-step",)


def test_mastery_counts_boxes_four_and_five_and_ignores_unknown_cards(tmp_path: Path) -> None:
    questions = load_bank(write_bank(tmp_path, {"02-models.yaml": MODELS}))
    cards = {
        "gini": Card(box=5, due=DAY, reviews=6, lapses=1, last=DAY),
        "gd-step": Card(box=3, due=date(2026, 3, 9), reviews=3, lapses=0, last=DAY),
        "removed-question": Card(box=4, due=DAY, reviews=4, lapses=0, last=DAY),
    }

    rows = {row.skill: row.row() for row in mastery(questions, cards, DAY)}

    assert rows == {
        "decision-trees": ("decision-trees", 2, 2, 1, 1, "50%"),
        "gradient-descent": ("gradient-descent", 1, 1, 0, 0, "0%"),
    }

"""Leitner boxes: each grade moves a card and sets its next review; the file round-trips."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.errors import QuizError
from {{ cookiecutter.package_name }}.quiz.schedule import Card, is_due, load_progress, review, save_progress

DAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("grade", "box", "due"),
    [
        ("again", 1, date(2026, 3, 3)),
        ("hard", 1, date(2026, 3, 3)),
        ("good", 2, date(2026, 3, 5)),
        ("easy", 3, date(2026, 3, 9)),
    ],
)
def test_a_first_answer_puts_the_card_in_its_box(grade: str, box: int, due: date) -> None:
    card = review(None, grade, DAY)  # type: ignore[arg-type]

    assert (card.box, card.due, card.reviews, card.lapses) == (box, due, 1, 0)


def test_good_climbs_easy_jumps_and_again_falls_back_with_a_lapse() -> None:
    card = Card(box=3, due=DAY, reviews=4, lapses=0, last=DAY)

    assert review(card, "good", DAY).box == 4
    assert review(card, "good", DAY).mastered
    assert review(card, "easy", DAY).box == 5
    assert review(review(card, "easy", DAY), "easy", DAY).due == date(2026, 4, 1)  # box 5: 30 days
    fallen = review(card, "again", DAY)
    assert (fallen.box, fallen.lapses, fallen.reviews, fallen.due) == (1, 1, 5, date(2026, 3, 3))


def test_a_card_is_due_on_its_day_and_a_new_question_never_is() -> None:
    card = review(None, "good", DAY)

    assert not is_due(card, date(2026, 3, 4))
    assert is_due(card, date(2026, 3, 5))
    assert not is_due(None, DAY)


def test_the_progress_file_round_trips_and_a_broken_one_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / ".quiz/progress.json"
    cards = {"gini": review(None, "easy", DAY)}
    save_progress(cards, path)

    assert load_progress(path) == cards
    assert load_progress(tmp_path / "none.json") == {}
    path.write_text('{"format": 1, "cards": {"gini": {"box": 2}}}')
    with pytest.raises(
        QuizError, match=r"progress.json is not a progress file of the drill .*delete it"
    ):
        load_progress(path)

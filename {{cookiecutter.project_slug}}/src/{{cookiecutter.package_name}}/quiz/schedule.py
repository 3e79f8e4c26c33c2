"""When to ask each question again: Leitner boxes, pure functions on dates, and their file.

1. A question never asked has no card. Its first grade puts it in a box: "again" in box 1,
   "hard" in box 1, "good" in box 2, "easy" in box 3.
2. Each later grade moves the card: "again" back to box 1 (a lapse), "hard" stays, "good" one
   box up, "easy" two boxes up (box 5 at most). The box sets the days until the next review.
3. A question in box MASTERED_BOX or above is mastered: it was answered well several times
   across growing gaps, which is what remembering it in an interview takes.
4. The cards live in .quiz/progress.json in the project (never in git: it is one learner's).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Literal, get_args

from {{ cookiecutter.package_name }}.errors import QuizError
from {{ cookiecutter.package_name }}.files import write_json

Grade = Literal["again", "hard", "good", "easy"]
GRADES: tuple[Grade, ...] = get_args(Grade)
# Days until the next review for each box: gaps that roughly double, as in Leitner's system.
INTERVALS = {1: 1, 2: 3, 3: 7, 4: 14, 5: 30}
MASTERED_BOX = 4
PROGRESS = Path(".quiz/progress.json")
FORMAT = 1  # the progress file's format, so a later change can read or refuse older files


@dataclass(frozen=True)
class Card:
    """What the drill remembers of one question: its box, next review and history."""

    box: int
    due: date
    reviews: int
    lapses: int
    last: date

    @property
    def mastered(self) -> bool:
        """Whether the question has climbed to the mastered boxes."""
        return self.box >= MASTERED_BOX


def review(card: Card | None, grade: Grade, today: date) -> Card:
    """The card after one answer graded `grade` today."""
    if card is None:
        box = {"again": 1, "hard": 1, "good": 2, "easy": 3}[grade]
        return Card(box, today + timedelta(INTERVALS[box]), 1, 0, today)
    if grade == "again":
        box, lapses = 1, card.lapses + 1
    else:
        box = min(card.box + {"hard": 0, "good": 1, "easy": 2}[grade], max(INTERVALS))
        lapses = card.lapses
    return Card(box, today + timedelta(INTERVALS[box]), card.reviews + 1, lapses, today)


def is_due(card: Card | None, today: date) -> bool:
    """Whether a question is due for review today (a question never asked is new, not due)."""
    return card is not None and card.due <= today


def load_progress(path: Path = PROGRESS) -> dict[str, Card]:
    """The cards of the progress file, by question id (none yet if the file does not exist)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["format"] != FORMAT:
            raise ValueError(f"format {data['format']}")
        return {
            question_id: Card(
                box=int(card["box"]),
                due=date.fromisoformat(card["due"]),
                reviews=int(card["reviews"]),
                lapses=int(card["lapses"]),
                last=date.fromisoformat(card["last"]),
            )
            for question_id, card in data["cards"].items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise QuizError(
            f"{path} is not a progress file of the drill ({type(error).__name__}: {error}); "
            "delete it to start the schedule over."
        ) from None


def save_progress(cards: dict[str, Card], path: Path = PROGRESS) -> None:
    """Write the cards atomically (an interrupted session keeps the previous file whole)."""
    write_json(
        path,
        {
            "format": FORMAT,
            "cards": {
                question_id: {**asdict(card), "due": str(card.due), "last": str(card.last)}
                for question_id, card in cards.items()
            },
        },
    )

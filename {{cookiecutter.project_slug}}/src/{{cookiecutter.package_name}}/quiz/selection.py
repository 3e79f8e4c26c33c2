"""Which questions a session asks: due reviews first, then new ones topic by topic."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from {{ cookiecutter.package_name }}.errors import QuizError
from {{ cookiecutter.package_name }}.quiz.bank import Question
from {{ cookiecutter.package_name }}.quiz.schedule import Card, is_due
from {{ cookiecutter.package_name }}.skills import SKILLS


def matching(
    questions: Sequence[Question], chapter: str | None = None, skill: str | None = None
) -> list[Question]:
    """The questions of a chapter ("06" or "06-training") and of a skill id, if given."""
    chosen = list(questions)
    if chapter:
        chapters = sorted({question.chapter for question in questions})
        wanted = [name for name in chapters if name == chapter or name.split("-")[0] == chapter]
        if not wanted:
            raise QuizError(f"No chapter '{chapter}' in the bank; choose one of {chapters}.")
        chosen = [question for question in chosen if question.chapter in wanted]
    if skill:
        if skill not in SKILLS:
            raise QuizError(f"'{skill}' is no skill id; `quiz stats` lists them.")
        chosen = [question for question in chosen if skill in question.skills]
        if not chosen:
            raise QuizError(f"No question of the bank trains '{skill}' here.")
    return chosen


def due_then_new(
    questions: Sequence[Question], cards: dict[str, Card], today: date, count: int
) -> list[Question]:
    """Up to `count` questions: the due ones (most overdue first), then new ones in bank order.

    New questions come in chapter order, so a learner meets one topic at a time and reviews it
    until it sticks before the next topic's questions crowd in.
    """
    due = sorted(
        (question for question in questions if is_due(cards.get(question.id), today)),
        key=lambda question: (cards[question.id].due, cards[question.id].box),
    )
    new = [question for question in questions if question.id not in cards]
    return (due + new)[:count]


def across_skills(questions: Sequence[Question], count: int, seed: int) -> list[Question]:
    """`count` different questions for a mock interview, taking each skill in turn."""
    rng = random.Random(seed)
    by_skill: dict[str, list[Question]] = {}
    for question in questions:
        by_skill.setdefault(question.skills[0], []).append(question)
    for pool in by_skill.values():
        rng.shuffle(pool)
    order = sorted(by_skill)
    rng.shuffle(order)
    chosen: list[Question] = []
    while len(chosen) < count and any(by_skill.values()):
        for skill in order:
            if by_skill[skill] and len(chosen) < count:
                chosen.append(by_skill[skill].pop())
    return chosen

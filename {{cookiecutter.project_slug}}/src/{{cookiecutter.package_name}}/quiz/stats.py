"""What the drill reports: mastery per skill (quiz stats) and a mock interview's summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from {{ cookiecutter.package_name }}.quiz.bank import Question
from {{ cookiecutter.package_name }}.quiz.schedule import Card, is_due
from {{ cookiecutter.package_name }}.quiz.session import Outcome
from {{ cookiecutter.package_name }}.skills import SKILLS

MASTERY_HEADERS = ("skill", "questions", "seen", "mastered", "due", "mastery")
SUMMARY_HEADERS = ("skill", "verdict", "asked", "right", "over time")


@dataclass(frozen=True)
class SkillMastery:
    """How far a learner is with one skill: its questions seen, mastered and due today."""

    skill: str
    questions: int
    seen: int
    mastered: int
    due: int

    @property
    def share(self) -> float:
        """The share of the skill's questions mastered."""
        return self.mastered / self.questions

    def row(self) -> tuple[object, ...]:
        """The skill's line in `quiz stats`."""
        return (self.skill, self.questions, self.seen, self.mastered, self.due, f"{self.share:.0%}")


def mastery(
    questions: Sequence[Question], cards: dict[str, Card], today: date
) -> list[SkillMastery]:
    """Mastery of each skill that has questions, in the order of the skills list."""
    result = []
    for skill in SKILLS:
        ids = [question.id for question in questions if skill in question.skills]
        if ids:
            result.append(
                SkillMastery(
                    skill,
                    questions=len(ids),
                    seen=sum(question_id in cards for question_id in ids),
                    mastered=sum(cards[i].mastered for i in ids if i in cards),
                    due=sum(is_due(cards.get(question_id), today) for question_id in ids),
                )
            )
    return result


@dataclass(frozen=True)
class SkillScore:
    """One skill in a mock interview: questions asked, known, too slow, and what to review."""

    skill: str
    asked: int
    right: int
    over_time: int
    to_review: tuple[str, ...]  # ids of the questions answered wrong or poorly

    @property
    def verdict(self) -> str:
        """Solid when every answer was right and in time; else what to do."""
        if self.to_review:
            return "review " + ", ".join(self.to_review)
        return "solid" if not self.over_time else "right but slow: practise saying it shorter"

    def row(self) -> tuple[object, ...]:
        """The skill's line in the mock interview's summary."""
        return (self.skill, self.verdict, self.asked, self.right, self.over_time)


def mock_summary(outcomes: Sequence[Outcome], seconds_each: float) -> list[SkillScore]:
    """Each skill the interview touched, weakest first (fewest right answers in proportion)."""
    scores = []
    for skill in SKILLS:
        touched = [outcome for outcome in outcomes if skill in outcome.question.skills]
        if touched:
            scores.append(
                SkillScore(
                    skill,
                    asked=len(touched),
                    right=sum(outcome.right for outcome in touched),
                    over_time=sum(outcome.seconds > seconds_each for outcome in touched),
                    to_review=tuple(o.question.id for o in touched if not o.right),
                )
            )
    return sorted(scores, key=lambda score: score.right / score.asked)

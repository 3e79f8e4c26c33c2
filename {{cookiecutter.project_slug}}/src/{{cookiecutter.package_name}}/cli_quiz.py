"""`quiz`: the interview drill in the terminal (a Typer sub-app registered by cli.py).

`quiz` runs a practice session (due reviews, then new questions topic by topic), `quiz --mock`
a timed mock interview, `quiz stats` the mastery per skill, `quiz chapters` the check that the
tutorial's self-check sections are the bank's. Answers come from the keyboard, or from a file or
a pipe (--answers, stdin): one line per answer and per self-grade.
"""

from __future__ import annotations

import random
import sys
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import console, print_table

if TYPE_CHECKING:
    from {{ cookiecutter.package_name }}.quiz.session import Outcome

quiz_app = typer.Typer(
    help="The interview drill: questions from real ML-engineering interviews, spaced reviews."
)
PRACTICE_COUNT = 10
MOCK_COUNT = 8


@quiz_app.callback(invoke_without_command=True)
def quiz(
    ctx: typer.Context,
    chapter: Annotated[
        str | None, typer.Option(help="Only this chapter's questions: 06 or 06-training.")
    ] = None,
    skill: Annotated[
        str | None, typer.Option(help="Only questions of this skill id (see `quiz stats`).")
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(
            min=1, help=f"Questions to ask [default: {PRACTICE_COUNT}, mock {MOCK_COUNT}]."
        ),
    ] = None,
    mock: Annotated[
        bool, typer.Option(help="A timed mock interview: answers and grades only at the end.")
    ] = False,
    minutes: Annotated[
        float, typer.Option(min=0.1, help="Mock interview: the time budget per question.")
    ] = 3.0,
    seed: Annotated[
        int | None, typer.Option(help="Mock interview: the seed that picks the questions.")
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(help="Read answers and grades from this file, one per line (else stdin)."),
    ] = None,
) -> None:
    """Ask questions, show model answers and key points, schedule the next reviews."""
    if ctx.invoked_subcommand:
        return
    from {{ cookiecutter.package_name }}.errors import QuizError
    from {{ cookiecutter.package_name }}.quiz import bank, schedule, selection, session

    if answers is not None and not answers.is_file():
        raise QuizError(f"{answers} is not a file of answers; give an existing text file.")
    questions = selection.matching(bank.load_bank(), chapter, skill)
    cards = schedule.load_progress()
    today = date.today()
    if mock:
        if seed is None:
            seed = random.randrange(10_000)
            console.print(f"Mock interview, seed {seed} (--seed {seed} asks the same questions).")
        chosen = selection.across_skills(questions, count or MOCK_COUNT, seed)
    else:
        chosen = selection.due_then_new(questions, cards, today, count or PRACTICE_COUNT)
    if not chosen:
        upcoming = min(cards[q.id].due for q in questions)
        console.print(
            f"Nothing is due today and every question here was asked; next review {upcoming}."
        )
        return

    def record(question: bank.Question, grade: schedule.Grade) -> None:
        """Move the question's card and save the schedule at once."""
        cards[question.id] = schedule.review(cards.get(question.id), grade, today)
        schedule.save_progress(cards)

    # stdin stays open after the session: only a file of answers is closed.
    with answers.open(encoding="utf-8") if answers else nullcontext(sys.stdin) as stream:
        term = session.Terminal(stream, console)
        if mock:
            outcomes = session.mock_interview(term, chosen, record)
            print_mock_summary(outcomes, minutes)
        else:
            outcomes = session.practise(term, chosen, record)
    right = sum(outcome.right for outcome in outcomes)
    console.print(
        f"{len(outcomes)} question(s) graded, {right} right; schedule in {schedule.PROGRESS}."
    )


def print_mock_summary(outcomes: list[Outcome], minutes: float) -> None:
    """The mock interview's summary by skill, its time against the budget, what to review."""
    from {{ cookiecutter.package_name }}.quiz.stats import SUMMARY_HEADERS, mock_summary

    if not outcomes:
        console.print("No answer was graded: nothing to sum up.")
        return
    scores = mock_summary(outcomes, minutes * 60)
    print_table("Mock interview by skill", [s.row() for s in scores], SUMMARY_HEADERS, left=2)
    spent = sum(outcome.seconds for outcome in outcomes) / 60
    console.print(f"Time: {spent:.1f} min for a budget of {minutes * len(outcomes):.1f} min.")
    weak = [score.skill for score in scores if score.to_review]
    console.print("To review: " + (", ".join(weak) if weak else "nothing, well done."))


@quiz_app.command()
def stats() -> None:
    """Mastery per skill: questions seen, mastered (Leitner box 4 or 5) and due today."""
    from {{ cookiecutter.package_name }}.quiz import bank, schedule
    from {{ cookiecutter.package_name }}.quiz.stats import MASTERY_HEADERS, mastery

    questions = bank.load_bank()
    cards = schedule.load_progress()
    rows = mastery(questions, cards, date.today())
    print_table("Mastery per skill", [row.row() for row in rows], MASTERY_HEADERS)
    known = {question.id for question in questions}
    mastered = sum(card.mastered for key, card in cards.items() if key in known)
    due = sum(schedule.is_due(cards.get(key), date.today()) for key in known)
    console.print(f"Mastered {mastered} of {len(questions)} questions; {due} due today.")


@quiz_app.command()
def chapters(
    write: Annotated[
        bool, typer.Option(help="Rewrite the chapters' self-check sections from the bank.")
    ] = False,
) -> None:
    """Check that the tutorial's self-check sections are the bank's self-check questions."""
    from {{ cookiecutter.package_name }}.errors import QuizError
    from {{ cookiecutter.package_name }}.quiz.bank import load_bank
    from {{ cookiecutter.package_name }}.quiz.chapters import stale_chapters, write_chapters

    questions = load_bank()
    if write:
        rewritten = write_chapters(questions)
        console.print(f"Rewrote the self-check section of {len(rewritten)} chapter(s): {rewritten}")
        return
    stale = stale_chapters(questions)
    if stale:
        raise QuizError(
            f"The self-check sections of {stale} differ from the bank; run `quiz chapters --write`."
        )
    console.print("Every chapter's self-check section matches the bank.")

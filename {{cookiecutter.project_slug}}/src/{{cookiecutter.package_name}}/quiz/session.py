"""The drill's loop in the terminal, reading answers from a text stream (stdin or a file).

Practice session: ask, wait for the answer (typed, or said aloud then Enter), show the model
answer and the points an interviewer listens for, then take a grade: automatic for choice and
numeric questions, the learner's own for open ones. Each grade is handed to `record` at once,
so an interrupted session keeps what was done.

Mock interview: the same questions, but no answer is shown until the end, each answer is timed
against a budget, and the summary says, skill by skill, what to review.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel

from {{ cookiecutter.package_name }}.quiz.bank import Question, plain
from {{ cookiecutter.package_name }}.quiz.grading import expected, is_correct
from {{ cookiecutter.package_name }}.quiz.schedule import GRADES, Grade

GRADE_HELP = "How did it go? 1 again (missed it), 2 hard, 3 good, 4 easy"


class EndOfInput(Exception):
    """The answers ran out (Ctrl-D, or the end of an answers file): the session stops there."""


@dataclass(frozen=True)
class Outcome:
    """One question asked: the answer given, its grade and how long it took."""

    question: Question
    answer: str
    grade: Grade
    correct: bool | None  # None: an open question, graded by the learner
    seconds: float

    @property
    def right(self) -> bool:
        """Whether it counts as known: graded right, or good/easy by the learner."""
        return self.correct if self.correct is not None else self.grade in ("good", "easy")


@dataclass
class Terminal:
    """Where the session reads answers and prints questions, and its clock."""

    stream: TextIO
    console: Console
    clock: Callable[[], float] = time.monotonic

    def read(self, prompt: str) -> str:
        """One line of input after a prompt; EndOfInput when there is none left."""
        self.console.print(f"[bold]{escape(prompt)}[/] ", end="")
        line = self.stream.readline()
        if not line:
            self.console.print()
            raise EndOfInput
        # Echo what a file or pipe answered, so a transcript reads like a real session.
        if not self.stream.isatty():
            self.console.print(escape(line.rstrip("\n")), highlight=False)
        return line.strip()

    def self_grade(self) -> Grade:
        """The learner's grade of their own answer, asked again until it is one of the four."""
        while True:
            text = self.read(GRADE_HELP + ":").lower()
            if text.isdigit() and 1 <= int(text) <= len(GRADES):
                return GRADES[int(text) - 1]
            if text in GRADES:
                return text  # type: ignore[return-value]
            self.console.print("Type 1, 2, 3 or 4 (or again, hard, good, easy).")


def show_question(term: Terminal, question: Question, position: int, total: int) -> None:
    """Print the question, its exhibit and its options."""
    out = term.console
    out.rule(f"Question {position}/{total} · {question.chapter} · {', '.join(question.skills)}")
    if question.exhibit:
        out.print(f"Output of `{escape(question.exhibit.command)}`:")
        out.print(Panel(escape(question.exhibit.text.rstrip("\n")), expand=False), soft_wrap=True)
    out.print(escape(plain(question.prompt)))
    for number, choice in enumerate(question.choices, start=1):
        out.print(f"  {number}. {escape(choice)}")


def ask(term: Terminal, question: Question) -> tuple[str, float]:
    """The learner's answer and the seconds it took."""
    started = term.clock()
    if question.kind == "open":
        hint = "Your answer (type it, or say it aloud), then Enter:"
    elif question.kind == "choice":
        hint = "Your choice (number):"
    else:
        hint = "Your number:"
    answer = term.read(hint)
    return answer, term.clock() - started


def show_answer(term: Terminal, question: Question, correct: bool | None) -> None:
    """Print the verdict of an auto-graded answer, the model answer and the key points."""
    out = term.console
    if correct is not None:
        verdict = "[green]Right.[/]" if correct else "[red]Not quite.[/]"
        out.print(f"{verdict} Answer: {escape(expected(question))}")
    out.print(f"[bold]Model answer:[/] {escape(plain(question.answer))}")
    if question.points:
        out.print("[bold]An interviewer listens for:[/]")
        for point in question.points:
            out.print(f"  - {escape(point)}")


def grade_of(term: Terminal, correct: bool | None) -> Grade:
    """The grade: from the automatic verdict, else from the learner."""
    if correct is None:
        return term.self_grade()
    return "good" if correct else "again"


def review(
    term: Terminal,
    question: Question,
    answer: str,
    seconds: float,
    record: Callable[[Question, Grade], None],
) -> Outcome:
    """Show the model answer, take the learner's grade and record it: the answer's outcome."""
    correct = is_correct(question, answer)
    show_answer(term, question, correct)
    grade = grade_of(term, correct)
    record(question, grade)
    return Outcome(question, answer, grade, correct, seconds)


def practise(
    term: Terminal, questions: Sequence[Question], record: Callable[[Question, Grade], None]
) -> list[Outcome]:
    """Ask each question, show its answer at once, grade it and record the grade."""
    outcomes = []
    try:
        for position, question in enumerate(questions, start=1):
            show_question(term, question, position, len(questions))
            answer, seconds = ask(term, question)
            outcomes.append(review(term, question, answer, seconds, record))
    except EndOfInput:
        term.console.print("No more answers: the session stops here.")
    return outcomes


def mock_interview(
    term: Terminal, questions: Sequence[Question], record: Callable[[Question, Grade], None]
) -> list[Outcome]:
    """Ask every question without answers, then review them all and grade each."""
    answers: list[tuple[str, float]] = []
    try:
        for position, question in enumerate(questions, start=1):
            show_question(term, question, position, len(questions))
            answers.append(ask(term, question))
    except EndOfInput:
        term.console.print("No more answers: the interview stops here.")
    term.console.rule("Review: the model answers")
    outcomes = []
    try:
        for question, (answer, seconds) in zip(questions, answers, strict=False):
            term.console.print(f"[bold]{escape(plain(question.prompt))}[/]")
            term.console.print(f"Your answer: {escape(answer) or '(none)'}")
            outcomes.append(review(term, question, answer, seconds, record))
    except EndOfInput:
        term.console.print("No more grades: the review stops here.")
    return outcomes

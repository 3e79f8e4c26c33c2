"""Grading of the answers the drill can judge itself: choice and numeric questions (pure)."""

from __future__ import annotations

import math
import string

from {{ cookiecutter.package_name }}.quiz.bank import Question

# Above this distance a numeric answer is wrong even with tolerance 0 (float noise only).
EPSILON = 1e-9


def choice_number(answer: str, options: int) -> int | None:
    """The option an answer names: "2", "b" or "B" are option 2; None if it names none."""
    text = answer.strip().rstrip(").").lower()
    if text.isdigit() and 1 <= int(text) <= options:
        return int(text)
    letters = string.ascii_lowercase[:options]
    if len(text) == 1 and text in letters:
        return letters.index(text) + 1
    return None


def number(answer: str) -> float | None:
    """The number in an answer ("0.25", "1,200", "25%" is 0.25), or None if it holds none."""
    text = answer.strip().replace(",", "").replace("_", "")
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1], 0.01
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def is_correct(question: Question, answer: str) -> bool | None:
    """Whether an answer is right (choice, numeric); None for open questions (self-graded)."""
    if question.kind == "choice":
        return choice_number(answer, len(question.choices)) == question.correct
    if question.kind == "numeric":
        assert question.value is not None  # the schema requires it
        value = number(answer)
        return value is not None and abs(value - question.value) <= question.tolerance + EPSILON
    return None


def expected(question: Question) -> str:
    """The right answer of a choice or numeric question, as shown after grading."""
    if question.kind == "choice":
        assert question.correct is not None
        return f"{question.correct}. {question.choices[question.correct - 1]}"
    return f"{question.value:g}" + (f" (± {question.tolerance:g})" if question.tolerance else "")

"""The question bank: one YAML file per tutorial chapter, checked by a strict schema at load.

1. Each file of bank/ is named after its chapter (`06-training.yaml`) and holds `questions:`.
2. Each question is validated (extra keys refused, tags must be ids of skills.py, each kind has
   its own required fields), so a typo in the bank is an error naming the file and the question,
   never a question that silently cannot be graded.
3. The chapters' self-check sections are the rendering of the questions marked `self_check`
   (render_self_check), so the tutorial and the drill never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from {{ cookiecutter.package_name }}.errors import QuizError
from {{ cookiecutter.package_name }}.skills import unknown

BANK_DIR = Path(__file__).with_name("bank")
# libyaml's safe loader when PyYAML has it: ten times faster on the whole bank.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# How a numbered self-check item continues on the next lines of a chapter (markdown list).
INDENT = "   "


class Exhibit(BaseModel):
    """A real report of this project that a "read this output" question shows, and its command."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Question(BaseModel):
    """One question: what is asked, the model answer, and how it is graded."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    kind: Literal["open", "choice", "numeric"]
    skills: tuple[str, ...] = Field(min_length=1)
    prompt: str = Field(min_length=1)
    answer: str = Field(min_length=1)  # the model answer, shown after the learner's
    points: tuple[str, ...] = ()  # what an interviewer listens for (open questions)
    choices: tuple[str, ...] = ()  # choice questions: the options, shown numbered from 1
    correct: int | None = None  # choice questions: the number of the right option
    value: float | None = None  # numeric questions: the right value...
    tolerance: float = Field(default=0.0, ge=0)  # ...and how far an answer may be from it
    exhibit: Exhibit | None = None
    self_check: bool = False  # rendered into its chapter's "Self-check" section
    chapter: str = ""  # set by the loader from the file's name

    @field_validator("skills")
    @classmethod
    def known_skills(cls, skills: tuple[str, ...]) -> tuple[str, ...]:
        """Refuse a tag that is no id of skills.py (a typo would hide the question from stats)."""
        typos = unknown(skills)
        if typos:
            raise ValueError(f"unknown skill tag(s) {typos}; use the ids of skills.py")
        return skills

    @model_validator(mode="after")
    def fields_of_its_kind(self) -> Question:
        """Each kind has what grading it needs, and nothing of the other kinds."""
        if self.kind == "open" and not self.points:
            raise ValueError("an open question needs `points`, what an interviewer listens for")
        if self.kind == "choice":
            if len(self.choices) < 2 or self.correct is None:
                raise ValueError("a choice question needs at least 2 `choices` and `correct`")
            if not 1 <= self.correct <= len(self.choices):
                raise ValueError(f"`correct` must be between 1 and {len(self.choices)}")
        elif self.choices or self.correct is not None:
            raise ValueError("`choices` and `correct` belong to choice questions only")
        if self.kind == "numeric" and (self.value is None or not math.isfinite(self.value)):
            raise ValueError("a numeric question needs a finite `value`")
        if self.kind != "numeric" and self.value is not None:
            raise ValueError("`value` belongs to numeric questions only")
        return self


class BankFile(BaseModel):
    """The content of one bank file."""

    model_config = ConfigDict(extra="forbid")

    questions: list[Question] = Field(min_length=1)


def bank_files(folder: Path) -> list[Path]:
    """The bank's files, in chapter order."""
    return sorted(folder.glob("*.yaml"))


def load_bank(folder: Path | None = None) -> list[Question]:
    """Every question of the bank (BANK_DIR), in chapter order; QuizError on a broken file."""
    folder = folder or BANK_DIR
    questions: list[Question] = []
    seen: dict[str, Path] = {}
    for path in bank_files(folder):
        for question in load_file(path):
            if question.id in seen:
                raise QuizError(
                    f"{path} repeats the question id '{question.id}' of {seen[question.id]}; "
                    "give one of them another id."
                )
            seen[question.id] = path
            questions.append(question)
    if not questions:
        raise QuizError(f"{folder} holds no question file (NN-chapter.yaml).")
    return questions


def load_file(path: Path) -> list[Question]:
    """The questions of one bank file, each given the file's chapter."""
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "unreadable"
        where = f"line {mark.line + 1}: " if mark else ""
        raise QuizError(
            f"{path} is not valid YAML ({where}{problem}); fix it and try again."
        ) from None
    try:
        bank = BankFile.model_validate(raw)
    except ValidationError as error:
        raise QuizError(describe(path, raw, error)) from None
    return [question.model_copy(update={"chapter": path.stem}) for question in bank.questions]


def describe(path: Path, raw: Any, error: ValidationError) -> str:
    """One sentence for the first schema error: the file, the question and what is wrong."""
    first = error.errors()[0]
    location = list(first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    if len(location) >= 2 and location[0] == "questions" and isinstance(location[1], int):
        number = location[1]
        item = raw["questions"][number]
        name = item.get("id") if isinstance(item, dict) else None
        question = f"question '{name}'" if name else f"question {number + 1}"
        field = ".".join(str(part) for part in location[2:])
        what = f"{field}: {message}" if field else message
        return f"{path}, {question}: {what}."
    return (
        f"{path}: {'.'.join(map(str, location)) or 'the file'}: {message} (expected `questions:`)."
    )


def plain(text: str) -> str:
    """A bank text as one paragraph per blank-line-separated block (its line breaks are layout)."""
    return "\n\n".join(" ".join(block.split()) for block in text.strip().split("\n\n"))


def render_self_check(questions: Sequence[Question]) -> str:
    """The body of a chapter's "Self-check" section: its self-check questions, numbered."""
    items = []
    for number, question in enumerate(questions, start=1):
        prompt = question.prompt.rstrip("\n").replace("\n", "\n" + INDENT)
        answer = question.answer.rstrip("\n").replace("\n", "\n" + INDENT)
        items.append(
            f"{number}. {prompt}\n{INDENT}<details><summary>Answer</summary>{answer}</details>\n"
        )
    return "".join(items)

"""The chapters' "Self-check" sections, rendered from the bank: one source for both.

A chapter's self-check section runs from its "## Self-check" heading to the blank line before
the next heading, or to the end of the file. `quiz chapters` says which chapters differ from the
bank; `--write` rewrites those sections (only them: the rest of each chapter is left byte for
byte).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from {{ cookiecutter.package_name }}.errors import QuizError
from {{ cookiecutter.package_name }}.files import write_text
from {{ cookiecutter.package_name }}.quiz.bank import Question, render_self_check

DOCS = Path("docs/tutorial")
HEADING = "## Self-check\n\n"


def section_bounds(text: str, chapter: Path) -> tuple[int, int]:
    """Where the body of the chapter's self-check section starts and ends in its text."""
    start = text.find(HEADING)
    if start < 0:
        raise QuizError(f"{chapter} has no '## Self-check' section for the bank's questions.")
    body = start + len(HEADING)
    # The blank line before the next heading belongs to that heading, not to the section.
    following = text.find("\n\n## ", body)
    return body, len(text) if following < 0 else following + 1


def expected_sections(questions: Sequence[Question]) -> dict[str, str]:
    """The rendered self-check section of each chapter that has self-check questions."""
    chapters = dict.fromkeys(question.chapter for question in questions if question.self_check)
    return {
        chapter: render_self_check([q for q in questions if q.self_check and q.chapter == chapter])
        for chapter in chapters
    }


def stale_chapters(questions: Sequence[Question], docs: Path = DOCS) -> list[str]:
    """The chapters whose self-check section is not the rendering of the bank's questions."""
    stale = []
    for chapter, rendered in expected_sections(questions).items():
        path = chapter_path(chapter, docs)
        text = path.read_text(encoding="utf-8")
        start, end = section_bounds(text, path)
        if text[start:end] != rendered:
            stale.append(chapter)
    return stale


def write_chapters(questions: Sequence[Question], docs: Path = DOCS) -> list[str]:
    """Rewrite the stale self-check sections from the bank; the chapters it rewrote."""
    stale = stale_chapters(questions, docs)
    sections = expected_sections(questions)
    for chapter in stale:
        path = chapter_path(chapter, docs)
        text = path.read_text(encoding="utf-8")
        start, end = section_bounds(text, path)
        write_text(path, text[:start] + sections[chapter] + text[end:])
    return stale


def chapter_path(chapter: str, docs: Path) -> Path:
    """The chapter's markdown file, which must exist (run from the project's root)."""
    path = docs / f"{chapter}.md"
    if not path.exists():
        raise QuizError(
            f"{path} does not exist: run the command from the project's root, where docs/ is."
        )
    return path

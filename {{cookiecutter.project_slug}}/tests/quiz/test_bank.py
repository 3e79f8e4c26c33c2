"""The bank: the shipped files load, the chapters show its self-check questions, and a broken
file is one sentence naming the file and the question."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.errors import QuizError
from {{ cookiecutter.package_name }}.quiz.bank import load_bank, render_self_check
from {{ cookiecutter.package_name }}.quiz.chapters import stale_chapters, write_chapters

from ..conftest import ROOT
from .conftest import INTRO, MODELS, write_bank


def test_the_shipped_bank_loads_with_unique_ids_and_every_kind() -> None:
    questions = load_bank()

    assert len({question.id for question in questions}) == len(questions)
    assert {question.kind for question in questions} == {"open", "choice", "numeric"}
    assert any(question.exhibit for question in questions)


def test_each_chapters_self_check_section_is_the_banks() -> None:
    assert stale_chapters(load_bank(), ROOT / "docs/tutorial") == []


def test_a_self_check_question_renders_as_the_chapters_markdown(tmp_path: Path) -> None:
    questions = load_bank(write_bank(tmp_path, {"01-intro.yaml": INTRO}))

    assert render_self_check(questions) == (
        "1. What is data leakage?\n"
        "   <details><summary>Answer</summary>Information in training that is not\n"
        "   available when the model predicts.</details>\n"
    )


def test_an_edited_chapter_is_found_and_rewritten_from_the_bank(tmp_path: Path) -> None:
    questions = load_bank(write_bank(tmp_path / "bank", {"01-intro.yaml": INTRO}))
    docs = tmp_path / "docs"
    docs.mkdir()
    chapter = docs / "01-intro.md"
    chapter.write_text("# Intro\n\nText.\n\n## Self-check\n\n1. Old?\n\n## Next\n\nMore.\n")

    assert stale_chapters(questions, docs) == ["01-intro"]
    assert write_chapters(questions, docs) == ["01-intro"]
    text = chapter.read_text()
    assert text.startswith("# Intro\n\nText.\n\n## Self-check\n\n1. What is data leakage?\n")
    assert text.endswith("available when the model predicts.</details>\n\n## Next\n\nMore.\n")
    assert stale_chapters(questions, docs) == []


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            INTRO.replace("[leakage]", "[lekage]"),
            "01-intro.yaml, question 'define-leakage': skills: unknown skill tag(s) ['lekage']",
        ),
        (
            INTRO.replace(
                "    points:\n      - not available at prediction time\n      - scores too good\n",
                "",
            ),
            "01-intro.yaml, question 'define-leakage': an open question needs `points`",
        ),
        (
            INTRO.replace("kind: open", "kind: open\n    difficulty: hard"),
            "01-intro.yaml, question 'define-leakage': difficulty: Extra inputs are not permitted",
        ),
        (
            INTRO.replace("  - id: define-leakage\n    kind", "  - kind"),
            "01-intro.yaml, question 1: id: Field required",
        ),
        (
            INTRO.replace("skills: [leakage]", "skills: [leakage"),
            "01-intro.yaml is not valid YAML (line",
        ),
        ("questions: []\n", "01-intro.yaml: questions: List should have at least 1 item"),
    ],
)
def test_a_broken_bank_file_is_one_sentence_naming_file_and_question(
    tmp_path: Path, broken: str, message: str
) -> None:
    folder = write_bank(tmp_path, {"01-intro.yaml": broken, "02-models.yaml": MODELS})

    with pytest.raises(QuizError) as error:
        load_bank(folder)

    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_choice_answer_out_of_range_is_refused(tmp_path: Path) -> None:
    folder = write_bank(tmp_path, {"02-models.yaml": MODELS.replace("correct: 2", "correct: 4")})

    with pytest.raises(QuizError, match=r"question 'gini': `correct` must be between 1 and 3"):
        load_bank(folder)


def test_an_id_used_twice_names_both_files(tmp_path: Path) -> None:
    folder = write_bank(
        tmp_path, {"01-intro.yaml": INTRO, "02-models.yaml": INTRO.replace("self_check: true", "")}
    )

    with pytest.raises(
        QuizError,
        match=r"02-models.yaml repeats the question id 'define-leakage' of .*01-intro.yaml",
    ):
        load_bank(folder)

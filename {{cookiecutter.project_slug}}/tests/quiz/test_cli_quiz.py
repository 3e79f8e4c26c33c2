"""The drill driven as a learner would, through stdin: sessions, the schedule file, stats, the
mock interview's summary, and one sentence for each mistake."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.quiz.bank import load_bank
from {{ cookiecutter.package_name }}.quiz.schedule import PROGRESS
from {{ cookiecutter.package_name }}.quiz.selection import across_skills

from ..conftest import ROOT
from .conftest import INTRO, write_bank

runner = CliRunner()
TODAY = date.today()


def quiz(*args: str, answers: str = ""):
    """Run `quiz ...` in-process with `answers` as stdin."""
    return runner.invoke(app, ["quiz", *args], input=answers)


def flat(text: str) -> str:
    """The output with its line wrapping undone (rich wraps at the terminal's width)."""
    return " ".join(text.split())


def cards() -> dict:
    """The schedule file's cards: box and due date by question id."""
    data = json.loads(PROGRESS.read_text())
    return {key: (card["box"], card["due"]) for key, card in data["cards"].items()}


def in_days(days: int) -> str:
    """The ISO date `days` after today."""
    return str(TODAY + timedelta(days))


def write_cards(boxes: dict[str, tuple[int, int]]) -> None:
    """A schedule file: for each question id, its box and its due date in days from today."""
    cards = {
        key: {"box": box, "due": in_days(due), "reviews": box, "lapses": 0, "last": in_days(-1)}
        for key, (box, due) in boxes.items()
    }
    PROGRESS.parent.mkdir()
    PROGRESS.write_text(json.dumps({"format": 1, "cards": cards}))


def test_a_session_shows_answers_grades_and_schedules_each_question(small_bank: Path) -> None:
    # open: an answer, a grade not understood, then "good"; choice: right; numeric: wrong.
    result = quiz(answers="leaks from the future\n5\ngood\n2\n0.7\n")

    out = flat(result.output)
    assert result.exit_code == 0, result.output
    assert "Question 1/3 · 01-intro · leakage" in out
    assert (
        "Model answer: Information in training that is not available when the model predicts."
        in out
    )
    assert "An interviewer listens for: - not available at prediction time - scores too good" in out
    assert "Type 1, 2, 3 or 4" in out
    assert "Right. Answer: 2. Gini impurity" in out
    assert "Not quite. Answer: 0.6 (± 0.001)" in out
    assert "3 question(s) graded, 2 right" in out
    assert cards() == {
        "define-leakage": (2, in_days(3)),
        "gini": (2, in_days(3)),
        "gd-step": (1, in_days(1)),
    }
    # The same day again: every question was asked and none is due yet.
    again = quiz()
    assert again.exit_code == 0
    assert (
        f"Nothing is due today and every question here was asked; next review {in_days(1)}."
        in flat(again.output)
    )


def test_due_questions_come_back_first_and_good_answers_climb(small_bank: Path) -> None:
    write_cards({"gd-step": (3, 0)})

    result = quiz("--count", "1", answers="0.6\n")

    assert "Question 1/1 · 02-models · gradient-descent, decision-trees" in flat(result.output)
    assert cards() == {"gd-step": (4, in_days(14))}


def test_stats_count_seen_mastered_and_due_per_skill(small_bank: Path) -> None:
    write_cards({"gini": (4, 5), "gd-step": (1, 0)})

    result = quiz("stats")

    out = flat(result.output)
    assert result.exit_code == 0, result.output
    assert "│ decision-trees │ 2 │ 2 │ 1 │ 1 │ 50% │" in out
    assert "│ gradient-descent │ 1 │ 1 │ 0 │ 1 │ 0% │" in out
    assert "│ leakage │ 1 │ 0 │ 0 │ 0 │ 0% │" in out
    assert "Mastered 1 of 3 questions; 1 due today." in out


def test_a_mock_interview_holds_answers_back_then_sums_up_by_skill(small_bank: Path) -> None:
    order = [q.id for q in across_skills(load_bank(), 3, seed=1)]
    answer = {"define-leakage": "no idea", "gini": "b", "gd-step": "1"}
    stdin = "".join(f"{answer[i]}\n" for i in order) + "again\n"  # the open one's grade

    result = quiz("--mock", "--count", "3", "--seed", "1", "--minutes", "2", answers=stdin)

    out = flat(result.output)
    assert result.exit_code == 0, result.output
    asking, review = out.split("Review: the model answers")
    assert "Model answer" not in asking and "Right." not in asking
    assert "Right. Answer: 2. Gini impurity" in review
    assert "│ gradient-descent │ review gd-step │ 1 │ 0 │ 0 │" in out
    assert "│ leakage │ review define-leakage │ 1 │ 0 │ 0 │" in out
    assert "│ decision-trees │ review gd-step │ 2 │ 1 │ 0 │" in out
    assert "Time: 0.0 min for a budget of 6.0 min." in out
    assert "To review: gradient-descent, leakage, decision-trees" in out
    assert cards() == {
        "define-leakage": (1, in_days(1)),
        "gini": (2, in_days(3)),
        "gd-step": (1, in_days(1)),
    }


def test_a_mock_interview_without_a_seed_says_its_seed_and_may_end_early(
    small_bank: Path,
) -> None:
    result = quiz("--mock")

    out = flat(result.output)
    assert result.exit_code == 0, result.output
    assert re.search(r"Mock interview, seed (\d+) \(--seed \1 asks the same questions\)\.", out)
    assert "No more answers: the interview stops here." in out
    assert "No answer was graded: nothing to sum up." in out
    assert not PROGRESS.exists()


def test_answers_can_come_from_a_file_and_a_chapter_or_skill_narrows_the_questions(
    small_bank: Path,
) -> None:
    Path("answers.txt").write_text("2\n")

    result = quiz(
        "--chapter", "02", "--skill", "decision-trees", "--count", "1", "--answers", "answers.txt"
    )

    assert result.exit_code == 0, result.output
    assert cards() == {"gini": (2, in_days(3))}


def test_answers_that_run_out_end_the_session_keeping_what_was_graded(small_bank: Path) -> None:
    result = quiz(answers="an answer\n3\n")

    assert result.exit_code == 0
    assert "No more answers: the session stops here." in result.output
    assert "1 question(s) graded, 1 right" in flat(result.output)
    assert cards() == {"define-leakage": (2, in_days(3))}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--chapter", "07"],
            "No chapter '07' in the bank; choose one of ['01-intro', '02-models'].",
        ),
        (["--skill", "lekage"], "'lekage' is no skill id; `quiz stats` lists them."),
        (["--skill", "svm"], "No question of the bank trains 'svm' here."),
        (
            ["--answers", "none.txt"],
            "none.txt is not a file of answers; give an existing text file.",
        ),
    ],
)
def test_a_wrong_option_is_one_sentence(small_bank: Path, args: list[str], message: str) -> None:
    result = quiz(*args)

    assert result.exit_code == 1
    assert flat(result.output) == f"Error: {message}"


def test_a_broken_bank_file_stops_the_drill_with_one_sentence(small_bank: Path) -> None:
    write_bank(small_bank, {"01-intro.yaml": INTRO.replace("[leakage]", "[lekage]")})

    result = quiz()

    assert result.exit_code == 1
    assert (
        "01-intro.yaml, question 'define-leakage': skills: unknown skill tag(s) ['lekage']"
        in result.output
    )
    assert len(result.output.strip().splitlines()) == 1


def test_the_chapters_command_checks_the_tutorial_against_the_bank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)

    result = quiz("chapters")

    assert result.exit_code == 0, result.output
    assert "Every chapter's self-check section matches the bank." in result.output


def test_a_stale_chapter_is_one_sentence_until_written_from_the_bank(small_bank: Path) -> None:
    chapter = Path("docs/tutorial/01-intro.md")
    chapter.parent.mkdir(parents=True)
    chapter.write_text("# Intro\n\n## Self-check\n\n1. An old question?\n")

    stale = quiz("chapters")
    written = quiz("chapters", "--write")

    assert stale.exit_code == 1
    assert flat(stale.output) == (
        "Error: The self-check sections of ['01-intro'] differ from the bank; run "
        "`quiz chapters --write`."
    )
    assert written.exit_code == 0, written.output
    assert "Rewrote the self-check section of 1 chapter(s): ['01-intro']" in flat(written.output)
    assert chapter.read_text().startswith("# Intro\n\n## Self-check\n\n1. What is data leakage?\n")
    assert quiz("chapters").exit_code == 0


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_quiz_runs_a_session_from_stdin(tmp_path: Path) -> None:
    # The tutorial's `make quiz`, with the answers typed in advance and the CLI of this venv.
    result = subprocess.run(
        [
            "make",
            "-f",
            str(ROOT / "Makefile"),
            "quiz",
            f"CLI={sys.executable} -m {{ cookiecutter.package_name }}",
            "QUIZ_ARGS=--chapter 01 --count 1",
        ],
        input="exact versions, reproducible\n3\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "1 question(s) graded, 1 right" in flat(result.stdout)
    progress = json.loads((tmp_path / PROGRESS).read_text())
    assert progress["cards"]["lock-file"]["box"] == 2

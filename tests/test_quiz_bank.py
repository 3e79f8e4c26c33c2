"""The interview drill's bank, counted from the tags of the template's own files (no bake).

The issue's bar: at least 150 questions, at least 5 for every algorithm and every concept of the
skills list, the workflow skills covered, and every kind of question present.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from types import ModuleType

import pytest
import yaml

from .conftest import PROJECT_TEMPLATE

PACKAGE = PROJECT_TEMPLATE / "src/{{cookiecutter.package_name}}"
# The workflow skills the issue names: validation, A/B testing, deployment and monitoring, speed.
WORKFLOW = ("validation-strategy", "ab-testing", "deploy-monitor", "speed")


def skills_module() -> ModuleType:
    """The template's skills.py (plain Python, no Jinja), imported from its file."""
    spec = importlib.util.spec_from_file_location("template_skills", PACKAGE / "skills.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def questions() -> list[dict]:
    """Every question of the template's bank files."""
    files = sorted((PACKAGE / "quiz/bank").glob("*.yaml"))
    assert files, "the bank has no file"
    return [q for path in files for q in yaml.safe_load(path.read_text("utf-8"))["questions"]]


def test_the_bank_holds_at_least_150_questions_of_every_kind(questions: list[dict]) -> None:
    kinds = Counter(question["kind"] for question in questions)

    assert len(questions) >= 150
    assert kinds["open"] >= 50 and kinds["choice"] >= 15 and kinds["numeric"] >= 15
    assert sum("exhibit" in question for question in questions) >= 10  # "read this output"
    # The 55 questions the chapters had before the bank, and those added since.
    assert sum(question.get("self_check", False) for question in questions) >= 55


def test_every_algorithm_and_concept_has_at_least_five_questions(questions: list[dict]) -> None:
    skills = skills_module()
    tags = Counter(tag for question in questions for tag in question["skills"])

    short = {
        skill.id: tags[skill.id]
        for skill in (*skills.ALGORITHMS, *skills.CONCEPTS)
        if tags[skill.id] < 5
    }
    assert short == {}, f"skills with fewer than 5 questions: {short}"
    assert all(tags[skill] >= 5 for skill in WORKFLOW), {skill: tags[skill] for skill in WORKFLOW}
    assert skills.unknown(list(tags)) == []

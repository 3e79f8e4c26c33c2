"""The skills list: every id is unique and known, each group is there, each skill is practised."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.exercise_catalogue import CATALOGUE
from {{ cookiecutter.package_name }}.skills import (
    ALGORITHMS,
    CONCEPTS,
    RESPONSIBILITIES,
    SKILLS,
    unknown,
    untrained,
)


def test_every_line_of_the_list_has_one_unique_id() -> None:
    lines = (*RESPONSIBILITIES, *ALGORITHMS, *CONCEPTS)

    assert len(SKILLS) == len(lines) == 17 + 11 + 11
    assert {skill.group for skill in lines} == {"responsibility", "algorithm", "concept"}


def test_a_tag_that_names_no_skill_is_reported() -> None:
    assert unknown(["leakage", "lekage", "svm", "random-forest"]) == ["lekage", "random-forest"]


def test_every_skill_of_the_three_groups_has_an_exercise() -> None:
    # The whole catalogue: an option that removes a feature removes its exercises, not a skill.
    assert untrained(exercise.skills for exercise in CATALOGUE) == []
    assert {skill.group for skill in SKILLS.values()} == {"responsibility", "algorithm", "concept"}


def test_a_skill_whose_last_exercise_goes_is_reported() -> None:
    without = [ex.skills for ex in CATALOGUE if "infrastructure" not in ex.skills]

    assert untrained(without) == ["infrastructure"]
    assert untrained([("svm", "leakage")])[:2] == ["acquire", "quality"]  # in the list's order

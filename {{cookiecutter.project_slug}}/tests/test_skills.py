"""The skills list: every id is unique and known, and each group is there."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.skills import ALGORITHMS, CONCEPTS, RESPONSIBILITIES, SKILLS, unknown


def test_every_line_of_the_list_has_one_unique_id() -> None:
    lines = (*RESPONSIBILITIES, *ALGORITHMS, *CONCEPTS)

    assert len(SKILLS) == len(lines) == 17 + 11 + 11
    assert {skill.group for skill in lines} == {"responsibility", "algorithm", "concept"}


def test_a_tag_that_names_no_skill_is_reported() -> None:
    assert unknown(["leakage", "lekage", "svm", "random-forest"]) == ["lekage", "random-forest"]

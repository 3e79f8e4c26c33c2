"""Misspelt categories: the edit distance, and which known category a typo is repaired to."""

from __future__ import annotations

import pytest

from {{ cookiecutter.package_name }}.data.spelling import edit_distance, repaired_spelling

from ..conftest import require_exercises

# Spelling keys (stripped, casefolded) -> canonical value, as contract_spellings builds them.
SPELLINGS = {
    "france": "France",
    "fr": "France",
    "spain": "Spain",
    "es": "Spain",
    "belgium": "Belgium",
    "be": "Belgium",
    "credit_card": "credit_card",
    "credit card": "credit_card",
    "debit_card": "debit_card",
}


@pytest.mark.exercise(9)
@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("france", "france", 0),
        ("frnace", "france", 1),  # two adjacent letters swapped: one slip, one edit
        ("premum", "premium", 1),  # a letter dropped
        ("premiumm", "premium", 1),  # a letter doubled
        ("basik", "basic", 1),  # a letter replaced
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("ca", "abc", 3),  # a swapped pair is not edited again (optimal string alignment)
    ],
)
def test_edit_distance_counts_insertions_deletions_substitutions_and_swaps(
    a: str, b: str, distance: int
) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


@pytest.mark.exercise(9)
@pytest.mark.parametrize(
    ("key", "repaired"),
    [
        ("frnace", "France"),
        ("spian", "Spain"),
        ("credit-card", "credit_card"),  # two spellings of one category are no tie
        ("belgum", "Belgium"),
    ],
)
def test_a_typo_one_edit_from_one_category_is_repaired_to_it(key: str, repaired: str) -> None:
    assert repaired_spelling(key, SPELLINGS) == repaired


@pytest.mark.exercise(9)
@pytest.mark.parametrize(
    "key",
    [
        "ditcard",  # too far from everything
        "farnec",  # two swaps from France, but the bound is one edit
    ],
)
def test_a_short_far_or_ambiguous_key_is_not_repaired(key: str) -> None:
    assert repaired_spelling(key, SPELLINGS) is None


@pytest.mark.exercise(9)
def test_a_tie_between_two_categories_is_refused() -> None:
    plans = {"basic": "basic", "basis": "basis", "premium": "premium"}

    assert repaired_spelling("basiz", plans) is None  # one edit from both: either could be meant
    assert repaired_spelling("premum", plans) == "premium"


def test_keys_whose_length_is_too_far_off_are_skipped_without_a_distance() -> None:
    # A key of another length than every known key costs no table at all, so this runs even
    # while the edit distance is still an exercise.
    assert repaired_spelling("unheard of, really", SPELLINGS) is None
    assert repaired_spelling("bel", SPELLINGS) is None  # below the minimum length
    assert repaired_spelling("ee", SPELLINGS) is None  # one edit from both "es" and "be"


def test_repairs_follow_the_bound_given() -> None:
    require_exercises(9)  # the repair measures distances

    assert repaired_spelling("farnec", SPELLINGS, max_edits=2) == "France"
    assert repaired_spelling("farnec", SPELLINGS, max_edits=1) is None

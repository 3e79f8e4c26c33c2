"""The dirt of the synthetic data and its text columns, one function at a time.

Spelling variants are checked on the tests' own contract; the rest needs no columns at all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.synthetic_dirt import (
    Text,
    money_text,
    spelling_variants,
    with_missing,
)


def test_spelling_variants_differ_from_the_value_and_map_back(contract: ColumnsParams) -> None:
    spec = next(spec for spec in contract.categorical.values() if spec.synonyms)
    synonym, value = next(iter(spec.synonyms.items()))

    spellings = spelling_variants(value, spec.synonyms)

    assert value not in spellings
    assert {value.upper(), f"  {value}", synonym, synonym.title()} <= set(spellings)
    lookup = {allowed.casefold(): allowed for allowed in spec.allowed}
    lookup |= {other.casefold(): canonical for other, canonical in spec.synonyms.items()}
    assert {lookup[spelling.strip().casefold()] for spelling in spellings} == {value}


def test_money_is_written_plain_french_or_in_dollars() -> None:
    amounts = np.array([0.5, 1234.5, 999999.99])

    plain = money_text(amounts).values().tolist()
    french = money_text(amounts, thousands=" ", decimal=",").values().tolist()
    dollars = money_text(amounts, thousands=",", prefix="$").values().tolist()

    assert plain == ["0.50", "1234.50", "999999.99"]
    assert french == ["0,50", "1 234,50", "999 999,99"]
    assert dollars == ["$0.50", "$1,234.50", "$999,999.99"]


def test_a_text_column_appends_replaces_and_empties_without_touching_its_input() -> None:
    column = Text.of(np.array(["a", "b", None, "a"], dtype=object))

    appended = column.append(Text.of(np.array(["c", None], dtype=object)))
    replaced = column.replace(np.array([1]), Text.of(np.array(["z"], dtype=object)))
    emptied = column.emptied(np.array([0]))

    assert appended.values().tolist() == ["a", "b", None, "a", "c", None]
    assert replaced.values().tolist() == ["a", "z", None, "a"]
    assert emptied.values().tolist() == [None, "b", None, "a"]
    assert column.values().tolist() == ["a", "b", None, "a"]
    series = column.to_series(np.array([3, 2]))
    assert series.iloc[0] == "a" and pd.isna(series.iloc[1])


def test_missing_cells_are_taken_only_from_allowed_rows_holding_a_value() -> None:
    column = Text.of(np.array(["a", "b", None, "d", "e"], dtype=object))
    allowed = np.array([True, True, True, False, True])

    emptied, count = with_missing(column, 10, allowed, np.random.default_rng(0))

    assert count == 3  # rows 0, 1 and 4: row 2 is empty already, row 3 is not allowed
    assert emptied.values().tolist() == [None, None, None, "d", None]

"""Ingest: a user's CSV is checked and bounded before acquire writes it as the raw data.

These are the pure steps, on the tests' own contract; the whole path of a CSV through the
acquire stage (delimiter, decimal commas, labels, size) is in test_acquire.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.contract import MAX_TEXT_LENGTH, MAX_VALUE_LENGTH, ColumnsParams
from {{ cookiecutter.package_name }}.data.ingest import binary_target, cap_cells, detect_delimiter
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError

CUT = f"text cells cut to {MAX_TEXT_LENGTH:,} characters"
EMPTIED = f"cells over {MAX_VALUE_LENGTH} characters made missing"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("a;b;c,d", ";"), ("a\tb\tc", "\t"), ("a|b", "|"), ("a,b;c,d", ","), ("abc", ",")],
)
def test_the_delimiter_is_the_most_frequent_one_in_the_header(
    tmp_path: Path, header: str, expected: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_text(f"{header}\n1;2,3\n", encoding="utf-8")

    assert detect_delimiter(path) == expected


def test_a_label_read_by_yaml_as_a_boolean_is_refused_with_the_fix(params: Params) -> None:
    raw = params.model_dump(mode="json")
    raw["columns"]["target_mapping"] = {True: 1, False: 0}  # what `{yes: 1, no: 0}` loads as

    with pytest.raises(ParamsError, match=r'quote them \("yes": 1\)'):
        parse_params(raw)


@pytest.mark.exercise(34)
def test_binary_target_maps_known_and_declared_labels_and_keeps_missing_ones(
    contract: ColumnsParams,
) -> None:
    declared = contract.model_copy(update={"target_mapping": {"yes": 1, "no": 0}})
    frame = pd.DataFrame(
        {declared.target: [" yes", "no ", "1.0", "0", None], "other": list("abcde")}
    )

    mapped = binary_target(frame, declared, "mine.csv")

    assert mapped[declared.target].head(4).tolist() == ["1", "0", "1", "0"]
    assert mapped[declared.target].isna().tolist() == [False] * 4 + [True]  # still missing
    assert mapped["other"].tolist() == list("abcde")  # the other columns as they were
    assert frame[declared.target].iloc[0] == " yes"  # the caller's frame is left alone


@pytest.mark.exercise(34)
def test_binary_target_refuses_labels_without_a_mapping_in_one_sentence(
    contract: ColumnsParams,
) -> None:
    frame = pd.DataFrame({contract.target: ["yes", "no", "yes", None]})

    with pytest.raises(DataError) as error:
        binary_target(frame, contract, "mine.csv")

    assert str(error.value) == (
        f"mine.csv has a target column '{contract.target}' that is not binary: it holds 'yes' "
        "(2), 'no' (1); keep two classes and map them to 1 and 0 with columns.target_mapping in "
        'params.yaml, e.g. {"yes": 1, "no": 0}.'
    )


@pytest.mark.exercise(34)
def test_binary_target_names_only_the_first_values_of_many(contract: ColumnsParams) -> None:
    frame = pd.DataFrame({contract.target: [str(i % 8) for i in range(80)]})

    with pytest.raises(DataError, match=r"'0' \(10\), .* '4' \(10\) and 3 other values;"):
        binary_target(frame, contract, "many.csv")


def test_overlong_cells_are_cut_or_made_missing_and_counted(contract: ColumnsParams) -> None:
    text, category = contract.text[0], next(iter(contract.categorical))
    number = next(iter(contract.numeric))
    allowed = contract.categorical[category].allowed[0]
    frame = pd.DataFrame(
        {
            text: ["a" * (MAX_TEXT_LENGTH + 1), "short", None],
            category: [allowed, "p" * (MAX_VALUE_LENGTH + 1), None],
            number: ["4" * 10_000, "42", None],
        }
    )

    capped, counts = cap_cells(frame, contract)

    assert capped[text].str.len().tolist()[:2] == [MAX_TEXT_LENGTH, 5]
    assert capped[category].isna().tolist() == [False, True, True]
    assert capped[number].isna().tolist() == [True, False, True]
    assert counts == {CUT: 1, EMPTIED: 2}
    assert frame[text].str.len().iloc[0] == MAX_TEXT_LENGTH + 1  # input untouched

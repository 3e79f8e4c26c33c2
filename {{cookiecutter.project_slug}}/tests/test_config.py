"""params.yaml is validated strictly: every mistake is one sentence that names the key.

The rules are tested on the tests' own params (conftest.py), so they hold whatever columns
params.yaml declares; the project's params.yaml itself must be valid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import load_params, parse_params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.settings import get_settings

from .conftest import raw_params, write_params

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def raw() -> dict:
    """The tests' own params as a plain mapping, ready to be broken by a test."""
    return raw_params()


def test_the_project_params_are_valid() -> None:
    params = load_params(ROOT / "params.yaml")

    assert params.columns.all[-1] == params.columns.target
    assert params.columns.features


@pytest.mark.stage  # holds for the shipped params.yaml only
def test_the_shipped_params_describe_the_synthetic_data() -> None:
    params = load_params(ROOT / "params.yaml")

    assert params.data.source == "synthetic"
    assert params.data.n_rows == 20000
    assert params.columns.target == "churn"
    assert params.columns.features[:2] == ["tenure_months", "monthly_charges"]
    assert params.columns.all[0] == "customer_id"
    assert params.columns.all[-1] == "churn"


def test_a_misspelt_key_is_an_error_naming_it(raw: dict) -> None:
    raw["data"]["n_rowz"] = raw["data"].pop("n_rows")

    with pytest.raises(ParamsError) as error:
        parse_params(raw)

    message = str(error.value)
    assert "data.n_rowz is not a known parameter (misspelt?)" in message
    assert "data.n_rows Field required" in message


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("data", "n_rows", 5, "data.n_rows Input should be greater than or equal to 100"),
        ("data", "source", "s3", "data.source Input should be 'synthetic' or 'csv'"),
        ("clean", "clip_quantiles", [0.9, 0.1], "0 <= low < high <= 1"),
        ("explore", "later_share", 1.5, "explore.later_share Input should be less than 1"),
    ],
)
def test_an_out_of_range_value_is_an_error_naming_it(
    raw: dict, section: str, key: str, value: object, expected: str
) -> None:
    raw[section][key] = value

    with pytest.raises(ParamsError, match="params is invalid") as error:
        parse_params(raw)

    assert expected in str(error.value)


def test_a_dirt_rate_above_one_half_is_refused(raw: dict) -> None:
    raw["data"]["dirt"]["duplicate_rate"] = 0.9

    with pytest.raises(ParamsError, match=r"data\.dirt\.duplicate_rate Input should be less"):
        parse_params(raw)


def test_csv_source_needs_a_path(raw: dict) -> None:
    raw["data"]["source"] = "csv"

    with pytest.raises(ParamsError, match=r"data\.source is 'csv' but data\.csv_path is not set"):
        parse_params(raw)


def test_a_synonym_must_point_to_an_allowed_value(raw: dict) -> None:
    category = next(iter(raw["columns"]["categorical"].values()))
    category["synonyms"] = {category["allowed"][0]: "platinum"}

    with pytest.raises(ParamsError, match=r"synonyms map to values not in allowed: \['platinum'\]"):
        parse_params(raw)


def test_a_column_cannot_have_two_roles(raw: dict) -> None:
    number = next(iter(raw["columns"]["numeric"]))
    raw["columns"]["text"] = [*raw["columns"]["text"], number]

    with pytest.raises(ParamsError, match=rf"columns \['{number}'\] are declared with more than"):
        parse_params(raw)


def test_a_range_must_be_ordered(raw: dict) -> None:
    number = next(iter(raw["columns"]["numeric"]))
    raw["columns"]["numeric"][number] = {"min": 100, "max": 18}

    with pytest.raises(ParamsError, match=rf"columns\.numeric\.{number} min \(100\.0\) is greater"):
        parse_params(raw)


@pytest.mark.parametrize("bound", [float("nan"), float("inf")])
def test_a_bound_must_be_a_finite_number(raw: dict, bound: float) -> None:
    # A NaN bound would compare False with every value: the range check would pass them all.
    number = next(iter(raw["columns"]["numeric"]))
    raw["columns"]["numeric"][number] = {"min": bound}

    with pytest.raises(ParamsError) as refused:
        parse_params(raw)

    assert str(refused.value) == (
        f"params is invalid: columns.numeric.{number}.min Input should be a finite number."
    )


def test_dirt_can_only_target_declared_columns(raw: dict) -> None:
    number = next(iter(raw["columns"]["numeric"]))
    raw["data"]["dirt"]["missing_columns"] = [number, "shoe_size"]

    with pytest.raises(ParamsError, match=r"names unknown columns \['shoe_size'\]"):
        parse_params(raw)


def test_params_must_be_a_mapping() -> None:
    with pytest.raises(ParamsError, match="must be a YAML mapping of sections, not list"):
        parse_params([1, 2])


def test_invalid_yaml_and_missing_file_are_one_sentence(tmp_path: Path) -> None:
    broken = tmp_path / "params.yaml"
    broken.write_text("data: [unclosed\n", encoding="utf-8")

    with pytest.raises(ParamsError, match=r"is not valid YAML at line 2, column 1 \(expected"):
        load_params(broken)
    broken.write_text("")
    with pytest.raises(ParamsError, match=r"params\.yaml is empty; restore it"):
        load_params(broken)
    with pytest.raises(ParamsError, match="does not exist; run commands from the project root"):
        load_params(tmp_path / "nowhere.yaml")


def test_the_params_path_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.yaml"
    write_params({**raw_params(), "seed": 1234}, other)
    monkeypatch.setenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", str(other))
    get_settings.cache_clear()

    try:
        assert load_params().seed == 1234
    finally:
        get_settings.cache_clear()

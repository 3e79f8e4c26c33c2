"""Ingest: a user's CSV is checked and bounded before acquire writes it as the raw data."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import (
    CLEANING_JSON,
    MAX_TEXT_LENGTH,
    MAX_VALUE_LENGTH,
    PROCESSED_DATA,
    RAW_DATA,
    Params,
    parse_params,
)
from {{ cookiecutter.package_name }}.data import acquire, clean, transformers, validate
from {{ cookiecutter.package_name }}.data.ingest import binary_target, cap_cells, detect_delimiter
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError

from ..conftest import require_exercises

MINE = Path("data/external/mine.csv")
CUT = f"text cells cut to {MAX_TEXT_LENGTH:,} characters"
EMPTIED = f"cells over {MAX_VALUE_LENGTH} characters made missing"


def with_data(params: Params, **data: object) -> Params:
    """The params reading data/external/mine.csv, with other data.* and columns.* changes."""
    columns = {key: data.pop(key) for key in ("decimal", "target_mapping") if key in data}
    changed = params.data.model_copy(update={"source": "csv", "csv_path": MINE, **data})
    return params.model_copy(
        update={"data": changed, "columns": params.columns.model_copy(update=columns)}
    )


def user_frame(params: Params, n_rows: int = 300) -> pd.DataFrame:
    """A dirty raw frame as a user's CSV would hold it (all text)."""
    frame, _ = acquire.generate(n_rows, params.data.dirt, params.columns, seed=5)
    return frame


def write_mine(frame: pd.DataFrame, **to_csv: object) -> None:
    """Write the frame as the user's CSV, with pandas' to_csv options."""
    MINE.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(MINE, index=False, **to_csv)


# --- Item 7: delimiter and decimal mark.


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


def test_a_european_export_is_read_with_its_delimiter_and_decimal_commas(
    project_dir: Path, params: Params
) -> None:
    frame = user_frame(params)
    frame["monthly_charges"] = frame["monthly_charges"].str.replace(".", ",", regex=False)
    write_mine(frame, sep=";")
    europe = with_data(params, decimal=",")

    summary = acquire.run(europe)
    raw = files.read_raw_csv(RAW_DATA, params.columns)
    rows, _ = clean.clean_rows(raw, europe.columns)
    cleaner = transformers.build_cleaner(europe.columns, europe.clean)
    numbers = cleaner.named_steps["numbers"].fit_transform(rows[list(europe.columns.numeric)])

    assert summary["rows"] == 300
    assert raw["monthly_charges"].tolist() == frame["monthly_charges"].tolist()
    expected = pd.to_numeric(rows["monthly_charges"].str.replace(",", ".", regex=False))
    pd.testing.assert_series_equal(numbers["monthly_charges"], expected, check_names=False)


def test_a_declared_delimiter_that_does_not_fit_says_which_one_does(
    project_dir: Path, params: Params
) -> None:
    write_mine(user_frame(params), sep=";")

    with pytest.raises(DataError) as error:
        acquire.run(with_data(params, csv_delimiter=","))

    assert str(error.value) == (
        f"{MINE} seems to use the semicolon as delimiter; set data.csv_delimiter to ';' "
        "(or auto) in params.yaml, or save it with commas."
    )


# --- Item 8: the target must be binary.


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["yes", "no", "no"], "it holds 'no' (200), 'yes' (100); keep two classes"),
        (["True", "False", "True"], "it holds 'True' (200), 'False' (100)"),
        (["0", "1", "2"], "it holds '0' (100), '1' (100), '2' (100)"),
    ],
    ids=["yes-no", "true-false", "three-classes"],
)
def test_a_target_that_is_not_binary_is_refused_at_ingest_naming_its_values(
    project_dir: Path, params: Params, labels: list[str], expected: str
) -> None:
    frame = user_frame(params)
    frame["churn"] = labels * 100
    write_mine(frame)

    with pytest.raises(DataError) as error:
        acquire.run(with_data(params))

    assert f"{MINE} has a target column 'churn' that is not binary" in str(error.value)
    assert expected in str(error.value)
    assert str(error.value).endswith(
        'columns.target_mapping in params.yaml, e.g. {"yes": 1, "no": 0}.'
    )
    assert not RAW_DATA.exists()


def test_declared_labels_are_mapped_to_1_and_0(project_dir: Path, params: Params) -> None:
    frame = user_frame(params)
    frame["churn"] = [" yes", "no", None] * 100
    write_mine(frame)

    summary = acquire.run(with_data(params, target_mapping={"yes": 1, "no": 0}))

    raw = files.read_raw_csv(RAW_DATA, params.columns)
    assert raw["churn"].value_counts().to_dict() == {"1": 100, "0": 100}
    assert raw["churn"].isna().sum() == 100  # a missing target stays missing: cleaning drops it
    assert summary["churn rate"] == 0.5


def test_zero_and_one_written_as_floats_are_the_same_labels(
    project_dir: Path, params: Params
) -> None:
    # pandas writes a 0/1 column holding a missing value as 0.0/1.0: the labels are the same.
    frame = user_frame(params)
    frame["churn"] = ["1.0", "0.0", "0"] * 100
    write_mine(frame)

    acquire.run(with_data(params))

    assert files.read_raw_csv(RAW_DATA, params.columns)["churn"].tolist() == ["1", "0", "0"] * 100


def test_a_label_read_by_yaml_as_a_boolean_is_refused_with_the_fix(params: Params) -> None:
    raw = params.model_dump(mode="json")
    raw["columns"]["target_mapping"] = {True: 1, False: 0}  # what `{yes: 1, no: 0}` loads as

    with pytest.raises(ParamsError, match=r'quote them \("yes": 1\)'):
        parse_params(raw)


def test_binary_target_names_only_the_first_values_of_many(params: Params) -> None:
    frame = pd.DataFrame({"churn": [str(i % 8) for i in range(80)]})

    with pytest.raises(DataError, match=r"'0' \(10\), .* '4' \(10\) and 3 other values;"):
        binary_target(frame, params.columns, "many.csv")


# --- Item 10: overlong cells are bounded at ingest.


def test_overlong_cells_are_cut_or_made_missing_and_counted(params: Params) -> None:
    frame = pd.DataFrame(
        {
            "support_message": ["a" * (MAX_TEXT_LENGTH + 1), "short", None],
            "plan": ["basic", "p" * (MAX_VALUE_LENGTH + 1), None],
            "age": ["4" * 10_000, "42", None],
        }
    )

    capped, counts = cap_cells(frame, params.columns)

    assert capped["support_message"].str.len().tolist()[:2] == [MAX_TEXT_LENGTH, 5]
    assert capped["plan"].isna().tolist() == [False, True, True]
    assert capped["age"].isna().tolist() == [True, False, True]
    assert counts == {CUT: 1, EMPTIED: 2}
    assert frame["support_message"].str.len().iloc[0] == MAX_TEXT_LENGTH + 1  # input untouched


def test_megabyte_cells_cannot_hang_the_stages(project_dir: Path, params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    frame = user_frame(params, n_rows=200)
    frame.loc[:39, "support_message"] = "too long " * 30_000  # 270 kB per cell
    frame.loc[0, "country"] = "x" * 1_000_000
    frame.loc[1, "monthly_charges"] = "9" * 1_000_000
    write_mine(frame)
    start = time.perf_counter()

    summary = acquire.run(with_data(params))
    clean_summary = clean.run(params)
    validate.run(params, "raw")

    assert time.perf_counter() - start < 60  # hours before the cap
    assert (summary[CUT], summary[EMPTIED]) == (40, 2)
    assert files.read_raw_csv(RAW_DATA, params.columns)["support_message"].str.len().max() == 5000
    assert clean_summary["rows in"] == 200
    assert pd.read_parquet(PROCESSED_DATA)["support_message"].str.len().max() == 5000
    report = json.loads(CLEANING_JSON.read_text(encoding="utf-8"))
    assert report["columns"]["monthly_charges"]["imputed"] >= 1


def test_a_csv_above_the_size_limit_is_refused_before_it_is_read(
    project_dir: Path, params: Params
) -> None:
    frame = user_frame(params)
    frame["support_message"] = "x" * 5000  # 300 rows: 1.5 MB
    write_mine(frame)

    with pytest.raises(DataError) as error:
        acquire.run(with_data(params, max_csv_mb=1))

    assert f"{MINE} is 1 MB, more than data.max_csv_mb (1); raise data.max_csv_mb" in str(
        error.value
    )

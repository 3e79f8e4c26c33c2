"""The acquire stage: the synthetic rows or your CSV, with the feedback rows, as the raw data.

Runs of the synthetic source use the shipped params (`shipped_params`, `project_dir`): the
generator makes the shipped columns. Runs on a user's CSV build it from the tests' own contract
(`params`), as a learner's data would be: data/ingest.py checks and bounds it on the way in.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import MAX_TEXT_LENGTH, MAX_VALUE_LENGTH, ColumnsParams
from {{ cookiecutter.package_name }}.data import clean, transformers, validate
from {{ cookiecutter.package_name }}.data.acquire import run
from {{ cookiecutter.package_name }}.data.synthetic import generate
from {{ cookiecutter.package_name }}.data.synthetic_customers import RAW_COLUMNS
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.paths import CLEANING_JSON, FEEDBACK_DATA, PROCESSED_DATA, RAW_DATA

from ..conftest import raw_frame, raw_row, require_exercises

MINE = Path("data/external/mine.csv")
CUT = f"text cells cut to {MAX_TEXT_LENGTH:,} characters"
EMPTIED = f"cells over {MAX_VALUE_LENGTH} characters made missing"


def csv_source(params: Params, path: Path = MINE, **data: object) -> Params:
    """The params reading the given CSV, with other data.* and columns.* changes."""
    columns = {key: data.pop(key) for key in ("decimal", "target_mapping") if key in data}
    changed = params.data.model_copy(update={"source": "csv", "csv_path": path, **data})
    return params.model_copy(
        update={"data": changed, "columns": params.columns.model_copy(update=columns)}
    )


def user_frame(contract: ColumnsParams, n_rows: int = 300) -> pd.DataFrame:
    """A user's CSV of the tests' contract, as read (all text)."""
    return raw_frame(contract, [raw_row(contract, i) for i in range(n_rows)])


def write_mine(frame: pd.DataFrame, **to_csv: object) -> None:
    """Write the frame as the user's CSV, with pandas' to_csv options."""
    MINE.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(MINE, index=False, **to_csv)


# --- The synthetic source.


def test_run_writes_the_raw_csv_and_summarises_it(
    project_dir: Path, shipped_params: Params
) -> None:
    summary = run(shipped_params)

    written = files.read_raw_csv(RAW_DATA, shipped_params.columns)
    expected, counts = generate(
        2000, shipped_params.data.dirt, shipped_params.columns, shipped_params.seed
    )
    pd.testing.assert_frame_equal(written, expected)
    assert summary["source"] == "synthetic"
    assert summary["rows"] == 2000
    assert summary["columns"] == len(RAW_COLUMNS)
    assert summary["path"] == "data/raw/customers.csv"
    # Within rounding: a share such as 0.2525 rounds either way, by the float it is stored as.
    assert summary["churn rate"] == pytest.approx((expected["churn"] == "1").mean(), abs=0.001)
    assert summary["injected duplicate rows"] == counts["duplicate rows"] == 40
    assert summary["injected missing cells (age)"] == counts["missing cells"]["age"]


def test_run_appends_the_production_feedback_rows(
    project_dir: Path, shipped_params: Params
) -> None:
    require_exercises(34)  # the feedback's labels are mapped to 0 and 1
    feedback, _ = generate(120, shipped_params.data.dirt, shipped_params.columns, seed=9)
    files.write_csv(FEEDBACK_DATA, feedback)

    summary = run(shipped_params)

    written = files.read_raw_csv(RAW_DATA, shipped_params.columns)
    generated, _ = generate(
        2000, shipped_params.data.dirt, shipped_params.columns, shipped_params.seed
    )
    assert summary["rows"] == len(written) == 2120
    assert summary["feedback rows"] == 120
    pd.testing.assert_frame_equal(written.tail(120).reset_index(drop=True), feedback)
    pd.testing.assert_frame_equal(written.head(2000), generated)


def test_a_feedback_file_with_a_wrong_column_is_one_sentence(
    project_dir: Path, shipped_params: Params
) -> None:
    feedback, _ = generate(50, shipped_params.data.dirt, shipped_params.columns, seed=9)
    files.write_csv(FEEDBACK_DATA, feedback.drop(columns=["age"]))

    with pytest.raises(
        DataError, match=r"data/feedback/customers.csv lacks the declared columns \['age'\]"
    ):
        run(shipped_params)

    assert not RAW_DATA.exists()


# --- Your CSV: data/ingest.py's checks, through the stage.


def test_run_copies_a_user_csv(project_dir: Path, params: Params) -> None:
    require_exercises(34)  # your CSV's labels are mapped to 0 and 1
    write_mine(user_frame(params.columns))

    summary = run(csv_source(params))

    assert RAW_DATA.read_bytes() == MINE.read_bytes()
    assert summary["source"] == "csv"
    assert summary["input"] == str(MINE)
    assert summary["rows"] == 300
    assert not any(key.startswith("injected") for key in summary)


@pytest.mark.parametrize(
    ("content", "encoding", "expected"),
    [
        (None, "utf-8", "does not exist"),
        ("", "utf-8", "is empty"),
        # Split at its semicolons (data.csv_delimiter: auto), the header lacks most columns.
        ("{id};{target}\nA000001;0\n", "utf-8", "lacks the declared columns ['{time}'"),
        ("{header}\nA000001\n", "utf-8", "has a row (row 2, counting the"),
        ("{id},{time}\nA000001,2021-01-01\n", "utf-8", "has no target column '{target}'"),
        ("{id},pr\u00e9nom,{target}\nA000001,L\u00e9a,0\n", "latin-1", "is not UTF-8"),
        ("folder", "utf-8", "is a folder, not a CSV file"),
    ],
    ids=["missing", "empty", "semicolons", "short-row", "no-target", "latin-1", "folder"],
)
def test_a_bad_user_csv_is_one_sentence_and_keeps_the_previous_raw_data(
    project_dir: Path, params: Params, content: str | None, encoding: str, expected: str
) -> None:
    require_exercises(34)  # the good CSV's labels are mapped to 0 and 1
    contract = params.columns
    names = {"id": contract.id, "time": contract.time, "target": contract.target}
    names["header"] = ",".join(contract.all)
    good = Path("data/external/good.csv")
    good.parent.mkdir(parents=True)
    user_frame(contract).to_csv(good, index=False)
    run(csv_source(params, good))
    before = RAW_DATA.read_bytes()
    if content == "folder":
        MINE.mkdir(parents=True)
    elif content is not None:
        MINE.write_bytes(content.format(**names).encode(encoding))

    with pytest.raises(DataError) as error:
        run(csv_source(params))

    assert expected.format(**names) in str(error.value)
    assert str(MINE) in str(error.value)
    assert RAW_DATA.read_bytes() == before


def test_a_european_export_is_read_with_its_delimiter_and_decimal_commas(
    project_dir: Path, params: Params
) -> None:
    require_exercises(34)  # your CSV's labels are mapped to 0 and 1
    frame = user_frame(params.columns)
    numeric = list(params.columns.numeric)
    frame[numeric] = frame[numeric].apply(lambda values: values.str.replace(".", ",", regex=False))
    write_mine(frame, sep=";")
    europe = csv_source(params, decimal=",")

    summary = run(europe)
    raw = files.read_raw_csv(RAW_DATA, params.columns)
    rows, _ = clean.clean_rows(raw, europe.columns)
    cleaner = transformers.build_cleaner(europe.columns, europe.clean)
    numbers = cleaner.named_steps["numbers"].fit_transform(rows[numeric])

    assert summary["rows"] == 300
    for name in numeric:
        assert raw[name].tolist() == frame[name].tolist()
        expected = pd.to_numeric(rows[name].str.replace(",", ".", regex=False))
        pd.testing.assert_series_equal(numbers[name], expected, check_names=False)


def test_a_declared_delimiter_that_does_not_fit_says_which_one_does(
    project_dir: Path, params: Params
) -> None:
    write_mine(user_frame(params.columns), sep=";")

    with pytest.raises(DataError) as error:
        run(csv_source(params, csv_delimiter=","))

    assert str(error.value) == (
        f"{MINE} seems to use the semicolon as delimiter; set data.csv_delimiter to ';' "
        "(or auto) in params.yaml, or save it with commas."
    )


@pytest.mark.exercise(34)
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
    target = params.columns.target
    frame = user_frame(params.columns)
    frame[target] = labels * 100
    write_mine(frame)

    with pytest.raises(DataError) as error:
        run(csv_source(params))

    assert f"{MINE} has a target column '{target}' that is not binary" in str(error.value)
    assert expected in str(error.value)
    assert str(error.value).endswith(
        'columns.target_mapping in params.yaml, e.g. {"yes": 1, "no": 0}.'
    )
    assert not RAW_DATA.exists()


@pytest.mark.exercise(34)
def test_declared_labels_are_mapped_to_1_and_0(project_dir: Path, params: Params) -> None:
    target = params.columns.target
    frame = user_frame(params.columns)
    frame[target] = [" yes", "no", None] * 100
    write_mine(frame)

    summary = run(csv_source(params, target_mapping={"yes": 1, "no": 0}))

    raw = files.read_raw_csv(RAW_DATA, params.columns)
    assert raw[target].value_counts().to_dict() == {"1": 100, "0": 100}
    assert raw[target].isna().sum() == 100  # a missing target stays missing: cleaning drops it
    assert summary["churn rate"] == 0.5


@pytest.mark.exercise(34)
def test_zero_and_one_written_as_floats_are_the_same_labels(
    project_dir: Path, params: Params
) -> None:
    # pandas writes a 0/1 column holding a missing value as 0.0/1.0: the labels are the same.
    target = params.columns.target
    frame = user_frame(params.columns)
    frame[target] = ["1.0", "0.0", "0"] * 100
    write_mine(frame)

    run(csv_source(params))

    assert files.read_raw_csv(RAW_DATA, params.columns)[target].tolist() == ["1", "0", "0"] * 100


def test_megabyte_cells_cannot_hang_the_stages(project_dir: Path, params: Params) -> None:
    require_exercises(1, 9, 10, 34)  # the stages clip, repair typos, count; labels 0/1
    contract = params.columns
    text, category, number = (
        contract.text[0],
        next(iter(contract.categorical)),
        next(iter(contract.numeric)),
    )
    frame = user_frame(contract, n_rows=200)
    frame.loc[:39, text] = "too long " * 30_000  # 270 kB per cell
    frame.loc[0, category] = "x" * 1_000_000
    frame.loc[1, number] = "9" * 1_000_000
    write_mine(frame)
    start = time.perf_counter()

    summary = run(csv_source(params))
    clean_summary = clean.run(params)
    validate.run(params, "raw")

    assert time.perf_counter() - start < 60  # hours before the cap
    assert (summary[CUT], summary[EMPTIED]) == (40, 2)
    assert files.read_raw_csv(RAW_DATA, contract)[text].str.len().max() == MAX_TEXT_LENGTH
    assert clean_summary["rows in"] == 200
    assert pd.read_parquet(PROCESSED_DATA)[text].str.len().max() == MAX_TEXT_LENGTH
    report = json.loads(CLEANING_JSON.read_text(encoding="utf-8"))
    assert report["columns"][number]["imputed"] >= 1


def test_a_csv_above_the_size_limit_is_refused_before_it_is_read(
    project_dir: Path, params: Params
) -> None:
    frame = user_frame(params.columns)
    frame[params.columns.text[0]] = "x" * 5000  # 300 rows: 1.5 MB
    write_mine(frame)

    with pytest.raises(DataError) as error:
        run(csv_source(params, max_csv_mb=1))

    assert f"{MINE} is 1 MB, more than data.max_csv_mb (1); raise data.max_csv_mb" in str(
        error.value
    )

"""Raw CSV files are checked against the contract, and every write is atomic."""

from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import METRICS_JSON, MODEL_CARD, Params
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.files import (
    atomic_dir,
    atomic_path,
    read_json,
    read_raw_csv,
    write_json,
    write_refusal,
)


@pytest.fixture
def header(params: Params) -> str:
    """The header line a valid raw CSV starts with."""
    return ",".join(params.columns.all)


def one_row(params: Params) -> str:
    """A valid data line matching the contract's columns."""
    values = {
        "customer_id": "C0000001",
        "signup_date": "2021-03-14",
        "plan": "basic",
        "contract": "one_year",
        "payment_method": "paypal",
        "country": "France",
        "support_message": "all good",
        "churn": "0",
    }
    return ",".join(values.get(name, "1") for name in params.columns.all)


def test_a_valid_csv_is_read_as_text(tmp_path: Path, params: Params, header: str) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(f"{header}\n{one_row(params)}\n", encoding="utf-8")

    frame = read_raw_csv(path, params.columns)

    assert list(frame.columns) == params.columns.all
    assert frame.loc[0, "age"] == "1"
    assert frame.loc[0, "churn"] == "0"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (b"customer_id;churn\nC1;0\n", "set data.csv_delimiter to ';' (or auto)"),
        (b"customer_id\tchurn\nC1\t0\n", "seems to use the tab as delimiter"),
        (b"customer_id,age\nC1,3\n", "has no target column 'churn'"),
        (b"customer_id,churn\nC1,0\n", "lacks the declared columns ['signup_date'"),
        ("Pr\u00e9nom,churn\n".encode("latin-1"), "is not UTF-8 text"),
        ("customer_id,churn\n".encode("utf-16"), "is UTF-16 text"),
        ("customer_id,churn\n".encode("utf-16-be"), "is UTF-16 text"),
        (b"customer_id,churn\nC1,\x00\x00\n", "is binary data (it holds NUL bytes)"),
        (b"PAR1\x15\x04\x15\x80", "is a Parquet file"),
        (gzip.compress(b"customer_id,churn\n"), "is gzip-compressed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old Excel (.xls) workbook"),
        (b"customer_id,churn,customer_id\nC1,0,C1\n", "has the column 'customer_id' 2 times"),
        (b"customer_id,,churn\nC1,x,0\n", "has a column without a name (column 2"),
        (b"x" * 200_000 + b",churn\n1,0\n", "has a header that could not be read (field larger"),
    ],
)
def test_a_bad_csv_is_one_sentence(
    tmp_path: Path, params: Params, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(DataError) as error:
        read_raw_csv(path, params.columns)

    assert expected in str(error.value)
    assert str(path) in str(error.value)


def test_a_folder_is_not_a_csv_file(tmp_path: Path, params: Params) -> None:
    with pytest.raises(DataError, match=r"is a folder, not a CSV file; point to the CSV file"):
        read_raw_csv(tmp_path, params.columns)


def test_a_pipe_is_not_a_regular_file(tmp_path: Path, params: Params) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would block for ever

    with pytest.raises(DataError, match=r"pipe\.csv is not a regular file"):
        read_raw_csv(fifo, params.columns)


def test_an_unreadable_file_names_its_permissions(
    tmp_path: Path, params: Params, header: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.csv"
    path.write_text(f"{header}\n", encoding="utf-8")

    # Tests run as root, who may read any file: the refusal is simulated where it happens.
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)

    with pytest.raises(DataError, match=r"locked\.csv cannot be read \(Permission denied\); check"):
        read_raw_csv(path, params.columns)


def test_an_xlsx_workbook_renamed_csv_is_named(tmp_path: Path, params: Params) -> None:
    path = tmp_path / "export.csv"
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")

    with pytest.raises(DataError, match=r"is a zip archive \(an \.xlsx workbook is one\)"):
        read_raw_csv(path, params.columns)


def test_a_bom_crlf_and_quoted_newlines_are_read(
    tmp_path: Path, params: Params, header: str
) -> None:
    row = one_row(params).replace("all good", '"all\r\ngood, really"')
    path = tmp_path / "excel.csv"
    path.write_bytes(f"\ufeff{header}\r\n{row}\r\n{one_row(params)}\r\n".encode())

    frame = read_raw_csv(path, params.columns)

    assert list(frame.columns) == params.columns.all
    assert frame["support_message"].tolist() == ["all\r\ngood, really", "all good"]
    assert frame["churn"].tolist() == ["0", "0"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("1", "has a row (row 3, counting the header as row 1) of 1 cell where the header has"),
        (",1" * 20, "of 35 cells where the header has 15"),
    ],
    ids=["short", "long"],
)
def test_a_ragged_row_is_named_when_whole_rows_are_required(
    tmp_path: Path, params: Params, header: str, extra: str, expected: str
) -> None:
    path = tmp_path / "ragged.csv"
    ragged = extra if extra == "1" else one_row(params) + extra
    path.write_text(f"{header}\n{one_row(params)}\n{ragged}\n", encoding="utf-8")

    with pytest.raises(DataError, match="a value holding the delimiter needs quotes") as error:
        read_raw_csv(path, params.columns, whole_rows=True)

    assert expected in str(error.value)


def test_a_row_with_too_many_cells_is_one_sentence(
    tmp_path: Path, params: Params, header: str
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"{header}\n{one_row(params)}\n{one_row(params)},extra\n", encoding="utf-8")

    with pytest.raises(DataError) as error:
        read_raw_csv(path, params.columns)

    assert str(error.value) == (
        f"{path} could not be parsed as CSV (Error tokenizing data. C error: Expected 15 fields "
        "in line 3, saw 16); check the quotes and delimiters of that line."
    )


def test_an_undeclared_column_is_refused(tmp_path: Path, params: Params, header: str) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(f"{header},shoe_size\n{one_row(params)},42\n", encoding="utf-8")

    with pytest.raises(DataError, match=r"columns of unknown type \['shoe_size'\]"):
        read_raw_csv(path, params.columns)


def test_a_header_without_rows_is_refused(tmp_path: Path, params: Params, header: str) -> None:
    path = tmp_path / "header.csv"
    path.write_text(header + "\n", encoding="utf-8")

    with pytest.raises(DataError, match="has a header but no rows"):
        read_raw_csv(path, params.columns)


def test_a_missing_file_is_named(tmp_path: Path, params: Params) -> None:
    with pytest.raises(DataError, match=r"nowhere\.csv does not exist"):
        read_raw_csv(tmp_path / "nowhere.csv", params.columns)


def test_a_failed_write_leaves_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_json(target, {"good": 1})

    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half-written")
        raise RuntimeError("the stage crashed")

    assert target.read_text() == '{\n  "good": 1\n}\n'
    assert [path.name for path in tmp_path.iterdir()] == ["report.json"]


def test_json_is_deterministic(tmp_path: Path) -> None:
    write_json(tmp_path / "a.json", {"b": 2, "a": 1})
    write_json(tmp_path / "b.json", {"a": 1, "b": 2})

    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_atomic_path_keeps_the_suffix(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "data.parquet") as tmp:
        assert tmp.suffix == ".parquet"
        pd.DataFrame({"a": [1]}).to_parquet(tmp)

    assert pd.read_parquet(tmp_path / "data.parquet")["a"].tolist() == [1]


def test_an_atomic_folder_is_replaced_whole(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "stale.png").write_text("a figure this run does not draw")

    with atomic_dir(folder) as tmp:
        (tmp / "new.png").write_text("drawn")

    assert sorted(path.name for path in folder.iterdir()) == ["new.png"]
    assert [path.name for path in tmp_path.iterdir()] == ["figures"]


def test_a_failed_folder_write_leaves_the_previous_folder(tmp_path: Path) -> None:
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "old.png").write_text("last good run")

    with pytest.raises(RuntimeError), atomic_dir(folder) as tmp:
        (tmp / "new.png").write_text("half of a run")
        raise RuntimeError("the stage crashed")

    assert [path.name for path in folder.iterdir()] == ["old.png"]
    assert (folder / "old.png").read_text() == "last good run"
    assert [path.name for path in tmp_path.iterdir()] == ["figures"]


def test_a_refused_run_replaces_the_reports_and_is_refused_when_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    report, card = METRICS_JSON, MODEL_CARD
    write_json(report, {"roc_auc": 0.9})
    card.write_text("# Last good run\n")

    write_refusal(report, "evaluate", "models/model.skops does not exist.")
    write_refusal(card, "evaluate", "models/model.skops does not exist.")

    assert card.read_text() == (
        "# The evaluate stage was refused\n\nmodels/model.skops does not exist.\n"
    )
    with pytest.raises(DataError) as refused:
        read_json(report)
    assert str(refused.value) == (
        f"{report} records a refused run of `{{ cookiecutter.project_slug }} model evaluate`: "
        "models/model.skops does not exist."
    )

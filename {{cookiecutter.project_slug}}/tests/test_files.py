"""Raw CSV files are checked against the contract, and every write is atomic.

The CSVs are built from the tests' own contract (conftest.py), never from params.yaml.
"""

from __future__ import annotations

import gzip
import os
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.files import (
    atomic_dir,
    atomic_path,
    read_json,
    read_parquet,
    read_raw_csv,
    write_json,
    write_refusal,
)
from {{ cookiecutter.package_name }}.paths import INTERIM_DATA, METRICS_JSON, MODEL_CARD

from .conftest import make_params, raw_row

# The tests' contract at import time, for the parametrized files below (tests take `contract`).
CONTRACT = make_params().columns
ID, TARGET = CONTRACT.id, CONTRACT.target
WIDTH = len(CONTRACT.all)  # cells in a whole row


@pytest.fixture
def header(contract: ColumnsParams) -> str:
    """The header line a valid raw CSV starts with."""
    return ",".join(contract.all)


def line(contract: ColumnsParams, i: int = 0, **changes: str) -> str:
    """Record i of a valid raw CSV (conftest.raw_row) as one data line."""
    row = raw_row(contract, i, **changes)
    return ",".join(row[name] for name in contract.all)


def test_a_valid_csv_is_read_as_text(tmp_path: Path, contract: ColumnsParams, header: str) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(f"{header}\n{line(contract)}\n", encoding="utf-8")

    frame = read_raw_csv(path, contract)

    assert list(frame.columns) == contract.all
    assert frame.iloc[0].to_dict() == raw_row(contract, 0)  # "25.00" stays text
    assert frame.loc[0, contract.target] == "0"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"\n\n", "is empty"),
        (f"{ID};{TARGET}\nA1;0\n".encode(), "set data.csv_delimiter to ';' (or auto)"),
        (f"{ID}\t{TARGET}\nA1\t0\n".encode(), "seems to use the tab as delimiter"),
        (f"{ID},age\nA1,3\n".encode(), f"has no target column '{TARGET}'"),
        (
            f"{ID},{TARGET}\nA1,0\n".encode(),
            f"lacks the declared columns {[n for n in CONTRACT.all if n not in (ID, TARGET)]}; "
            "add them to the file or remove them from columns: in params.yaml.",
        ),
        (f"Pr\u00e9nom,{TARGET}\n".encode("latin-1"), "is not UTF-8 text"),
        (f"{ID},{TARGET}\n".encode("utf-16"), "is UTF-16 text"),
        (f"{ID},{TARGET}\n".encode("utf-16-be"), "is UTF-16 text"),
        (f"{ID},{TARGET}\nA1,\x00\x00\n".encode(), "is binary data (it holds NUL bytes)"),
        (b"PAR1\x15\x04\x15\x80", "is a Parquet file"),
        # mtime=0: the same bytes (and test id) in every process, as pytest-xdist requires.
        (gzip.compress(f"{ID},{TARGET}\n".encode(), mtime=0), "is gzip-compressed"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old Excel (.xls) workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is a PNG image, not CSV text"),
        (f"{ID},{TARGET},{ID}\nA1,0,A1\n".encode(), f"has the column '{ID}' 2 times"),
        (f"{ID},,{TARGET}\nA1,x,0\n".encode(), "has a column without a name (column 2"),
        (
            b"x" * 200_000 + f",{TARGET}\n1,0\n".encode(),
            "has a header that could not be read (field larger",
        ),
    ],
)
def test_a_bad_csv_is_one_sentence(
    tmp_path: Path, contract: ColumnsParams, content: bytes, expected: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(DataError) as error:
        read_raw_csv(path, contract)

    assert expected in str(error.value)
    assert str(path) in str(error.value)


def test_a_folder_is_not_a_csv_file(tmp_path: Path, contract: ColumnsParams) -> None:
    with pytest.raises(DataError, match=r"is a folder, not a CSV file; point to the CSV file"):
        read_raw_csv(tmp_path, contract)


def test_a_pipe_is_not_a_regular_file(tmp_path: Path, contract: ColumnsParams) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # reading it would block for ever

    with pytest.raises(DataError, match=r"pipe\.csv is not a regular file"):
        read_raw_csv(fifo, contract)


def test_an_unreadable_file_names_its_permissions(
    tmp_path: Path, contract: ColumnsParams, header: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "locked.csv"
    path.write_text(f"{header}\n", encoding="utf-8")

    # Tests run as root, who may read any file: the refusal is simulated where it happens.
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)

    with pytest.raises(DataError, match=r"locked\.csv cannot be read \(Permission denied\); check"):
        read_raw_csv(path, contract)


def test_an_xlsx_workbook_renamed_csv_is_named(tmp_path: Path, contract: ColumnsParams) -> None:
    path = tmp_path / "export.csv"
    with zipfile.ZipFile(path, "w") as workbook:
        workbook.writestr("xl/workbook.xml", "<workbook/>")

    with pytest.raises(DataError, match=r"is a zip archive \(an \.xlsx workbook is one\)"):
        read_raw_csv(path, contract)


def test_a_bom_crlf_and_quoted_newlines_are_read(
    tmp_path: Path, contract: ColumnsParams, header: str
) -> None:
    note = contract.text[0]
    quoted = line(contract, 0, **{note: '"all\r\ngood, really"'})
    path = tmp_path / "excel.csv"
    path.write_bytes(f"\ufeff{header}\r\n{quoted}\r\n{line(contract, 2)}\r\n".encode())

    frame = read_raw_csv(path, contract)

    assert list(frame.columns) == contract.all
    assert frame[note].tolist() == ["all\r\ngood, really", raw_row(contract, 2)[note]]
    assert frame[contract.target].tolist() == ["0", "0"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("1", "has a row (row 3, counting the header as row 1) of 1 cell where the header has"),
        (",1" * 20, f"of {WIDTH + 20} cells where the header has {WIDTH}"),
    ],
    ids=["short", "long"],
)
def test_a_ragged_row_is_named_when_whole_rows_are_required(
    tmp_path: Path, contract: ColumnsParams, header: str, extra: str, expected: str
) -> None:
    path = tmp_path / "ragged.csv"
    ragged = extra if extra == "1" else line(contract, 1) + extra
    path.write_text(f"{header}\n{line(contract)}\n{ragged}\n", encoding="utf-8")

    with pytest.raises(DataError, match="a value holding the delimiter needs quotes") as error:
        read_raw_csv(path, contract, whole_rows=True)

    assert expected in str(error.value)


def test_an_unclosed_quote_is_named_by_its_row(
    tmp_path: Path, contract: ColumnsParams, header: str
) -> None:
    path = tmp_path / "unclosed.csv"
    path.write_text(f'{header}\n{line(contract)}\n"{line(contract, 1)}\n{line(contract, 2)}\n')

    with pytest.raises(DataError) as error:
        read_raw_csv(path, contract, whole_rows=True)

    assert str(error.value) == (
        f"{path} has a row (row 3, counting the header as row 1) of 1 cell where the header "
        f"has {WIDTH}; fix that row (a value holding the delimiter needs quotes, and a quote "
        "its closing one) and try again."
    )


def test_a_row_with_too_many_cells_is_one_sentence(
    tmp_path: Path, contract: ColumnsParams, header: str
) -> None:
    path = tmp_path / "long.csv"
    path.write_text(f"{header}\n{line(contract)}\n{line(contract, 1)},extra\n", encoding="utf-8")

    with pytest.raises(DataError) as error:
        read_raw_csv(path, contract)

    assert str(error.value) == (
        f"{path} could not be parsed as CSV (Error tokenizing data. C error: Expected "
        f"{WIDTH} fields in line 3, saw {WIDTH + 1}); check the quotes and delimiters of that line."
    )


def test_an_undeclared_column_is_refused(
    tmp_path: Path, contract: ColumnsParams, header: str
) -> None:
    path = tmp_path / "extra.csv"
    path.write_text(f"{header},shoe_size\n{line(contract)},42\n", encoding="utf-8")

    with pytest.raises(DataError, match=r"columns of unknown type \['shoe_size'\]"):
        read_raw_csv(path, contract)


def test_a_header_without_rows_is_refused(
    tmp_path: Path, contract: ColumnsParams, header: str
) -> None:
    path = tmp_path / "header.csv"
    path.write_text(header + "\n", encoding="utf-8")

    with pytest.raises(DataError, match="has a header but no rows"):
        read_raw_csv(path, contract)


def test_a_missing_file_is_named(tmp_path: Path, contract: ColumnsParams) -> None:
    with pytest.raises(DataError, match=r"nowhere\.csv does not exist"):
        read_raw_csv(tmp_path / "nowhere.csv", contract)


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


def test_a_damaged_or_older_parquet_names_the_command_that_rewrites_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    again = "run `{{ cookiecutter.project_slug }} data clean` again."
    INTERIM_DATA.parent.mkdir(parents=True)
    pd.DataFrame({"a": [1, 2]}).to_parquet(INTERIM_DATA)

    assert read_parquet(INTERIM_DATA, ["a"])["a"].tolist() == [1, 2]
    with pytest.raises(DataError) as older:
        read_parquet(INTERIM_DATA, ["a", "churn"])
    assert str(older.value) == f"{INTERIM_DATA} lacks the columns ['churn'] of params.yaml; {again}"

    INTERIM_DATA.write_text("customer_id,churn\nA1,0\n")  # a CSV under the Parquet name
    with pytest.raises(DataError) as other:
        read_parquet(INTERIM_DATA)
    assert str(other.value) == f"{INTERIM_DATA} is cut short or not a Parquet file; {again}"

    INTERIM_DATA.unlink()
    INTERIM_DATA.mkdir()  # pandas would read a folder as an empty data set
    with pytest.raises(DataError, match=r"is a folder, not a Parquet file"):
        read_parquet(INTERIM_DATA)


def test_old_mac_line_ends_are_read(tmp_path: Path, contract: ColumnsParams, header: str) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(f"{header}\r{line(contract)}\r{line(contract, 1)}\r".encode())

    frame = read_raw_csv(path, contract, whole_rows=True)

    assert frame[ID].tolist() == [raw_row(contract, i)[ID] for i in (0, 1)]

"""The customers of a batch are checked before any scoring, then read a chunk at a time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.serving.batch_input import read_chunks

NEEDED = ["account_id", "spend", "tier"]


def customers(n: int) -> pd.DataFrame:
    """n customers with the needed columns and one the model does not need."""
    return pd.DataFrame(
        {
            "account_id": [f"A{i:04d}" for i in range(n)],
            "spend": [str(10 * i) for i in range(n)],
            "tier": ["gold" if i % 2 else "bronze" for i in range(n)],
            "unused": ["x"] * n,
        }
    )


def test_a_csv_is_read_in_chunks_of_at_most_n_rows_as_text(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    customers(25).to_csv(path, index=False)

    chunks = list(read_chunks(path, NEEDED, chunk_rows=10))

    assert [len(chunk) for chunk in chunks] == [10, 10, 5]
    assert list(chunks[0].columns) == NEEDED  # only what the model needs, in its order
    assert chunks[2]["account_id"].tolist() == [f"A{i:04d}" for i in range(20, 25)]
    assert chunks[0].loc[3, "spend"] == "30"  # text, as raw data: cleaning parses it


def test_a_parquet_file_is_read_by_record_batches(tmp_path: Path) -> None:
    path = tmp_path / "day.parquet"
    customers(25).to_parquet(path, index=False)

    chunks = list(read_chunks(path, NEEDED, chunk_rows=12))

    assert [len(chunk) for chunk in chunks] == [12, 12, 1]
    assert chunks[1]["tier"].tolist()[:2] == ["bronze", "gold"]


@pytest.mark.parametrize("name", ["day.xlsx", "day.json", "day"])
def test_another_extension_is_one_sentence(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("account_id\nA1\n")

    with pytest.raises(DataError, match=r"is neither \.csv nor \.parquet"):
        list(read_chunks(path, NEEDED, 10))


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    customers(3).drop(columns=["spend", "tier"]).to_csv(path, index=False)

    with pytest.raises(DataError, match=r"lacks the column\(s\) spend, tier, which the model"):
        list(read_chunks(path, NEEDED, 10))


def test_a_header_without_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "day.csv"
    path.write_text("account_id,spend,tier\n")

    with pytest.raises(DataError, match="holds no customers"):
        list(read_chunks(path, NEEDED, 10))


def test_an_empty_or_missing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")

    with pytest.raises(DataError, match="is empty"):
        list(read_chunks(tmp_path / "empty.csv", NEEDED, 10))
    with pytest.raises(DataError, match="does not exist"):
        list(read_chunks(tmp_path / "absent.parquet", NEEDED, 10))


def test_a_parquet_column_of_lists_is_refused_before_any_row_is_read(tmp_path: Path) -> None:
    path = tmp_path / "day.parquet"
    table = pa.table(
        {"account_id": ["A1"], "spend": [[1.0, 2.0]], "tier": ["gold"]},
    )
    pq.write_table(table, path)

    with pytest.raises(DataError, match=r"Column spend of .* holds list<.*double> values"):
        list(read_chunks(path, NEEDED, 10))


def test_a_file_that_is_not_parquet_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "day.parquet"
    path.write_text("account_id,spend\n")

    with pytest.raises(DataError, match="is not a readable Parquet file"):
        list(read_chunks(path, NEEDED, 10))

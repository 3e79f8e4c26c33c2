"""The customers of a batch, read in chunks: a CSV or Parquet file in, frames of at most N rows out.

A file of a million customers is never loaded whole: pandas reads a CSV `chunk_rows` rows at a
time and pyarrow a Parquet file by record batches of that size, so memory grows with the chunk,
not with the file. The file is checked before the first chunk is scored, each problem named in
one sentence, the way the service answers a bad record:

1. the extension says the format: .csv or .parquet, nothing else;
2. the file exists and holds the id column and every column the model needs;
3. Parquet columns hold numbers, text, dates or booleans (a list or a map is no customer field);
4. at least one row: an empty batch is a mistake upstream, not a quiet night.

A CSV is read as text, as the raw data is: parsing "1 234,50" is the pipeline's cleaning.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.errors import DataError

FORMATS = (".csv", ".parquet")


def file_format(path: Path) -> str:
    """The format of an input or output file, from its extension; a DataError for any other."""
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DataError(
            f"{path} is neither .csv nor .parquet; batch scoring reads and writes those two "
            "formats only."
        )
    return suffix


def csv_columns(path: Path) -> list[str]:
    """The header of a CSV file, after the checks that it is a readable text file."""
    files.check_text_file(path)
    return files.read_header(path, ",")


def parquet_schema(path: Path) -> pa.Schema:
    """The schema of a Parquet file (read from its footer: no row is loaded)."""
    if not path.is_file():
        raise DataError(f"{path} does not exist; write the customers to score there first.")
    try:
        return pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as error:
        reason = files.excerpt(str(error).splitlines()[0], 120)
        raise DataError(f"{path} is not a readable Parquet file ({reason}).") from None


def is_scalar(kind: pa.DataType) -> bool:
    """True for the Arrow types a customer field may have: numbers, text, dates, booleans."""
    checks = (
        pa.types.is_integer,
        pa.types.is_floating,
        pa.types.is_decimal,
        pa.types.is_string,
        pa.types.is_large_string,
        pa.types.is_boolean,
        pa.types.is_date,
        pa.types.is_timestamp,
        pa.types.is_null,
        pa.types.is_dictionary,
    )
    return any(check(kind) for check in checks)


def check_columns(path: Path, present: Sequence[str], needed: Sequence[str]) -> None:
    """A DataError naming the needed columns the file lacks."""
    missing = [name for name in needed if name not in set(present)]
    if missing:
        raise DataError(
            f"{path} lacks the column(s) {', '.join(missing)}, which the model needs; "
            "export every column of the data contract (params.yaml, columns)."
        )


def check_input(path: Path, needed: Sequence[str]) -> str:
    """Check the file's format, columns and types before any row is read; return its format."""
    kind = file_format(path)
    if kind == ".csv":
        check_columns(path, csv_columns(path), needed)
        return kind
    schema = parquet_schema(path)
    check_columns(path, schema.names, needed)
    for name in needed:
        field = schema.field(name)
        if not is_scalar(field.type):
            raise DataError(
                f"Column {name} of {path} holds {field.type} values; a customer field must "
                "hold numbers, text or dates."
            )
    return kind


def csv_chunks(path: Path, needed: Sequence[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The rows of a CSV, `chunk_rows` at a time, every needed column as text."""
    try:
        reader = pd.read_csv(
            path, dtype=str, encoding="utf-8", usecols=list(needed), chunksize=chunk_rows
        )
        with reader:
            yield from reader
    except UnicodeDecodeError:
        raise DataError(f"{path} is not UTF-8 text; save it as UTF-8 CSV and try again.") from None
    except pd.errors.ParserError as error:
        raise DataError(
            f"{path} could not be parsed as CSV ({files.parser_reason(error)}); check the "
            "quotes and delimiters of that line."
        ) from None


def parquet_chunks(path: Path, needed: Sequence[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The rows of a Parquet file, one record batch of at most `chunk_rows` at a time."""
    parquet = pq.ParquetFile(path)
    for batch in parquet.iter_batches(batch_size=chunk_rows, columns=list(needed)):
        yield batch.to_pandas()


def read_chunks(path: Path, needed: Sequence[str], chunk_rows: int) -> Iterator[pd.DataFrame]:
    """Check the file, then yield its non-empty chunks; a DataError if it holds no row at all."""
    kind = check_input(path, needed)
    reader = csv_chunks if kind == ".csv" else parquet_chunks
    rows = 0
    for chunk in reader(path, needed, chunk_rows):
        if len(chunk):
            rows += len(chunk)
            yield chunk[list(needed)]
    if rows == 0:
        raise DataError(f"{path} holds no customers (a header but no rows); nothing to score.")

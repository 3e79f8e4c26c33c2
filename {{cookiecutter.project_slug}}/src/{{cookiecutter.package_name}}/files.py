"""File input and output shared by the stages: checked CSV reading and atomic writes."""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pyarrow import csv as pa_csv

from {{ cookiecutter.package_name }}.commands import PRODUCED_BY, producer, run_first
from {{ cookiecutter.package_name }}.errors import DataError, ProjectError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from {{ cookiecutter.package_name }}.contract import ColumnsParams

# A header that parsed as one column but holds one of these was written with another delimiter.
OTHER_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Enough of a file's start to tell text from another format.
SAMPLE_BYTES = 64 * 1024
# First bytes of formats often saved or renamed as .csv by mistake.
BINARY_SIGNATURES = {
    b"PK\x03\x04": "a zip archive (an .xlsx workbook is one)",
    b"\x1f\x8b": "gzip-compressed",
    b"BZh": "bzip2-compressed",
    b"\xfd7zXZ\x00": "xz-compressed",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"PAR1": "a Parquet file",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) workbook",
    b"%PDF": "a PDF document",
    b"SQLite format 3\x00": "an SQLite database",
    b"\x89PNG\r\n\x1a\n": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
HEADER_CHARS = 1024 * 1024  # where the header must end
# The longest row read whole: text cells are cut to 5,000 characters anyway, so a longer row is
# an unclosed quote or a file whose line ends were lost, not a record. (pyarrow's block: 16 MB
# blocks read a 70 MB file four times slower than 4 MB ones.)
MAX_ROW_BYTES = 4 * 1024 * 1024
# The status of a report that records a refused run instead of results (see write_refusal).
FAILED = "failed"
# Floats in reports are rounded so that reruns give byte-identical files (and dvc.lock hashes).
DIGITS = 6


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if the block succeeds.

    A stage that fails half-way therefore leaves the previous good output in place.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Keep the suffix: pandas and matplotlib pick the format from it.
    tmp = path.with_name(f".{path.stem}.tmp-{os.getpid()}{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Yield an empty folder beside `path`; it replaces the folder `path` if the block succeeds.

    DVC keeps persisted outputs between runs, so a figure folder is rebuilt whole: a figure the new
    run does not draw cannot linger, and a failed run leaves the previous folder as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    old = path.with_name(f".{path.name}.old-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        # Two renames: the old folder is out of the way for an instant only, never half-written.
        if path.exists():
            path.rename(old)
        tmp.rename(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)


def rounded(value: Any, digits: int = DIGITS) -> Any:
    """Floats rounded and numpy values made plain, recursively, for a stable JSON report."""
    if isinstance(value, dict):
        return {str(key): rounded(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(item, digits) for item in value]
    if isinstance(value, np.ndarray):
        return [rounded(item, digits) for item in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, digits)
    return value


def write_text(path: Path, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: Path, data: Any) -> None:
    """Write pretty, key-sorted JSON atomically, so reruns give byte-identical files."""
    write_text(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a CSV file atomically."""
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a Parquet file atomically (typed and much faster to read back than CSV)."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def save_figure(path: Path, figure: Figure) -> None:
    """Save a matplotlib figure atomically and free its memory."""
    import matplotlib.pyplot as plt

    with atomic_path(path) as tmp:
        figure.savefig(tmp, dpi=100, bbox_inches="tight")
    plt.close(figure)


def read_parquet(path: Path, columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read a stage's Parquet output, holding `columns`; a missing, damaged or older one is named.

    Each refusal names the command that rewrites the file: it was cut short (a full disk, a
    copy that stopped), replaced by another file, or written before params.yaml declared a
    column it now lacks.
    """
    check_regular_file(path, "Parquet")
    again = f"; run `{producer(path)}` again" if path in PRODUCED_BY else ""
    try:
        frame = pd.read_parquet(path)
    except (pa.ArrowException, OSError):
        raise DataError(f"{path} is cut short or not a Parquet file{again}.") from None
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise DataError(f"{path} lacks the columns {missing[:5]} of params.yaml{again}.")
    return frame


def read_json(path: Path) -> Any:
    """Read a stage's JSON output, saying which command makes it when it is missing or failed."""
    if not path.exists():
        raise DataError(run_first(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("status") == FAILED:
        raise DataError(f"{path} records a refused run of `{producer(path)}`: {data.get('error')}")
    return data


def write_refusal(path: Path, stage: str, error: str) -> None:
    """Replace a report of an earlier run by the record of this refused one (JSON or Markdown).

    A report left beside a failure would describe another run: the user would read old counts
    as the reason of the refusal.
    """
    if path.suffix == ".json":
        write_json(path, {"status": FAILED, "stage": stage, "error": error})
    else:
        write_text(path, f"# The {stage} stage was refused\n\n{error}\n")


def modified_at(path: Path) -> tuple[int, int] | None:
    """A file's inode and modification time (an atomic write changes both), or None if absent."""
    if not path.exists():
        return None
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns


@contextmanager
def refusals_recorded(stage: str, reports: Sequence[Path]) -> Iterator[None]:
    """On a ProjectError, record the refusal in each of the stage's `reports` it did not rewrite.

    Left as they were, those reports would describe another run beside the failure.
    """
    before = {path: modified_at(path) for path in reports}
    try:
        yield
    except ProjectError as error:
        for path, stamp in before.items():
            if modified_at(path) == stamp:
                write_refusal(path, stage, str(error))
        raise


def read_raw_csv(
    path: Path,
    columns: ColumnsParams,
    delimiter: str = ",",
    whole_rows: bool = False,
) -> pd.DataFrame:
    """Read a raw CSV as text columns and check it against the data contract.

    Every column is read as text because raw data is dirty ("1 234,50", "FR"): parsing is
    the cleaning stage's job. Empty cells become missing values. A missing file names the
    command that makes it (commands.py), if any. With `whole_rows`, a row with fewer cells
    than the header is refused too (pandas would silently fill it up).
    """
    check_text_file(path)
    check_raw_columns(read_header(path, delimiter), columns, path)
    if whole_rows:
        check_row_lengths(path, delimiter)
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8", sep=delimiter)
    except UnicodeDecodeError:
        raise DataError(f"{path} is not UTF-8 text; save it as UTF-8 CSV and try again.") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty.") from None
    except pd.errors.ParserError as error:
        raise DataError(
            f"{path} could not be parsed as CSV ({parser_reason(error)}); check the quotes "
            "and delimiters of that line."
        ) from None
    if frame.empty:
        raise DataError(f"{path} has a header but no rows; add data rows and try again.")
    return frame


def parser_reason(error: Exception) -> str:
    """The last line of a parser's message, cut short (it may quote a whole row)."""
    return excerpt(str(error).strip().splitlines()[-1], 120)


def excerpt(text: str, limit: int = 40) -> str:
    """The text cut to `limit` characters, so an absurd value never floods a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_text_file(path: Path) -> None:
    """Raise a DataError when `path` is no readable, non-empty file of UTF-8 text."""
    check_regular_file(path, "CSV")
    try:
        with path.open("rb") as file:
            head = file.read(SAMPLE_BYTES)
    except OSError as error:
        raise DataError(
            f"{path} cannot be read ({error.strerror}); check its permissions."
        ) from None
    if not head.strip():
        raise DataError(f"{path} is empty.")
    kind = binary_kind(head)
    if kind:
        raise DataError(f"{path} is {kind}, not CSV text; export it as a UTF-8 CSV and try again.")


def check_regular_file(path: Path, kind: str) -> None:
    """Raise a DataError when `path` is missing, a folder, or a pipe, socket or device."""
    if not path.exists():
        raise DataError(run_first(path))
    if path.is_dir():
        raise DataError(f"{path} is a folder, not a {kind} file; point to the {kind} file itself.")
    if not path.is_file():
        raise DataError(
            f"{path} is not a regular file (a pipe, socket or device); copy the data "
            f"into a {kind} file and point to that."
        )


def binary_kind(head: bytes) -> str | None:
    """What the first bytes of a file say it is, when it is not UTF-8 text (else None)."""
    for signature, kind in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if head.startswith(UTF16_BOMS) or head[1:40:2].count(0) > 10 or head[0:40:2].count(0) > 10:
        return "UTF-16 text"
    if b"\x00" in head:
        return "binary data (it holds NUL bytes)"
    return None


def read_header(path: Path, delimiter: str) -> list[str]:
    """The column names of the file's first line, as written (pandas would rename duplicates)."""
    try:
        # A bounded read: a file of one endless line must not be loaded whole to find a header.
        with path.open(encoding="utf-8-sig", newline="") as file:
            start = file.read(HEADER_CHARS)
        # newline="": any line end, also a bare \r (old Mac exports), ends the header's row.
        rows = csv.reader(StringIO(start, newline=""), delimiter=delimiter)
        return next((row for row in rows if row), [])
    except UnicodeDecodeError:
        raise DataError(f"{path} is not UTF-8 text; save it as UTF-8 CSV and try again.") from None
    except csv.Error as error:
        raise DataError(
            f"{path} has a header that could not be read ({excerpt(str(error), 80)}); "
            "check its first line."
        ) from None


def check_row_lengths(path: Path, delimiter: str) -> None:
    """Raise a DataError naming the first row whose number of cells differs from the header's."""
    bad_rows: list[Any] = []

    def stop(row: Any) -> str:
        bad_rows.append(row)
        return "error"

    options = pa_csv.ParseOptions(
        delimiter=delimiter, newlines_in_values=True, invalid_row_handler=stop
    )
    # Only the rows' shape matters here: one column is kept, as text (nothing is converted),
    # and one thread gives each bad row its number.
    try:
        pa_csv.read_csv(
            path,
            parse_options=options,
            read_options=pa_csv.ReadOptions(
                autogenerate_column_names=True, use_threads=False, block_size=MAX_ROW_BYTES
            ),
            convert_options=pa_csv.ConvertOptions(
                include_columns=["f0"], column_types={"f0": pa.string()}
            ),
        )
    except pa.ArrowInvalid as error:
        if "straddl" in str(error):  # pyarrow's words for a row longer than one block
            raise DataError(
                f"{path} has a row longer than {MAX_ROW_BYTES / 2**20:g} MB, more than any "
                "record holds; look for an unclosed quote or lost line ends before it."
            ) from None
        if not bad_rows:
            reason = excerpt(str(error), 120)
            raise DataError(f"{path} could not be parsed as CSV ({reason}).") from None
    if bad_rows:
        row = bad_rows[0]
        cells = f"{row.actual_columns} cell{'' if row.actual_columns == 1 else 's'}"
        raise DataError(
            f"{path} has a row ({row_name(row.number)}) of {cells} where the header has "
            f"{row.expected_columns}; fix that row (a value holding the delimiter needs "
            "quotes, and a quote its closing one) and try again."
        )


def row_name(number: int | None) -> str:
    """Where a row is: "row 4, counting the header as row 1"."""
    return "position unknown" if number is None else f"row {number}, counting the header as row 1"


def check_raw_columns(header: list[str], columns: ColumnsParams, path: Path | str) -> None:
    """Raise a DataError naming the first way the file's header breaks the contract."""
    if len(header) == 1:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise DataError(
                    f"{path} seems to use the {name} as delimiter; set data.csv_delimiter "
                    f"to {delimiter!r} (or auto) in params.yaml, or save it with commas."
                )
    if "" in header:
        raise DataError(
            f"{path} has a column without a name (column {header.index('') + 1} of the "
            "header); name it or remove it (a delimiter at the end of a line makes one)."
        )
    repeated = [name for name, count in Counter(header).items() if count > 1]
    if repeated:
        raise DataError(
            f"{path} has the column '{excerpt(repeated[0])}' {Counter(header)[repeated[0]]} "
            "times; rename or remove the copies and try again."
        )
    if columns.target not in header:
        raise DataError(
            f"{path} has no target column '{columns.target}' (columns.target in params.yaml)."
        )
    missing = [name for name in columns.all if name not in header]
    if missing:
        raise DataError(
            f"{path} lacks the declared columns {missing}; add them to the file or remove "
            "them from columns: in params.yaml."
        )
    undeclared = [excerpt(name) for name in header if name not in columns.all]
    if undeclared:
        raise DataError(
            f"{path} has columns of unknown type {undeclared[:10]}: declare each under "
            "columns.numeric, columns.categorical or columns.text in params.yaml."
        )

"""Ingest: your CSV checked and bounded before it becomes the raw data (used by acquire).

Whatever a file holds, it gets one sentence naming the file and the fix, never a traceback,
and no later stage can be made to hang or to learn the wrong thing:

1. The file must be a readable file of UTF-8 text (files.check_text_file), no larger than
   data.max_csv_mb: pandas needs several times a CSV's size in memory.
2. The delimiter is data.csv_delimiter, or with auto the most frequent of , ; tab | in the
   header line (a European export uses ";", often with decimal commas: see columns.decimal).
3. The header names each column once, and every row has as many cells as the header.
4. Cells are bounded: a text cell longer than MAX_TEXT_LENGTH is cut to it, any other cell
   longer than MAX_VALUE_LENGTH (no id, date, number or category is that long) becomes
   missing. Both are counted in acquire's summary.
5. The target is binary: "0" and "1" (also written "0.0", "1.0"), or labels mapped to them by
   columns.target_mapping. Anything else stops here, naming the values found, rather than
   being dropped row by row by cleaning or trained on as if it were binary.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import DataParams
from {{ cookiecutter.package_name }}.contract import MAX_TEXT_LENGTH, MAX_VALUE_LENGTH, ColumnsParams
from {{ cookiecutter.package_name }}.errors import DataError

DELIMITERS = (",", ";", "\t", "|")
MEGABYTE = 1024 * 1024
# Spellings of the two labels that need no mapping: what programs write for 0 and 1.
CANONICAL_LABELS = {"0": "0", "1": "1", "0.0": "0", "1.0": "1"}
SHOWN_VALUES = 5  # distinct target values named in the message


def read_user_csv(data: DataParams, columns: ColumnsParams) -> pd.DataFrame:
    """Read your CSV (data.csv_path) as raw text columns, after every check of steps 1-3."""
    path = Path(data.csv_path or "")
    if not path.exists():
        raise DataError(f"{path} does not exist; check data.csv_path in params.yaml.")
    files.check_text_file(path)
    check_size(path, data.max_csv_mb)
    delimiter = data.csv_delimiter
    if delimiter == "auto":
        delimiter = detect_delimiter(path)
    return files.read_raw_csv(path, columns, delimiter=delimiter, whole_rows=True)


def check_size(path: Path, max_mb: int) -> None:
    """Raise a DataError when the file is larger than data.max_csv_mb."""
    size = path.stat().st_size
    if size > max_mb * MEGABYTE:
        raise DataError(
            f"{path} is {size / MEGABYTE:,.0f} MB, more than data.max_csv_mb ({max_mb:,}); "
            "raise data.max_csv_mb in params.yaml if this machine has about five times "
            "that much memory, or use a sample of the rows."
        )


def detect_delimiter(path: Path) -> str:
    """The most frequent of , ; tab | in the header line (a comma when none appears)."""
    with path.open("rb") as file:
        line = file.readline(files.SAMPLE_BYTES).decode("utf-8", errors="replace")
    counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])  # the first one on a tie
    return best if counts[best] else ","


def cap_cells(frame: pd.DataFrame, columns: ColumnsParams) -> tuple[pd.DataFrame, dict[str, int]]:
    """Cut overlong text cells, make overlong other cells missing; count both (step 4)."""
    capped = frame.copy()
    cut = emptied = 0
    for name in frame.columns:
        values = frame[name]
        lengths = values.str.len().to_numpy(dtype="float64", na_value=0.0)
        if name in columns.text:
            long = lengths > MAX_TEXT_LENGTH
            capped.loc[long, name] = values[long].str.slice(0, MAX_TEXT_LENGTH)
            cut += int(long.sum())
        else:
            long = lengths > MAX_VALUE_LENGTH
            capped.loc[long, name] = np.nan
            emptied += int(long.sum())
    return capped, {
        f"text cells cut to {MAX_TEXT_LENGTH:,} characters": cut,
        f"cells over {MAX_VALUE_LENGTH} characters made missing": emptied,
    }


def binary_target(frame: pd.DataFrame, columns: ColumnsParams, path: Path | str) -> pd.DataFrame:
    """The frame with its target written "0" or "1"; a DataError for any other value (step 5).

    A missing target stays missing (cleaning drops those rows and counts them).
    """
    # [exercise 34] map the target labels to 0 and 1; a DataError names any other value.
    labels = CANONICAL_LABELS | {
        label: str(value) for label, value in columns.target_mapping.items()
    }
    target = frame[columns.target]
    stripped = target.str.strip()
    mapped = stripped.map(labels)
    unknown = stripped.notna() & mapped.isna()
    if unknown.any():
        raise DataError(
            f"{path} has a target column '{columns.target}' that is not binary: it holds "
            f"{describe_values(stripped.dropna())}; keep two classes and map them to 1 and 0 "
            'with columns.target_mapping in params.yaml, e.g. {"yes": 1, "no": 0}.'
        )
    return frame.assign(**{columns.target: mapped})
    # [/exercise 34]


def describe_values(values: pd.Series) -> str:
    """The most frequent distinct values with their counts: "'yes' (120), 'no' (80)"."""
    counts = sorted(values.value_counts().items(), key=lambda item: (-item[1], str(item[0])))
    shown = [f"'{files.excerpt(str(value))}' ({count:,})" for value, count in counts[:SHOWN_VALUES]]
    more = len(counts) - SHOWN_VALUES
    return ", ".join(shown) + (f" and {more:,} other values" if more > 0 else "")

"""File input and output shared by the stages: checked CSV reading and atomic writes."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from {{ cookiecutter.package_name }}.errors import DataError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from {{ cookiecutter.package_name }}.config import ColumnsParams

# A header that parsed as one column but holds one of these was written with another delimiter.
OTHER_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
# The status of a report that records a refused run instead of results (see write_refusal).
FAILED = "failed"


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


def read_parquet(path: Path, produced_by: str) -> pd.DataFrame:
    """Read a stage's Parquet output, saying which command makes it when it is missing."""
    if not path.exists():
        raise DataError(f"{path} does not exist; run `{produced_by}` first.")
    return pd.read_parquet(path)


def read_json(path: Path, produced_by: str) -> Any:
    """Read a stage's JSON output, saying which command makes it when it is missing or failed."""
    if not path.exists():
        raise DataError(f"{path} does not exist; run `{produced_by}` first.")
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and data.get("status") == FAILED:
        raise DataError(f"{path} records a refused run of `{produced_by}`: {data.get('error')}")
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


def read_raw_csv(
    path: Path, columns: ColumnsParams, produced_by: str | None = None
) -> pd.DataFrame:
    """Read a raw CSV as text columns and check it against the data contract.

    Every column is read as text because raw data is dirty ("1 234,50", "FR"): parsing is
    the cleaning stage's job. Empty cells become missing values. `produced_by` names the
    command that makes the file, for the message when it is missing.
    """
    if not path.exists():
        hint = f"; run `{produced_by}` first" if produced_by else ""
        raise DataError(f"{path} does not exist{hint}.")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty.")
    try:
        frame = pd.read_csv(path, dtype=str, encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(f"{path} is not UTF-8 text; save it as UTF-8 CSV and try again.") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path} is empty.") from None
    except pd.errors.ParserError as error:
        reason = str(error).strip().splitlines()[-1]
        raise DataError(f"{path} could not be parsed as CSV ({reason}).") from None
    check_raw_columns(frame, columns, path)
    if frame.empty:
        raise DataError(f"{path} has a header but no rows.")
    return frame


def check_raw_columns(frame: pd.DataFrame, columns: ColumnsParams, path: Path | str) -> None:
    """Raise a DataError naming the first way the frame's columns break the contract."""
    header = list(frame.columns)
    if len(header) == 1:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in header[0]:
                raise DataError(
                    f"{path} seems to use the {name} as delimiter; "
                    "save it with commas (',') instead."
                )
    if columns.target not in header:
        raise DataError(
            f"{path} has no target column '{columns.target}' (columns.target in params.yaml)."
        )
    missing = [name for name in columns.all if name not in header]
    if missing:
        raise DataError(f"{path} lacks the declared columns {missing}.")
    undeclared = [name for name in header if name not in columns.all]
    if undeclared:
        raise DataError(
            f"{path} has columns of unknown type {undeclared}: declare each under "
            "columns.numeric, columns.categorical or columns.text in params.yaml."
        )

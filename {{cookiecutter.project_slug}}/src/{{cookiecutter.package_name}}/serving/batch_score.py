"""Batch scoring (`model score`): a file of customers in, scores and decisions out, in chunks.

What runs overnight when the business wants every customer scored, not one request at a time:

1. the champion is loaded from the registry, as the service loads it (serving/model_store.py),
   with its registered decision threshold;
2. the input is checked, then read `serving.batch_chunk_rows` rows at a time
   (serving/batch_input.py); each chunk is scored by the pipeline at once, which shares its
   per-call overhead between the rows (the single-request path pays it for every customer);
3. each scored chunk is written to the output at once and forgotten: memory holds one chunk,
   whatever the size of the file;
4. each output row and each prediction-log row carries the model version and the batch id, so
   a question about any score ("which model said that, in which run?") has an answer;
5. the output is written beside its final name and moved there only when every chunk has
   been scored, and the log rows are written in one transaction: a run that fails half-way
   leaves yesterday's output and a log without half a batch.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.aliases import CHAMPION
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.paths import REPORTS
from {{ cookiecutter.package_name }}.serving.batch_input import check_input, file_format, read_chunks
from {{ cookiecutter.package_name }}.serving.model_store import ServedModel, load_alias
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, now

BATCH_JSON = REPORTS / "batch_score.json"
SCORED = Path("data/scored")
OUTPUT_COLUMNS = ("score", "decision", "model_version", "batch_id")


@dataclass(frozen=True)
class BatchCounts:
    """What the chunk loop counted: rows scored, rows flagged (decision true), chunks."""

    rows: int
    flagged: int
    chunks: int


@dataclass(frozen=True)
class BatchResult:
    """One batch run: what was scored, by which model, what it decided, how fast."""

    batch_id: str
    model_name: str
    model_version: str
    threshold: float
    input: str
    output: str
    customers: int
    flagged: int
    chunks: int
    chunk_rows: int
    seconds: float

    @property
    def flagged_share(self) -> float:
        """The share of customers flagged as likely to churn."""
        return self.flagged / self.customers if self.customers else 0.0

    def rows(self) -> list[tuple[str, str]]:
        """The summary a terminal prints, one (name, value) per line."""
        return [
            ("batch id", self.batch_id),
            ("model", f"{self.model_name} version {self.model_version}"),
            ("customers scored", f"{self.customers:,}"),
            ("flagged", f"{self.flagged:,} ({self.flagged_share:.1%}) at {self.threshold:.3f}"),
            ("chunks", f"{self.chunks} of at most {self.chunk_rows:,} rows"),
            ("seconds", f"{self.seconds:.2f}"),
            ("output", self.output),
        ]

    def to_json(self) -> dict[str, Any]:
        """Every field, rounded, for reports/batch_score.json."""
        return files.rounded({**asdict(self), "flagged_share": self.flagged_share})


def new_batch_id(at: datetime) -> str:
    """A batch id that sorts by time and never repeats: 20261130-021500-3fa85f."""
    return f"{at:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"


def default_output(source: Path) -> Path:
    """Where the scores of a file go by default: data/scored/<its name>.parquet."""
    return SCORED / f"{source.stem}.parquet"


def score_chunk(
    model: ServedModel, chunk: pd.DataFrame, id_column: str, batch_id: str
) -> pd.DataFrame:
    """One chunk's scores and decisions (score >= the registered threshold), tagged."""
    # The columns in the order the model was fitted with, whatever the order in the file.
    scores = model.pipeline.predict_proba(chunk[model.columns])[:, 1]
    return pd.DataFrame(
        {
            id_column: chunk[id_column].astype(str).to_numpy(),
            "score": scores,
            "decision": scores >= model.threshold,
            "model_version": model.version,
            "batch_id": batch_id,
        }
    )


def score_in_chunks(
    chunks: Iterable[pd.DataFrame],
    score: Callable[[pd.DataFrame], pd.DataFrame],
    write: Callable[[pd.DataFrame, pd.DataFrame], None],
) -> BatchCounts:
    """Score each chunk and hand it on at once, keeping only counts: memory stays one chunk.

    Args:
        chunks: the input, one frame at a time (a generator: it is read only once).
        score: a chunk's scored frame, with a boolean "decision" column.
        write: takes (input chunk, scored chunk) before the next chunk is read.
    """
    # [exercise 28] score and write each chunk as it comes, keeping only the counts.
    rows = flagged = count = 0
    for chunk in chunks:
        scored = score(chunk)
        write(chunk, scored)
        rows += len(scored)
        flagged += int(scored["decision"].sum())
        count += 1
    return BatchCounts(rows=rows, flagged=flagged, chunks=count)
    # [/exercise 28]


@contextmanager
def chunk_writer(path: Path) -> Iterator[Callable[[pd.DataFrame], None]]:
    """Append frames to a CSV or Parquet file that appears at `path` only if the block succeeds."""
    kind = file_format(path)
    with files.atomic_path(path) as tmp:
        if kind == ".csv":
            header = [True]

            def write_csv(frame: pd.DataFrame) -> None:
                frame.to_csv(tmp, mode="w" if header[0] else "a", header=header[0], index=False)
                header[0] = False

            yield write_csv
            return
        writer: list[pq.ParquetWriter] = []

        def write_parquet(frame: pd.DataFrame) -> None:
            table = pa.Table.from_pandas(frame, preserve_index=False)
            if not writer:
                writer.append(pq.ParquetWriter(tmp, table.schema))
            writer[0].write_table(table)

        try:
            yield write_parquet
        finally:
            if writer:
                writer[0].close()


def log_rows(
    chunk: pd.DataFrame, scored: pd.DataFrame, id_column: str, seconds: float
) -> list[dict]:
    """The prediction-log rows of a scored chunk: served by the champion, tagged with the batch."""
    # to_json turns missing values, numpy numbers and dates into JSON, as the service logs them.
    inputs = json.loads(chunk.to_json(orient="records", date_format="iso"))
    created, latency_ms = now(), seconds * 1000 / max(len(chunk), 1)
    return [
        {
            "prediction_id": str(uuid.uuid4()),
            "created_at": created,
            "unit_id": str(unit),
            "variant": CHAMPION,
            "model_version": str(version),
            "served": True,
            "inputs": record,
            "score": float(value),
            "decision": bool(decision),
            "latency_ms": latency_ms,
            "batch_id": batch,
        }
        for record, unit, value, decision, version, batch in zip(
            inputs,
            scored[id_column],
            scored["score"],
            scored["decision"],
            scored["model_version"],
            scored["batch_id"],
            strict=True,
        )
    ]


def score_file(
    params: Params,
    model: ServedModel,
    source: Path,
    output: Path,
    log: PredictionLog | None = None,
    batch_id: str | None = None,
) -> BatchResult:
    """Score every customer of `source` into `output` (and the log, if given), chunk by chunk."""
    started_at, started = now(), time.perf_counter()
    batch_id = batch_id or new_batch_id(started_at)
    id_column = params.model_columns.id
    chunk_rows = params.serving.batch_chunk_rows
    file_format(output)  # a wrong output name stops the run before any work
    needed = list(dict.fromkeys([id_column, *model.columns]))
    chunks = read_chunks(source, needed, chunk_rows)

    def score(chunk: pd.DataFrame) -> pd.DataFrame:
        return score_chunk(model, chunk, id_column, batch_id)

    with chunk_writer(output) as write_output, logging_to(log) as record:
        last = [time.perf_counter()]

        def write(chunk: pd.DataFrame, scored: pd.DataFrame) -> None:
            write_output(scored)
            if log is not None:  # the benchmark scores without a log
                elapsed, last[0] = time.perf_counter() - last[0], time.perf_counter()
                record(log_rows(chunk, scored, id_column, elapsed))

        counts = score_in_chunks(chunks, score, write)
    return BatchResult(
        batch_id=batch_id,
        model_name=model.name,
        model_version=model.version,
        threshold=model.threshold,
        input=str(source),
        output=str(output),
        customers=counts.rows,
        flagged=counts.flagged,
        chunks=counts.chunks,
        chunk_rows=chunk_rows,
        seconds=time.perf_counter() - started,
    )


@contextmanager
def logging_to(log: PredictionLog | None) -> Iterator[Callable[[list[dict]], None]]:
    """Record rows in one transaction of the log (or nowhere without a log)."""
    if log is None:
        yield lambda rows: None
        return
    with log.recording() as record:
        yield record


def load_champion(params: Params) -> ServedModel:
    """The registry's champion, checked against its recorded hash, as the service loads it."""
    return load_alias(params.registry.model_name, CHAMPION, input_columns(params))


def run(
    params: Params, source: Path, output: Path | None, log: PredictionLog | None
) -> BatchResult:
    """The `model score` command: the champion scores `source`; reports/batch_score.json."""
    output = output or default_output(source)
    # A bad file or output name is one sentence before the registry is even opened.
    file_format(output)
    check_input(source, [params.model_columns.id, *input_columns(params)])
    model = load_champion(params)
    result = score_file(params, model, source, output, log)
    files.write_json(BATCH_JSON, result.to_json())
    return result

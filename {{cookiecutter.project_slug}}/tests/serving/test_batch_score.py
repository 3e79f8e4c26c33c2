"""Batch scoring: every customer scored by the champion, chunk by chunk, tagged, atomically."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.serving import batch_score
from {{ cookiecutter.package_name }}.serving.batch_score import BatchCounts, score_chunk, score_in_chunks
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore, ServedModel
from {{ cookiecutter.package_name }}.serving.predict import records_frame
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

from ..conftest import require_exercises
from .conftest import record

# --- Exercise 28: the chunk loop, on plain frames (no model).


def scored_like(chunk: pd.DataFrame) -> pd.DataFrame:
    """A stand-in scorer: flags the rows whose value is even."""
    return pd.DataFrame({"id": chunk["id"], "decision": chunk["value"] % 2 == 0})


@pytest.mark.exercise(28)
def test_the_loop_counts_rows_flags_and_chunks() -> None:
    chunks = [pd.DataFrame({"id": range(i, i + 4), "value": range(i, i + 4)}) for i in (0, 4, 8)]
    chunks.append(pd.DataFrame({"id": [12], "value": [13]}))
    written = []

    counts = score_in_chunks(iter(chunks), scored_like, lambda c, s: written.append(len(s)))

    assert counts == BatchCounts(rows=13, flagged=6, chunks=4)
    assert isinstance(counts.flagged, int)
    assert written == [4, 4, 4, 1]


@pytest.mark.exercise(28)
def test_each_chunk_is_written_before_the_next_is_read() -> None:
    pulled = []

    def chunks() -> Iterator[pd.DataFrame]:
        for i in range(5):
            pulled.append(i)
            yield pd.DataFrame({"id": [i], "value": [i]})

    def write(chunk: pd.DataFrame, scored: pd.DataFrame) -> None:
        # The memory bound: when chunk k is written, only k + 1 chunks were ever read.
        assert pulled == list(range(int(chunk["id"].iloc[0]) + 1))

    counts = score_in_chunks(chunks(), scored_like, write)

    assert counts.chunks == 5


@pytest.mark.exercise(28)
def test_an_empty_input_counts_nothing() -> None:
    assert score_in_chunks(iter([]), scored_like, lambda c, s: None) == BatchCounts(0, 0, 0)


# --- The whole file, scored by the registry's champion.


@pytest.fixture
def champion(store: ModelStore) -> ServedModel:
    """The workspace's champion, as model score loads it."""
    require_exercises(28)
    return store.models["champion"]


def day_frame(params: Params, n: int) -> pd.DataFrame:
    """n valid customers as an export writes them: id, contract columns, varied values."""
    rows = [
        record(params, f"C{i:07d}", tenure_months=str(i % 60), support_tickets=str(i % 7))
        for i in range(n)
    ]
    frame = records_frame(rows, params)
    frame.insert(0, params.model_columns.id, [row[params.model_columns.id] for row in rows])
    return frame


@pytest.fixture
def small_chunks(workspace_params: Params) -> Params:
    """The workspace's params with chunks of 100 rows."""
    serving = workspace_params.serving.model_copy(update={"batch_chunk_rows": 100})
    return workspace_params.model_copy(update={"serving": serving})


def test_every_customer_gets_the_champion_s_score_decision_version_and_batch_id(
    small_chunks: Params, champion: ServedModel, tmp_path: Path
) -> None:
    source, output = tmp_path / "day.csv", tmp_path / "scores.csv"
    frame = day_frame(small_chunks, 250)
    frame.to_csv(source, index=False)
    log = PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}")

    result = batch_score.score_file(small_chunks, champion, source, output, log, "B1")

    scores = pd.read_csv(output, dtype={"model_version": str})
    expected = champion.pipeline.predict_proba(frame[champion.columns])[:, 1]
    assert (result.customers, result.chunks, result.batch_id) == (250, 3, "B1")
    assert scores["customer_id"].tolist() == frame["customer_id"].tolist()
    np.testing.assert_allclose(scores["score"], expected, rtol=1e-9)
    assert scores["decision"].tolist() == (expected >= champion.threshold).tolist()
    assert result.flagged == int((expected >= champion.threshold).sum())
    assert set(scores["model_version"]) == {champion.version}
    assert set(scores["batch_id"]) == {"B1"}
    logged = log.read()
    assert len(logged) == 250 and set(logged["batch_id"]) == {"B1"}
    assert logged["served"].all() and set(logged["model_version"]) == {champion.version}
    assert sorted(logged["unit_id"]) == sorted(frame["customer_id"])


def test_parquet_in_and_out_give_the_same_scores_as_csv(
    small_chunks: Params, champion: ServedModel, tmp_path: Path
) -> None:
    frame = day_frame(small_chunks, 120)
    frame.to_csv(tmp_path / "day.csv", index=False)
    frame.to_parquet(tmp_path / "day.parquet", index=False)

    batch_score.score_file(small_chunks, champion, tmp_path / "day.csv", tmp_path / "a.parquet")
    batch_score.score_file(small_chunks, champion, tmp_path / "day.parquet", tmp_path / "b.parquet")

    first, second = pd.read_parquet(tmp_path / "a.parquet"), pd.read_parquet(tmp_path / "b.parquet")
    assert len(first) == 120
    np.testing.assert_allclose(first["score"], second["score"], rtol=1e-9)


def test_a_run_that_fails_half_way_leaves_the_last_output_and_log_untouched(
    small_chunks: Params, champion: ServedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source, output = tmp_path / "day.csv", tmp_path / "scores.csv"
    output.write_text("yesterday's scores\n")
    day_frame(small_chunks, 250).to_csv(source, index=False)
    log = PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}")
    calls = []

    def failing_second(*args: object) -> pd.DataFrame:
        calls.append(1)
        if len(calls) == 2:
            raise DataError("the second chunk failed")
        return score_chunk(*args)

    monkeypatch.setattr(batch_score, "score_chunk", failing_second)

    with pytest.raises(DataError, match="the second chunk failed"):
        batch_score.score_file(small_chunks, champion, source, output, log)

    assert len(calls) == 2  # the first chunk was scored, written and logged, then rolled back
    assert output.read_text() == "yesterday's scores\n"
    assert log.count() == 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_command_scores_with_the_champion_and_writes_its_summary(
    small_chunks: Params, champion: ServedModel, tmp_path: Path
) -> None:
    source = tmp_path / "day.csv"
    day_frame(small_chunks, 40).to_csv(source, index=False)

    result = batch_score.run(small_chunks, source, tmp_path / "out.parquet", None)

    summary = json.loads(batch_score.BATCH_JSON.read_text())
    batch_score.BATCH_JSON.unlink()  # the shared workspace's next run starts clean
    assert summary["customers"] == 40 and summary["model_version"] == champion.version
    assert summary["batch_id"] == result.batch_id
    assert dict(result.rows())["customers scored"] == "40"


def test_a_wrong_output_name_stops_before_any_work(
    small_chunks: Params, champion: ServedModel, tmp_path: Path
) -> None:
    source = tmp_path / "day.csv"
    day_frame(small_chunks, 5).to_csv(source, index=False)

    with pytest.raises(DataError, match=r"scores\.xlsx is neither \.csv nor \.parquet"):
        batch_score.score_file(small_chunks, champion, source, tmp_path / "scores.xlsx")


@pytest.mark.parametrize(
    ("name", "sentence"),
    [("day.xlsx", r"is neither \.csv nor \.parquet"), ("absent.csv", "does not exist")],
)
def test_a_bad_input_is_one_sentence_before_the_registry_is_opened(
    params: Params, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, sentence: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "day.xlsx").write_bytes(b"PK\x03\x04")

    with pytest.raises(DataError, match=sentence):
        batch_score.run(params, tmp_path / name, None, None)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["day.xlsx"]  # no mlflow.db

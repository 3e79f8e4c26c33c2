"""The prediction log keeps every prediction and outcome, atomically, under concurrent writers."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }}.errors import PredictionLogError
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, now


def prediction(**changes: object) -> dict:
    """One prediction row as the service logs it."""
    row = {
        "prediction_id": str(uuid.uuid4()),
        "created_at": now(),
        "unit_id": "C0000001",
        "variant": "champion",
        "model_version": "1",
        "served": True,
        "inputs": {"plan": "basic", "age": 42.0},
        "score": 0.25,
        "decision": False,
        "latency_ms": 3.5,
    }
    return {**row, **changes}


@pytest.fixture
def log(tmp_path: Path) -> PredictionLog:
    """An empty log in a SQLite file of a folder that does not exist yet."""
    return PredictionLog(f"sqlite:///{tmp_path / 'logs' / 'predictions.db'}")


def test_predictions_and_their_outcomes_are_read_back(log: PredictionLog) -> None:
    first, second = prediction(score=0.9, decision=True), prediction(unit_id="C0000002")
    log.record([first, second])

    assert log.add_feedback(first["prediction_id"], 1) is True

    frame = log.read()
    assert list(frame["prediction_id"]) == [first["prediction_id"], second["prediction_id"]]
    assert frame.loc[0, "outcome"] == 1
    assert pd.isna(frame.loc[1, "outcome"])
    assert frame.loc[0, "inputs"] == {"plan": "basic", "age": 42.0}
    assert list(frame["score"]) == [0.9, 0.25]
    assert list(frame["decision"]) == [True, False]


def test_a_second_outcome_replaces_the_first(log: PredictionLog) -> None:
    row = prediction()
    log.record([row])

    log.add_feedback(row["prediction_id"], 0)
    log.add_feedback(row["prediction_id"], 1)

    assert log.read()["outcome"].tolist() == [1]


def test_feedback_for_an_unknown_prediction_is_refused(log: PredictionLog) -> None:
    assert log.add_feedback("no-such-id", 1) is False
    assert log.read().empty


def test_shadow_predictions_are_logged_but_not_counted_as_served(log: PredictionLog) -> None:
    log.record([prediction(), prediction(variant="challenger", served=False)])

    assert (log.count(), log.count(served_only=True)) == (2, 1)


def test_read_keeps_the_last_predictions_or_those_since_a_time(log: PredictionLog) -> None:
    start = now()
    rows = [prediction(created_at=start + timedelta(seconds=i), unit_id=f"U{i}") for i in range(5)]
    log.record(rows)

    assert log.read(last=2)["unit_id"].tolist() == ["U3", "U4"]
    assert log.read(since=start + timedelta(seconds=3))["unit_id"].tolist() == ["U3", "U4"]


def test_a_batch_is_logged_whole_or_not_at_all(log: PredictionLog) -> None:
    row = prediction()
    log.record([row])

    # The second batch repeats a prediction id: the whole batch must be refused.
    with pytest.raises(IntegrityError):
        log.record([prediction(), row])

    assert log.count() == 1


def test_the_sqlite_log_runs_in_wal_mode(log: PredictionLog, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "logs" / "predictions.db") as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"


def test_concurrent_writers_lose_nothing(log: PredictionLog) -> None:
    def write(worker: int) -> None:
        for i in range(50):
            log.record([prediction(unit_id=f"W{worker}-{i}")])

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert log.count() == 200
    assert log.read()["unit_id"].nunique() == 200


def test_the_log_outlives_its_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'predictions.db'}"
    PredictionLog(url).record([prediction()])

    assert PredictionLog(url).count() == 1


def test_a_bad_url_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(PredictionLogError, match="is not a database URL"):
        PredictionLog("not a url")
    with pytest.raises(PredictionLogError, match="cannot be opened"):
        PredictionLog("nosuchdb://somewhere/db")


def test_a_log_made_before_batch_ids_gets_the_column_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE predictions (prediction_id VARCHAR(36) PRIMARY KEY, created_at DATETIME"
            " NOT NULL, unit_id VARCHAR(200) NOT NULL, variant VARCHAR(50) NOT NULL, model_version"
            " VARCHAR(20) NOT NULL, served BOOLEAN NOT NULL, inputs JSON NOT NULL, score FLOAT NOT"
            " NULL, decision BOOLEAN NOT NULL, latency_ms FLOAT NOT NULL)"
        )
        connection.execute(
            "INSERT INTO predictions VALUES ('p-old', '2026-01-01 00:00:00', 'C1', 'champion',"
            " '1', 1, '{}', 0.5, 0, 2.0)"
        )

    log = PredictionLog(f"sqlite:///{path}")
    log.record([prediction(prediction_id="p-new", batch_id="B7")])

    frame = log.read()
    assert frame["prediction_id"].tolist() == ["p-old", "p-new"]
    assert pd.isna(frame.loc[0, "batch_id"]) and frame.loc[1, "batch_id"] == "B7"
    PredictionLog(f"sqlite:///{path}")  # opening it again adds nothing twice


def test_a_recording_that_fails_logs_none_of_its_rows(log: PredictionLog) -> None:
    with pytest.raises(RuntimeError), log.recording() as record:
        record([prediction(batch_id="B1"), prediction(batch_id="B1")])
        raise RuntimeError("the batch failed half-way")

    assert log.count() == 0


def test_a_log_file_deleted_or_replaced_is_reopened_and_nothing_later_is_lost(
    tmp_path: Path,
) -> None:
    path = tmp_path / "logs" / "predictions.db"
    log = PredictionLog(f"sqlite:///{path}")
    before, after_delete, kept, after_replace = (prediction() for _ in range(4))
    log.record([before])
    path.unlink()  # its -wal and -shm stay: SQLite would replay them into a new file
    log.record([after_delete])
    assert log.read()["prediction_id"].tolist() == [after_delete["prediction_id"]]
    other = tmp_path / "other.db"  # a rotation: another file takes the log's name
    rotated = PredictionLog(f"sqlite:///{other}")
    rotated.record([kept])
    rotated.engine.dispose()  # its rows checkpointed from other.db-wal into other.db
    other.replace(path)
    log.record([after_replace])

    on_disk = PredictionLog(f"sqlite:///{path}").read()["prediction_id"].tolist()
    assert on_disk == [kept["prediction_id"], after_replace["prediction_id"]]
    assert log.read()["prediction_id"].tolist() == on_disk


def test_a_log_whose_folder_is_a_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "logs").write_text("not a folder")

    with pytest.raises(PredictionLogError, match=r"^The prediction log sqlite:///.* cannot be"):
        PredictionLog(f"sqlite:///{tmp_path / 'logs' / 'predictions.db'}")

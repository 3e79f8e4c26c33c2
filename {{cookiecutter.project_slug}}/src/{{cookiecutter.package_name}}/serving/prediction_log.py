"""Prediction log: every prediction the service makes, and the outcomes fed back later.

A/B analysis and monitoring both read this log, so it must hold exactly what clients were told:
the service writes each prediction here BEFORE it sends the response, and a prediction that
could not be logged is answered with an error instead. The log is a SQL database behind a
SQLAlchemy URL: by default a SQLite file in WAL mode (one writer at a time, readers never
blocked, safe for the several worker processes of one machine), or PostgreSQL with a URL such
as postgresql+psycopg://user:password@host/db.

Four tables: `predictions` (one row per scored record, including the challenger's shadow scores,
which were not served) and `feedback` (the true outcome of a prediction, known weeks later: did
the customer churn?). A second outcome for the same prediction replaces the first (a corrected
label). `failures` holds one row per record a model failed to score (the client got an error):
the canary's error-rate guardrail counts them. `experiment_overrides` holds every change of the
A/B experiment made while the service runs (serving/experiment_override.py): in the same
database as the log, so every worker of every replica reads the same one.

The service's predictions are group-committed (serving/group_commit.py): the requests that
arrive while a commit is under way share the next transaction, and each waits until the
commit that holds its rows has returned. A 200 answer still means that its rows are on disk,
with one flush for many requests instead of one each; a request whose rows cannot be written
still fails alone, with its own error.

A SQLite file deleted or replaced while the service runs (a clean-up, a log rotation) is
reopened, its tables created again, before the next write: an open connection would otherwise
keep writing to the deleted file, and every answer since would be logged where nobody can read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from {{ cookiecutter.package_name }}.errors import PredictionLogError
from {{ cookiecutter.package_name }}.serving.group_commit import GroupCommit

logger = logging.getLogger(__name__)

# Seconds a writer waits for another one's lock before giving up (SQLite only).
SQLITE_BUSY_SECONDS = 10
# The PostgreSQL advisory lock that serialises the creation of the tables (any number of this
# application's own choosing).
CREATE_LOCK = 727_361

metadata = MetaData()
predictions = Table(
    "predictions",
    metadata,
    Column("prediction_id", String(36), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("unit_id", String(200), nullable=False, index=True),
    Column("variant", String(50), nullable=False),
    Column("model_version", String(20), nullable=False),
    # False for a shadow prediction: scored and logged, but another answer was sent.
    Column("served", Boolean, nullable=False),
    Column("inputs", JSON, nullable=False),
    Column("score", Float, nullable=False),
    Column("decision", Boolean, nullable=False),
    Column("latency_ms", Float, nullable=False),
    # The run of `model score` that made the prediction; empty for the service's answers.
    Column("batch_id", String(40), nullable=True),
)
failures = Table(
    "failures",
    metadata,
    Column("failure_id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("unit_id", String(200), nullable=False),
    Column("variant", String(50), nullable=False),
    Column("model_version", String(20), nullable=False),
    Column("error", String(500), nullable=False),
)
experiment_overrides = Table(
    "experiment_overrides",
    metadata,
    Column("override_id", Integer, primary_key=True, autoincrement=True),
    Column("set_at", DateTime(timezone=True), nullable=False),
    # Who changed it: "admin" (PUT /admin/experiment) or "canary guardrail" (ab canary).
    Column("set_by", String(50), nullable=False),
    Column("reason", String(500), nullable=False),
    # The whole experiment (ExperimentParams as JSON): mode, challenger share, salt, design.
    Column("experiment", JSON, nullable=False),
)
# Columns added after the first release: a log created before them gets them on opening.
ADDED_COLUMNS = {"predictions": ["batch_id"]}
feedback = Table(
    "feedback",
    metadata,
    Column("prediction_id", String(36), ForeignKey("predictions.prediction_id"), primary_key=True),
    Column("outcome", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)


def now() -> datetime:
    """The current time in UTC (every timestamp of the log is in UTC)."""
    return datetime.now(UTC)


def use_wal(dbapi_connection: Any, connection_record: Any) -> None:
    """Put a new SQLite connection in WAL mode, durable at every commit, patient with locks."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before it returns, so an acknowledged prediction survives a
    # power cut (NORMAL, WAL's usual setting, may lose the last commits).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
    cursor.close()


def add_missing_columns(connection: Connection) -> None:
    """Add the columns of ADDED_COLUMNS that an older log lacks (nullable: old rows stay valid)."""
    for name, added in ADDED_COLUMNS.items():
        present = {column["name"] for column in inspect(connection).get_columns(name)}
        table = metadata.tables[name]
        for column_name in added:
            if column_name not in present:
                kind = table.c[column_name].type.compile(dialect=connection.dialect)
                connection.execute(text(f"ALTER TABLE {name} ADD COLUMN {column_name} {kind}"))


def parse_url(url: str) -> URL:
    """The log's URL parsed, or one sentence saying it is not a database URL."""
    try:
        return make_url(url)
    except ArgumentError:
        raise PredictionLogError(
            f"'{url}' is not a database URL (e.g. sqlite:///logs/predictions.db)."
        ) from None


def database_file(url: str) -> Path | None:
    """The SQLite file behind the URL, or None (another database, or one in memory)."""
    parsed = parse_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        return Path(parsed.database)
    return None


def file_identity(path: Path) -> tuple[int, int] | None:
    """The file's device and inode (which change when it is replaced), or None if it is gone."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def create_log_engine(url: str) -> Engine:
    """An engine on the log's database, its tables created if they do not exist yet."""
    parsed, file = parse_url(url), database_file(url)
    try:
        if file is not None:
            file.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed)
        if parsed.get_backend_name() == "sqlite":
            event.listen(engine, "connect", use_wal)
        with engine.begin() as connection:
            if parsed.get_backend_name() == "postgresql":
                # Replicas that start together would each find no table and create it, and
                # all but one would fail: one at a time, under a lock held until commit.
                connection.execute(text(f"SELECT pg_advisory_xact_lock({CREATE_LOCK})"))
            metadata.create_all(connection)
            # In the same locked transaction: two replicas must not both add a column.
            add_missing_columns(connection)
    except (SQLAlchemyError, ImportError, OSError) as error:
        # OSError: the folder of the file cannot be made (a file has its name, no permission).
        reason = str(error).splitlines()[0]
        raise PredictionLogError(f"The prediction log {url} cannot be opened: {reason}") from None
    return engine


class PredictionLog:
    """Append predictions, attach outcomes, read everything back as a DataFrame."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.file = database_file(url)
        self._engine = create_log_engine(url)
        self._identity, self._sidecars = self.identities()
        self._reopening = threading.Lock()
        # insert looked up at each commit, so that a test can make it fail.
        self.group_commit = GroupCommit(lambda rows: self.insert(rows))

    @property
    def engine(self) -> Engine:
        """The engine on the log's database; a SQLite file deleted or replaced is reopened."""
        if self.file is not None and file_identity(self.file) != self._identity:
            self.reopen()
        return self._engine

    def identities(self) -> tuple[tuple[int, int] | None, dict[Path, tuple[int, int] | None]]:
        """The identity of the SQLite file, and of its -wal and -shm files, as opened now."""
        if self.file is None:
            return None, {}
        sidecars = [self.file.with_name(f"{self.file.name}{end}") for end in ("-wal", "-shm")]
        return file_identity(self.file), {path: file_identity(path) for path in sidecars}

    def reopen(self) -> None:
        """Open the log's SQLite file again (created anew if it was deleted), once per change."""
        with self._reopening:
            if self.file is None or file_identity(self.file) == self._identity:
                return  # another thread reopened it meanwhile
            logger.warning("The prediction log %s was deleted or replaced: reopened.", self.file)
            self._engine.dispose()
            # SQLite cannot checkpoint a moved file, so its -wal stays, and would be replayed
            # into the new file: removed if still the one this process opened (another
            # worker's reopened file has its own).
            for path, identity in self._sidecars.items():
                if identity is not None and file_identity(path) == identity:
                    path.unlink(missing_ok=True)
            self._engine = create_log_engine(self.url)
            self._identity, self._sidecars = self.identities()

    def record(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write prediction rows durably: all of them are logged, or none (raises if none).

        Concurrent calls share one transaction (group_commit.py); each returns once the
        transaction holding its rows has committed. Call it from a thread, not a coroutine.
        """
        if rows:
            self.group_commit.submit(list(rows))

    async def record_async(self, rows: Sequence[dict[str, Any]]) -> None:
        """record for a coroutine: the event loop serves other requests while the rows wait."""
        if rows:
            await self.group_commit.submit_async(list(rows))

    def drain(self) -> None:
        """Return once every row handed to record so far is committed (at shutdown)."""
        self.group_commit.drain()

    def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows in one transaction of their own, committed when this returns."""
        with self.engine.begin() as connection:
            connection.execute(insert(predictions), list(rows))

    @contextmanager
    def recording(self) -> Iterator[Callable[[Sequence[dict[str, Any]]], None]]:
        """One transaction for many writes of rows: a batch is logged whole, or not at all."""
        with self.engine.begin() as connection:

            def record(rows: Sequence[dict[str, Any]]) -> None:
                if rows:
                    connection.execute(insert(predictions), list(rows))

            yield record

    def add_feedback(self, prediction_id: str, outcome: int) -> bool:
        """Attach the true outcome (0 or 1) to a prediction; False if the id is unknown."""
        with self.engine.begin() as connection:
            known = connection.execute(
                select(predictions.c.prediction_id).where(
                    predictions.c.prediction_id == prediction_id
                )
            ).first()
            if known is None:
                return False
            connection.execute(feedback.delete().where(feedback.c.prediction_id == prediction_id))
            connection.execute(
                insert(feedback),
                {"prediction_id": prediction_id, "outcome": int(outcome), "received_at": now()},
            )
        return True

    def add_outcomes(self, outcomes: dict[str, int]) -> None:
        """Attach many outcomes in one transaction (a nightly batch of labels, a simulation)."""
        if not outcomes:
            return
        ids = list(outcomes)
        received = now()
        with self.engine.begin() as connection:
            connection.execute(feedback.delete().where(feedback.c.prediction_id.in_(ids)))
            connection.execute(
                insert(feedback),
                [
                    {"prediction_id": key, "outcome": int(value), "received_at": received}
                    for key, value in outcomes.items()
                ],
            )

    def record_failures(self, rows: Sequence[dict[str, Any]]) -> None:
        """Write the records a model failed to score (unit, variant, version, error)."""
        if rows:
            with self.engine.begin() as connection:
                connection.execute(insert(failures), list(rows))

    def read_failures(self, since: datetime | None = None, last: int | None = None) -> pd.DataFrame:
        """The scoring failures (made at or after `since`; the `last` ones), oldest first."""
        query = select(*failures.c).order_by(
            failures.c.created_at.desc(), failures.c.failure_id.desc()
        )
        if since is not None:
            query = query.where(failures.c.created_at >= since)
        if last is not None:
            query = query.limit(last)
        with self.engine.connect() as connection:
            frame = pd.DataFrame(connection.execute(query).mappings().all())
        if frame.empty:
            return pd.DataFrame(columns=failures.c.keys())
        return frame.iloc[::-1].reset_index(drop=True)

    def count(self, served_only: bool = False) -> int:
        """How many predictions the log holds (only the served ones if asked)."""
        query = select(func.count()).select_from(predictions)
        if served_only:
            query = query.where(predictions.c.served.is_(True))
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def read(
        self,
        since: datetime | None = None,
        last: int | None = None,
        answered: bool = False,
        inputs: bool = True,
    ) -> pd.DataFrame:
        """Predictions with their outcome (missing while none was fed back), oldest first.

        Args:
            since: Only predictions made at or after this time.
            last: Only the most recent `last` predictions.
            answered: Only the service's answers (no shadow scores, no batch scoring).
            inputs: With the records scored (most of a row's bytes); False leaves them out.
        """
        columns = [column for column in predictions.c if inputs or column.name != "inputs"]
        query = select(*columns, feedback.c.outcome, feedback.c.received_at).outerjoin(
            feedback, feedback.c.prediction_id == predictions.c.prediction_id
        )
        if since is not None:
            query = query.where(predictions.c.created_at >= since)
        if answered:
            query = query.where(predictions.c.served.is_(True), predictions.c.batch_id.is_(None))
        query = query.order_by(predictions.c.created_at.desc(), predictions.c.prediction_id)
        if last is not None:
            query = query.limit(last)
        with self.engine.connect() as connection:
            frame = pd.DataFrame(connection.execute(query).mappings().all())
        if frame.empty:
            names = [column.name for column in columns]
            return pd.DataFrame(columns=[*names, "outcome", "received_at"])
        return frame.iloc[::-1].reset_index(drop=True)

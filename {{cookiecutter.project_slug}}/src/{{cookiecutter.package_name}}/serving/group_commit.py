"""Group commit: the writes of requests that arrive together share one transaction.

A durable commit costs a flush to disk (SQLite with synchronous=FULL, PostgreSQL's WAL), and
the prediction log committed once per request: under load most of a worker's time went to
commits that each held one row. Here the writes of concurrent requests take turns:

1. a request adds its rows to the pending list, then waits while a commit is under way;
2. when no commit is under way, the first request to notice leads: it takes the pending rows
   of every request (its own included, up to MAX_GROUP_ROWS) and commits them in ONE
   transaction, while the requests that arrive meanwhile gather for the next one;
3. each request returns only once the commit that held its rows has returned, so an answer
   still means "my rows are durable", exactly as with one commit per request;
4. a commit that fails is tried again one request at a time, each in its own transaction: a
   request whose own rows are refused (a repeated id) fails alone with its own error, and a
   failure of the database (disk full) fails every request of the group, each with its error.

No background thread: the leader is always a request that is waiting anyway, so nothing is
left to drain at shutdown, and the pending list never holds more than the rows of the requests
waiting in it (bounded by the server's threads; each of them blocks until its rows are in).
Under no load a request leads its own commit at once: no waiting for a timer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Rows = Sequence[dict[str, Any]]
# One transaction holds at most this many rows (unless one request alone has more): a commit
# holds the database's write lock, which other workers' writers wait for.
MAX_GROUP_ROWS = 5000


class CommitInterrupted(Exception):
    """The commit holding these rows stopped before it could say whether they were written."""


@dataclass
class Pending:
    """One request's rows, and what became of them once their commit returned."""

    rows: Rows
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Write each call's rows durably, sharing one transaction between concurrent calls."""

    def __init__(self, write: Callable[[Rows], None]) -> None:
        # `write` inserts rows in one transaction and returns once it has committed.
        self.write = write
        self.turn = threading.Condition()
        self.pending: list[Pending] = []
        self.committing = False

    def submit(self, rows: Rows) -> None:
        """Return once `rows` are committed (whole, in one transaction); raise if they are not."""
        mine = Pending(rows)
        with self.turn:
            self.pending.append(mine)
        while True:
            with self.turn:
                while self.committing and not mine.done:
                    self.turn.wait()
                if mine.done:
                    break
                # No commit under way and my rows not written: this call leads the next one.
                self.committing = True
                group = self.take_group()
            self.lead(group)
        if mine.error is not None:
            raise mine.error

    def take_group(self) -> list[Pending]:
        """The oldest pending calls, up to MAX_GROUP_ROWS rows (at least one call)."""
        size, count = 0, 0
        for entry in self.pending:
            if count and size + len(entry.rows) > MAX_GROUP_ROWS:
                break
            size, count = size + len(entry.rows), count + 1
        group, self.pending = self.pending[:count], self.pending[count:]
        return group

    def lead(self, group: list[Pending]) -> None:
        """Commit the group, then tell each of its calls how it went and pass the turn on."""
        errors: list[BaseException | None] = [CommitInterrupted("The commit was interrupted.")]
        errors *= len(group)
        try:
            errors = self.commit(group)
        finally:  # even if interrupted: no call may wait forever for a commit that is over
            with self.turn:
                for entry, error in zip(group, errors, strict=True):
                    entry.error, entry.done = error, True
                self.committing = False
                self.turn.notify_all()

    def commit(self, group: list[Pending]) -> list[BaseException | None]:
        """Each call's error (None: written): one transaction, or one per call if that fails."""
        try:
            self.write([row for entry in group for row in entry.rows])
            return [None] * len(group)
        except Exception as error:
            if len(group) == 1:
                return [error]
        errors: list[BaseException | None] = []
        for entry in group:  # find whose rows were refused; the others are written
            try:
                self.write(entry.rows)
                errors.append(None)
            except Exception as error:
                errors.append(error)
        return errors

"""Group commit: the writes of requests that arrive together share one transaction.

A durable commit costs a flush to disk (SQLite with synchronous=FULL, PostgreSQL's WAL), and
the prediction log committed once per request: under load the requests queued for the write
lock one commit each. Here one writer thread commits for everyone:

1. a request puts its rows in the queue and waits (a thread blocks, a coroutine awaits);
2. the writer takes everything queued (up to MAX_GROUP_ROWS rows) and commits it in ONE
   transaction, while the requests that arrive meanwhile gather for the next one;
3. each request returns only once the commit that held its rows has returned, so an answer
   still means "my rows are durable", exactly as with one commit per request;
4. a commit that fails is tried again one request at a time, each in its own transaction: a
   request whose own rows are refused (a repeated id) fails alone with its own error, and a
   failure of the database (disk full) fails every request of the group, each with its error.

At most MAX_PENDING requests wait at once: the next one waits for a place (back-pressure, never
unbounded memory). `drain()` returns once everything queued is committed (the service calls it
at shutdown); the writer stops by itself after IDLE_SECONDS without work, and the next request
starts a new one. Under no load a request is committed at once: no timer to wait for.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Rows = Sequence[dict[str, Any]]
# One transaction holds at most this many rows (more only if one request alone has more): a
# commit holds the database's write lock, which other workers' writers wait for.
MAX_GROUP_ROWS = 5000
# Requests queued or being committed at once; the next one waits for a place.
MAX_PENDING = 1000
# Seconds the writer thread waits for work before it stops.
IDLE_SECONDS = 5.0


@dataclass
class Pending:
    """One request's rows, what became of them, and how to tell the request."""

    rows: Rows
    notify: Callable[[], None]
    error: BaseException | None = None


class GroupCommit:
    """Write each request's rows durably, sharing one transaction between concurrent ones."""

    def __init__(self, write: Callable[[Rows], None]) -> None:
        # `write` inserts rows in one transaction and returns once it has committed.
        self.write = write
        self.queue: queue.Queue[Pending] = queue.Queue()
        self.places = threading.BoundedSemaphore(MAX_PENDING)
        self.lock = threading.Lock()  # guards `writing` with the queue's emptiness
        self.writing = False

    def submit(self, rows: Rows) -> None:
        """Return once `rows` are committed, whole; raise if they are not (from a thread)."""
        done = threading.Event()
        entry = Pending(rows, done.set)
        self.places.acquire()
        self.enqueue(entry)
        done.wait()
        if entry.error is not None:
            raise entry.error

    async def submit_async(self, rows: Rows) -> None:
        """submit for a coroutine: the event loop serves other requests while this one waits."""
        loop = asyncio.get_running_loop()
        committed = loop.create_future()

        def notify() -> None:
            loop.call_soon_threadsafe(lambda: committed.done() or committed.set_result(None))

        entry = Pending(rows, notify)
        if not self.places.acquire(blocking=False):
            await asyncio.to_thread(self.places.acquire)
        self.enqueue(entry)
        await asyncio.shield(committed)  # a cancelled request's rows are still written
        if entry.error is not None:
            raise entry.error

    def enqueue(self, entry: Pending) -> None:
        """Queue the entry, and start the writer if it has stopped."""
        with self.lock:
            self.queue.put(entry)
            if not self.writing:
                self.writing = True
                threading.Thread(target=self.run, name="group-commit", daemon=True).start()

    def drain(self) -> None:
        """Return once every request queued so far is committed (or has failed)."""
        self.queue.join()

    def run(self) -> None:
        """The writer: commit what is queued, group by group, until idle for IDLE_SECONDS."""
        held: Pending | None = None  # taken from the queue, but too large for the last group
        while True:
            try:
                first = held or self.queue.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self.lock:  # an entry queued meanwhile is seen here, or starts a writer
                    if self.queue.empty():
                        self.writing = False
                        return
                continue
            group, size, held = [first], len(first.rows), None
            while True:
                try:
                    entry = self.queue.get_nowait()
                except queue.Empty:
                    break
                if size + len(entry.rows) > MAX_GROUP_ROWS:
                    held = entry
                    break
                group.append(entry)
                size += len(entry.rows)
            self.finish(group, self.commit(group))

    def finish(self, group: list[Pending], errors: list[BaseException | None]) -> None:
        """Tell each request of the group how its rows went, and free their places."""
        for entry, error in zip(group, errors, strict=True):
            entry.error = error
            self.places.release()
            entry.notify()
            self.queue.task_done()

    def commit(self, group: list[Pending]) -> list[BaseException | None]:
        """Each request's error (None: written): one transaction, or one per request if that
        fails."""
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

"""Group commit: concurrent writes share transactions, each call returns once its rows are in.

The writer here is a list standing in for a database: a "transaction" appends all its rows or
none, after a short pause that plays the flush to disk, so that calls pile up behind it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import pytest

from {{ cookiecutter.package_name }}.serving import group_commit
from {{ cookiecutter.package_name }}.serving.group_commit import MAX_GROUP_ROWS, GroupCommit, Rows


class FakeDatabase:
    """Transactions of rows: each written whole or refused whole, after `flush_seconds`."""

    def __init__(self, flush_seconds: float = 0.02, refuse: Callable[[Rows], bool] | None = None):
        self.flush_seconds = flush_seconds
        self.refuse = refuse or (lambda rows: False)
        self.transactions: list[list[dict]] = []
        self.lock = threading.Lock()

    def write(self, rows: Rows) -> None:
        """One transaction: refused whole (ValueError) or committed whole."""
        time.sleep(self.flush_seconds)
        if self.refuse(rows):
            raise ValueError(f"refused a transaction of {len(rows)} rows")
        with self.lock:
            self.transactions.append(list(rows))

    def written(self) -> list[str]:
        """The ids of every committed row, sorted."""
        return sorted(row["id"] for rows in self.transactions for row in rows)


def submit_together(group: GroupCommit, calls: list[Rows]) -> list[BaseException | None]:
    """Submit each call from its own thread, all at once; each call's error (None: written)."""
    errors: list[BaseException | None] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def call(i: int) -> None:
        start.wait()
        try:
            group.submit(calls[i])
        except Exception as error:
            errors[i] = error

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads), "a call never returned"
    return errors


def test_concurrent_calls_are_all_written_in_fewer_transactions() -> None:
    database = FakeDatabase()
    group = GroupCommit(database.write)
    calls = [[{"id": f"r{i:02d}"}] for i in range(16)]

    errors = submit_together(group, calls)

    assert errors == [None] * 16
    assert database.written() == [f"r{i:02d}" for i in range(16)]
    # The first call commits alone; the others gather behind it and share what follows.
    assert len(database.transactions) < 16


def test_a_call_returns_only_once_its_rows_are_committed() -> None:
    database = FakeDatabase()
    group = GroupCommit(database.write)
    seen_after_return: list[bool] = []

    def call(i: int) -> None:
        group.submit([{"id": f"r{i}"}])
        seen_after_return.append(f"r{i}" in database.written())

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert seen_after_return == [True] * 8


def test_a_call_whose_rows_are_refused_fails_alone_and_the_others_are_written() -> None:
    database = FakeDatabase(refuse=lambda rows: any(row["id"] == "bad" for row in rows))
    group = GroupCommit(database.write)
    calls = [[{"id": f"r{i}"}, {"id": f"r{i}b"}] for i in range(7)] + [[{"id": "bad"}]]

    errors = submit_together(group, calls)

    assert [type(error) for error in errors] == [type(None)] * 7 + [ValueError]
    assert str(errors[-1]) == "refused a transaction of 1 rows"  # its own, tried alone
    assert database.written() == sorted(f"r{i}{b}" for i in range(7) for b in ("", "b"))


def test_a_failing_database_fails_every_call_and_writes_nothing() -> None:
    database = FakeDatabase(refuse=lambda rows: True)
    group = GroupCommit(database.write)

    errors = submit_together(group, [[{"id": f"r{i}"}] for i in range(6)])

    assert all(isinstance(error, ValueError) for error in errors)
    assert database.transactions == []
    # Nothing is left queued for a later call to write by surprise.
    assert group.queue.empty()


def test_a_call_after_a_failure_is_written() -> None:
    attempts = iter([True, False])
    database = FakeDatabase(refuse=lambda rows: next(attempts))
    group = GroupCommit(database.write)

    with pytest.raises(ValueError, match="refused"):
        group.submit([{"id": "first"}])
    group.submit([{"id": "second"}])

    assert database.written() == ["second"]


def test_a_transaction_holds_at_most_max_group_rows_unless_one_call_has_more() -> None:
    database = FakeDatabase()
    group = GroupCommit(database.write)
    half = MAX_GROUP_ROWS // 2 + 1
    calls = [[{"id": f"c{i}-{j}"} for j in range(half)] for i in range(4)]
    calls.append([{"id": f"big-{j}"} for j in range(MAX_GROUP_ROWS + 1)])

    errors = submit_together(group, calls)

    assert errors == [None] * 5
    sizes = sorted(len(rows) for rows in database.transactions)
    assert sizes[-1] == MAX_GROUP_ROWS + 1  # the big call, alone
    assert all(size <= MAX_GROUP_ROWS for size in sizes[:-1])
    assert sum(sizes) == 4 * half + MAX_GROUP_ROWS + 1


def test_coroutines_share_commits_and_each_resumes_once_its_rows_are_in() -> None:
    database = FakeDatabase()
    group = GroupCommit(database.write)

    async def one(i: int) -> bool:
        await group.submit_async([{"id": f"a{i:02d}"}])
        return f"a{i:02d}" in database.written()

    async def all_at_once() -> list[bool]:
        return await asyncio.gather(*(one(i) for i in range(16)))

    assert asyncio.run(all_at_once()) == [True] * 16
    assert len(database.transactions) < 16


def test_a_coroutine_whose_rows_are_refused_gets_the_error() -> None:
    group = GroupCommit(FakeDatabase(refuse=lambda rows: True).write)

    with pytest.raises(ValueError, match="refused a transaction of 1 rows"):
        asyncio.run(group.submit_async([{"id": "x"}]))


def test_drain_returns_once_everything_queued_is_committed() -> None:
    database = FakeDatabase(flush_seconds=0.05)
    group = GroupCommit(database.write)
    threads = [threading.Thread(target=group.submit, args=([{"id": f"r{i}"}],)) for i in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(0.01)  # all five queued or being written

    group.drain()

    assert database.written() == [f"r{i}" for i in range(5)]
    for thread in threads:
        thread.join(timeout=10)


def test_a_full_queue_makes_the_next_call_wait_for_a_place() -> None:
    release = threading.Event()
    database = FakeDatabase(flush_seconds=0)
    group = GroupCommit(lambda rows: (release.wait(10), database.write(rows)))
    group.places = threading.BoundedSemaphore(2)  # two requests pending at most
    first = [threading.Thread(target=group.submit, args=([{"id": i}],)) for i in ("a", "b")]
    for thread in first:
        thread.start()
    time.sleep(0.05)
    third = threading.Thread(target=group.submit, args=([{"id": "c"}],))
    third.start()
    time.sleep(0.05)

    assert group.queue.unfinished_tasks == 2  # the third waits for a place, not in the queue
    release.set()
    for thread in [*first, third]:
        thread.join(timeout=10)
    assert database.written() == ["a", "b", "c"]


def test_the_writer_stops_when_idle_and_the_next_call_starts_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(group_commit, "IDLE_SECONDS", 0.02)
    database = FakeDatabase(flush_seconds=0)
    group = GroupCommit(database.write)

    group.submit([{"id": "first"}])
    time.sleep(0.2)
    stopped = not group.writing
    group.submit([{"id": "second"}])

    assert stopped
    assert database.written() == ["first", "second"]

"""Group commit: concurrent writes share transactions, each call returns once its rows are in.

The writer here is a list standing in for a database: a "transaction" appends all its rows or
none, after a short pause that plays the flush to disk, so that calls pile up behind it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

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
    # Nothing is left pending for a later call to write by surprise.
    assert group.pending == [] and group.committing is False


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

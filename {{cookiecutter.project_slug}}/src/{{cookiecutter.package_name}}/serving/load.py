"""A bounded load generator for the service: so many requests, so many at once, then it stops.

Used by the load test and the serving benchmark. It only ever sends to the loopback interface
(127.0.0.1, localhost, ::1): pointing a load generator at somebody else's server is an attack,
not a test. It stops after `requests` requests or `max_seconds`, whichever comes first.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from {{ cookiecutter.package_name }}.errors import ParamsError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class LoadResult:
    """What a load run measured."""

    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    statuses: Counter = field(default_factory=Counter)  # HTTP status (or "error") -> count
    seconds: float = 0.0

    @property
    def sent(self) -> int:
        """Requests sent (answered or not)."""
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        """Requests answered 200."""
        return self.statuses.get(200, 0)

    def percentile(self, q: float) -> float:
        """The q-th percentile of the successful latencies, in milliseconds."""
        return float(np.percentile(self.latencies, q) * 1000) if self.latencies else float("nan")

    @property
    def throughput(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0


def check_loopback(url: str) -> None:
    """Raise a ParamsError unless the URL points at this machine."""
    host = urlsplit(url).hostname
    if host not in LOOPBACK:
        raise ParamsError(f"Load is only sent to this machine (127.0.0.1), not to '{host}'.")


async def _run(
    url: str,
    body: Callable[[int], Any],
    requests: int,
    concurrency: int,
    max_seconds: float,
) -> LoadResult:
    """Send the requests from `concurrency` workers sharing one connection pool."""
    import httpx2

    result = LoadResult()
    deadline = time.perf_counter() + max_seconds
    next_index = iter(range(requests))
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx2.AsyncClient) -> None:
        """Take the next request number until none is left or time is up."""
        for index in next_index:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.post(url, json=body(index))
            except httpx2.HTTPError:
                result.statuses["error"] += 1
                continue
            result.statuses[response.status_code] += 1
            if response.status_code == 200:
                result.latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    async with httpx2.AsyncClient(limits=limits, timeout=30.0) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def send_load(
    url: str,
    body: Callable[[int], Any],
    requests: int,
    concurrency: int = 1,
    max_seconds: float = 120.0,
) -> LoadResult:
    """POST body(i) for i in range(requests) to `url`, `concurrency` at a time, then stop.

    Args:
        url: A URL on this machine (127.0.0.1, localhost or ::1).
        body: Builds the JSON body of request i.
        requests: How many requests at most.
        concurrency: How many in flight at once.
        max_seconds: Stop sending after this long, whatever is left.
    """
    check_loopback(url)
    if not 1 <= requests <= 1_000_000 or not 1 <= concurrency <= 1000:
        raise ParamsError("requests must be 1 to 1,000,000 and concurrency 1 to 1,000.")
    return asyncio.run(_run(url, body, requests, concurrency, max_seconds))

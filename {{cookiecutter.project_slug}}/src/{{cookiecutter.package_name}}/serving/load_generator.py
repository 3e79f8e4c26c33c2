"""A bounded load generator for the service: so many requests, so many at once, then it stops.

Used by the load test, the serving benchmark and the A/B simulation, which also take their
synthetic customers from here (`simulated_customers`: the data generator's rows, clean, as a
client sends them). It only ever sends to the loopback interface
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
import pandas as pd

from {{ cookiecutter.package_name }}.config import DirtParams, Params
from {{ cookiecutter.package_name }}.data.synthetic import generate
from {{ cookiecutter.package_name }}.errors import ParamsError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Dirt the generator injects (the rates of data.dirt), all turned off: a client sends clean,
# typed records.
DIRT_RATES = tuple(name for name in DirtParams.model_fields if name.endswith("_rate"))


def simulated_customers(
    params: Params, n: int, seed: int, with_missing: bool = False
) -> tuple[list[dict], np.ndarray]:
    """n new customers as API records, and whether each will churn (the generator's label).

    with_missing keeps the generator's missing values (sent as null): traffic then comes from
    the same process as the training data, which is what monitoring's no-drift case needs.
    """
    off = [rate for rate in DIRT_RATES if not (with_missing and rate == "missing_rate")]
    dirt = params.data.dirt.model_copy(update=dict.fromkeys(off, 0.0))
    frame, _ = generate(n, dirt, params.columns, seed)
    records = [api_record(row, params) for row in frame.to_dict("records")]
    id_column = params.columns.id
    if id_column is not None:
        # The generator numbers customers from 1: the seed keeps two simulations' units apart.
        for record in records:
            record[id_column] = f"sim{seed}-{record[id_column]}"
    return records, frame[params.columns.target].astype(int).to_numpy()


def api_record(row: dict[str, Any], params: Params) -> dict[str, Any]:
    """A generated row (all text) as the API takes it: numbers as numbers, missing as null."""
    columns = params.model_columns
    record: dict[str, Any] = {}
    for name in [columns.id, columns.group, columns.time, *columns.categorical, *columns.text]:
        if name is not None:
            record[name] = None if pd.isna(row[name]) else str(row[name])
    for name in columns.numeric:
        record[name] = None if pd.isna(row[name]) else float(row[name])
    return record


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

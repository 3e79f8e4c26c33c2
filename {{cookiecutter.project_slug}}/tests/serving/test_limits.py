"""A body over serving.max_body_bytes gets 413 before it is read: declared, or streamed.

The limit is set small here (10,000 bytes), so an oversize body costs nothing to build.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.limits import BodySizeLimit, too_busy, too_large
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.settings import Settings

from ..model.conftest import small_params
from .conftest import record

LIMIT = 10_000
CHUNK = 1_000


@pytest.fixture
def app(workspace_params: Params, store: ModelStore, tmp_path: Path) -> FastAPI:
    """The service with a body limit of LIMIT bytes."""
    raw = small_params()
    raw["serving"]["max_body_bytes"] = LIMIT
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}")
    return create_app(parse_params(raw), settings, store)


def test_a_declared_oversize_body_is_refused_with_one_sentence(
    app: FastAPI, workspace_params: Params
) -> None:
    body = [record(workspace_params, customer=f"C{i:07d}") for i in range(60)]  # about 25 KB
    assert len(json.dumps(body)) > LIMIT

    with TestClient(app) as client:
        refused = client.post("/predict/batch", json=body)
        accepted = client.post("/predict/batch", json=body[:5])

    assert refused.status_code == 413
    assert refused.json() == {"detail": too_large(LIMIT)}
    assert refused.headers["connection"] == "close"
    assert accepted.status_code == 200


def call(app: FastAPI, headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, Any, int]:
    """Send `chunks` chunks of CHUNK bytes to POST /predict/batch straight through ASGI.

    Returns the status, the answer and how many chunks the app read.
    """
    read = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal read
        await asyncio.sleep(0)
        if read == chunks:  # the whole body was read: the client is gone
            return {"type": "http.disconnect"}
        read += 1
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": read < chunks}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": "POST", "scheme": "http", "path": "/predict/batch", "raw_path": b"/predict/batch",
        "query_string": b"", "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    start = next(message for message in sent if message["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), read


def test_a_chunked_body_is_refused_as_soon_as_it_crosses_the_limit(app: FastAPI) -> None:
    # 1,000 chunks (1 MB) announced without a Content-Length, as a chunked upload is.
    status, answer, read = call(app, [(b"content-type", b"application/json")], chunks=1000)

    assert status == 413
    assert answer == {"detail": too_large(LIMIT)}
    assert read == LIMIT // CHUNK + 1  # the chunk that crossed the limit, none after it


def test_a_declared_oversize_body_is_not_read_at_all(app: FastAPI) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"1000000")]

    status, answer, read = call(app, headers, chunks=1000)

    assert (status, read) == (413, 0)
    assert answer == {"detail": too_large(LIMIT)}


# --- a real uvicorn server: what a client sees on the wire


@pytest.fixture
def address(app: FastAPI) -> Iterator[tuple[str, int]]:
    """uvicorn serving the app in a thread on a loopback port of its own."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start in 30 s"
        time.sleep(0.05)
    yield listener.getsockname()
    server.should_exit = True
    thread.join(timeout=10)
    listener.close()


def answer_on(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (bounded by a timeout).

    A server that closes with part of the request unread resets the connection: what it sent
    before is still read first, then the reset ends the answer as a close would.
    """
    connection.settimeout(10)
    parts = []
    try:
        while part := connection.recv(65536):
            parts.append(part)
    except ConnectionResetError:
        pass
    return b"".join(parts)


def send_until_answered(connection: socket.socket, pieces: Iterator[bytes]) -> None:
    """Send the pieces, stopping early when the server answers or closes the connection."""
    for piece in pieces:
        if select.select([connection], [], [], 0)[0]:
            return  # an answer (or the close) is waiting: the server has stopped reading
        try:
            connection.sendall(piece)
        except (ConnectionResetError, BrokenPipeError):
            return  # closed after its answer, which is still in our receive buffer


def test_uvicorn_answers_413_before_a_chunked_body_ends_and_closes(
    address: tuple[str, int],
) -> None:
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(
            b"POST /predict/batch HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        # Twice the limit, and the body never ends (no last chunk): only an early answer
        # can reach the client.
        chunk = b"%x\r\n%s\r\n" % (CHUNK, b" " * CHUNK)
        send_until_answered(connection, (chunk for _ in range(2 * LIMIT // CHUNK)))

        answer = answer_on(connection)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body) == {"detail": too_large(LIMIT)}


def test_uvicorn_refuses_a_declared_gigabyte_without_waiting_for_it(
    address: tuple[str, int],
) -> None:
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(
            b"POST /predict/batch HTTP/1.1\r\nHost: test\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n"
        )

        answer = answer_on(connection)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body) == {"detail": too_large(LIMIT)}


async def post(app: Any, body: bytes, declared: bool = True) -> tuple[int, dict, Any]:
    """One POST straight through the ASGI interface: status, headers, JSON answer.

    `declared=False` sends the body without Content-Length, as a chunked upload arrives.
    """
    headers = [(b"content-length", str(len(body)).encode())] if declared else []
    headers.append((b"content-type", b"application/json"))
    scope = {
        "type": "http", "method": "POST", "path": "/hold", "raw_path": b"/hold",
        "query_string": b"", "headers": headers, "http_version": "1.1", "scheme": "http",
        "server": ("service", 80), "client": ("client", 1), "root_path": "",
    }  # fmt: skip
    parts = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        if parts:
            return parts.pop(0)
        await asyncio.sleep(3600)  # the client stays connected
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    answer = b"".join(message.get("body", b"") for message in sent[1:])
    head = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return sent[0]["status"], head, json.loads(answer)


def test_bodies_over_the_workers_budget_are_503_until_the_held_ones_answer() -> None:
    release = asyncio.Event()
    inner = FastAPI()

    @inner.post("/hold")
    async def hold(request: Request) -> dict[str, int]:
        size = len(await request.body())
        await release.wait()  # the body stays held until the test lets the answers go
        return {"bytes": size}

    limited = BodySizeLimit(inner, max_bytes=100, in_flight=2)  # a budget of 200 bytes

    async def scenario() -> tuple[list, list, tuple]:
        held = [asyncio.create_task(post(limited, b"x" * 100)) for _ in "ab"]
        await asyncio.sleep(0.05)  # both bodies read, both answers waiting
        refused = [await post(limited, b"x" * 10), await post(limited, b"x", declared=False)]
        release.set()
        answered = list(await asyncio.gather(*held))
        return refused, answered, await post(limited, b"x" * 100)

    refused, answered, again = asyncio.run(asyncio.wait_for(scenario(), timeout=10))

    assert [(status, answer) for status, _, answer in refused] == [
        (503, {"detail": too_busy()})
    ] * 2
    assert refused[0][1]["retry-after"] == "1"
    assert [(status, answer) for status, _, answer in answered] == [(200, {"bytes": 100})] * 2
    assert (again[0], again[2], limited.budget.held) == (200, {"bytes": 100}, 0)

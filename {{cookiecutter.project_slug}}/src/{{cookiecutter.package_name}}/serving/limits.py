"""A bound on every request: a body over serving.max_body_bytes gets 413 before it is read.

Without a bound, a client that sends a 200 MB body makes the worker read it whole and parse it
(its memory grows by gigabytes) before validation refuses it. This middleware sits in front of
the application. It is plain ASGI rather than a FastAPI dependency because it must act while the
body streams in, before FastAPI reads it:

1. a declared Content-Length over the limit is refused at once: not one byte of the body is read;
2. a body sent without one (chunked) is counted as it arrives: the chunk that crosses the limit
   ends the request with 413, and the rest is never read.

The answer also asks the server to close the connection, so the client stops sending.

One body is bounded; so is their sum. Each request holds its body's bytes from a budget of the
worker, BODIES_IN_FLIGHT times serving.max_body_bytes, until its answer is sent: a request that
would go over the budget gets 503 with Retry-After before its body is read. Without it, twelve
clients sending a 15 MB batch at once took a worker from 330 MB to 530 MB, and a hundred would
take gigabytes (a body costs several times its size once parsed). Small requests never wait:
the budget holds thousands of ordinary batches.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLOSE = {"connection": "close"}
# Full-size bodies a worker reads and holds at once: its memory for bodies is bounded by this
# many times serving.max_body_bytes (and their parsed copies), whatever the number of clients.
BODIES_IN_FLIGHT = 4
BUSY = {**CLOSE, "retry-after": "1"}


def too_large(limit: int) -> str:
    """The sentence of a 413 answer."""
    return (
        f"The request body is larger than {limit:,} bytes (serving.max_body_bytes); "
        "send fewer records per request."
    )


def too_busy() -> str:
    """The sentence of a 503 answer for a body over the worker's budget."""
    return (
        "The service is reading too many large requests at once; retry in a second, or send "
        "fewer records per request."
    )


class BodyBudget:
    """The bytes of request bodies a worker holds at once, across its requests.

    No lock: the middleware runs on the worker's event loop, one step at a time.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0

    def take(self, size: int) -> bool:
        """Hold `size` more bytes if the budget allows; False (nothing held) if not."""
        if self.held + size > self.limit:
            return False
        self.held += size
        return True

    def give(self, size: int) -> None:
        """Give back bytes held by a request that has answered."""
        self.held -= size


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, or None (chunked, or not a number)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodySizeLimit:
    """ASGI middleware: 413 for a request body over `max_bytes`, declared or streamed; 503
    for one over the worker's budget of bodies in flight."""

    def __init__(self, app: ASGIApp, max_bytes: int, in_flight: int = BODIES_IN_FLIGHT) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.budget = BodyBudget(in_flight * max_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a declared oversize body at once; count a streamed one as it arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = declared_length(scope)
        if declared is not None and declared > self.max_bytes:
            answer = JSONResponse({"detail": too_large(self.max_bytes)}, 413, headers=CLOSE)
            await answer(scope, receive, send)
            return
        held = declared or 0
        if not self.budget.take(held):
            await JSONResponse({"detail": too_busy()}, 503, headers=BUSY)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            """The next part of the body; 413 (raised to the app) once the total is too large,
            503 once a streamed body goes over the budget."""
            nonlocal received, held
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI lets an HTTPException raised while it reads the body through to
                    # the app's handler, which answers it like any other.
                    raise HTTPException(413, too_large(self.max_bytes), headers=CLOSE)
                if received > held:  # a body without Content-Length: held as it arrives
                    if not self.budget.take(received - held):
                        raise HTTPException(503, too_busy(), headers=BUSY)
                    held = received
            return message

        try:
            await self.app(scope, counted, send)
        finally:
            self.budget.give(held)

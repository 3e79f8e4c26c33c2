"""A bound on every request: a body over serving.max_body_bytes gets 413 before it is read.

Without a bound, a client that sends a 200 MB body makes the worker read it whole and parse it
(its memory grows by gigabytes) before validation refuses it. This middleware sits in front of
the application. It is plain ASGI rather than a FastAPI dependency because it must act while the
body streams in, before FastAPI reads it:

1. a declared Content-Length over the limit is refused at once: not one byte of the body is read;
2. a body sent without one (chunked) is counted as it arrives: the chunk that crosses the limit
   ends the request with 413, and the rest is never read.

The answer also asks the server to close the connection, so the client stops sending.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CLOSE = {"connection": "close"}


def too_large(limit: int) -> str:
    """The sentence of a 413 answer."""
    return (
        f"The request body is larger than {limit:,} bytes (serving.max_body_bytes); "
        "send fewer records per request."
    )


def declared_length(scope: Scope) -> int | None:
    """The Content-Length the client declared, or None (chunked, or not a number)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


class BodySizeLimit:
    """ASGI middleware: 413 for a request body over `max_bytes`, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

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
        received = 0

        async def counted() -> Message:
            """The next part of the body; 413 (raised to the app) once the total is too large."""
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI lets an HTTPException raised while it reads the body through to
                    # the app's handler, which answers it like any other.
                    raise HTTPException(413, too_large(self.max_bytes), headers=CLOSE)
            return message

        await self.app(scope, counted, send)

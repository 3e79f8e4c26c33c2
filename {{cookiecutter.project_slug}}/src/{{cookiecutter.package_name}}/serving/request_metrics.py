"""Count every request and time it, by route template (/predict, not /predict?x=1).

Plain ASGI, like limits.py: it watches the response start go by for its status and times the
whole exchange. Starlette's `@app.middleware("http")` would do the same in a few lines, but it
runs the app in a task of its own and streams the response through a queue, which took more
of a worker's time than scoring the record did (chapter 11's profile).
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.serving.service import Metrics


class RequestMetrics:
    """ASGI middleware: http_requests by route and status, their latency by route."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; once it is answered (or has failed), count and time it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it answers

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            # The router has written the matched route into the scope by now.
            name = getattr(scope.get("route"), "path", "unmatched")
            self.metrics.requests.labels(name, str(status)).inc()
            self.metrics.latency.labels(name).observe(time.perf_counter() - started)

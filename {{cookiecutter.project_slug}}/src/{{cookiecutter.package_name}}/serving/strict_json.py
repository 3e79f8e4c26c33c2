"""Request bodies whose JSON objects repeat a name are refused (422), not read as their last value.

JSON leaves duplicate names undefined (RFC 8259): Python's parser keeps the last value, others
keep the first or refuse. A record sent as {"age": 30, ..., "age": 200} would be scored with
whichever the parser chose, and a client or proxy that read the first would disagree with the
log. Every route of the service that takes a JSON body uses StrictJSONRoute (its APIRouter's
route_class): the body is parsed with a check of each object's names, and a repeated one is a
422 naming it, worded as FastAPI's other errors of JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute


def unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; an error naming the first name it repeats."""
    found = dict(pairs)
    if len(found) < len(pairs):
        seen: set[str] = set()
        repeated = next(name for name, _ in pairs if name in seen or seen.add(name))
        # FastAPI turns a JSONDecodeError into its 422 of invalid JSON, with this message.
        raise json.JSONDecodeError(f"Duplicate name {repeated!r}", "", 0)
    return found


class StrictJSONRequest(Request):
    """A request whose JSON body may not repeat a name within an object."""

    async def json(self) -> Any:
        """The body parsed as JSON, refusing repeated names (cached, as Starlette does)."""
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), object_pairs_hook=unique_names)
        return self._json


class StrictJSONRoute(APIRoute):
    """A route that reads its JSON body with StrictJSONRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """FastAPI's handler, given the request as a StrictJSONRequest."""
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict

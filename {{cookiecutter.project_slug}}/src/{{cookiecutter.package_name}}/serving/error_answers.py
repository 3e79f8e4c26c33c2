"""Error answers that always encode and stay small, whatever the request held.

A client decides what it sends: text holding a lone surrogate (the JSON escape "\\ud800" is
valid JSON but cannot be written as UTF-8), megabytes in one field, thousands of invalid
records. FastAPI's own 422 answer echoes every invalid input whole, so such a request got a
500 (the answer could not be encoded) or an answer as large as the request. Every error answer
of the service is built here instead:

1. an input is echoed as a short excerpt: text cut to EXCERPT_CHARS characters, an object or a
   list summarised by its size, NaN and infinities written as text;
2. anything that is not valid Unicode is written as an escape ("\\ud800" as those six characters);
3. at most MAX_ERRORS field errors are listed, and one more entry says how many were left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

# Enough to recognise the value in a client's logs, never a copy of a large input.
EXCERPT_CHARS = 40
# A field name, an error message or an HTTPException's sentence: one line, not a document.
MAX_TEXT_CHARS = 300
# A batch of a thousand bad records would otherwise list every field of every record.
MAX_ERRORS = 20


def safe_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """The text cut to `limit` characters, with what UTF-8 cannot encode written as escapes."""
    cut = text[: limit + 1]  # cut first: escaping a 200 MB string would cost 200 MB more
    cut = cut.encode("utf-8", "backslashreplace").decode("utf-8")
    return cut if len(cut) <= limit else f"{cut[: limit - 1]}…"


def excerpt(value: Any) -> Any:
    """A short, encodable stand-in for one input value."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        # Python reads a 4,000-digit JSON number as an int: echo its size, not its digits.
        return value if abs(value) < 10**15 else f"an integer of {len(str(abs(value)))} digits"
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # JSON has no NaN or infinity
    if isinstance(value, str):
        return safe_text(value, EXCERPT_CHARS)
    if isinstance(value, bytes | bytearray):
        text = bytes(value[: EXCERPT_CHARS + 1]).decode("utf-8", "replace")
        return safe_text(text, EXCERPT_CHARS)
    if isinstance(value, dict):
        return f"an object of {len(value)} fields"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    return safe_text(type(value).__name__, EXCERPT_CHARS)


def location(loc: Sequence[Any]) -> list[Any]:
    """An error's location: positions as they are, field names cut and escaped."""
    return [part if isinstance(part, int) else safe_text(str(part), EXCERPT_CHARS) for part in loc]


def field_error(error: dict[str, Any]) -> dict[str, Any]:
    """One of pydantic's field errors, with every part an input can reach made safe."""
    item: dict[str, Any] = {
        "type": safe_text(str(error.get("type", "invalid")), EXCERPT_CHARS),
        "loc": location(error.get("loc", ())),
        "msg": safe_text(str(error.get("msg", ""))),
        "input": excerpt(error.get("input")),
    }
    if error.get("ctx"):
        # The context holds the rule (max_length, the pattern) or the validator's exception.
        item["ctx"] = {
            safe_text(str(key), EXCERPT_CHARS): excerpt(value)
            if isinstance(value, int | float | str | None)
            else safe_text(str(value))
            for key, value in error["ctx"].items()
        }
    return item


def validation_detail(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `detail` of a 422 answer: the first MAX_ERRORS field errors, then how many more."""
    detail = [field_error(error) for error in errors[:MAX_ERRORS]]
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        detail.append(
            {
                "type": "too_many_errors",
                "loc": [],
                "msg": f"{more:,} more errors are not listed; fix the ones above and send again.",
                "input": None,
            }
        )
    return detail


def http_detail(detail: Any) -> Any:
    """An HTTPException's detail made safe: a sentence may quote an input (an unknown id)."""
    if isinstance(detail, str):
        return safe_text(detail)
    return excerpt(detail)

"""Every error answer encodes and stays small, whatever the request held.

A lone surrogate ("\\ud800", sent as the JSON escape), NaN and infinities, bytes that are not
UTF-8 and megabytes of invalid records, on every route that takes a body or a header.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.error_answers import (
    EXCERPT_CHARS,
    MAX_ERRORS,
    excerpt,
    http_detail,
    safe_text,
    validation_detail,
)
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.settings import Settings

from .conftest import record

KEY = "error-test-key"
SURROGATE = "SURROGATE"  # replaced by the JSON escape \ud800 in the raw body
JSON = {"content-type": "application/json"}


@pytest.fixture
def client(workspace_params: Params, store: ModelStore, tmp_path: Path) -> Iterator[TestClient]:
    """The service with its admin routes on."""
    settings = Settings(
        prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}", admin_api_key=KEY
    )
    with TestClient(create_app(workspace_params, settings, store)) as running:
        yield running


def raw_json(body: object) -> bytes:
    """The body as JSON text, with SURROGATE written as the escape of a lone surrogate."""
    return json.dumps(body).replace(SURROGATE, "\\ud800").encode()


def answer_of(response: object) -> object:
    """The answer's JSON, decoded strictly as UTF-8 (what any client does)."""
    return json.loads(response.content.decode("utf-8"))


# --- the helpers


def test_safe_text_escapes_what_utf8_cannot_encode_and_cuts() -> None:
    assert safe_text("a\ud800b") == "a\\ud800b"
    assert safe_text("x" * 1000, 10) == "x" * 9 + "…"
    assert safe_text("short", 10) == "short"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (True, True),
        (42, 42),
        (10**100, "an integer of 101 digits"),
        (float("nan"), "nan"),
        (float("-inf"), "-inf"),
        ("\ud800", "\\ud800"),
        ("y" * 10_000, "y" * (EXCERPT_CHARS - 1) + "…"),
        (b"\xff\xfeab", "\ufffd\ufffdab"),
        ({"a": 1, "b": 2}, "an object of 2 fields"),
        ([1] * 5000, "a list of 5000 items"),
    ],
    ids=[
        "null",
        "bool",
        "int",
        "huge-int",
        "nan",
        "inf",
        "surrogate",
        "long-text",
        "bytes",
        "object",
        "list",
    ],
)
def test_an_input_is_echoed_as_a_short_encodable_excerpt(value: object, expected: object) -> None:
    assert excerpt(value) == expected
    json.dumps(excerpt(value), allow_nan=False).encode("utf-8")  # encodes, or this raises


def test_a_validation_detail_lists_at_most_max_errors_then_a_count() -> None:
    errors = [
        {"type": "missing", "loc": ("body", i, "\ud800" * 500), "msg": "m"} for i in range(99)
    ]

    detail = validation_detail(errors)

    assert len(detail) == MAX_ERRORS + 1
    assert detail[-1]["type"] == "too_many_errors"
    assert detail[-1]["msg"].startswith(f"{99 - MAX_ERRORS:,} more errors")
    assert len(detail[0]["loc"][2]) == EXCERPT_CHARS
    assert (
        http_detail("No prediction has the id '\ud800'.") == "No prediction has the id '\\ud800'."
    )


# --- the routes


def bad_bodies(params: Params) -> list[tuple[str, str, object]]:
    """(method, path, body) with a lone surrogate in every text field and in a field name."""
    columns = params.model_columns
    texts = [columns.id, *columns.categorical, *columns.text]
    cases: list[tuple[str, str, object]] = []
    for name in texts:
        cases.append(("POST", "/predict", record(params, **{name: f"a{SURROGATE}"})))
        cases.append(("POST", "/predict/batch", [record(params, **{name: SURROGATE})]))
    cases += [
        ("POST", "/predict", {**record(params), SURROGATE: 1}),
        ("POST", "/predict", record(params, **{columns.time: SURROGATE})),
        ("POST", "/feedback", {"prediction_id": SURROGATE, "outcome": 1}),
        ("POST", "/feedback", {SURROGATE: SURROGATE}),
    ]
    experiment = params.serving.experiment.model_dump()
    for field in ("mode", "salt"):
        cases.append(("PUT", "/admin/experiment", {**experiment, field: SURROGATE}))
    return cases


def test_a_lone_surrogate_anywhere_gets_a_422_that_encodes(
    client: TestClient, workspace_params: Params
) -> None:
    for method, path, body in bad_bodies(workspace_params):
        response = client.request(
            method, path, content=raw_json(body), headers={**JSON, "X-API-Key": KEY}
        )

        assert response.status_code == 422, (path, body)
        assert answer_of(response)["detail"], (path, body)


@pytest.mark.parametrize(
    ("method", "path", "raw"),
    [
        ("POST", "/feedback", b'{"prediction_id": NaN, "outcome": Infinity}'),
        ("PUT", "/admin/experiment", b'{"mode": "ab", "challenger_share": NaN}'),
        ("POST", "/predict/batch", b"[NaN, -Infinity]"),
        ("POST", "/predict", b'{"plan": "\xff\xfe\xfd"}'),
        ("POST", "/feedback", b"\xff\xfe\x00\xd8"),
        ("PUT", "/admin/experiment", b'{"salt": "\xc3\x28"}'),
    ],
)
def test_nan_infinity_and_bytes_that_are_not_utf8_get_a_4xx_that_encodes(
    client: TestClient, method: str, path: str, raw: bytes
) -> None:
    response = client.request(method, path, content=raw, headers={**JSON, "X-API-Key": KEY})

    assert response.status_code in (400, 422)
    assert isinstance(answer_of(response)["detail"], list | str)


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"X-API-Key": b"\xff\xfe\xed"}, 403),
        ({"X-API-Key": b"key\x85"}, 403),
    ],
)
def test_header_bytes_that_are_not_utf8_get_an_answer_that_encodes(
    client: TestClient, headers: dict, status: int
) -> None:
    response = client.post("/admin/reload", headers=headers)

    assert response.status_code == status
    assert answer_of(response) == {"detail": "The X-API-Key is not valid."}


def test_a_request_id_that_is_not_printable_ascii_gets_a_422_that_encodes(
    client: TestClient, workspace_params: Params
) -> None:
    response = client.post(
        "/predict", json=record(workspace_params), headers={"X-Request-ID": b"id\xff\x85"}
    )

    assert response.status_code == 422
    assert answer_of(response)["detail"][0]["loc"] == ["header", "x-request-id"]


def test_the_422_of_a_huge_invalid_batch_is_small(
    client: TestClient, workspace_params: Params
) -> None:
    # A thousand records, each with 4,000 characters where a number belongs and one missing
    # field: about 4 MB of input, thousands of errors.
    name = next(iter(workspace_params.model_columns.numeric))
    bad = record(workspace_params, **{name: "9" * 4000})
    del bad[next(iter(workspace_params.model_columns.categorical))]
    body = [bad] * workspace_params.serving.max_batch

    response = client.post("/predict/batch", json=body)

    assert response.status_code == 422
    detail = answer_of(response)["detail"]
    assert len(detail) == MAX_ERRORS + 1
    assert detail[-1]["type"] == "too_many_errors"
    assert len(response.content) < 10_000
    missing = next(error for error in detail if error["type"] == "missing")
    assert missing["input"].startswith("an object of")  # the record, summarised


def test_an_unknown_prediction_id_is_quoted_safely(client: TestClient) -> None:
    response = client.post("/feedback", json={"prediction_id": "prédiction-ø", "outcome": 0})

    assert response.status_code == 404
    assert answer_of(response) == {"detail": "No prediction has the id 'prédiction-ø'."}

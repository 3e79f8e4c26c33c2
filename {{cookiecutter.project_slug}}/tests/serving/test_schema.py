"""The API against its own OpenAPI schema: generated requests, valid and invalid (schemathesis).

For every route, schemathesis generates requests from the schema (valid ones, then invalid
ones), sends them to the app and checks that none gets a server error, that every status code
and body is one the schema declares, and that invalid input is refused with a 4xx. Examples
are bounded so the test takes seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.schemas import FIRST_SIGNUP
from {{ cookiecutter.package_name }}.settings import Settings

KEY = "schema-test-key"
ROUTES = [
    "GET /health",
    "GET /ready",
    "POST /predict",
    "POST /predict/batch",
    "POST /feedback",
    "GET /model",
    "GET /metrics",
    "POST /admin/reload",
    "PUT /admin/experiment",
]


@pytest.fixture
def api_schema(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> schemathesis.BaseSchema:
    """The app's schema, loaded from the app itself."""
    # A signup date lies from FIRST_SIGNUP to today, as its description says; a JSON schema
    # cannot say "today", so valid dates are drawn from that range.
    today = dt.datetime.now(dt.UTC).date()
    schemathesis.openapi.format("date", st.dates(FIRST_SIGNUP, today).map(dt.date.isoformat))
    settings_ = Settings(
        prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}", admin_api_key=KEY
    )
    return schemathesis.openapi.from_asgi(
        "/openapi.json", create_app(workspace_params, settings_, store)
    )


def test_the_schema_lists_every_route(api_schema: schemathesis.BaseSchema) -> None:
    labels = [result.ok().label for result in api_schema.get_all_operations()]

    assert sorted(labels) == sorted(ROUTES)


# Routes that take input: only they can be sent invalid requests.
WITH_INPUT = ["POST /predict", "POST /predict/batch", "POST /feedback", "PUT /admin/experiment"]
CASES = [(route, schemathesis.GenerationMode.POSITIVE) for route in ROUTES] + [
    (route, schemathesis.GenerationMode.NEGATIVE) for route in WITH_INPUT
]


@pytest.mark.parametrize(("route", "mode"), CASES, ids=[f"{r}-{m.value}" for r, m in CASES])
def test_every_route_answers_as_its_schema_says(
    api_schema: schemathesis.BaseSchema, route: str, mode: schemathesis.GenerationMode
) -> None:
    method, path = route.split(" ")
    operation = api_schema[path][method]

    # Each route has its own bounded run.
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,  # the same examples on every run: CI must not be a lottery
    )
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers={"X-API-Key": KEY})

    check()

"""Inputs a careful API refuses, one rule each, and each rule visible in the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import CANARY_MAX_SHARE, ExperimentParams, Params
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.schemas import FIRST_SIGNUP
from {{ cookiecutter.package_name }}.settings import Settings

from .conftest import client_for, record

KEY = "input-test-key"


@pytest.fixture
def client(workspace_params: Params, store: ModelStore, tmp_path: Path) -> Iterator[TestClient]:
    """The service with its admin routes on."""
    settings = Settings(
        prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}", admin_api_key=KEY
    )
    with TestClient(create_app(workspace_params, settings, store)) as running:
        yield running


def utc_today() -> dt.date:
    """Today's date in UTC, the service's clock for signup dates."""
    return dt.datetime.now(dt.UTC).date()


# --- control characters


@pytest.mark.parametrize("control", ["\x00", "\x1b", "\x7f", "\x85", "\t", "\n"])
def test_control_characters_are_refused_in_ids_and_categories(
    client: TestClient, workspace_params: Params, control: str
) -> None:
    columns = workspace_params.model_columns
    for name in [columns.id, *columns.categorical]:
        response = client.post("/predict", json=record(workspace_params, **{name: f"a{control}b"}))

        assert response.status_code == 422, name
        assert response.json()["detail"][0]["loc"] == ["body", name]


@pytest.mark.parametrize(("text", "status"), [("a\x00b", 422), ("a\x1bb", 422), ("a\x9bb", 422),
                                              ("line one\r\nline\ttwo", 200)])  # fmt: skip
def test_free_text_allows_tabs_and_line_breaks_only(
    client: TestClient, workspace_params: Params, text: str, status: int
) -> None:
    name = workspace_params.model_columns.text[0]

    assert (
        client.post("/predict", json=record(workspace_params, **{name: text})).status_code == status
    )


@pytest.mark.parametrize(("request_id", "status"), [("req-1 ok", 200), ("a\tb", 422), ("", 422)])
def test_the_request_id_header_is_printable_ascii(
    client: TestClient, workspace_params: Params, request_id: str, status: int
) -> None:
    response = client.post(
        "/predict", json=record(workspace_params), headers={"X-Request-ID": request_id}
    )

    assert response.status_code == status


# --- the signup date


def test_a_signup_date_in_the_future_or_absurd_is_refused(
    client: TestClient, workspace_params: Params
) -> None:
    time = workspace_params.model_columns.time
    too_late = [utc_today() + dt.timedelta(days=1), dt.date(9999, 12, 31)]
    too_early = [FIRST_SIGNUP - dt.timedelta(days=1), dt.date(1, 1, 1)]
    for date in too_late + too_early:
        response = client.post(
            "/predict", json=record(workspace_params, **{time: date.isoformat()})
        )

        assert response.status_code == 422, date
        assert "to today" in response.json()["detail"][0]["msg"]
    for date in (utc_today(), FIRST_SIGNUP):
        response = client.post(
            "/predict", json=record(workspace_params, **{time: date.isoformat()})
        )

        assert response.status_code == 200, date


@pytest.mark.parametrize("text", ["2024.03.15", "Mar 15 2024", "15 March 2024", "15/03/2024"])
def test_a_signup_date_in_another_form_scores_as_its_iso_form(
    client: TestClient, workspace_params: Params, text: str
) -> None:
    time = workspace_params.model_columns.time
    iso = client.post("/predict", json=record(workspace_params, **{time: "2024-03-15"}))

    response = client.post("/predict", json=record(workspace_params, **{time: text}))

    assert response.status_code == 200
    assert response.json()["score"] == iso.json()["score"]


def with_date_order(params: Params, order: str) -> Params:
    """The params with another columns.date_order."""
    return params.model_copy(
        update={"columns": params.columns.model_copy(update={"date_order": order})}
    )


@pytest.mark.parametrize(
    ("text", "order", "says"),
    [("03/04/2024", "auto", "is ambiguous"), ("soon", "day_first", "is no date")],
)
def test_an_ambiguous_or_unreadable_signup_date_is_refused_naming_the_field(
    workspace_params: Params,
    store: ModelStore,
    tmp_path: Path,
    text: str,
    order: str,
    says: str,
) -> None:
    # Under auto a single record gives no evidence of the order; under day_first, "soon" is
    # still no date.
    params = with_date_order(workspace_params, order)
    time = params.model_columns.time
    client = client_for(params, store, tmp_path)

    response = client.post("/predict", json=record(params, **{time: text}))

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", time]
    assert says in response.json()["detail"][0]["msg"]


def test_a_slash_date_follows_the_contracts_order(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    params = with_date_order(workspace_params, "day_first")
    time = params.model_columns.time
    client = client_for(params, store, tmp_path)

    slash = client.post("/predict", json=record(params, **{time: "03/04/2024"}))
    iso = client.post("/predict", json=record(params, **{time: "2024-04-03"}))

    assert slash.status_code == 200
    assert slash.json()["score"] == iso.json()["score"]  # the 3rd of April


# --- strict numbers in /feedback and the experiment


@pytest.mark.parametrize("outcome", [True, False, "1", "0", 0.5])
def test_an_outcome_must_be_the_integer_0_or_1(
    client: TestClient, workspace_params: Params, outcome: object
) -> None:
    prediction_id = client.post("/predict", json=record(workspace_params)).json()["prediction_id"]

    response = client.post("/feedback", json={"prediction_id": prediction_id, "outcome": outcome})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "outcome"]


@pytest.mark.parametrize("share", [True, "0.1", "0"])
def test_a_challenger_share_must_be_a_number(
    client: TestClient, workspace_params: Params, share: object
) -> None:
    experiment = {**workspace_params.serving.experiment.model_dump(), "challenger_share": share}

    response = client.put("/admin/experiment", json=experiment, headers={"X-API-Key": KEY})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "challenger_share"]


@pytest.mark.parametrize("share", ["0", "0.1", "1"])
def test_params_yaml_still_reads_a_share_written_as_an_integer_or_a_float(share: str) -> None:
    text = f"mode: ab\nchallenger_share: {share}\nsalt: s\n"
    text += "minimum_detectable_effect: 0.03\nalpha: 0.05\npower: 0.8\n"

    experiment = ExperimentParams.model_validate(yaml.safe_load(text))

    assert experiment.challenger_share == float(share)


# --- the rules in the OpenAPI schema


def test_each_rule_is_in_the_openapi_schema(client: TestClient, workspace_params: Params) -> None:
    schema = client.get("/openapi.json").json()
    models = schema["components"]["schemas"]
    record_fields = models["CustomerRecord"]["properties"]
    columns = workspace_params.model_columns

    for name in [columns.id, *columns.categorical, *columns.text]:
        assert "pattern" in record_fields[name]["anyOf"][0], name
    assert str(FIRST_SIGNUP) in record_fields[columns.time]["description"]
    feedback = models["Feedback"]["properties"]
    assert "pattern" in feedback["prediction_id"]
    assert feedback["outcome"] == {
        "type": "integer", "minimum": 0, "maximum": 1, "title": "Outcome",
        "description": feedback["outcome"]["description"],
    }  # fmt: skip
    experiment = models["ExperimentParams"]
    assert experiment["then"] == {"properties": {"challenger_share": {"maximum": CANARY_MAX_SHARE}}}
    assert experiment["if"]["properties"]["mode"] == {"const": "canary"}
    header = next(
        p for p in schema["paths"]["/predict"]["post"]["parameters"] if p["name"] == "x-request-id"
    )
    assert "pattern" in header["schema"]["anyOf"][0]

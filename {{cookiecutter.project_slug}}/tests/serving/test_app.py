"""The prediction service against a real registry: statuses, bodies, the log, A/B, admin.

The registry (champion 1, challenger 2) comes from conftest.py; each test builds its own app with
its own prediction log around the same loaded models.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params, Settings, parse_params
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.predict import records_frame, score
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

from ..conftest import require_exercises
from ..model.conftest import small_params
from .conftest import record

KEY = "test-admin-key"


def client_for(
    params: Params, store: ModelStore, tmp_path: Path, admin_key: str = KEY
) -> TestClient:
    """A test client of a fresh app with its own prediction log."""
    settings = Settings(
        prediction_log_url=f"sqlite:///{tmp_path / 'predictions.db'}", admin_api_key=admin_key
    )
    return TestClient(create_app(params, settings, store))


@pytest.fixture
def client(workspace_params: Params, store: ModelStore, tmp_path: Path) -> Iterator[TestClient]:
    """A running app (lifespan included) with the default experiment: shadow."""
    with client_for(workspace_params, store, tmp_path) as running:
        yield running


def log_of(tmp_path: Path) -> pd.DataFrame:
    """What the app in tmp_path logged."""
    return PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}").read()


# --- health


def test_health_and_ready_name_the_loaded_versions(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "models": {"champion": "1", "challenger": "2"}}


def test_without_a_champion_the_service_starts_but_is_not_ready(
    workspace_params: Params, tmp_path: Path
) -> None:
    raw = small_params()
    raw["registry"]["model_name"] = "never-registered"
    unregistered = parse_params(raw)

    with client_for(
        unregistered, ModelStore("never-registered", input_columns(workspace_params)), tmp_path
    ) as client:
        ready = client.get("/ready")
        predicted = client.post("/predict", json=record(workspace_params))

    assert ready.status_code == 503
    assert (
        ready.json()["detail"]
        == "The registry has no 'champion' version of 'never-registered' yet."
    )
    assert predicted.status_code == 503
    assert predicted.json()["detail"] == ready.json()["detail"]


# --- predict


def test_a_prediction_is_the_champions_score_and_is_logged_with_the_shadow(
    client: TestClient, workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    body = record(workspace_params)

    response = client.post("/predict", json=body)

    assert response.status_code == 200
    answer = response.json()
    champion = store.models["champion"]
    expected = champion.pipeline.predict_proba(records_frame([body], workspace_params))[0, 1]
    assert math.isclose(answer["score"], expected, rel_tol=1e-9)
    assert answer["decision"] == (answer["score"] >= champion.threshold)
    assert (answer["variant"], answer["model_version"]) == ("champion", "1")
    logged = log_of(tmp_path)
    assert sorted(zip(logged["variant"], logged["served"], strict=True)) == [
        ("challenger", False),
        ("champion", True),
    ]
    served = logged[logged["served"]].iloc[0]
    assert served["prediction_id"] == answer["prediction_id"]
    assert served["unit_id"] == "C0000042"
    assert served["inputs"] == body


def test_scores_do_not_depend_on_the_order_of_the_fields(
    store: ModelStore, workspace_params: Params
) -> None:
    records = [record(workspace_params), record(workspace_params, age=70.0)]
    reordered = [dict(reversed(record.items())) for record in records]
    champion = store.models["champion"]

    scores = score(champion, reordered, workspace_params)[0]

    assert scores.tolist() == pytest.approx(score(champion, records, workspace_params)[0].tolist())


def test_one_record_scores_as_it_does_in_a_batch(
    store: ModelStore, workspace_params: Params
) -> None:
    records = [record(workspace_params), record(workspace_params, age=70.0, plan="never seen")]
    champion = store.models["champion"]

    singles = [score(champion, [one], workspace_params)[0][0] for one in records]  # the replay

    assert champion.scorer is not None
    assert singles == pytest.approx(
        score(champion, records, workspace_params)[0].tolist(), rel=1e-9
    )


def test_an_unseen_category_still_gets_a_prediction(
    client: TestClient, workspace_params: Params
) -> None:
    name = next(iter(workspace_params.model_columns.categorical))

    response = client.post("/predict", json=record(workspace_params, **{name: "never seen before"}))

    assert response.status_code == 200
    assert 0 <= response.json()["score"] <= 1


def test_null_values_are_missing_values_the_model_imputes(
    client: TestClient, workspace_params: Params
) -> None:
    name = next(iter(workspace_params.model_columns.numeric))

    assert client.post("/predict", json=record(workspace_params, **{name: None})).status_code == 200


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"age": "forty"}, ["body", "age"]),
        ({"age": "40"}, ["body", "age"]),
        ({"tenure_months": False}, ["body", "tenure_months"]),
        ({"signup_date": 1710460800}, ["body", "signup_date"]),
        ({"age": 250}, ["body", "age"]),
        ({"tenure_months": -3}, ["body", "tenure_months"]),
        ({"refund_amount": 10.0}, ["body", "refund_amount"]),
        ({"signup_date": "not a date"}, ["body", "signup_date"]),
        ({"support_message": "x" * 6000}, ["body", "support_message"]),
    ],
)
def test_bad_fields_are_422_naming_the_field(
    client: TestClient, workspace_params: Params, change: dict, where: list[str]
) -> None:
    response = client.post("/predict", json=record(workspace_params, **change))

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [where]


def test_a_missing_field_is_422_naming_it(client: TestClient, workspace_params: Params) -> None:
    body = record(workspace_params)
    del body["plan"]

    response = client.post("/predict", json=body)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "plan"]
    assert response.json()["detail"][0]["type"] == "missing"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(
    client: TestClient, workspace_params: Params, number: str
) -> None:
    # JSON has no NaN or Infinity, but Python's parser accepts these tokens: they must not pass.
    raw = json.dumps(record(workspace_params, age="NUMBER")).replace('"NUMBER"', number)

    response = client.post("/predict", content=raw, headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "age"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/predict", content=b'{"age": 4', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


def test_a_batch_answers_in_order_and_refuses_oversize_or_empty(
    client: TestClient, workspace_params: Params
) -> None:
    bodies = [record(workspace_params, customer=f"C{i:07d}", age=20 + 10 * i) for i in range(3)]

    response = client.post("/predict/batch", json=bodies)

    assert response.status_code == 200
    answers = response.json()["predictions"]
    assert len(answers) == 3
    singles = [client.post("/predict", json=body).json()["score"] for body in bodies]
    assert [a["score"] for a in answers] == pytest.approx(singles)
    too_many = [record(workspace_params)] * (workspace_params.serving.max_batch + 1)
    assert client.post("/predict/batch", json=too_many).status_code == 422
    assert client.post("/predict/batch", json=[]).status_code == 422


def test_a_prediction_that_cannot_be_logged_is_not_answered(
    client: TestClient, workspace_params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = client.app.state.service

    def broken(rows: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(service.log, "record", broken)

    response = client.post("/predict", json=record(workspace_params))

    assert response.status_code == 503
    assert response.json() == {"detail": "The prediction could not be logged; try again."}


# --- A/B


def test_ab_mode_splits_units_stickily_by_the_challenger_share(
    client: TestClient, workspace_params: Params, tmp_path: Path
) -> None:
    require_exercises(5)  # ab mode splits the traffic with assign()
    headers = {"X-API-Key": KEY}
    experiment = {
        **workspace_params.serving.experiment.model_dump(),
        "mode": "ab",
        "challenger_share": 0.5,
        "salt": "test",
    }
    assert client.put("/admin/experiment", json=experiment, headers=headers).status_code == 200
    customers = [f"C{i:07d}" for i in range(200)]
    bodies = [record(workspace_params, customer=customer) for customer in customers]

    first = client.post("/predict/batch", json=bodies).json()["predictions"]
    again = client.post("/predict/batch", json=bodies).json()["predictions"]

    variants = [answer["variant"] for answer in first]
    assert variants == [answer["variant"] for answer in again]  # sticky
    logged = log_of(tmp_path)
    assert len(logged) == 400 and logged["served"].all()  # no shadow rows in ab mode
    assert 70 <= variants.count("challenger") <= 130
    assert {a["model_version"] for a in first if a["variant"] == "challenger"} == {"2"}


def test_a_canary_above_a_fifth_is_refused(client: TestClient, workspace_params: Params) -> None:
    experiment = {
        **workspace_params.serving.experiment.model_dump(),
        "mode": "canary",
        "challenger_share": 0.5,
    }

    response = client.put("/admin/experiment", json=experiment, headers={"X-API-Key": KEY})

    assert response.status_code == 422
    assert "at most 0.2" in response.json()["detail"][0]["msg"]


# --- feedback, model, metrics


def test_feedback_attaches_the_outcome_to_the_prediction(
    client: TestClient, workspace_params: Params, tmp_path: Path
) -> None:
    prediction_id = client.post("/predict", json=record(workspace_params)).json()["prediction_id"]

    response = client.post("/feedback", json={"prediction_id": prediction_id, "outcome": 1})

    assert response.status_code == 200
    logged = log_of(tmp_path)
    assert logged.loc[logged["prediction_id"] == prediction_id, "outcome"].tolist() == [1]
    unknown = client.post("/feedback", json={"prediction_id": "nope", "outcome": 1})
    assert unknown.status_code == 404
    assert unknown.json() == {"detail": "No prediction has the id 'nope'."}
    bad = client.post("/feedback", json={"prediction_id": prediction_id, "outcome": 2})
    assert bad.status_code == 422


def test_model_lists_the_served_versions_and_the_experiment(
    client: TestClient, workspace_params: Params
) -> None:
    info = client.get("/model").json()

    assert [(m["variant"], m["model_version"]) for m in info["models"]] == [
        ("champion", "1"),
        ("challenger", "2"),
    ]
    assert info["models"][0]["algorithm"] == "gradient_boosting"
    assert info["experiment"] == workspace_params.serving.experiment.model_dump()


def test_metrics_count_requests_and_predictions(
    client: TestClient, workspace_params: Params
) -> None:
    client.post("/predict", json=record(workspace_params))
    client.post("/predict", json=record(workspace_params, age="bad"))

    text = client.get("/metrics").text

    assert 'predictions_total{served="true",variant="champion"} 1.0' in text
    assert 'predictions_total{served="false",variant="challenger"} 1.0' in text
    assert 'http_requests_total{route="/predict",status="200"} 1.0' in text
    assert 'http_requests_total{route="/predict",status="422"} 1.0' in text
    assert "http_request_duration_seconds_bucket" in text


# --- admin


def test_admin_routes_need_the_right_key(client: TestClient) -> None:
    assert client.post("/admin/reload").status_code == 401
    assert client.post("/admin/reload", headers={"X-API-Key": "wrong"}).status_code == 403
    response = client.post("/admin/reload", headers={"X-API-Key": KEY})
    assert response.status_code == 200
    assert response.json()["models"] == {"champion": "1", "challenger": "2"}


def test_without_a_key_there_are_no_admin_routes(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    with client_for(workspace_params, store, tmp_path, admin_key="") as client:
        assert client.post("/admin/reload", headers={"X-API-Key": ""}).status_code == 404


def test_a_failed_reload_keeps_serving_the_previous_models(
    client: TestClient, workspace_params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = client.app.state.service
    before = service.store.models

    def unreachable() -> dict:
        raise RuntimeError("registry unreachable")

    monkeypatch.setattr(service.store, "load", unreachable)

    response = client.post("/admin/reload", headers={"X-API-Key": KEY})

    assert response.status_code == 503
    assert response.json()["detail"].startswith("Reload failed, the previous models stay")
    assert service.store.models is before
    assert client.post("/predict", json=record(workspace_params)).status_code == 200

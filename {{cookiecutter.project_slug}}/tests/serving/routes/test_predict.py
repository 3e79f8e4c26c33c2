"""POST /predict and /predict/batch: statuses, bodies, the log, the A/B split.

The registry (champion 1, challenger 2) and the `client` fixture (a fresh app with its own
prediction log) come from ../conftest.py.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.predict import records_frame

from ...conftest import require_exercises
from ..conftest import KEY, client_for, log_of, record


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


def test_a_name_repeated_in_an_object_is_422_on_every_json_route(
    client: TestClient, workspace_params: Params, tmp_path: Path
) -> None:
    body = json.dumps(record(workspace_params, customer="C1"))
    twice = body[:-1] + ', "customer_id": "C2"}'  # which one? JSON leaves it undefined
    json_headers = {"content-type": "application/json"}
    feedback = '{"prediction_id": "x", "outcome": 1, "outcome": 0}'

    answers = [
        client.post("/predict", content=twice, headers=json_headers),
        client.post("/predict/batch", content=f"[{body}, {twice}]", headers=json_headers),
        client.post("/feedback", content=feedback, headers=json_headers),
        client.put(
            "/admin/experiment",
            content='{"mode": "off", "mode": "ab"}',
            headers={**json_headers, "X-API-Key": KEY},
        ),
    ]
    once = client.post("/predict", content=body, headers=json_headers)

    names = ["customer_id", "customer_id", "outcome", "mode"]
    for answer, name in zip(answers, names, strict=True):
        assert answer.status_code == 422, answer.text
        assert answer.json()["detail"][0]["type"] == "json_invalid"
        assert answer.json()["detail"][0]["ctx"] == {"error": f"Duplicate name '{name}'"}
    assert once.status_code == 200
    assert len(log_of(tmp_path)) == 2  # the one valid record and its shadow, nothing else


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

    # The write every path goes through (one record, a batch), under the group commit.
    monkeypatch.setattr(service.log, "insert", broken)

    response = client.post("/predict", json=record(workspace_params))
    batch = client.post("/predict/batch", json=[record(workspace_params)] * 2)

    assert response.status_code == batch.status_code == 503
    assert response.json() == {"detail": "The prediction could not be logged; try again."}
    assert batch.json() == response.json()


def test_a_log_deleted_while_serving_gets_the_next_predictions(
    client: TestClient, workspace_params: Params, tmp_path: Path
) -> None:
    first = client.post("/predict", json=record(workspace_params))
    for file in tmp_path.glob("predictions.db*"):  # rm logs/predictions.db* while serving
        file.unlink()

    second = client.post("/predict", json=record(workspace_params))
    feedback = client.post(
        "/feedback", json={"prediction_id": second.json()["prediction_id"], "outcome": 1}
    )

    assert first.status_code == second.status_code == feedback.status_code == 200
    logged = log_of(tmp_path)  # the file at the log's path, as monitoring reads it
    assert logged.loc[logged["served"], "prediction_id"].tolist() == [
        second.json()["prediction_id"]
    ]
    assert logged.loc[logged["served"], "outcome"].tolist() == [1]


def test_concurrent_predictions_are_each_logged_before_their_answer(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    # Sent 8 at a time, so that requests share commits of the log (group commit).
    customers = [f"C{i:07d}" for i in range(24)]
    bodies = [record(workspace_params, customer=customer) for customer in customers]
    with client_for(workspace_params, store, tmp_path) as running, ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda body: running.post("/predict", json=body), bodies))

    # Read after the app has shut down: nothing answered is missing from the log.
    assert [answer.status_code for answer in answers] == [200] * 24
    logged = log_of(tmp_path)
    assert len(logged) == 48  # each record's answer and its shadow score (shadow mode)
    served = logged[logged["served"]]
    assert sorted(served["prediction_id"]) == sorted(a.json()["prediction_id"] for a in answers)
    assert sorted(served["unit_id"]) == customers


def test_while_the_log_refuses_writes_every_request_is_503_and_then_200_again(
    client: TestClient, workspace_params: Params, tmp_path: Path
) -> None:
    engine = client.app.state.service.log.engine
    with engine.begin() as connection:  # a real failure of the database: the table is gone
        connection.execute(text("ALTER TABLE predictions RENAME TO predictions_away"))
    body = record(workspace_params)

    with ThreadPoolExecutor(4) as pool:
        refused = list(pool.map(lambda _: client.post("/predict", json=body), range(8)))
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE predictions_away RENAME TO predictions"))
    again = client.post("/predict", json=body)

    assert {(r.status_code, r.json()["detail"]) for r in refused} == {
        (503, "The prediction could not be logged; try again.")
    }
    assert again.status_code == 200
    assert log_of(tmp_path)["prediction_id"].tolist().count(again.json()["prediction_id"]) == 1
    assert len(log_of(tmp_path)) == 2  # the answer and its shadow; nothing of the refused


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

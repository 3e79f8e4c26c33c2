"""POST /feedback: the outcome is attached to its prediction; an unknown id is 404.

The registry (champion 1, challenger 2) and the `client` fixture (a fresh app with its own
prediction log) come from ../conftest.py.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params

from ..conftest import log_of, record


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

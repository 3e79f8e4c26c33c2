"""/admin/reload and /admin/experiment: the key, the reload that fails, the experiment rules.

The registry (champion 1, challenger 2) and the `client` fixture (a fresh app with its own
prediction log) come from ../conftest.py.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params

from ..conftest import KEY, record


def test_admin_routes_need_the_right_key(client: TestClient) -> None:
    assert client.post("/admin/reload").status_code == 401
    assert client.post("/admin/reload", headers={"X-API-Key": "wrong"}).status_code == 403
    response = client.post("/admin/reload", headers={"X-API-Key": KEY})
    assert response.status_code == 200
    assert response.json()["models"] == {"champion": "1", "challenger": "2"}


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


def test_a_canary_above_a_fifth_is_refused(client: TestClient, workspace_params: Params) -> None:
    experiment = {
        **workspace_params.serving.experiment.model_dump(),
        "mode": "canary",
        "challenger_share": 0.5,
    }

    response = client.put("/admin/experiment", json=experiment, headers={"X-API-Key": KEY})

    assert response.status_code == 422
    assert "at most 0.2" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("query", "name", "kind", "message"),
    [
        ("reasn=typo", "reasn", "extra_forbidden", "Unknown query parameter: this route"),
        ("reason=ramp%00up", "reason", "string_pattern_mismatch", "String should match pattern"),
    ],
    ids=["unknown parameter", "control character"],
)
def test_a_bad_query_is_refused_and_nothing_is_stored(
    client: TestClient, workspace_params: Params, query: str, name: str, kind: str, message: str
) -> None:
    experiment = workspace_params.serving.experiment.model_dump()
    before = client.get("/model").json()["experiment_source"]

    response = client.put(f"/admin/experiment?{query}", json=experiment, headers={"X-API-Key": KEY})

    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert (error["loc"], error["type"]) == (["query", name], kind)
    assert error["msg"].startswith(message)
    assert client.get("/model").json()["experiment_source"] == before

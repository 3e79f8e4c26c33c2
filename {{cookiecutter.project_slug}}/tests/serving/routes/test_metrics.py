"""GET /metrics: requests, latency and predictions per variant, in Prometheus' format.

The registry (champion 1, challenger 2) and the `client` fixture (a fresh app with its own
prediction log) come from ../conftest.py.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params

from ..conftest import record


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

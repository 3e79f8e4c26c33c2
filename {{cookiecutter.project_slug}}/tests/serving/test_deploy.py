"""deploy/: Prometheus scrapes what the service exports, and the dashboard asks for nothing else."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.settings import Settings

from .conftest import record

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
# A metric name in PromQL: what comes before a label set or a range, e.g. x_total{...}[5m].
METRIC = re.compile(r"\b([a-z_]+(?:_total|_bucket|_sum|_count))\b")


def exported_names(params: Params, store: ModelStore, tmp_path: Path) -> set[str]:
    """The sample names of GET /metrics after one prediction and one bad request."""
    settings = Settings(prediction_log_url=f"sqlite:///{tmp_path / 'log.db'}")
    with TestClient(create_app(params, settings, store)) as client:
        assert client.post("/predict", json=record(params)).status_code == 200
        assert client.post("/predict", json={}).status_code == 422
        text = client.get("/metrics").text
    return {re.split(r"[{ ]", line)[0] for line in text.splitlines() if not line.startswith("#")}


def test_the_dashboard_uses_only_metrics_the_service_exports(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    dashboard = json.loads((DEPLOY / "grafana/dashboard.json").read_text(encoding="utf-8"))
    expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]

    used = {name for expr in expressions for name in METRIC.findall(expr)}

    assert used <= exported_names(workspace_params, store, tmp_path)
    assert {"http_requests_total", "http_request_duration_seconds_bucket"} <= used
    assert {"predictions_total", "prediction_score_bucket"} <= used
    titles = " ".join(panel["title"].lower() for panel in dashboard["panels"])
    for topic in ("request rate", "latency", "error rate", "score", "variant"):
        assert topic in titles


def test_prometheus_scrapes_the_metrics_route_and_grafana_reads_prometheus() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text(encoding="utf-8"))
    source = yaml.safe_load(
        (DEPLOY / "grafana/provisioning/datasources/prometheus.yml").read_text(encoding="utf-8")
    )
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))

    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    assert job["static_configs"][0]["targets"] == ["host.docker.internal:8000"]
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    assert set(compose["services"]) == {"prometheus", "grafana"}

"""deploy/: Prometheus scrapes what the service exports, the dashboard asks for nothing else, and
the team stack of compose.yaml is wired as its comment says.

No container engine runs in the tests, and `docker compose config` needs one's plugin: the
stack's file is checked by its structure instead (every server, its health check, the volumes,
who reaches whom under which name). tests/test_team_stack.py of the template runs the same
topology without containers, on a real PostgreSQL server.
"""

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
    services = compose()["services"]

    [job] = config["scrape_configs"]
    assert job["metrics_path"] == "/metrics"
    # Each replica on its own: through the proxy a scrape would reach one or the other.
    assert job["static_configs"][0]["targets"] == ["service-a:8000", "service-b:8000"]
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    assert "prometheus" in services and "grafana" in services


def compose() -> dict:
    """deploy/compose.yaml, its anchors resolved (the two replicas share one definition)."""
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_the_team_stack_has_every_server_each_with_a_health_check() -> None:
    services = compose()["services"]

    assert set(services) == {
        "postgres", "mlflow", "service-a", "service-b", "proxy", "prometheus", "grafana"
    }  # fmt: skip
    for name, service in services.items():
        assert service["healthcheck"]["test"], f"{name} has no health check"
        # Published on the host's loopback only: nothing of the stack faces the network.
        assert all(port.startswith("127.0.0.1:") for port in service.get("ports", [])), name
    # A server starts once what it needs is healthy, not merely started.
    conditions = {
        (name, needed): rule["condition"]
        for name, service in services.items()
        for needed, rule in service.get("depends_on", {}).items()
    }
    assert set(conditions.values()) == {"service_healthy"}
    assert {("mlflow", "postgres"), ("service-a", "mlflow"), ("service-b", "postgres")} <= set(
        conditions
    )
    assert {("proxy", "service-a"), ("proxy", "service-b")} <= set(conditions)


def test_mlflow_keeps_runs_in_postgresql_and_proxies_the_artifacts_to_a_volume() -> None:
    stack = compose()
    mlflow = stack["services"]["mlflow"]
    command = mlflow["command"]

    store = command[command.index("--backend-store-uri") + 1]
    assert store.startswith("postgresql+psycopg://") and store.endswith("@postgres:5432/mlflow")
    assert "--serve-artifacts" in command
    destination = command[command.index("--artifacts-destination") + 1]
    assert f"mlflow-artifacts:{destination}" in mlflow["volumes"]
    assert "mlflow:5000" in command[command.index("--allowed-hosts") + 1].split(",")
    # Named volumes, declared once: the data outlives the containers.
    mounted = {
        volume.split(":")[0]
        for service in stack["services"].values()
        for volume in service.get("volumes", [])
        if not volume.startswith(".")
    }
    assert mounted == set(stack["volumes"]) == {
        "postgres-data", "mlflow-artifacts", "prometheus-data", "grafana-data"
    }  # fmt: skip
    # Every file mounted from deploy/ exists.
    for service in stack["services"].values():
        for volume in service.get("volumes", []):
            if volume.startswith("./"):
                assert (DEPLOY / volume.split(":")[0]).exists(), volume


def test_both_replicas_share_the_postgresql_log_and_the_tracking_server() -> None:
    services = compose()["services"]
    replicas = [services["service-a"], services["service-b"]]

    assert replicas[0] == replicas[1]
    replica = replicas[0]
    assert replica["build"]["args"] == {"EXTRAS": "postgres"}
    assert services["mlflow"]["image"] == replica["image"]  # the drivers are in that image
    environment = replica["environment"]
    assert environment["MLFLOW_TRACKING_URI"] == "http://mlflow:5000"
    log_url = environment["{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL"]
    assert log_url.startswith("postgresql+psycopg://")
    assert log_url.endswith("@postgres:5432/predictions")
    assert "CREATE DATABASE predictions;" in (DEPLOY / "postgres-init.sql").read_text()


def test_the_proxy_sends_requests_to_both_replicas() -> None:
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream (\w+) \{(.*?)\}", nginx, re.DOTALL)

    assert upstream is not None
    servers = re.findall(r"^\s*server ([\w.-]+:\d+)", upstream[2], re.MULTILINE)
    assert servers == ["service-a:8000", "service-b:8000"]
    assert f"proxy_pass http://{upstream[1]};" in nginx
    assert "/proxy-health" in compose()["services"]["proxy"]["healthcheck"]["test"][-1]

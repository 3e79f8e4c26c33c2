"""The state a running service shares between requests: params, models, log, experiment, metrics.

`create_app()` (app.py) builds one Service per app and keeps it in `app.state.service`; the
routes receive it, or a part of it, through the dependencies (dependencies.py). It is plain
data: the prediction (predict.py) uses it without knowing anything of HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Histogram

from {{ cookiecutter.package_name }}.config import ExperimentParams, Params
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.serving.schemas import PARAMS_SOURCE, ExperimentSource


@dataclass
class Metrics:
    """The service's Prometheus metrics, in a registry of its own (one per app)."""

    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        """Declare the metrics."""
        self.requests = Counter(
            "http_requests",
            "HTTP requests by route and status.",
            ["route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Request latency by route.",
            ["route"],
            registry=self.registry,
        )
        self.predictions = Counter(
            "predictions",
            "Predictions by variant (served or shadow).",
            ["variant", "served"],
            registry=self.registry,
        )
        self.scores = Histogram(
            "prediction_score",
            "Churn scores served, by variant.",
            ["variant"],
            buckets=[i / 10 for i in range(1, 11)],
            registry=self.registry,
        )
        self.registry_checks = Counter(
            "registry_checks",
            "Checks of the registry's aliases (registry_watch.py), by result.",
            ["result"],
            registry=self.registry,
        )


@dataclass
class Service:
    """Everything a request needs: params, models, the log, the experiment, the metrics."""

    params: Params
    store: ModelStore
    log: PredictionLog
    # The experiment in force and where it comes from (serving/experiment_override.py).
    experiment: ExperimentParams
    admin_api_key: str
    experiment_source: ExperimentSource = PARAMS_SOURCE
    metrics: Metrics = field(default_factory=Metrics)

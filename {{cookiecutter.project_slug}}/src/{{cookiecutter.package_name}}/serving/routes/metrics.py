"""GET /metrics: the service's Prometheus metrics (service.py declares them)."""

import os

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from {{ cookiecutter.package_name }}.serving.dependencies import ServiceDep

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}}},
)
def metrics(service: ServiceDep) -> Response:
    """Prometheus metrics in the text exposition format, summed over the worker processes."""
    registry = service.metrics.registry
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several workers (see `serve`): each one's counts are in the folder, not in memory.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    return PlainTextResponse(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

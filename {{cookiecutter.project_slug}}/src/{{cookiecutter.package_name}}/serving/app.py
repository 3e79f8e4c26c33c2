"""The prediction service: `create_app()` builds the FastAPI application.

It assembles what the other modules of serving/ define:

    service.py           the state requests share: params, models, log, experiment, metrics
    dependencies.py      what a route receives: the service, its models, the assigner, admin check
    routes/health.py     GET /health (the process answers), GET /ready (models loaded, or why
                         not), GET /model (the served versions and the A/B experiment)
    routes/predict.py    POST /predict, POST /predict/batch (raw records in, churn scores out)
    routes/feedback.py   POST /feedback (the true outcome of an earlier prediction)
    routes/metrics.py    GET /metrics (Prometheus: requests, latency, errors, predictions)
    routes/admin.py      POST /admin/reload, PUT /admin/experiment (behind the X-API-Key header)
    experiment_override.py  the experiment in force, shared by every worker through the log's
                         database (PUT /admin/experiment and `ab canary` change it)

and adds what applies to every route: the body size limit (limits.py), the request metrics
(request_metrics.py), and error answers of one sentence, never a traceback (error_answers.py).
At start-up it loads the registry's models; a failure is reported by /ready, not fatal. Then it
checks the registry's aliases every `serving.reload_interval` seconds and follows a promotion
(registry_watch.py), and a change of the experiment (experiment_override.py).

Every prediction is written to the prediction log before the response is sent; if it cannot
be logged, the client gets 503 instead of an answer nobody will be able to analyse (predict.py).

Run it with `make serve` (uvicorn).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from {{ cookiecutter.package_name }}.config import Params, load_params
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.error_answers import http_detail, validation_detail
from {{ cookiecutter.package_name }}.serving.experiment_override import check_experiment
from {{ cookiecutter.package_name }}.serving.limits import BodySizeLimit
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.serving.registry_watch import follow_registry
from {{ cookiecutter.package_name }}.serving.request_metrics import RequestMetrics
from {{ cookiecutter.package_name }}.serving.routes import admin, feedback, health, metrics, predict
from {{ cookiecutter.package_name }}.serving.service import Service
from {{ cookiecutter.package_name }}.settings import Settings, get_settings

logger = logging.getLogger(__name__)


def create_app(
    params: Params | None = None,
    settings: Settings | None = None,
    store: ModelStore | None = None,
    freeze_heap: bool = False,
) -> FastAPI:
    """Build the service; `uvicorn --factory` calls it with no argument (params and settings
    then come from params.yaml and the environment).

    `freeze_heap` (what `serve` asks for, serving/server.py) moves everything start-up loaded
    out of the garbage collector's way once the models are loaded.
    """
    settings = settings or get_settings()
    params = params or load_params(settings.params_path)
    service = Service(
        params=params,
        store=store or ModelStore(params.registry.model_name, input_columns(params)),
        log=PredictionLog(settings.prediction_log_url),
        experiment=params.serving.experiment,
        admin_api_key=settings.admin_api_key,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Load the models at start-up (a failure is reported by /ready, not fatal), then
        follow the registry until shutdown, when every prediction queued for the log is
        committed before the process ends."""
        if not service.store.models:
            service.store.try_reload()
        if freeze_heap:
            gc.collect()
            gc.freeze()
        check_experiment(service)
        interval, watch = params.serving.reload_interval, None
        if interval:
            checks = service.metrics.registry_checks
            watch = asyncio.create_task(
                follow_registry(
                    service.store,
                    interval,
                    lambda result: checks.labels(result).inc(),
                    also=lambda: check_experiment(service),
                )
            )
        try:
            yield
        finally:
            if watch is not None:
                watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watch
            await asyncio.to_thread(service.log.drain)

    app = FastAPI(
        title="Customer Churn prediction service",
        description="Churn scores for raw customer records, with A/B, shadow and canary hooks.",
        lifespan=lifespan,
    )
    app.state.service = service
    # Added before RequestMetrics, so it runs inside it: refused bodies are counted too.
    app.add_middleware(BodySizeLimit, max_bytes=params.serving.max_body_bytes)
    app.add_middleware(RequestMetrics, metrics=service.metrics)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        """422 with field-level errors, each input echoed as a short excerpt (error_answers.py)."""
        return JSONResponse({"detail": validation_detail(error.errors())}, 422)

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, error: StarletteHTTPException) -> JSONResponse:
        """A 4xx or 503 with its sentence, which may quote an input, made safe to encode."""
        return JSONResponse({"detail": http_detail(error.detail)}, error.status_code, error.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        """An unexpected failure: one sentence, never a traceback to the client."""
        logger.exception("unexpected error on %s", request.url.path)
        return JSONResponse({"detail": "Internal error; the service log has the details."}, 500)

    for router in (health.router, predict.build_router(params), feedback.router, metrics.router):
        app.include_router(router)
    if settings.admin_api_key:
        app.include_router(admin.router)
    else:
        logger.warning("No admin API key is set: the /admin routes are off.")
    return app

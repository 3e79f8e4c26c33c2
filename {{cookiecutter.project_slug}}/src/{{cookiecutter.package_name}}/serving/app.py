"""The prediction service: `create_app()` builds the FastAPI application.

Routers, one per concern:

    health    GET /health (the process answers), GET /ready (models loaded, or why not)
    predict   POST /predict, POST /predict/batch (raw customer records in, churn scores out)
    feedback  POST /feedback (the true outcome of an earlier prediction)
    model     GET /model (the served versions and the A/B experiment)
    metrics   GET /metrics (Prometheus: requests, latency, errors, predictions per variant)
    admin     POST /admin/reload, PUT /admin/experiment (behind the X-API-Key header)

Every prediction is written to the prediction log before the response is sent; if it cannot
be logged, the client gets 503 instead of an answer nobody will be able to analyse.

Run it with `make serve` (uvicorn). This module does not use `from __future__ import
annotations`: the record model is built from params.yaml at run time, and FastAPI must see it
as a real type in the route signatures, not as a string.
"""

import logging
import os
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, FastAPI, Header, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.security import APIKeyHeader
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from {{ cookiecutter.package_name }}.config import (
    ExperimentParams,
    Params,
    Settings,
    get_settings,
    load_params,
)
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.assignment import assign
from {{ cookiecutter.package_name }}.serving.error_answers import http_detail, validation_detail
from {{ cookiecutter.package_name }}.serving.limits import BodySizeLimit
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore, ServedModel
from {{ cookiecutter.package_name }}.serving.predict import score
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, now
from {{ cookiecutter.package_name }}.serving.schemas import (
    REQUEST_ID_PATTERN,
    BatchAnswer,
    Feedback,
    ModelInfo,
    Prediction,
    ServedModelInfo,
    record_model,
)

logger = logging.getLogger(__name__)


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


@dataclass
class Service:
    """Everything a request needs: params, models, the log, the experiment, the metrics."""

    params: Params
    store: ModelStore
    log: PredictionLog
    experiment: ExperimentParams
    admin_api_key: str
    metrics: Metrics = field(default_factory=Metrics)


# Error answers each route may give, declared so that /docs (and schema-based tests) know them.
class ErrorAnswer(BaseModel):
    """An error: one sentence saying what went wrong."""

    detail: str


NOT_READY = {503: {"model": ErrorAnswer, "description": "No model loaded, or the log failed."}}
# A body that is not UTF-8 text cannot even be parsed as JSON: FastAPI answers 400. One over
# the size limit is not read at all (limits.py).
BAD_BODY = {
    400: {"model": ErrorAnswer, "description": "The body is not UTF-8 JSON."},
    413: {"model": ErrorAnswer, "description": "The body is over serving.max_body_bytes."},
}
NOT_FOUND = {404: {"model": ErrorAnswer, "description": "No prediction has this id."}}
ADMIN_ERRORS = {
    401: {"model": ErrorAnswer, "description": "The X-API-Key header is missing."},
    403: {"model": ErrorAnswer, "description": "The X-API-Key is not valid."},
}


# --- dependencies --------------------------------------------------------------------------


def get_service(request: Request) -> Service:
    """The service of the app handling the request."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_assigner(service: ServiceDep) -> Callable[[str], str]:
    """The A/B assignment of the current experiment: a unit id in, a variant out.

    Sticky: the variant is a hash of the unit id and the experiment's salt, so one customer
    always meets the same model. Without a challenger loaded, everyone gets the champion.
    """
    experiment, models = service.experiment, service.store.models
    if experiment.mode in ("off", "shadow") or CHALLENGER not in models:
        return lambda unit_id: CHAMPION
    share = experiment.challenger_share
    weights = {CHAMPION: 1.0 - share, CHALLENGER: share}
    return lambda unit_id: assign(unit_id, experiment.salt, weights)


AssignerDep = Annotated[Callable[[str], str], Depends(get_assigner)]
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_admin(service: ServiceDep, key: Annotated[str | None, Depends(api_key_header)]) -> None:
    """401 without the X-API-Key header, 403 with a wrong one."""
    if not key:
        raise HTTPException(401, "This route needs the X-API-Key header.")
    if not secrets.compare_digest(key.encode(), service.admin_api_key.encode()):
        raise HTTPException(403, "The X-API-Key is not valid.")


# --- predictions -----------------------------------------------------------------------------


def ready_models(service: Service) -> dict[str, ServedModel]:
    """The current models, or 503 saying why there are none."""
    models = service.store.models
    if CHAMPION not in models:
        raise HTTPException(503, service.store.problem or "No model is loaded.")
    return models


def shadow_variant(mode: str, models: dict[str, ServedModel]) -> str | None:
    """The variant that scores every request without answering: the challenger in shadow mode.

    None when it is the champion's own version: scoring twice with one model teaches nothing.
    """
    challenger = models.get(CHALLENGER)
    if mode != "shadow" or challenger is None or challenger.version == models[CHAMPION].version:
        return None
    return CHALLENGER


def predict_records(
    service: Service,
    records: list[dict[str, Any]],
    unit_ids: list[str],
    assigner: Callable[[str], str],
) -> list[Prediction]:
    """Score each record with its variant's model, log everything, return the served answers."""
    started = time.perf_counter()
    models = ready_models(service)  # one snapshot for the whole request
    served_by = [assigner(unit_id) for unit_id in unit_ids]
    shadow = shadow_variant(service.experiment.mode, models)
    # Each model scores only its rows: those it serves, and all of them for the shadow.
    results: dict[tuple[str, int], tuple[float, bool]] = {}
    for variant in {*served_by, *([shadow] if shadow else [])}:
        rows_of = [i for i, v in enumerate(served_by) if v == variant or variant == shadow]
        scores, decisions = score(models[variant], [records[i] for i in rows_of], service.params)
        for i, value, decision in zip(rows_of, scores, decisions, strict=True):
            results[(variant, i)] = (float(value), bool(decision))
    latency_ms = (time.perf_counter() - started) * 1000
    created = now()
    rows, answers = [], []
    for i, (record, unit_id, served) in enumerate(zip(records, unit_ids, served_by, strict=True)):
        for variant in [served, *([shadow] if shadow and shadow != served else [])]:
            model, (value, decision) = models[variant], results[(variant, i)]
            row = {
                "prediction_id": str(uuid.uuid4()),
                "created_at": created,
                "unit_id": unit_id,
                "variant": variant,
                "model_version": model.version,
                "served": variant == served,
                "inputs": record,
                "score": value,
                "decision": decision,
                "latency_ms": latency_ms,
            }
            rows.append(row)
            if variant == served:
                answers.append(
                    Prediction(
                        prediction_id=row["prediction_id"],
                        score=value,
                        decision=decision,
                        threshold=model.threshold,
                        model_name=model.name,
                        model_version=model.version,
                        variant=variant,
                    )
                )
    try:
        service.log.record(rows)
    except Exception as error:  # any database failure: the answer must not leave unlogged
        logger.exception("prediction log write failed")
        raise HTTPException(503, "The prediction could not be logged; try again.") from error
    for row in rows:
        service.metrics.predictions.labels(row["variant"], str(row["served"]).lower()).inc()
        if row["served"]:
            service.metrics.scores.labels(row["variant"]).observe(row["score"])
    return answers


def as_jsonable(record: Any) -> dict[str, Any]:
    """A validated record as plain JSON values (dates as ISO text) for the log."""
    return record.model_dump(mode="json")


def predict_router(params: Params) -> APIRouter:
    """POST /predict and /predict/batch, with the record model of the data contract."""
    router = APIRouter(prefix="/predict", tags=["predict"])
    Record = record_model(params)
    id_column = params.columns.id
    max_batch = params.serving.max_batch

    def unit_of(record: Any, request_id: str | None) -> str:
        """The unit of assignment: the customer id, else the request id, else a new id."""
        customer = getattr(record, id_column) if id_column else None
        return customer or request_id or str(uuid.uuid4())

    @router.post("", response_model=Prediction, responses={**NOT_READY, **BAD_BODY})
    def predict_one(
        record: Record,
        service: ServiceDep,
        assigner: AssignerDep,
        x_request_id: Annotated[
            str | None,
            Header(
                max_length=200,
                pattern=REQUEST_ID_PATTERN,
                description="Your id of the request (printable ASCII): the unit of A/B "
                "assignment when the record has no customer id.",
            ),
        ] = None,
    ) -> Prediction:
        """Score one customer record."""
        units = [unit_of(record, x_request_id)]
        return predict_records(service, [as_jsonable(record)], units, assigner)[0]

    @router.post("/batch", response_model=BatchAnswer, responses={**NOT_READY, **BAD_BODY})
    def predict_batch(
        records: Annotated[list[Record], Body(min_length=1, max_length=max_batch)],
        service: ServiceDep,
        assigner: AssignerDep,
    ) -> BatchAnswer:
        """Score up to serving.max_batch records in one request (each assigned on its own)."""
        units = [unit_of(record, None) for record in records]
        jsonable = [as_jsonable(record) for record in records]
        return BatchAnswer(predictions=predict_records(service, jsonable, units, assigner))

    return router


# --- the other routers -----------------------------------------------------------------------


health = APIRouter(tags=["health"])


@health.get("/health")
def alive() -> dict[str, str]:
    """The process answers (it may not have models yet: see /ready)."""
    return {"status": "ok"}


@health.get("/ready", responses=NOT_READY)
def ready(service: ServiceDep) -> dict[str, Any]:
    """200 when the champion is loaded; 503 with the reason otherwise."""
    models = ready_models(service)
    return {"status": "ready", "models": {v: m.version for v, m in models.items()}}


feedback_router = APIRouter(tags=["feedback"])


@feedback_router.post("/feedback", responses={**NOT_FOUND, **BAD_BODY})
def add_feedback(body: Feedback, service: ServiceDep) -> dict[str, Any]:
    """Record whether the customer of a prediction churned (0 or 1)."""
    if not service.log.add_feedback(body.prediction_id, body.outcome):
        raise HTTPException(404, f"No prediction has the id '{body.prediction_id}'.")
    return {"prediction_id": body.prediction_id, "outcome": body.outcome}


model_router = APIRouter(tags=["model"])


@model_router.get("/model", response_model=ModelInfo, responses=NOT_READY)
def model_info(service: ServiceDep) -> ModelInfo:
    """The served models (variant, version, threshold) and the A/B experiment."""
    models = [
        ServedModelInfo(
            variant=m.variant,
            model_name=m.name,
            model_version=m.version,
            run_id=m.run_id,
            algorithm=m.algorithm,
            threshold=m.threshold,
        )
        for m in ready_models(service).values()
    ]
    return ModelInfo(models=models, experiment=service.experiment)


metrics_router = APIRouter(tags=["metrics"])


@metrics_router.get(
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


admin = APIRouter(
    prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)], responses=ADMIN_ERRORS
)


@admin.post("/reload", responses=NOT_READY)
def reload_models(service: ServiceDep) -> dict[str, Any]:
    """Load the registry's current champion and challenger; keep the old ones on failure."""
    try:
        service.store.reload()
    except Exception as error:
        raise HTTPException(503, f"Reload failed, the previous models stay: {error}") from None
    return {"status": "reloaded", "models": {v: m.version for v, m in service.store.models.items()}}


@admin.put("/experiment", response_model=ExperimentParams, responses=BAD_BODY)
def set_experiment(settings: ExperimentParams, service: ServiceDep) -> ExperimentParams:
    """Change the A/B experiment (mode, challenger share, salt) while the service runs."""
    service.experiment = settings
    return settings


# --- the application -------------------------------------------------------------------------


def create_app(
    params: Params | None = None,
    settings: Settings | None = None,
    store: ModelStore | None = None,
) -> FastAPI:
    """Build the service; `uvicorn --factory` calls it with no argument (params and settings
    then come from params.yaml and the environment)."""
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
        """Load the models at start-up (a failure is reported by /ready, not fatal)."""
        if not service.store.models:
            service.store.try_reload()
        yield

    app = FastAPI(
        title="Customer Churn prediction service",
        description="Churn scores for raw customer records, with A/B, shadow and canary hooks.",
        lifespan=lifespan,
    )
    app.state.service = service
    # Added before count_requests, so it runs inside it: refused bodies are counted too.
    app.add_middleware(BodySizeLimit, max_bytes=params.serving.max_body_bytes)

    @app.middleware("http")
    async def count_requests(request: Request, call_next: Callable) -> Response:
        """Count every request and time it, by route template (not by raw path)."""
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        name = getattr(route, "path", "unmatched")
        service.metrics.requests.labels(name, str(response.status_code)).inc()
        service.metrics.latency.labels(name).observe(time.perf_counter() - started)
        return response

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

    for router in (health, predict_router(params), feedback_router, model_router, metrics_router):
        app.include_router(router)
    if settings.admin_api_key:
        app.include_router(admin)
    else:
        logger.warning("No admin API key is set: the /admin routes are off.")
    return app

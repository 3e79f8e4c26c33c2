"""POST /predict and POST /predict/batch: raw customer records in, churn scores out.

Each route turns HTTP into the arguments of `predict_records` (serving/predict.py), which
assigns, scores and logs without knowing anything of HTTP, and turns its answer (or its
refusal) back into HTTP.

This module does not use `from __future__ import annotations`: the record model is built from
params.yaml at run time, and FastAPI must see it as a real type in the route signatures, not as
a string.
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.serving.dependencies import AssignerDep, ServiceDep, unavailable_as_503
from {{ cookiecutter.package_name }}.serving.predict import predict_record, predict_records
from {{ cookiecutter.package_name }}.serving.schemas import (
    BAD_BODY,
    NOT_READY,
    REQUEST_ID_PATTERN,
    BatchAnswer,
    Prediction,
    record_model,
)
from {{ cookiecutter.package_name }}.serving.strict_json import StrictJSONRoute


def as_jsonable(record: Any) -> dict[str, Any]:
    """A validated record as plain JSON values (dates as ISO text) for the log."""
    return record.model_dump(mode="json")


def build_router(params: Params) -> APIRouter:
    """POST /predict and /predict/batch, with the record model of the data contract."""
    router = APIRouter(prefix="/predict", tags=["predict"], route_class=StrictJSONRoute)
    Record = record_model(params)
    id_column = params.columns.id
    max_batch = params.serving.max_batch

    def unit_of(record: Any, request_id: str | None) -> str:
        """The unit of assignment: the customer id, else the request id, else a new id."""
        customer = getattr(record, id_column) if id_column else None
        return customer or request_id or str(uuid.uuid4())

    # async: the record is scored on the event loop and the log's commit awaited (predict_record);
    # a plain def would cost a hand-off to the thread pool and back for each request.
    @router.post("", response_model=Prediction, responses={**NOT_READY, **BAD_BODY})
    async def predict_one(
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
        unit = unit_of(record, x_request_id)
        with unavailable_as_503():
            return await predict_record(service, as_jsonable(record), unit, assigner)

    @router.post("/batch", response_model=BatchAnswer, responses={**NOT_READY, **BAD_BODY})
    def predict_batch(
        records: Annotated[list[Record], Body(min_length=1, max_length=max_batch)],
        service: ServiceDep,
        assigner: AssignerDep,
    ) -> BatchAnswer:
        """Score up to serving.max_batch records in one request (each assigned on its own)."""
        units = [unit_of(record, None) for record in records]
        jsonable = [as_jsonable(record) for record in records]
        with unavailable_as_503():
            return BatchAnswer(predictions=predict_records(service, jsonable, units, assigner))

    return router

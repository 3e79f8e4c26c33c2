"""POST /admin/reload and PUT /admin/experiment, behind the X-API-Key header.

`create_app()` includes this router only when an admin key is set: without one there are no
/admin routes at all. The client that calls /admin/reload from the command line (`reload`) is
serving/admin_client.py. A new experiment is stored in the prediction log's database
(serving/experiment_override.py): the worker that takes the request serves it at once, the
others at their next registry check.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError

from {{ cookiecutter.package_name }}.config import ExperimentParams
from {{ cookiecutter.package_name }}.errors import PredictionLogError
from {{ cookiecutter.package_name }}.serving.dependencies import ServiceDep, StoreDep, require_admin
from {{ cookiecutter.package_name }}.serving.experiment_override import ADMIN, follow, write_override
from {{ cookiecutter.package_name }}.serving.schemas import ADMIN_ERRORS, BAD_BODY, FREE_TEXT, NOT_READY
from {{ cookiecutter.package_name }}.serving.strict_json import StrictJSONRoute

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    responses=ADMIN_ERRORS,
    route_class=StrictJSONRoute,
)


@router.post("/reload", responses=NOT_READY)
def reload_models(store: StoreDep, service: ServiceDep) -> dict[str, Any]:
    """Load the registry's current champion and challenger, and the experiment in force; keep
    the old ones on failure."""
    try:
        store.reload()
        follow(service)
    except Exception as error:
        raise HTTPException(503, f"Reload failed, the previous models stay: {error}") from None
    return {"status": "reloaded", "models": {v: m.version for v, m in store.models.items()}}


def only_reason_in_query(request: Request) -> None:
    """422 for a query parameter other than `reason`: a misspelt `?reasn=` would be lost."""
    unknown = sorted(set(request.query_params) - {"reason"})
    if unknown:
        # As FastAPI words its own 422s, so that clients parse one shape of error.
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", unknown[0]),
                    "msg": "Unknown query parameter: this route takes only 'reason'.",
                    "input": request.query_params[unknown[0]],
                }
            ]
        )


@router.put(
    "/experiment",
    response_model=ExperimentParams,
    responses={**BAD_BODY, **NOT_READY},
    dependencies=[Depends(only_reason_in_query)],
)
def set_experiment(
    settings: ExperimentParams,
    service: ServiceDep,
    # No control characters: the reason is stored and shown, and PostgreSQL refuses a NUL.
    reason: Annotated[
        str, Query(max_length=500, pattern=FREE_TEXT, description="Why (kept with it).")
    ] = "PUT /admin/experiment",
) -> ExperimentParams:
    """Change the A/B experiment (mode, challenger share, salt) of every worker while the service
    runs: this one at once, the others within serving.reload_interval."""
    try:
        stored = write_override(service.log, settings, ADMIN, reason)
    except PredictionLogError as error:
        raise HTTPException(503, str(error)) from None
    service.experiment, service.experiment_source = stored.settings, stored.source
    return settings

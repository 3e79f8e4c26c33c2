"""POST /admin/reload and PUT /admin/experiment, behind the X-API-Key header.

`create_app()` includes this router only when an admin key is set: without one there are no
/admin routes at all. The client that calls /admin/reload from the command line (`reload`) is
serving/admin_client.py.
"""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from {{ cookiecutter.package_name }}.config import ExperimentParams
from {{ cookiecutter.package_name }}.serving.dependencies import ServiceDep, StoreDep, require_admin
from {{ cookiecutter.package_name }}.serving.schemas import ADMIN_ERRORS, BAD_BODY, NOT_READY

router = APIRouter(
    prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)], responses=ADMIN_ERRORS
)


@router.post("/reload", responses=NOT_READY)
def reload_models(store: StoreDep) -> dict[str, Any]:
    """Load the registry's current champion and challenger; keep the old ones on failure."""
    try:
        store.reload()
    except Exception as error:
        raise HTTPException(503, f"Reload failed, the previous models stay: {error}") from None
    return {"status": "reloaded", "models": {v: m.version for v, m in store.models.items()}}


@router.put("/experiment", response_model=ExperimentParams, responses=BAD_BODY)
def set_experiment(settings: ExperimentParams, service: ServiceDep) -> ExperimentParams:
    """Change the A/B experiment (mode, challenger share, salt) while the service runs."""
    service.experiment = settings
    return settings

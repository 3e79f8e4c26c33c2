"""GET /health (the process answers), GET /ready (models loaded, or why not), GET /model."""

import os
from typing import Any

from fastapi import APIRouter

from {{ cookiecutter.package_name }}.serving.dependencies import ReadyModelsDep, ServiceDep
from {{ cookiecutter.package_name }}.serving.schemas import NOT_READY, ModelInfo, ServedModelInfo

# No tags on the router: /model has a tag of its own, so that /docs lists it apart.
router = APIRouter()


@router.get("/health", tags=["health"])
def alive() -> dict[str, str]:
    """The process answers (it may not have models yet: see /ready)."""
    return {"status": "ok"}


@router.get("/ready", tags=["health"], responses=NOT_READY)
def ready(models: ReadyModelsDep) -> dict[str, Any]:
    """200 when the champion is loaded; 503 with the reason otherwise."""
    return {"status": "ready", "models": {v: m.version for v, m in models.items()}}


@router.get("/model", tags=["model"], response_model=ModelInfo, responses=NOT_READY)
def model_info(models: ReadyModelsDep, service: ServiceDep) -> ModelInfo:
    """The served models (variant, version, threshold, when loaded) and the A/B experiment with
    where it comes from (params.yaml, or who changed it and why), as the worker process that
    answers holds them."""
    served = [
        ServedModelInfo(
            variant=m.variant,
            model_name=m.name,
            model_version=m.version,
            run_id=m.run_id,
            algorithm=m.algorithm,
            threshold=m.threshold,
            loaded_at=m.loaded_at,
        )
        for m in models.values()
    ]
    return ModelInfo(
        models=served,
        experiment=service.experiment,
        experiment_source=service.experiment_source,
        pid=os.getpid(),
        reload_interval=service.params.serving.reload_interval,
    )

"""The dependencies routes receive: the service and its parts, the A/B assigner, the admin check;
and `unavailable_as_503`, the one place where "no model can answer" becomes an HTTP answer.

A route names what it needs in its signature (`service: ServiceDep`, `models: ReadyModelsDep`)
and FastAPI calls these functions for each request, so a route body holds no lookup of its own
and a test can replace any of them (`app.dependency_overrides`).

FastAPI runs a plain `def` dependency in its thread pool: a hand-off to another thread and
back for every request, which costs more than these lookups. Those that only read attributes
are `async def`, run on the event loop (never put I/O in one: it would stall every request).

No `from __future__ import annotations` here, as in routes/: FastAPI reads the types of these
signatures at run time.
"""

# [bug 5]
# [bug 5 planted]
# import random
# [/bug 5]
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
# [bug 5]
from {{ cookiecutter.package_name }}.serving.assignment import assign
# [bug 5 planted]
# [/bug 5]
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore, ServedModel
from {{ cookiecutter.package_name }}.serving.predict import Unavailable, current_models
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.serving.service import Service


async def get_service(request: Request) -> Service:
    """The service of the app handling the request."""
    return request.app.state.service


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_store(service: ServiceDep) -> ModelStore:
    """The models the service holds, loaded or not."""
    return service.store


StoreDep = Annotated[ModelStore, Depends(get_store)]


async def get_log(service: ServiceDep) -> PredictionLog:
    """The prediction log."""
    return service.log


LogDep = Annotated[PredictionLog, Depends(get_log)]


@contextmanager
def unavailable_as_503() -> Iterator[None]:
    """Within the block, Unavailable (no model, or a log that refuses writes) becomes a 503."""
    try:
        yield
    except Unavailable as error:
        raise HTTPException(503, str(error)) from None


def ready_models(store: StoreDep) -> dict[str, ServedModel]:
    """The current models, or 503 saying why there are none."""
    with unavailable_as_503():
        return current_models(store)


ReadyModelsDep = Annotated[dict[str, ServedModel], Depends(ready_models)]


def get_assigner(service: ServiceDep) -> Callable[[str], str]:
    """The A/B assignment of the current experiment: a unit id in, a variant out.

    Sticky: the variant is a hash of the unit id and the experiment's salt, so one customer
    always meets the same model. Without a challenger loaded, everyone gets the champion.
    """
    experiment, models = service.experiment, service.store.models
    if experiment.mode in ("off", "shadow") or CHALLENGER not in models:
        return lambda unit_id: CHAMPION
    share = experiment.challenger_share
    # [bug 5]
    weights = {CHAMPION: 1.0 - share, CHALLENGER: share}
    return lambda unit_id: assign(unit_id, experiment.salt, weights)
    # [bug 5 planted]
    # return lambda unit_id: CHALLENGER if random.random() < share else CHAMPION
    # [/bug 5]


async def current_assigner(service: ServiceDep) -> Callable[[str], str]:
    """get_assigner as a dependency, run on the event loop (it only reads attributes)."""
    return get_assigner(service)


AssignerDep = Annotated[Callable[[str], str], Depends(current_assigner)]
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def require_admin(service: ServiceDep, key: Annotated[str | None, Depends(api_key_header)]) -> None:
    """401 without the X-API-Key header, 403 with a wrong one."""
    if not key:
        raise HTTPException(401, "This route needs the X-API-Key header.")
    if not secrets.compare_digest(key.encode(), service.admin_api_key.encode()):
        raise HTTPException(403, "The X-API-Key is not valid.")

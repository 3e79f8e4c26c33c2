"""POST /feedback: the true outcome of an earlier prediction, attached to it in the log."""

from typing import Any

from fastapi import APIRouter, HTTPException

from {{ cookiecutter.package_name }}.serving.dependencies import LogDep
from {{ cookiecutter.package_name }}.serving.schemas import BAD_BODY, NOT_FOUND, Feedback
from {{ cookiecutter.package_name }}.serving.strict_json import StrictJSONRoute

router = APIRouter(tags=["feedback"], route_class=StrictJSONRoute)


@router.post("/feedback", responses={**NOT_FOUND, **BAD_BODY})
def add_feedback(body: Feedback, log: LogDep) -> dict[str, Any]:
    """Record whether the customer of a prediction churned (0 or 1)."""
    if not log.add_feedback(body.prediction_id, body.outcome):
        raise HTTPException(404, f"No prediction has the id '{body.prediction_id}'.")
    return {"prediction_id": body.prediction_id, "outcome": body.outcome}

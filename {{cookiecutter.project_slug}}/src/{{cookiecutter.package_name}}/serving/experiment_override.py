"""The experiment every worker follows: params.yaml's, unless someone changed it while it runs.

PUT /admin/experiment reaches one worker of one replica, and `ab canary` runs in no worker at
all. So a change of the experiment is not kept in a worker's memory: it is a row of the
`experiment_overrides` table, in the prediction log's own database (SQLite for one machine,
PostgreSQL for a team's replicas). Every worker reads the latest row at start-up, on
POST /admin/reload and at each registry check (serving/registry_watch.py), so all of them
serve the same experiment within one `serving.reload_interval`. With no row, params.yaml's
`serving.experiment` is in force.

Each row keeps who changed the experiment ("admin" or "canary guardrail"), when and why: the
table is also the history of the experiment, and GET /model shows the reason in force.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError

from {{ cookiecutter.package_name }}.config import ExperimentParams
from {{ cookiecutter.package_name }}.errors import PredictionLogError
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, experiment_overrides, now
from {{ cookiecutter.package_name }}.serving.schemas import PARAMS_SOURCE, ExperimentSource
from {{ cookiecutter.package_name }}.serving.service import Service

logger = logging.getLogger(__name__)

ADMIN = "admin"
GUARDRAIL = "canary guardrail"


@dataclass(frozen=True)
class Experiment:
    """An experiment and where it comes from."""

    settings: ExperimentParams
    source: ExperimentSource


def write_override(
    log: PredictionLog, settings: ExperimentParams, set_by: str, reason: str
) -> Experiment:
    """Store a new experiment for every worker; it is in force from now on."""
    source = ExperimentSource(set_by=set_by, reason=reason[:500], set_at=now())
    row = {
        "set_at": source.set_at,
        "set_by": set_by,
        "reason": source.reason,
        "experiment": settings.model_dump(mode="json"),
    }
    try:
        with log.engine.begin() as connection:
            connection.execute(insert(experiment_overrides), row)
    except SQLAlchemyError as error:
        reason = str(error).splitlines()[0]
        raise PredictionLogError(
            f"The experiment could not be stored in {log.url}: {reason}"
        ) from None
    return Experiment(settings, source)


def latest_override(log: PredictionLog) -> Experiment | None:
    """The last experiment stored, or None when nobody changed params.yaml's."""
    query = (
        select(experiment_overrides).order_by(experiment_overrides.c.override_id.desc()).limit(1)
    )
    with log.engine.connect() as connection:
        row = connection.execute(query).mappings().first()
    if row is None:
        return None
    try:
        settings = ExperimentParams.model_validate(row["experiment"])
    except ValidationError as error:
        raise PredictionLogError(
            f"The experiment stored at {row['set_at']} is no longer valid "
            f"({error.errors()[0]['msg']}); PUT /admin/experiment a new one."
        ) from None
    source = ExperimentSource(set_by=row["set_by"], reason=row["reason"], set_at=row["set_at"])
    return Experiment(settings, source)


def effective_experiment(log: PredictionLog, default: ExperimentParams) -> Experiment:
    """The experiment in force: the last one stored, else params.yaml's."""
    return latest_override(log) or Experiment(default, PARAMS_SOURCE)


def clear_overrides(log: PredictionLog) -> int:
    """Forget every stored experiment (params.yaml's is in force again); how many were."""
    with log.engine.begin() as connection:
        return connection.execute(delete(experiment_overrides)).rowcount


def follow(service: Service) -> bool:
    """Serve the experiment in force now; True if it changed since the last look."""
    current = effective_experiment(service.log, service.params.serving.experiment)
    changed = (current.settings, current.source) != (service.experiment, service.experiment_source)
    # The assigner reads service.experiment once per request: each request sees one experiment.
    service.experiment, service.experiment_source = current.settings, current.source
    if changed:
        logger.info(
            "Experiment now %s (%s: %s).",
            current.settings.mode,
            current.source.set_by,
            current.source.reason,
        )
    return changed


def check_experiment(service: Service) -> None:
    """follow(), logging a failure instead of raising: the current experiment stays."""
    try:
        follow(service)
    except Exception as error:  # a database hiccup must not stop the worker's checks
        logger.warning("The experiment could not be read, the current one stays: %s", error)

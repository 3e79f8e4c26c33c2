"""The models the service answers with, loaded from the registry by alias and swapped atomically.

At start-up the service loads `champion` (required) and `challenger` (optional) of the
registered model through MLFLOW_TRACKING_URI (default: the project's mlflow.db). Each file is
checked against the SHA-256 recorded at registration before it is loaded (model/tracking.py).

If the registry cannot be reached or has no champion, the service still starts: /ready says
why and /predict answers 503. A reload builds a complete new set of models first and only then
replaces the old set in one assignment, so a request in flight finishes with the models it
started with and no request sees half a reload.
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.register import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.serving.record_scorer import NotReplayable, RecordScorer, compile_pipeline

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServedModel:
    """A registered model version, loaded and ready to score."""

    variant: str
    name: str
    version: str
    run_id: str
    algorithm: str
    threshold: float
    pipeline: Any
    columns: list[str]
    # The pipeline replayed on one record without pandas; None if it holds a step that
    # record_scorer.py does not know (single records then go through the pipeline).
    scorer: RecordScorer | None


def load_alias(name: str, alias: str, columns: list[str]) -> ServedModel:
    """Load the version holding `alias`, checked; a ProjectError says why it cannot be.

    `columns` are the input columns the service receives (the data contract): the model must
    need no other.
    """
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    tracking.connect(name)
    try:
        version = MlflowClient().get_model_version_by_alias(name, alias)
    except MlflowException:
        raise ProjectError(f"The registry has no '{alias}' version of '{name}' yet.") from None
    sha256, threshold = version.tags.get("sha256"), version.tags.get("threshold")
    if not sha256 or threshold is None:
        raise ProjectError(
            f"Version {version.version} of '{name}' lacks its sha256 or threshold tag; "
            "register models with `make pipeline`."
        )
    pipeline = tracking.load_logged_model(f"models:/{name}@{alias}", sha256)
    needed = [str(column) for column in pipeline.feature_names_in_]
    missing = sorted(set(needed) - set(columns))
    if missing:
        raise ProjectError(
            f"Version {version.version} of '{name}' needs the columns {missing}, which the data "
            "contract in params.yaml no longer declares."
        )
    try:
        scorer = compile_pipeline(pipeline)
    except NotReplayable as error:
        logger.warning(
            "version %s scores single records through the pipeline: %s", version.version, error
        )
        scorer = None
    return ServedModel(
        variant=alias,
        name=name,
        version=str(version.version),
        run_id=version.run_id,
        algorithm=version.tags.get("algorithm", "unknown"),
        threshold=float(threshold),
        pipeline=pipeline,
        columns=needed,
        scorer=scorer,
    )


class ModelStore:
    """The current models by variant, and why there are none when loading failed."""

    def __init__(self, name: str, columns: list[str]) -> None:
        self.name = name
        self.columns = columns
        self.models: dict[str, ServedModel] = {}
        self.problem: str | None = "The models have not been loaded yet."

    def load(self) -> dict[str, ServedModel]:
        """Load champion (required) and challenger (if any) without touching the current set."""
        models = {CHAMPION: load_alias(self.name, CHAMPION, self.columns)}
        # No challenger is normal: every request then goes to the champion. A challenger that
        # is the champion's own version (a promoted one keeps the alias) makes an A/A test.
        with suppress(ProjectError):
            models[CHALLENGER] = load_alias(self.name, CHALLENGER, self.columns)
        return models

    def reload(self) -> None:
        """Replace the models with the registry's current ones; keep the old ones on failure."""
        models = self.load()
        # One assignment: requests read self.models once, so each sees the old or the new set.
        self.models = models
        self.problem = None

    def try_reload(self) -> None:
        """reload(), recording the reason instead of raising (for start-up)."""
        try:
            self.reload()
        except ProjectError as error:
            self.problem = str(error)

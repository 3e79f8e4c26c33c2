"""The models the service answers with, loaded from the registry by alias and swapped atomically.

At start-up the service loads `champion` (required) and `challenger` (optional) of the
registered model through MLFLOW_TRACKING_URI (default: the project's mlflow.db): one registry
query reads both aliases, and a challenger that is the champion's own version is not loaded
twice. Each file is checked against the SHA-256 recorded at registration before it is loaded
(model/tracking.py).

If the registry cannot be reached or has no champion, the service still starts: the service
log and /ready say why (naming the version and alias that failed) and /predict answers 503.

A reload builds a complete new set of models first and only then replaces the old set in one
assignment, so a request in flight finishes with the models it started with and no request
sees half a reload. `refresh()` reloads only when the champion or challenger alias moved since
the last load: every worker of every replica calls it every `serving.reload_interval` seconds
(serving/registry_watch.py), so a promotion reaches them all without a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from {{ cookiecutter.package_name }}.errors import NoVersion, ProjectError
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.model.registered import load_registered
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
    # When this process loaded it (GET /model): tells which workers took a promotion, and when.
    loaded_at: datetime


def registry_client() -> Any:
    """A client of the model registry at the tracking URI (checked first if it is a server)."""
    import mlflow
    from mlflow import MlflowClient

    uri = tracking.tracking_uri()
    if uri.startswith(("http://", "https://")):
        tracking.check_server(uri)
    # The download in tracking.py resolves models:/ URIs through MLflow's global URI. Unlike
    # tracking.connect, no experiment is set: serving writes nothing to the tracking store.
    mlflow.set_tracking_uri(uri)
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def registered_aliases(client: Any, name: str) -> dict[str, str]:
    """Every alias of the registered model and its version, in one registry query."""
    from mlflow.exceptions import MlflowException

    try:
        aliases = client.get_registered_model(name).aliases
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            raise NoVersion(f"The registry has no '{CHAMPION}' version of '{name}' yet.") from None
        where, reason = tracking.tracking_uri(), tracking.first_line(error)
        raise ProjectError(f"The registry at {where} cannot be read: {reason}") from None
    # MLflow gives the versions as numbers here, as text everywhere else.
    return {alias: str(version) for alias, version in aliases.items()}


def load_version(
    client: Any, name: str, alias: str, version: str, columns: list[str]
) -> ServedModel:
    """Load a registered version, checked (model/registered.py), with its one-record scorer."""
    loaded = load_registered(client, name, alias, version, columns)
    details, pipeline = loaded.details, loaded.pipeline
    try:
        scorer = compile_pipeline(pipeline)
    except NotReplayable as error:
        logger.warning("version %s scores single records through the pipeline: %s", version, error)
        scorer = None
    return ServedModel(
        variant=alias,
        name=name,
        version=str(version),
        run_id=details.run_id,
        algorithm=details.tags.get("algorithm", "unknown"),
        threshold=loaded.threshold,
        pipeline=pipeline,
        columns=loaded.columns,
        scorer=scorer,
        loaded_at=datetime.now(UTC),
    )


def followed(aliases: dict[str, str]) -> dict[str, str]:
    """The aliases the service serves (champion, challenger) and their versions, of all aliases."""
    return {alias: aliases[alias] for alias in (CHAMPION, CHALLENGER) if alias in aliases}


def load_alias(name: str, alias: str, columns: list[str]) -> ServedModel:
    """Load the version holding `alias` on its own (the benchmark's champion)."""
    client = registry_client()
    aliases = registered_aliases(client, name)
    if alias not in aliases:
        raise NoVersion(f"The registry has no '{alias}' version of '{name}' yet.")
    return load_version(client, name, alias, aliases[alias], columns)


class ModelStore:
    """The current models by variant, and why there are none when loading failed."""

    def __init__(self, name: str, columns: list[str]) -> None:
        self.name = name
        self.columns = columns
        self.models: dict[str, ServedModel] = {}
        self.problem: str | None = "The models have not been loaded yet."
        # The champion's and challenger's versions at the last load, loaded or not: a
        # challenger that failed to load is not retried until its alias moves.
        self.aliases: dict[str, str] = {}

    def load(self, client: Any, aliases: dict[str, str]) -> dict[str, ServedModel]:
        """Load champion (required) and challenger (if any) without touching the current set."""
        if CHAMPION not in aliases:
            raise NoVersion(f"The registry has no '{CHAMPION}' version of '{self.name}' yet.")
        champion = self.in_memory_or_loaded(client, CHAMPION, aliases[CHAMPION])
        models = {CHAMPION: champion}
        # No challenger is normal: every request then goes to the champion. A challenger that
        # is the champion's own version (a promoted one keeps the alias) makes an A/A test,
        # with the model already loaded.
        challenger = aliases.get(CHALLENGER)
        if challenger == champion.version:
            models[CHALLENGER] = replace(champion, variant=CHALLENGER)
        elif challenger is not None:
            try:
                models[CHALLENGER] = self.in_memory_or_loaded(client, CHALLENGER, challenger)
            except ProjectError as error:
                logger.warning("The challenger is not served: %s", error)
        return models

    def in_memory_or_loaded(self, client: Any, variant: str, version: str) -> ServedModel:
        """The version for `variant`: the copy this process serves already, else loaded now.

        Promoting the challenger is the usual move: its model is in memory, so the swap takes
        no load (and no second copy), and every worker takes it at its next check.
        """
        for model in self.models.values():
            if model.version == version:
                return replace(model, variant=variant, loaded_at=datetime.now(UTC))
        return load_version(client, self.name, variant, version, self.columns)

    def reload(self) -> None:
        """Replace the models with the registry's current ones; keep the old ones on failure."""
        client = registry_client()
        self.swap(client, followed(registered_aliases(client, self.name)))

    def swap(self, client: Any, aliases: dict[str, str]) -> None:
        """Load the versions `aliases` name, then serve them in place of the current set."""
        models = self.load(client, aliases)
        # One assignment: requests read self.models once, so each sees the old or the new set.
        self.models = models
        self.aliases = aliases
        self.problem = None

    def refresh(self) -> bool:
        """Reload if the champion or challenger alias moved since the last load; True if so.

        One registry query when nothing moved. A failure raises and keeps the current models;
        while there are none, it also becomes the reason /ready gives.
        """
        try:
            client = registry_client()
            aliases = followed(registered_aliases(client, self.name))
            if self.models and aliases == self.aliases:
                return False
            self.swap(client, aliases)
        except Exception as error:
            if not self.models:
                self.problem = describe(error)
            raise
        served = ", ".join(f"{v} version {m.version}" for v, m in self.models.items())
        logger.info("The registry's aliases moved: serving %s of '%s'.", served, self.name)
        return True

    def try_reload(self) -> None:
        """reload(), recording and logging the reason instead of raising (for start-up)."""
        try:
            self.reload()
        except Exception as error:
            self.problem = describe(error)
        else:
            served = ", ".join(f"{v} version {m.version}" for v, m in self.models.items())
            logger.info("Serving %s of '%s'.", served, self.name)
            return
        # The service still starts (/ready answers 503 with the reason): say why in its log.
        logger.error("No model is served: %s", self.problem)


def describe(error: Exception) -> str:
    """Why the models could not be loaded, in one sentence."""
    if isinstance(error, ProjectError):
        return str(error)
    # A registry that fails in a way MLflow does not name.
    return f"The models could not be loaded: {tracking.first_line(error)}"

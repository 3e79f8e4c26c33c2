"""Load a registered version as the service does, checked: the one rule of what can be served.

The prediction service (serving/model_store.py) loads its champion and challenger through it,
and `model promote` and `model rollback` (model/register.py) load the version they would make
champion through it before they move anything. A version registered by hand (another flavor,
no checksum or threshold), whose file was removed or changed since, or that needs columns the
data contract no longer declares, is refused with one sentence naming it, and the alias stays
where it was: a champion nothing can load would leave every new worker without a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from {{ cookiecutter.package_name }}.errors import ProjectError, RegistryError
from {{ cookiecutter.package_name }}.model import tracking

# What the register stage tags each version with, and the service needs to serve it.
SERVING_TAGS = ("sha256", "threshold")


@dataclass(frozen=True)
class RegisteredModel:
    """A registered version loaded and checked: its registry entry, pipeline and threshold."""

    details: Any
    pipeline: Any
    threshold: float
    # The input columns the pipeline was fitted with, in its order.
    columns: list[str]


def load_registered(
    client: Any, name: str, alias: str, version: str, columns: list[str]
) -> RegisteredModel:
    """Load version `version` of `name` (for `alias`), checked; one sentence if it cannot serve.

    `columns` are the input columns the service receives (the data contract): the model must
    need no other.
    """
    from mlflow.exceptions import MlflowException

    what = f"Version {version} ({alias}) of '{name}'"
    try:
        details = client.get_model_version(name, version)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            raise RegistryError(f"{what} does not exist: it was deleted.") from None
        raise
    if any(details.tags.get(tag) in (None, "") for tag in SERVING_TAGS):
        raise ProjectError(
            f"{what} lacks its sha256 or threshold tag; register models with `make pipeline`."
        )
    try:
        # By number, not by alias: the alias may move to another version meanwhile, whose
        # file would not match this version's sha256.
        pipeline = tracking.load_logged_model(f"models:/{name}/{version}", details.tags["sha256"])
    except ProjectError as error:
        raise ProjectError(f"{what} cannot be loaded: {error}") from None
    needed = [str(column) for column in pipeline.feature_names_in_]
    missing = sorted(set(needed) - set(columns))
    if missing:
        raise ProjectError(
            f"{what} needs the columns {missing}, which the data contract in params.yaml no "
            "longer declares."
        )
    return RegisteredModel(details, pipeline, float(details.tags["threshold"]), needed)

"""The dependencies, called directly: the A/B assigner of each mode, readiness, the admin key.

The registry (champion 1, challenger 2) comes from conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import HTTPException

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.assignment import assign
from {{ cookiecutter.package_name }}.serving.dependencies import get_assigner, ready_models, require_admin
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.serving.service import Service

from ..conftest import require_exercises

UNITS = [f"C{i:07d}" for i in range(100)]


def service_for(params: Params, store: ModelStore, tmp_path: Path, **experiment: object) -> Service:
    """A service running this experiment, with the admin key "secret"."""
    return Service(
        params=params,
        store=store,
        log=PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}"),
        experiment=params.serving.experiment.model_copy(update=experiment),
        admin_api_key="secret",
    )


@pytest.mark.parametrize("mode", ["off", "shadow"])
def test_off_and_shadow_send_everyone_to_the_champion(
    workspace_params: Params, store: ModelStore, tmp_path: Path, mode: str
) -> None:
    assigner = get_assigner(
        service_for(workspace_params, store, tmp_path, mode=mode, challenger_share=0.5)
    )

    assert {assigner(unit) for unit in UNITS} == {"champion"}


@pytest.mark.parametrize("mode", ["ab", "canary"])
def test_ab_and_canary_split_units_by_their_sticky_hash(
    workspace_params: Params, store: ModelStore, tmp_path: Path, mode: str
) -> None:
    require_exercises(5)  # the split is assign()
    service = service_for(
        workspace_params, store, tmp_path, mode=mode, challenger_share=0.2, salt="s"
    )

    assigner = get_assigner(service)

    weights = {"champion": 0.8, "challenger": 0.2}
    assert [assigner(unit) for unit in UNITS] == [assign(unit, "s", weights) for unit in UNITS]
    assert {assigner(unit) for unit in UNITS} == {"champion", "challenger"}


def test_without_a_challenger_everyone_meets_the_champion(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    champion_only = ModelStore(store.name, store.columns)
    champion_only.models = {"champion": store.models["champion"]}

    assigner = get_assigner(service_for(workspace_params, champion_only, tmp_path, mode="ab"))

    assert {assigner(unit) for unit in UNITS} == {"champion"}


def test_ready_models_are_the_stores_or_503_with_its_reason(
    workspace_params: Params, store: ModelStore
) -> None:
    unloaded = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))

    with pytest.raises(HTTPException) as refused:
        ready_models(unloaded)

    assert (refused.value.status_code, refused.value.detail) == (
        503,
        "The models have not been loaded yet.",
    )
    assert ready_models(store) is store.models


@pytest.mark.parametrize(
    ("key", "status"), [(None, 401), ("", 401), ("wrong", 403), ("secret-but-longer", 403)]
)
def test_admin_routes_refuse_a_missing_or_wrong_key(
    workspace_params: Params, store: ModelStore, tmp_path: Path, key: str | None, status: int
) -> None:
    with pytest.raises(HTTPException) as refused:
        require_admin(service_for(workspace_params, store, tmp_path), key)

    assert refused.value.status_code == status


def test_admin_routes_accept_the_right_key(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    assert require_admin(service_for(workspace_params, store, tmp_path), "secret") is None

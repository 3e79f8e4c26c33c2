"""Predictions without HTTP: one model's scores, and a request's records assigned, scored, logged.

The registry (champion 1, challenger 2) comes from conftest.py. `predict_records` gets a Service
built here, with its own prediction log in tmp_path, and an assigner given as a plain function.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.predict import Unavailable, predict_records, score, shadow_variant
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.serving.service import Service

from .conftest import record


def service_for(params: Params, store: ModelStore, tmp_path: Path, mode: str) -> Service:
    """A service in this experiment mode, with its own prediction log in tmp_path."""
    return Service(
        params=params,
        store=store,
        log=PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}"),
        experiment=params.serving.experiment.model_copy(update={"mode": mode}),
        admin_api_key="",
    )


def counted(service: Service, variant: str, served: str) -> float:
    """How many predictions the service's metrics counted for this variant."""
    labels = {"variant": variant, "served": served}
    return service.metrics.registry.get_sample_value("predictions_total", labels) or 0.0


def test_scores_do_not_depend_on_the_order_of_the_fields(
    store: ModelStore, workspace_params: Params
) -> None:
    records = [record(workspace_params), record(workspace_params, age=70.0)]
    reordered = [dict(reversed(record.items())) for record in records]
    champion = store.models["champion"]

    scores = score(champion, reordered, workspace_params)[0]

    assert scores.tolist() == pytest.approx(score(champion, records, workspace_params)[0].tolist())


def test_one_record_scores_as_it_does_in_a_batch(
    store: ModelStore, workspace_params: Params
) -> None:
    records = [record(workspace_params), record(workspace_params, age=70.0, plan="never seen")]
    champion = store.models["champion"]

    singles = [score(champion, [one], workspace_params)[0][0] for one in records]  # the replay

    assert champion.scorer is not None
    assert singles == pytest.approx(
        score(champion, records, workspace_params)[0].tolist(), rel=1e-9
    )


def test_in_shadow_mode_the_champion_answers_and_the_challenger_scores_beside_it(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    service = service_for(workspace_params, store, tmp_path, "shadow")
    records = [
        record(workspace_params, customer="C0000001"),
        record(workspace_params, customer="C0000002", age=70.0),
    ]

    answers = predict_records(service, records, ["C0000001", "C0000002"], lambda unit: "champion")

    champion, challenger = store.models["champion"], store.models["challenger"]
    assert [(a.variant, a.model_version) for a in answers] == [("champion", "1")] * 2
    assert [a.score for a in answers] == pytest.approx(
        score(champion, records, workspace_params)[0].tolist()
    )
    assert [a.decision for a in answers] == [a.score >= champion.threshold for a in answers]
    logged = service.log.read()
    assert sorted(zip(logged["variant"], logged["served"], strict=True)) == [
        ("challenger", False),
        ("challenger", False),
        ("champion", True),
        ("champion", True),
    ]
    shadow = logged[~logged["served"]].sort_values("unit_id")
    assert shadow["score"].tolist() == pytest.approx(
        score(challenger, records, workspace_params)[0].tolist()
    )
    assert set(logged.loc[logged["served"], "prediction_id"]) == {a.prediction_id for a in answers}
    assert counted(service, "champion", "true") == 2
    assert counted(service, "challenger", "false") == 2


def test_each_unit_is_answered_by_the_variant_it_is_assigned(
    workspace_params: Params, store: ModelStore, tmp_path: Path
) -> None:
    service = service_for(workspace_params, store, tmp_path, "ab")
    records = [
        record(workspace_params, customer="C0000001"),
        record(workspace_params, customer="C0000002"),
    ]
    variants = {"C0000001": "champion", "C0000002": "challenger"}

    answers = predict_records(service, records, list(variants), variants.__getitem__)

    served = [(answer.variant, answer.model_version) for answer in answers]
    assert served == [("champion", "1"), ("challenger", "2")]
    challenger = store.models["challenger"]
    assert answers[1].score == pytest.approx(score(challenger, records[1:], workspace_params)[0][0])
    assert answers[1].threshold == challenger.threshold
    logged = service.log.read()
    assert len(logged) == 2 and logged["served"].all()  # no shadow outside shadow mode
    assert dict(zip(logged["unit_id"], logged["variant"], strict=True)) == variants


def test_without_a_champion_nothing_is_scored_and_the_reason_is_given(
    workspace_params: Params, tmp_path: Path
) -> None:
    unloaded = ModelStore(workspace_params.registry.model_name, input_columns(workspace_params))
    service = service_for(workspace_params, unloaded, tmp_path, "shadow")

    with pytest.raises(Unavailable, match=r"^The models have not been loaded yet\.$"):
        predict_records(service, [record(workspace_params)], ["C0000042"], lambda unit: "champion")

    assert service.log.count() == 0


def test_a_prediction_that_cannot_be_logged_is_not_answered_nor_counted(
    workspace_params: Params, store: ModelStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_for(workspace_params, store, tmp_path, "shadow")

    def broken(rows: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(service.log, "record", broken)

    with pytest.raises(Unavailable, match=r"^The prediction could not be logged; try again\.$"):
        predict_records(service, [record(workspace_params)], ["C0000042"], lambda unit: "champion")

    assert counted(service, "champion", "true") == 0


@pytest.mark.parametrize(
    ("mode", "expected"),
    [("shadow", "challenger"), ("off", None), ("ab", None), ("canary", None)],
)
def test_only_shadow_mode_has_a_shadow(store: ModelStore, mode: str, expected: str | None) -> None:
    assert shadow_variant(mode, store.models) == expected


def test_no_shadow_without_a_challenger_or_with_the_champions_own_version(
    store: ModelStore,
) -> None:
    champion = store.models["champion"]
    same = replace(champion, variant="challenger")

    assert shadow_variant("shadow", {"champion": champion}) is None
    assert shadow_variant("shadow", {"champion": champion, "challenger": same}) is None

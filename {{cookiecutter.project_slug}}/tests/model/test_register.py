"""The registry: challenger and champion aliases, the promotion gate, promote and rollback.

Tests run in file order on one workspace (see conftest.py) and build on each other, as the
versions of a real registry do: version 1 is the default model, version 2 a deliberately weak one.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import errors
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.model import evaluate, lineage, register, tracking, train
from {{ cookiecutter.package_name }}.model.cross_validation import CURVES_OFF
from {{ cookiecutter.package_name }}.model.features import model_input
from {{ cookiecutter.package_name }}.paths import (
    DEVELOPMENT_DATA,
    METRICS_JSON,
    MODEL_CARD,
    PROMOTION_JSON,
    TEST_DATA,
    TRAINING_FIGURES,
    TRAINING_JSON,
    TRAINING_REPORT,
)

from ..conftest import require_exercises
from .conftest import free_port, make_workspace, read_json, shown, small_params

NAME = "customer-model"
# Enough test rows (a fifth) for the default model to beat the reference with a clear interval.
N_ROWS = 6000


def register_params() -> dict:
    """The small params with more rows and this module's registered model name."""
    raw = small_params(N_ROWS)
    raw["registry"]["model_name"] = NAME
    return raw


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """This module's workspace: 6,000 rows, trained and evaluated, nothing registered yet."""
    # Training (see make_workspace), then the promotion gate (4) and the champion alias (39).
    require_exercises(1, 3, 4, 39)
    yield from make_workspace(tmp_path_factory, register_params())


def weak_params() -> Params:
    """A one-split decision tree: it cannot clearly beat the reference logistic regression."""
    raw = register_params()
    raw["model"]["name"] = "decision_tree"
    raw["model"]["hyperparameters"]["decision_tree"] = {"max_depth": 1}
    return parse_params(raw)


class MemoryRegistry:
    """The registry calls of a promotion, in memory: enough to check what make_champion writes."""

    def __init__(self, history: str | None) -> None:
        tags = {} if history is None else {register.HISTORY_TAG: history}
        self.model = SimpleNamespace(aliases={}, tags=tags)
        self.version_tags: dict[str, dict[str, str]] = {}

    def get_registered_model(self, name: str) -> SimpleNamespace:
        if name != NAME:
            raise MlflowException(f"Registered Model with name={name} not found")
        return self.model

    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        self.get_registered_model(name).aliases[alias] = str(version)

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        self.get_registered_model(name).tags[key] = value

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        self.get_registered_model(name)
        self.version_tags.setdefault(str(version), {})[key] = value


@pytest.mark.exercise(39)
def test_make_champion_moves_the_alias_and_appends_to_the_history() -> None:
    registry = MemoryRegistry(history="1,2")

    register.make_champion(registry, NAME, "3", "promote command")

    assert registry.model.aliases == {register.CHAMPION: "3"}
    assert registry.model.tags[register.HISTORY_TAG] == "1,2,3"  # rollback goes back to 2
    assert registry.version_tags == {"3": {"promoted_by": "promote command"}}


@pytest.mark.exercise(39)
def test_the_first_champion_starts_the_history() -> None:
    registry = MemoryRegistry(history=None)

    register.make_champion(registry, NAME, "1", "gate")

    assert registry.model.tags[register.HISTORY_TAG] == "1"
    assert registry.model.aliases == {register.CHAMPION: "1"}


@pytest.mark.exercise(39)
def test_make_champion_on_an_unregistered_model_is_one_sentence_and_writes_nothing() -> None:
    registry = MemoryRegistry(history="1")

    with pytest.raises(errors.RegistryError, match="No model is registered as 'other' yet"):
        register.make_champion(registry, "other", "2", "gate")

    assert registry.model.aliases == {} and registry.version_tags == {}


def registry_state() -> tuple[dict[str, str], list[str], str | None]:
    """Aliases, version numbers and champion history of the registered model."""
    model = MlflowClient().get_registered_model(NAME)
    versions = MlflowClient().search_model_versions(f"name = '{NAME}'")
    # MLflow gives version numbers as int here and str there: compare them as text.
    return (
        {alias: str(version) for alias, version in model.aliases.items()},
        sorted(str(version.version) for version in versions),
        model.tags.get(register.HISTORY_TAG),
    )


def test_without_curves_training_says_so_and_draws_none(workspace: Path) -> None:
    # small_params turns model.curves off (tests/model/test_stages.py checks them on).
    report = read_json(TRAINING_REPORT)

    assert report["learning_curve"] is None and report["validation_curve"] is None
    assert report["bias_variance"] == CURVES_OFF
    assert list(TRAINING_FIGURES.iterdir()) == []
    assert f"- Learning curve: {CURVES_OFF}" in MODEL_CARD.read_text(encoding="utf-8")


def test_the_first_version_beats_the_baseline_and_becomes_champion(
    workspace: Path, workspace_params: Params
) -> None:
    promotion = register.run(workspace_params)

    report = read_json(PROMOTION_JSON)
    assert report["promoted"] is True
    assert (report["version"], report["champion_before"], report["champion_after"]) == (
        "1",
        None,
        "1",
    )
    assert report["comparisons"]["baseline"]["lower"] > 0
    # No champion: no guardrail to compare with, and the test set's first decision.
    assert report["guardrails"] == []
    assert (report["test_set"]["decisions"], report["test_set"]["warning"]) == (1, None)
    assert promotion.to_json() == report
    assert promotion.rows()["gate"] == "promoted to champion"
    assert registry_state() == ({"champion": "1", "challenger": "1"}, ["1"], "1")
    version = MlflowClient().get_model_version(NAME, "1")
    assert version.tags["gate"] == "passed"
    assert version.tags["sha256"] == read_json(TRAINING_JSON)["logged_sha256"]
    assert version.tags["algorithm"] == workspace_params.model.name
    # The card travels with the version, and the run says which code and data it came from.
    assert version.description == MODEL_CARD.read_text(encoding="utf-8")
    run_tags = MlflowClient().get_run(version.run_id).data.tags
    assert run_tags["data_md5.development.parquet"] == lineage.md5(DEVELOPMENT_DATA)
    assert {lineage.COMMIT_TAG, lineage.DIRTY_TAG} <= set(run_tags)


def test_a_card_longer_than_the_registry_keeps_is_cut_with_a_note() -> None:
    card = "# Model card\n" + "x" * 6000

    description = register.card_description(card, "abc123")

    assert len(description) == register.MAX_DESCRIPTION_LENGTH
    assert description.startswith("# Model card\nxxx")
    assert description.endswith("reports/model_card.md of run abc123)")
    assert register.card_description("# short", "abc123") == "# short"


def test_the_champion_loads_from_the_registry_and_scores(
    workspace: Path, workspace_params: Params
) -> None:
    sha256 = MlflowClient().get_model_version(NAME, "1").tags["sha256"]

    model = tracking.load_logged_model(f"models:/{NAME}@champion", sha256)

    rows = model_input(pd.read_parquet(TEST_DATA).head(3), workspace_params)
    scores = model.predict_proba(rows)[:, 1]
    assert scores.shape == (3,)
    assert ((scores > 0) & (scores < 1)).all()


def test_loading_errors_name_the_model_and_its_file_not_a_temporary_folder(
    workspace: Path,
) -> None:
    with pytest.raises(errors.ModelError) as changed:
        tracking.load_logged_model(f"models:/{NAME}@champion", "0" * 64)
    with pytest.raises(errors.TrackingError) as missing:
        tracking.load_logged_model(f"models:/{NAME}/99", "0" * 64)

    assert str(changed.value).startswith(f"model.skops of models:/{NAME}@champion has sha256 ")
    assert str(missing.value).startswith(f"Could not download models:/{NAME}/99: ")
    for error in (changed, missing):
        assert tempfile.gettempdir() not in str(error.value)


def test_a_weak_model_is_refused_and_the_champion_stays(
    workspace: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    weak = weak_params()
    train.run(weak)
    evaluate.run(weak)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        promotion = register.run(weak)

    # Loading the champion to rescore it printed no warning and no download progress bar
    assert shown(caught) == []
    assert "%|" not in "".join(capfd.readouterr())

    report = read_json(PROMOTION_JSON)
    assert report["promoted"] is False
    assert report["reasons"][0].startswith("The challenger does not clearly beat the baseline")
    assert report["champion_after"] == "1"
    assert promotion.rows()["gate"] == "refused: stays challenger"
    assert registry_state() == ({"champion": "1", "challenger": "2"}, ["1", "2"], "1")
    assert MlflowClient().get_model_version(NAME, "2").tags["gate"] == "refused"
    # Against a champion the guardrails ran too: a one-split tree gives two probabilities, far
    # worse calibrated than the champion's.
    assert [check["name"] for check in report["guardrails"]] == [
        "calibration (Brier)",
        "latency (one prediction)",
        "slices (ROC AUC)",
        "simplicity (one standard error)",
    ]
    assert report["guardrails"][0]["passed"] is False
    # The second decision on the same test file, recorded on the version.
    assert report["test_set"] == {
        "md5": lineage.md5(TEST_DATA),
        "decisions": 2,
        "budget": 10,
        "warning": None,
    }
    assert MlflowClient().get_model_version(NAME, "2").tags["test_set_md5"] == lineage.md5(
        TEST_DATA
    )


def test_registering_the_same_run_again_reuses_its_version(workspace: Path) -> None:
    register.run(weak_params())

    assert registry_state()[1] == ["1", "2"]


def test_a_champion_whose_file_changed_is_refused_and_nothing_is_written(
    workspace: Path,
) -> None:
    client = MlflowClient()
    sha256 = client.get_model_version(NAME, "1").tags["sha256"]
    before, report = registry_state(), PROMOTION_JSON.read_bytes()
    client.set_model_version_tag(NAME, "1", "sha256", "0" * 64)
    try:
        with pytest.raises(errors.ModelError, match="was changed since"):
            register.run(weak_params())
    finally:
        client.set_model_version_tag(NAME, "1", "sha256", sha256)

    assert registry_state() == before
    assert PROMOTION_JSON.read_bytes() == report


def test_scores_of_an_older_training_are_refused_and_nothing_is_written(workspace: Path) -> None:
    metrics = METRICS_JSON.read_text(encoding="utf-8")
    before, report = registry_state(), PROMOTION_JSON.read_bytes()
    stale = json.loads(metrics)
    stale["model"]["roc_auc"]["estimate"] += 0.01  # as if left by an earlier evaluate
    METRICS_JSON.write_text(json.dumps(stale), encoding="utf-8")
    try:
        with pytest.raises(DataError, match="it was trained again since"):
            register.run(weak_params())
    finally:
        METRICS_JSON.write_text(metrics, encoding="utf-8")

    assert registry_state() == before
    assert PROMOTION_JSON.read_bytes() == report


def test_promote_moves_the_champion_by_hand_and_rollback_restores_it(
    workspace: Path, workspace_params: Params
) -> None:
    register.promote(workspace_params, "2")
    assert registry_state() == ({"champion": "2", "challenger": "2"}, ["1", "2"], "1,2")
    assert MlflowClient().get_model_version(NAME, "2").tags["promoted_by"] == "promote command"

    register.rollback(workspace_params)

    assert registry_state() == ({"champion": "1", "challenger": "2"}, ["1", "2"], "1")
    assert MlflowClient().get_model_version(NAME, "2").tags["rolled_back"] == "true"


def test_rollback_without_an_earlier_champion_is_one_sentence(
    workspace: Path, workspace_params: Params
) -> None:
    with pytest.raises(errors.RegistryError, match="none to roll back to"):
        register.rollback(workspace_params)


def test_promoting_a_version_that_does_not_exist_is_one_sentence(
    workspace: Path, workspace_params: Params
) -> None:
    with pytest.raises(errors.RegistryError, match="has no version 99"):
        register.promote(workspace_params, "99")

    assert registry_state()[0]["champion"] == "1"


def test_an_unregistered_model_name_is_one_sentence(workspace: Path) -> None:
    raw = small_params()
    raw["registry"]["model_name"] = "never-registered"

    with pytest.raises(errors.RegistryError, match="No model is registered as"):
        register.rollback(parse_params(raw))


def test_an_unreachable_tracking_server_leaves_the_report_alone(
    workspace: Path, workspace_params: Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = PROMOTION_JSON.read_bytes()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")

    with pytest.raises(errors.TrackingError, match="cannot be reached"):
        register.run(workspace_params)

    assert PROMOTION_JSON.read_bytes() == report


def test_the_cli_rollback_error_is_one_line_without_traceback(workspace: Path) -> None:
    result = CliRunner().invoke(app, ["model", "rollback"])

    assert result.exit_code == 1
    assert "'customer-model' has had 1 champion(s), so there is none to roll back to" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_version_the_service_cannot_load_is_refused_and_nothing_moves(
    workspace: Path, workspace_params: Params
) -> None:
    registry = MlflowClient()
    first = registry.get_model_version(NAME, "1")
    # Registered by hand, from the same files: no checksum or threshold tag.
    by_hand = registry.create_model_version(NAME, first.source, first.run_id).version
    before = registry_state()

    with pytest.raises(errors.RegistryError, match=rf"^Version {by_hand} cannot be champion, "):
        register.promote(workspace_params, str(by_hand))
    result = CliRunner().invoke(app, ["model", "promote", str(by_hand)])

    assert result.exit_code == 1
    assert "lacks its sha256 or threshold tag" in result.output
    assert "Traceback" not in result.output
    assert registry_state() == before  # no alias, history or tag was written


def test_rollback_past_a_deleted_champion_restores_the_one_before_it(
    workspace: Path, workspace_params: Params
) -> None:
    register.promote(workspace_params, "2")
    MlflowClient().delete_model_version(NAME, "2")  # by hand: its aliases go with it

    summary = register.rollback(workspace_params)

    aliases, versions, history = registry_state()
    assert summary["champion"] == "version 1"
    assert aliases["champion"] == "1"
    assert "2" not in versions
    assert history == "1"

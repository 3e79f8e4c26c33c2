"""Register: put the trained model in the MLflow registry and promote it only through the gate.

The registered model (registry.model_name) has two aliases that other tools load by name:

    challenger  the newest registered version, whatever the gate said
    champion    the version the prediction service answers with

A new version becomes champion only if the promotion gate agrees (its rule: `model/gate.py`),
the current champion rescored on the same test rows. A refusal is a normal outcome: the stage
succeeds and reports/promotion.json says why.

Every champion change is appended to the registered model's `champion_history` tag, so
`rollback` can give the alias back to the version that held it before. Everything that can fail
(reading files, loading and scoring the champion, the gate) runs before the registry is
written, so a failed stage leaves the registry as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import commands, files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError, ProjectError, RegistryError
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.model.features import input_columns, model_input
from {{ cookiecutter.package_name }}.model.gate import GateDecision, Promotion, gate_decision, improvement
from {{ cookiecutter.package_name }}.model.guardrails import (
    Check,
    guardrail_checks,
    one_row_seconds,
    reuse_of_test_set,
    slice_frame,
)
from {{ cookiecutter.package_name }}.model.lineage import md5
from {{ cookiecutter.package_name }}.model.registered import load_registered
from {{ cookiecutter.package_name }}.paths import (
    METRICS_JSON,
    MODEL_CARD,
    MODEL_FILE,
    PROMOTION_JSON,
    TEST_DATA,
    TEST_SCORES,
    TRAINING_JSON,
)

if TYPE_CHECKING:
    from mlflow import MlflowClient
    from mlflow.entities.model_registry import ModelVersion
    from sklearn.pipeline import Pipeline

HISTORY_TAG = "champion_history"
# Each version's tag: the MD5 of the test file the gate judged it on (its reuse is counted).
TEST_SET_TAG = "test_set_md5"
# MLflow keeps tag values up to a few thousand characters; the reasons fit well below.
MAX_TAG_LENGTH = 4000
# A model version's description: PostgreSQL stores at most 5,000 characters (MLflow's schema).
MAX_DESCRIPTION_LENGTH = 5000


# --- the champion history: plain functions of a tag value ------------------------------------


def parse_history(tag: str | None) -> list[str]:
    """The versions that held the champion alias, oldest first, from the tag's "1,3,4"."""
    return [version for version in (tag or "").split(",") if version]


def format_history(history: list[str]) -> str:
    """The tag value for a champion history."""
    return ",".join(history)


# --- reading the registry --------------------------------------------------------------------


def client() -> MlflowClient:
    """An MLflow client on the store `tracking.connect` chose."""
    from mlflow import MlflowClient

    return MlflowClient()


def version_by_alias(registry: MlflowClient, name: str, alias: str) -> ModelVersion | None:
    """The version holding `alias`, or None when no version does (or nothing is registered)."""
    from mlflow.exceptions import MlflowException

    try:
        return registry.get_model_version_by_alias(name, alias)
    except MlflowException:
        return None


def history_of(registry: MlflowClient, name: str) -> list[str]:
    """The champion history of a registered model; a RegistryError if it is not registered."""
    from mlflow.exceptions import MlflowException

    try:
        model = registry.get_registered_model(name)
    except MlflowException:
        raise RegistryError(
            f"No model is registered as '{name}' yet; run `make pipeline` first."
        ) from None
    return parse_history(model.tags.get(HISTORY_TAG))


def version_exists(registry: MlflowClient, name: str, version: str) -> bool:
    """Whether the registry still holds the version (it may have been deleted by hand)."""
    from mlflow.exceptions import MlflowException

    try:
        registry.get_model_version(name, version)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return False
        raise
    return True


def version_of_run(registry: MlflowClient, name: str, run_id: str) -> ModelVersion | None:
    """The version already registered from this training run, if any (a rerun reuses it)."""
    found = registry.search_model_versions(f"name = '{name}' and run_id = '{run_id}'")
    return min(found, key=lambda version: int(version.version)) if found else None


def load_champion(champion: ModelVersion, name: str) -> Pipeline:
    """The current champion's model, after checking its file against its sha256 tag."""
    sha256 = champion.tags.get("sha256")
    if not sha256:
        raise RegistryError(
            f"Version {champion.version} of '{name}' has no sha256 tag, so its file cannot be "
            "checked before loading; register models with `make pipeline`."
        )
    return tracking.load_logged_model(f"models:/{name}@{CHAMPION}", sha256)


def scores_on(model: Pipeline, X: pd.DataFrame, n_rows: int) -> np.ndarray:
    """A model's churn scores on the final test set, checked to match the evaluated rows."""
    scores = model.predict_proba(X)[:, 1]
    if len(scores) != n_rows:
        raise DataError(f"{TEST_DATA} and {TEST_SCORES} disagree; run `{commands.EVALUATE}`.")
    return scores


def decisions_on(registry: MlflowClient, name: str, md5: str, run_id: str) -> int:
    """How many versions the gate has judged on the test file with this MD5, this one included."""
    versions = registry.search_model_versions(f"name = '{name}'")
    judged = {v.run_id for v in versions if v.tags.get(TEST_SET_TAG) == md5}
    return len(judged | {run_id})


def guardrails_against(
    champion: ModelVersion,
    champion_model: Pipeline,
    X: pd.DataFrame,
    y: np.ndarray,
    scores: pd.DataFrame,
    decision: GateDecision,
    training: dict[str, Any],
    params: Params,
) -> list[Check]:
    """The guardrails of model/guardrails.py, the challenger against the champion."""
    challenger_model = tracking.load_model(MODEL_FILE, training["sha256"])
    categorical = list(params.model_columns.categorical)
    # The slices the model sees: its own cleaning step repairs "FRANCE" and "Frnace".
    cleaned = challenger_model.named_steps["clean"].transform(X)
    slices = slice_frame(cleaned, categorical, params.registry.guardrails.slice_bands)
    timed = one_row_seconds({"challenger": challenger_model, "champion": champion_model}, X)
    _, lower, upper = improvement(decision.against_champion or {})
    return guardrail_checks(
        y,
        scores["model"].to_numpy(),
        scores_on(champion_model, X, len(y)),
        slices,
        timed,
        {"challenger": training["algorithm"], "champion": champion.tags.get("algorithm", "")},
        (lower, upper),
        params.registry.guardrails,
    )


def check_evaluated(
    registry: MlflowClient, training: dict[str, Any], metrics: dict[str, Any], metric: str
) -> None:
    """Raise a DataError unless the test scores on disk are those of the model trained last.

    evaluate logs its test metrics to the training run, so a run without them (or with other
    values) means `train` ran again after `evaluate`.
    """
    logged = registry.get_run(training["run_id"]).data.metrics.get(f"test_{metric}")
    if logged is None or abs(logged - metrics["model"][metric]["estimate"]) > 1e-9:
        raise DataError(
            f"{METRICS_JSON} and {TEST_SCORES} are not those of the model in {TRAINING_JSON} "
            f"(it was trained again since); run `{commands.EVALUATE}` first."
        )


# --- writing the registry --------------------------------------------------------------------


def make_champion(registry: MlflowClient, name: str, version: str, how: str) -> None:
    """Give the champion alias to a version and append it to the history."""
    # [exercise 39] move the champion alias to the version, append it to the history, tag how.
    history = history_of(registry, name)
    registry.set_registered_model_alias(name, CHAMPION, version)
    registry.set_registered_model_tag(name, HISTORY_TAG, format_history([*history, version]))
    registry.set_model_version_tag(name, version, "promoted_by", how)
    # [/exercise 39]


def register_version(
    registry: MlflowClient, name: str, training: dict[str, Any], tags: dict[str, str]
) -> str:
    """Register the trained model (or reuse the version of the same run); return its number."""
    import mlflow

    existing = version_of_run(registry, name, training["run_id"])
    if existing is None:
        version = str(mlflow.register_model(training["model_uri"], name, tags=tags).version)
    else:
        version = str(existing.version)
        for key, value in tags.items():
            registry.set_model_version_tag(name, version, key, value)
    registry.set_registered_model_alias(name, CHALLENGER, version)
    return version


def card_description(card: str, run_id: str) -> str:
    """The model card as a version's description, cut to what the registry stores."""
    if len(card) <= MAX_DESCRIPTION_LENGTH:
        return card
    note = f"\n\n(cut here: the whole card is reports/model_card.md of run {run_id})"
    return card[: MAX_DESCRIPTION_LENGTH - len(note)] + note


# --- the commands ----------------------------------------------------------------------------


def run(params: Params) -> Promotion:
    """Register the trained model as challenger; promote it to champion if it passes the gate."""
    training = files.read_json(TRAINING_JSON)
    metrics = files.read_json(METRICS_JSON)
    scores = files.read_parquet(TEST_SCORES)
    if not MODEL_CARD.exists():  # evaluate writes it beside metrics.json
        raise DataError(commands.run_first(MODEL_CARD))
    card = card_description(MODEL_CARD.read_text(encoding="utf-8"), training["run_id"])
    name, gate = params.registry.model_name, params.registry
    tracking.connect(name)
    registry = client()
    with tracking.store_errors():
        check_evaluated(registry, training, metrics, gate.metric)

    y = scores[params.columns.target].to_numpy(dtype=np.int64)
    test = files.read_parquet(TEST_DATA)
    X = model_input(test, params)
    champion = version_by_alias(registry, name, CHAMPION)
    previous = str(champion.version) if champion is not None else None
    same_model = champion is not None and champion.run_id == training["run_id"]
    champion_model = None if champion is None or same_model else load_champion(champion, name)
    if champion_model is None:
        # No champion, or the same model registered before: nothing to load or rescore.
        against = None if champion is None else scores["model"].to_numpy()
    else:
        against = scores_on(champion_model, X, len(y))
    decision = gate_decision(
        y,
        scores["model"].to_numpy(),
        scores["reference"].to_numpy(),
        against,
        gate.min_improvement,
        metric=gate.metric,
        n_resamples=params.evaluation.bootstrap_resamples,
        confidence=params.evaluation.confidence,
        seed=params.seed,
    )
    checks = []
    if champion is not None and champion_model is not None:
        checks = guardrails_against(
            champion, champion_model, X, y, scores, decision, training, params
        )
    test_md5 = md5(TEST_DATA)
    with tracking.store_errors():
        decisions = decisions_on(registry, name, test_md5, training["run_id"])
    test_set = reuse_of_test_set(decisions, gate.test_set_budget, test_md5)
    promote = decision.promote and all(check.passed for check in checks)

    # Everything that can fail has run: only now is the registry written.
    reasons = [*decision.reasons, *(check.reason for check in checks)]
    tags = {
        "sha256": training["logged_sha256"],
        "algorithm": training["algorithm"],
        "threshold": str(training["threshold"]),
        f"test_{gate.metric}": str(metrics["model"][gate.metric]["estimate"]),
        "gate": "passed" if promote else "refused",
        "gate_reasons": " ".join(reasons)[:MAX_TAG_LENGTH],
        TEST_SET_TAG: test_md5,
    }
    with tracking.store_errors():
        version = register_version(registry, name, training, tags)
        # The card travels with the version: the registry's page shows it, with no project.
        registry.update_model_version(name, version, description=card)
        if promote and previous != version:
            make_champion(registry, name, version, how="gate")
    promotion = Promotion(
        model_name=name,
        version=version,
        run_id=training["run_id"],
        algorithm=training["algorithm"],
        metric=gate.metric,
        min_improvement=gate.min_improvement,
        decision=decision,
        champion_before=previous,
        champion_after=version if promote else previous,
        guardrails=tuple(checks),
        test_set=test_set,
    )
    files.write_json(PROMOTION_JSON, promotion.to_json())
    return promotion


def promote(params: Params, version: str) -> dict[str, object]:
    """Give the champion alias to a registered version by hand (skipping the gate)."""
    from mlflow.exceptions import MlflowException

    name = params.registry.model_name
    tracking.connect(name)
    registry = client()
    history = history_of(registry, name)
    try:
        registry.get_model_version(name, version)
    except MlflowException:
        raise RegistryError(f"'{name}' has no version {version}.") from None
    champion = version_by_alias(registry, name, CHAMPION)
    if champion is not None and str(champion.version) == version:
        return {"model": name, "champion": f"version {version} (already)"}
    servable(registry, params, version)
    with tracking.store_errors():
        make_champion(registry, name, version, how="promote command")
    before = f"version {history[-1]}" if history else "none"
    return {"model": name, "champion": f"version {version}", "before": before}


def servable(registry: MlflowClient, params: Params, version: str) -> None:
    """Load the version as the service would (model/registered.py); refuse it before any write."""
    name = params.registry.model_name
    try:
        load_registered(registry, name, CHAMPION, version, input_columns(params))
    except ProjectError as error:
        raise RegistryError(
            f"Version {version} cannot be champion, which stays where it is: {error}"
        ) from None


def rollback(params: Params) -> dict[str, object]:
    """Give the champion alias back to the version that held it before the current one."""
    name = params.registry.model_name
    tracking.connect(name)
    registry = client()
    history = history_of(registry, name)
    if len(history) < 2:
        raise RegistryError(
            f"'{name}' has had {len(history)} champion(s), so there is none to roll back to."
        )
    current, restored = history[-1], history[-2]
    servable(registry, params, restored)
    # The current champion may have been deleted since (its alias with it): nothing to mark.
    current_exists = version_exists(registry, name, current)
    with tracking.store_errors():
        registry.set_registered_model_alias(name, CHAMPION, restored)
        registry.set_registered_model_tag(name, HISTORY_TAG, format_history(history[:-1]))
        if current_exists:
            registry.set_model_version_tag(name, current, "rolled_back", "true")
    return {"model": name, "champion": f"version {restored}", "rolled back": f"version {current}"}

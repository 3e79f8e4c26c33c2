"""Predictions, knowing nothing of HTTP: raw customer records in, churn scores and decisions out.

`score` is one model's scores. A single record goes through the model's RecordScorer
(serving/record_scorer.py) when it has one: the same steps without pandas, about twenty times
faster. Several records go through the pipeline, whose per-call overhead is then shared by the
rows.

`predict_records` is what a prediction request does (routes/predict.py only turns HTTP into
its arguments and its answers back into HTTP; `predict_record` does the same for one record
without leaving the event loop):

1. each record's unit (the customer) gets its variant from the A/B assigner;
2. each model scores only its rows: those it serves, and all of them for the shadow;
3. every score, served or shadow, becomes a row of the prediction log, written before any
   answer leaves: an answer nobody will be able to analyse is not given (a model that fails
   to score leaves a row in the log's failures instead, and the client gets an error);
4. the served rows become the answers.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore, ServedModel
from {{ cookiecutter.package_name }}.serving.prediction_log import now
from {{ cookiecutter.package_name }}.serving.schemas import Prediction
from {{ cookiecutter.package_name }}.serving.service import Service

logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """No answer can be given now (no champion loaded, or the log failed); the service says 503."""


def as_raw_text(value: Any) -> Any:
    """A value as the raw data holds it: text, a number or missing (the pipeline parses text).

    A number stays a number: written as text it would be read again by the contract's decimal
    mark (columns.decimal), and 1.234 would become 1234 with a decimal comma.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return np.nan
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def records_frame(records: Sequence[dict[str, Any]], params: Params) -> pd.DataFrame:
    """The records as the model's input frame: its columns, in order, as text."""
    names = input_columns(params)
    rows = [{name: as_raw_text(record.get(name)) for name in names} for record in records]
    return pd.DataFrame(rows, columns=names, dtype="object")


def score(
    model: ServedModel, records: Sequence[dict[str, Any]], params: Params
) -> tuple[np.ndarray, np.ndarray]:
    """Churn probabilities and decisions (score >= the model's threshold) for every record."""
    if len(records) == 1 and model.scorer is not None:
        raw = {name: as_raw_text(records[0].get(name)) for name in model.columns}
        scores = np.array([model.scorer.score(raw)])
    else:
        # The columns in the order the model was fitted with, whatever the order in params.yaml.
        scores = model.pipeline.predict_proba(records_frame(records, params)[model.columns])[:, 1]
    return scores, scores >= model.threshold


def current_models(store: ModelStore) -> dict[str, ServedModel]:
    """The store's models, or Unavailable saying why there are none."""
    models = store.models
    if CHAMPION not in models:
        raise Unavailable(store.problem or "No model is loaded.")
    return models


def shadow_variant(mode: str, models: dict[str, ServedModel]) -> str | None:
    """The variant that scores every request without answering: the challenger in shadow mode.

    None when it is the champion's own version: scoring twice with one model teaches nothing.
    """
    challenger = models.get(CHALLENGER)
    if mode != "shadow" or challenger is None or challenger.version == models[CHAMPION].version:
        return None
    return CHALLENGER


def log_failure(
    service: Service, model: ServedModel, unit_ids: list[str], error: Exception
) -> None:
    """Record the units a model failed to score (the canary's error rate counts them)."""
    created, reason = now(), f"{type(error).__name__}: {error}"[:500]
    rows = [
        {
            "created_at": created,
            "unit_id": unit,
            "variant": model.variant,
            "model_version": model.version,
            "error": reason,
        }
        for unit in unit_ids
    ]
    try:
        service.log.record_failures(rows)
    except Exception:  # the client gets the scoring error either way; the log says this too
        logger.exception("the failure of %s could not be logged", model.variant)


def scored(
    service: Service,
    records: list[dict[str, Any]],
    unit_ids: list[str],
    assigner: Callable[[str], str],
) -> tuple[list[dict[str, Any]], list[Prediction]]:
    """Each record scored by its variant's model (and the shadow): the log's rows, the answers."""
    started = time.perf_counter()
    models = current_models(service.store)  # one snapshot for the whole request
    served_by = [assigner(unit_id) for unit_id in unit_ids]
    shadow = shadow_variant(service.experiment.mode, models)
    # Each model scores only its rows: those it serves, and all of them for the shadow.
    results: dict[tuple[str, int], tuple[float, bool]] = {}
    for variant in {*served_by, *([shadow] if shadow else [])}:
        rows_of = [i for i, v in enumerate(served_by) if v == variant or variant == shadow]
        try:
            scores, decisions = score(
                models[variant], [records[i] for i in rows_of], service.params
            )
        except Exception as error:
            log_failure(service, models[variant], [unit_ids[i] for i in rows_of], error)
            raise
        for i, value, decision in zip(rows_of, scores, decisions, strict=True):
            results[(variant, i)] = (float(value), bool(decision))
    latency_ms = (time.perf_counter() - started) * 1000
    created = now()
    rows, answers = [], []
    for i, (record, unit_id, served) in enumerate(zip(records, unit_ids, served_by, strict=True)):
        for variant in [served, *([shadow] if shadow and shadow != served else [])]:
            model, (value, decision) = models[variant], results[(variant, i)]
            row = {
                "prediction_id": str(uuid.uuid4()),
                "created_at": created,
                "unit_id": unit_id,
                "variant": variant,
                "model_version": model.version,
                "served": variant == served,
                "inputs": record,
                "score": value,
                "decision": decision,
                "latency_ms": latency_ms,
            }
            rows.append(row)
            if variant == served:
                answers.append(
                    Prediction(
                        prediction_id=row["prediction_id"],
                        score=value,
                        decision=decision,
                        threshold=model.threshold,
                        model_name=model.name,
                        model_version=model.version,
                        variant=variant,
                    )
                )
    return rows, answers


def not_logged(error: Exception) -> Unavailable:
    """The refusal of answers whose rows the log could not write (the reason goes to the log)."""
    logger.error("prediction log write failed", exc_info=error)
    return Unavailable("The prediction could not be logged; try again.")


def count_predictions(service: Service, rows: list[dict[str, Any]]) -> None:
    """Count the logged predictions, and the distribution of the served scores."""
    for row in rows:
        service.metrics.predictions.labels(row["variant"], str(row["served"]).lower()).inc()
        if row["served"]:
            service.metrics.scores.labels(row["variant"]).observe(row["score"])


def predict_records(
    service: Service,
    records: list[dict[str, Any]],
    unit_ids: list[str],
    assigner: Callable[[str], str],
) -> list[Prediction]:
    """Score each record with its variant's model, log everything, return the served answers."""
    rows, answers = scored(service, records, unit_ids, assigner)
    try:
        service.log.record(rows)
    except Exception as error:  # any database failure: the answer must not leave unlogged
        raise not_logged(error) from error
    count_predictions(service, rows)
    return answers


async def predict_record(
    service: Service, record: dict[str, Any], unit_id: str, assigner: Callable[[str], str]
) -> Prediction:
    """predict_records for one record, on the event loop: no hand-off to a thread per request.

    Replayed on one record (record_scorer.py), a model scores in well under a millisecond, so
    the record is scored right here; a model without that replay goes through its pipeline,
    tens of milliseconds that would stall every other request, so in a thread. The log's commit
    is awaited, not waited for: the loop serves other requests meanwhile.
    """
    if all(model.scorer is not None for model in current_models(service.store).values()):
        rows, answers = scored(service, [record], [unit_id], assigner)
    else:
        rows, answers = await asyncio.to_thread(scored, service, [record], [unit_id], assigner)
    try:
        await service.log.record_async(rows)
    except Exception as error:  # any database failure: the answer must not leave unlogged
        raise not_logged(error) from error
    count_predictions(service, rows)
    return answers[0]

"""Schemas of the API: a customer record derived from the data contract, and every answer.

The record's fields are built from `columns:` in params.yaml (the columns the model takes, plus
the id), so the API, the training data and the model never disagree on what a customer is. Each
field is required but may be null (a missing value, which the model imputes as in training);
numbers must be finite and inside the contract's range; an unknown field is refused, so a column
the model must not see (model.drop_columns) cannot slip in. Categories are free text: a spelling
the cleaner knows is normalised, and an unseen value still gets a prediction.

Text is refused when it holds control characters (tab and line breaks are allowed in free text
only) or is not valid Unicode; the signup date must lie between FIRST_SIGNUP and today (UTC).
A date is read by data/dates.py's rule, one cell alone: ISO 8601, 2024.03.15, Mar 15 2024,
15 Mar 2024, or a slash date by columns.date_order; an ambiguous one (03/04/2024 with auto) is
refused with 422, as cleaning refuses it, rather than guessed.
Each rule is written in the field's JSON schema (pattern, description), so /docs shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from {{ cookiecutter.package_name }}.config import NO_CONTROLS, ExperimentParams, Params
from {{ cookiecutter.package_name }}.contract import MAX_TEXT_LENGTH, MAX_VALUE_LENGTH, NumericColumn
from {{ cookiecutter.package_name }}.data.dates import read_date

# One fact with what acquire keeps of a CSV's cells (config.py).
MAX_CATEGORY_LENGTH = MAX_VALUE_LENGTH
# Free text may hold tabs and line breaks (\t, \n, \r), no other control character.
FREE_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
# X-Request-ID: printable ASCII, as HTTP headers should be.
REQUEST_ID_PATTERN = r"^[\x20-\x7e]+$"
# No customer record predates this; an older date is a typo or a placeholder (0001-01-01).
FIRST_SIGNUP = dt.date(1900, 1, 1)


class Strict(BaseModel):
    """Base of every request body: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid")


def numeric_field(name: str, spec: NumericColumn) -> tuple[Any, Any]:
    """A nullable, finite number inside the contract's range."""
    low = spec.min if spec.min is not None else "-inf"
    high = spec.max if spec.max is not None else "+inf"
    example = example_number(spec)
    return (
        float | None,
        Field(
            ge=spec.min,
            le=spec.max,
            allow_inf_nan=False,
            # Strict: a JSON number only, never true/false or "12" turned into a number.
            strict=True,
            description=f"{name}: a number from {low} to {high}, or null if unknown.",
            examples=[example],
        ),
    )


def date_text(order: str) -> Callable[[Any], dt.date | None]:
    """Read a date written as text by data/dates.py's rule; refuse any other type.

    A number is refused: pydantic would read it as Unix time.
    """

    def read(value: Any) -> dt.date | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("must be a date written as text, like 2024-03-15")
        try:
            return dt.date.fromisoformat(value)  # the common case, in microseconds
        except ValueError:
            return read_date(value, order)

    return read


def no_bool_or_text(value: Any) -> Any:
    """Refuse true/false and text where a number belongs: pydantic would read them as one.

    1.0 stays allowed: JSON Schema counts it as the integer 1.
    """
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON number, not true/false or text")
    return value


def plausible_date(value: dt.date | None) -> dt.date | None:
    """Refuse a date before FIRST_SIGNUP or after today in UTC: no one signs up in the future."""
    today = dt.datetime.now(dt.UTC).date()
    if value is not None and not FIRST_SIGNUP <= value <= today:
        raise ValueError(f"must be a date from {FIRST_SIGNUP} to today ({today}, UTC)")
    return value


def example_number(spec: NumericColumn) -> float:
    """A plausible value for the docs: a tenth of the way into the range."""
    low = spec.min if spec.min is not None else 0.0
    high = spec.max if spec.max is not None else low + 100.0
    return round(low + (high - low) / 10, 2)


def record_model(params: Params) -> type[BaseModel]:
    """The pydantic model of one customer record, as the model takes it."""
    columns = params.model_columns
    fields: dict[str, Any] = {}
    if columns.id is not None:
        fields[columns.id] = (
            str | None,
            Field(
                default=None,
                max_length=200,
                pattern=NO_CONTROLS,
                description="The customer's id (no control characters): the unit of A/B "
                "assignment (one customer, one variant). Without it, the X-Request-ID header or "
                "a new id is used.",
                examples=["C0000042"],
            ),
        )
    if columns.group is not None:
        fields[columns.group] = (
            str | None,
            Field(
                default=None,
                max_length=200,
                pattern=NO_CONTROLS,
                description="The customer's account (household, company), or null: never a "
                "model input, but logged with the record so that feedback data keeps the "
                "accounts that grouped folds split by.",
                examples=["A000042"],
            ),
        )
    if columns.time is not None:
        fields[columns.time] = (
            Annotated[
                dt.date | None,
                BeforeValidator(date_text(columns.date_order)),
                AfterValidator(plausible_date),
            ],
            Field(
                description=f"{columns.time}: a date from {FIRST_SIGNUP} to today (UTC), or "
                "null if unknown: ISO 8601 (2024-03-15), 2024.03.15, Mar 15 2024, 15 Mar 2024 "
                f"or a slash date read {columns.date_order.replace('_', ' ')} (params.yaml "
                "columns.date_order; auto refuses 03/04/2024, which reads both ways).",
                examples=["2024-03-15"],
            ),
        )
    for name, spec in columns.numeric.items():
        fields[name] = numeric_field(name, spec)
    for name, spec in columns.categorical.items():
        fields[name] = (
            str | None,
            Field(
                max_length=MAX_CATEGORY_LENGTH,
                pattern=NO_CONTROLS,
                description=f"{name}: one of {', '.join(spec.allowed)} (other spellings are "
                "normalised; an unseen value still gets a prediction; no control characters).",
                examples=[spec.allowed[0]],
            ),
        )
    for name in columns.text:
        fields[name] = (
            str | None,
            Field(
                max_length=MAX_TEXT_LENGTH,
                pattern=FREE_TEXT,
                description=f"{name}: free text, or null (tabs and line breaks, but no other "
                "control characters).",
                examples=["I cannot log in since the last update"],
            ),
        )
    return create_model("CustomerRecord", __base__=Strict, **fields)


class Prediction(BaseModel):
    """The answer for one record."""

    prediction_id: str = Field(description="Send it back with the outcome to POST /feedback.")
    score: float = Field(ge=0.0, le=1.0, description="The probability that the customer churns.")
    decision: bool = Field(description="True: offer a retention deal (score >= threshold).")
    threshold: float = Field(description="The business threshold of the model that answered.")
    model_name: str
    model_version: str
    variant: str = Field(description="champion or challenger: the model that answered.")


class BatchAnswer(BaseModel):
    """The answers for a batch, in the order of the records."""

    predictions: list[Prediction]


class Feedback(Strict):
    """The true outcome of an earlier prediction, known later."""

    prediction_id: str = Field(
        max_length=36, pattern=NO_CONTROLS, description="The prediction_id /predict answered."
    )
    # The number 0 or 1, never true/false or "1" (as /predict's numbers).
    outcome: Annotated[int, BeforeValidator(no_bool_or_text)] = Field(
        ge=0,
        le=1,
        description="1: the customer churned; 0: they stayed (a number, not true/false).",
    )


class ServedModelInfo(BaseModel):
    """One model the service holds."""

    variant: str
    model_name: str
    model_version: str
    run_id: str
    algorithm: str
    threshold: float
    # When the answering process loaded this version (UTC).
    loaded_at: dt.datetime


class ExperimentSource(BaseModel):
    """Where the experiment in force comes from: params.yaml, or who changed it, when and why."""

    # Frozen: workers share and compare it, and a dataclass may take it as a default.
    model_config = ConfigDict(frozen=True)
    set_by: str = Field(description='"params.yaml", "admin" or "canary guardrail".')
    reason: str
    set_at: dt.datetime | None = None


# The source of the experiment while nobody has changed it.
PARAMS_SOURCE = ExperimentSource(set_by="params.yaml", reason="serving.experiment in params.yaml")


class ModelInfo(BaseModel):
    """What GET /model answers: the served models, the experiment, and which process answers."""

    models: list[ServedModelInfo]
    experiment: ExperimentParams
    experiment_source: ExperimentSource
    # Each worker holds its own models: the id of the one that answered, and how often it
    # checks the registry for a promotion (seconds, 0: never).
    pid: int
    reload_interval: float


# Error answers each route may give, declared so that /docs (and schema-based tests) know them.
class ErrorAnswer(BaseModel):
    """An error: one sentence saying what went wrong."""

    detail: str


NOT_READY = {503: {"model": ErrorAnswer, "description": "No model loaded, or the log failed."}}
# A body that is not UTF-8 text cannot even be parsed as JSON: FastAPI answers 400. One over
# the size limit is not read at all (limits.py).
BAD_BODY = {
    400: {"model": ErrorAnswer, "description": "The body is not UTF-8 JSON."},
    413: {"model": ErrorAnswer, "description": "The body is over serving.max_body_bytes."},
}
NOT_FOUND = {404: {"model": ErrorAnswer, "description": "No prediction has this id."}}
ADMIN_ERRORS = {
    401: {"model": ErrorAnswer, "description": "The X-API-Key header is missing."},
    403: {"model": ErrorAnswer, "description": "The X-API-Key is not valid."},
}

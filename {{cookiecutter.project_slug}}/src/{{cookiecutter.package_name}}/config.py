"""The parameters: params.yaml read into a strict pydantic model, and validated."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

# [api]
import pydantic
# [/api]
import yaml
from pydantic import Field, ValidationError, model_validator

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.strict import StrictModel

# The names of model/algorithms.py's TABLE, the one list of algorithms (a test checks they agree):
# spelt out here so that reading params.yaml does not import scikit-learn.
Algorithm = Literal[
    "logistic_regression",
    "sgd",
    "decision_tree",
    "random_forest",
    "gradient_boosting",
    "bagging",
    "svm",
    "naive_bayes",
    "knn",
    "mlp",
]
# Metrics on which two models can be compared whatever the decision threshold.
GateMetric = Literal["roc_auc", "pr_auc", "log_loss", "brier"]
# A share of the rows held out: above one half the model would learn from the smaller part.
HeldOutShare = Annotated[float, Field(gt=0.0, le=0.5)]


# A rate of injected dirt: above one half the data would be mostly dirt.
Rate = Annotated[float, Field(ge=0.0, le=0.5)]


class DirtParams(StrictModel):
    """Rates at which the synthetic generator injects each kind of dirt."""

    missing_rate: Rate
    missing_columns: list[str]
    duplicate_rate: Rate
    repeated_id_rate: Rate
    category_noise_rate: Rate
    # Real misspellings ("Frnace", "premum"), which cleaning repairs (data/spelling.py).
    typo_rate: Rate = 0.01
    date_format_rate: Rate = 0.03  # "31/12/2024", "Dec 31 2024"... (data/dates.py)
    numeric_text_rate: float = Field(ge=0.0, le=1.0)
    impossible_rate: Rate
    outlier_rate: Rate


class DataParams(StrictModel):
    """Where the raw data comes from."""

    source: Literal["synthetic", "csv"]
    csv_path: Path | None = None
    # How the cells of your CSV are separated; auto: the most frequent of these in the header.
    csv_delimiter: Literal["auto", ",", ";", "\t", "|"] = "auto"
    # A larger CSV is refused before it is read: pandas needs several times its size in memory.
    max_csv_mb: int = Field(default=1024, ge=1)
    n_rows: int = Field(ge=100, le=20_000_000)
    dirt: DirtParams

    @model_validator(mode="after")
    def _csv_needs_a_path(self) -> DataParams:
        if self.source == "csv" and self.csv_path is None:
            raise ValueError("data.source is 'csv' but data.csv_path is not set")
        return self


class CleanParams(StrictModel):
    """Choices of the cleaning stage."""

    clip_quantiles: tuple[float, float]
    # More removed rows stop the stage: a misread column, not dirt (data/clean.py).
    max_removed_share: float = Field(default=0.5, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _ordered_quantiles(self) -> CleanParams:
        low, high = self.clip_quantiles
        if not 0.0 <= low < high <= 1.0:
            raise ValueError("clean.clip_quantiles must be two numbers with 0 <= low < high <= 1")
        return self


class ExploreParams(StrictModel):
    """Choices of the exploration stage."""

    later_share: float = Field(gt=0.0, lt=1.0)


class ValidationParams(StrictModel):
    """The validation strategy: the final test set, the folds and the leakage threshold."""

    test_split: Literal["time", "random"]
    test_size: HeldOutShare
    strategy: Literal["holdout", "stratified_kfold", "group_kfold", "time"]
    n_splits: int = Field(ge=2, le=20)
    holdout_size: HeldOutShare
    leakage_threshold: float = Field(gt=0.5, le=1.0)


class TuningParams(StrictModel):
    """Hyperparameter search, run inside the training folds only."""

    method: Literal["none", "grid", "random"]
    n_iter: int = Field(ge=1, le=1000)
    # Folds inside each outer training part that choose the candidate (nested CV, model/tuning.py).
    inner_splits: int = Field(default=3, ge=2, le=20)
    search_space: dict[Algorithm, dict[str, list[Any]]] = Field(default_factory=dict)


class ModelParams(StrictModel):
    """The estimator, its hyperparameters and the feature choices."""

    name: Algorithm
    drop_columns: list[str]
    text_max_features: int = Field(ge=1, le=10_000)
    segments: int = Field(ge=0, le=50)
    hyperparameters: dict[Algorithm, dict[str, Any]]
    tuning: TuningParams
    # Learning and validation curves (bias and variance): most of the train stage's time.
    curves: bool = True


class EvaluationParams(StrictModel):
    """Business costs for the decision threshold, and the bootstrap of the metrics."""

    cost_missed_churner: float = Field(ge=0.0)
    cost_retention_offer: float = Field(ge=0.0)
    bootstrap_resamples: int = Field(ge=100, le=20_000)
    confidence: float = Field(gt=0.5, lt=1.0)


class GuardrailParams(StrictModel):
    """How much worse than the champion a challenger may be beside the gate's metric."""

    max_brier_increase: float = Field(ge=0.0, le=1.0)
    max_latency_ratio: float = Field(ge=1.0, le=100.0)
    max_slice_drop: float = Field(ge=0.0, le=1.0)
    # Numeric columns cut into bands for the slices, by their cut points ({age: [30, 45, 60]}).
    slice_bands: dict[str, list[float]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _cuts_increase(self) -> GuardrailParams:
        for name, cuts in self.slice_bands.items():
            if not cuts or any(low >= high for low, high in pairwise(cuts)):
                raise ValueError(f"slice_bands.{name} must be increasing cut points, not {cuts}")
        return self


class RegistryParams(StrictModel):
    """The registered model's name and the promotion gate."""

    model_name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    metric: GateMetric
    min_improvement: float = Field(ge=0.0, le=0.5)
    guardrails: GuardrailParams
    test_set_budget: int = Field(ge=1, le=1000)


# [api]
# Text without control characters (C0, DEL, C1): they hide in logs and terminals, break CSV
# exports, and NUL cuts strings short in C libraries. A field with a pattern also refuses text
# that is not valid Unicode (a lone surrogate), which could not be logged or answered.
NO_CONTROLS = r"^[^\x00-\x1f\x7f-\x9f]*$"
# A canary is a small first step: at most this share of the traffic goes to the challenger.
CANARY_MAX_SHARE = 0.2


class ExperimentParams(StrictModel):
    """How the service splits traffic between the champion and the challenger."""

    # The canary's cap, in the JSON schema too (the API's /docs and schema-based clients):
    # `if mode is canary then challenger_share <= 0.2`.
    # pydantic merges it with StrictModel's settings.
    model_config = pydantic.ConfigDict(
        json_schema_extra={
            "if": {"properties": {"mode": {"const": "canary"}}, "required": ["mode"]},
            "then": {"properties": {"challenger_share": {"maximum": CANARY_MAX_SHARE}}},
        }
    )

    # off: champion only; ab: split by challenger_share; shadow: the challenger scores every
    # request but only the champion answers; canary: a small challenger_share.
    mode: Literal["off", "ab", "shadow", "canary"]
    # strict: a number, never true/false or "0.1" taken as one (as the API's records are).
    challenger_share: float = Field(
        ge=0.0,
        le=1.0,
        strict=True,
        description="Share of units answered by the challenger (ab, canary); a canary sends "
        f"at most {CANARY_MAX_SHARE}.",
    )
    # Hashed with each unit id: changing it reshuffles who sees which variant.
    salt: str = Field(min_length=1, max_length=100, pattern=NO_CONTROLS)
    # The design of the analysis (ab report): the smallest change in churn rate worth
    # detecting, the false-positive rate accepted and the chance of detecting a real change.
    minimum_detectable_effect: float = Field(gt=0.0, lt=0.5)
    alpha: float = Field(gt=0.0, lt=0.5)
    power: float = Field(gt=0.5, lt=1.0)

    @model_validator(mode="after")
    def _canary_is_small(self) -> ExperimentParams:
        if self.mode == "canary" and self.challenger_share > CANARY_MAX_SHARE:
            raise ValueError(
                f"a canary sends at most {CANARY_MAX_SHARE} of the traffic to the challenger"
            )
        return self


class CanaryParams(StrictModel):
    """The guardrails `ab canary` holds a challenger to; a broken one sets its share to 0."""

    # The last `window` served predictions of the log are judged; each variant needs at least
    # `min_requests` of them (failures included) before any guardrail is: a handful of slow or
    # failed requests is chance, not a verdict.
    window: int = Field(default=5000, ge=100, le=1_000_000)
    min_requests: int = Field(default=100, ge=10)
    # Challenger's share of failed records minus the champion's (0.01: one point more).
    max_error_rate_increase: float = Field(default=0.01, ge=0.0, le=1.0)
    # Challenger's p99 latency over the champion's.
    max_latency_p99_ratio: float = Field(default=1.5, ge=1.0)
    # Kolmogorov-Smirnov distance between the two variants' served scores: the largest gap
    # between their distributions (0 to 1). The units are split at random, so a large gap
    # is the models disagreeing, not the customers differing.
    max_score_ks: float = Field(default=0.2, gt=0.0, le=1.0)


class ServingParams(StrictModel):
    """The prediction service: request limits and the A/B experiment."""

    max_batch: int = Field(ge=1, le=10_000)
    # A larger body gets 413 before it is read (serving/limits.py); see params.yaml for the size.
    max_body_bytes: int = Field(default=16_000_000, ge=10_000, le=1_000_000_000)
    # Seconds between two checks of the registry's aliases by each worker (0: only on
    # POST /admin/reload); see serving/registry_watch.py.
    reload_interval: float = Field(default=10, ge=0, le=3600)
    experiment: ExperimentParams
    canary: CanaryParams = Field(default_factory=CanaryParams)
    # Batch scoring (model score) reads, scores and writes this many rows at a time: its
    # memory bound (serving/batch_score.py).
    batch_chunk_rows: int = Field(default=50_000, ge=100, le=2_000_000)


# [monitoring]
class MonitoringParams(StrictModel):
    """What monitor check compares, and when it raises an alert."""

    # The last `window` served predictions of the log are compared with the training profile;
    # with fewer than `min_predictions` of a version, its drift is not judged (chance alone
    # makes a handful of rows look different from any reference).
    window: int = Field(ge=100, le=1_000_000)
    min_predictions: int = Field(ge=1)
    # Drift tests (monitoring/drift.py): p-value below which a small reference's test flags
    # drift, distance from which a large reference's does, and the share of drifted columns
    # that makes the whole data set drift.
    p_value: float = Field(gt=0.0, lt=0.5)
    distance: float = Field(gt=0.0, le=1.0)
    dataset_drift_share: float = Field(gt=0.0, le=1.0)
    # Performance alert: ROC AUC more than this below the test ROC AUC, once enough outcomes
    # are in for the comparison to mean something.
    performance_tolerance: float = Field(gt=0.0, lt=0.5)
    min_outcomes: int = Field(ge=10)

    @model_validator(mode="after")
    def _window_holds_enough(self) -> MonitoringParams:
        if self.min_predictions > self.window:
            raise ValueError(
                f"min_predictions ({self.min_predictions}) is larger than the window "
                f"({self.window}): drift would never be judged"
            )
        return self


# [/monitoring]
# [/api]


class Params(StrictModel):
    """Everything params.yaml holds."""

    seed: int = Field(ge=0, le=2**32 - 1)  # scikit-learn and numpy take seeds below 2**32
    data: DataParams
    columns: ColumnsParams
    clean: CleanParams
    explore: ExploreParams
    validation: ValidationParams
    model: ModelParams
    evaluation: EvaluationParams
    registry: RegistryParams
    # [api]
    serving: ServingParams
    # [monitoring]
    monitoring: MonitoringParams
    # [/monitoring]
    # [/api]

    @model_validator(mode="after")
    def _dirt_columns_exist(self) -> Params:
        unknown = sorted(set(self.data.dirt.missing_columns) - set(self.columns.features))
        if unknown:
            raise ValueError(f"data.dirt.missing_columns names unknown columns {unknown}")
        return self

    @model_validator(mode="after")
    def _dropped_columns_exist(self) -> Params:
        unknown = sorted(set(self.model.drop_columns) - set(self.columns.features))
        if unknown:
            raise ValueError(f"model.drop_columns names unknown columns {unknown}")
        if set(self.model.drop_columns) >= set(self.columns.features):
            raise ValueError("model.drop_columns drops every feature; keep at least one")
        return self

    @model_validator(mode="after")
    def _banded_columns_are_numeric(self) -> Params:
        banded = set(self.registry.guardrails.slice_bands)
        unknown = sorted(banded - set(self.columns.numeric))
        if unknown:
            raise ValueError(
                f"registry.guardrails.slice_bands names {unknown}, not numeric columns"
            )
        return self

    @property
    def model_columns(self) -> ColumnsParams:
        """The data contract without the columns the model must not see (model.drop_columns)."""
        drop = set(self.model.drop_columns)
        return self.columns.model_copy(
            update={
                "numeric": {k: v for k, v in self.columns.numeric.items() if k not in drop},
                "categorical": {k: v for k, v in self.columns.categorical.items() if k not in drop},
                "text": [name for name in self.columns.text if name not in drop],
            }
        )


def describe_validation_error(error: ValidationError) -> str:
    """Turn pydantic's report into one sentence that names each bad key by its path."""
    problems = []
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "is not a known parameter (misspelt?)"
        # A section's own check names its keys itself: "data.source is 'csv' but...".
        named = message.startswith((f"{where}.", f"{where} ")) or not where
        problems.append(message if named else f"{where} {message}")
    return "; ".join(problems)


def parse_params(raw: object, source: str = "params") -> Params:
    """Validate an already-loaded mapping against the Params model."""
    if raw is None:
        raise ParamsError(f"{source} is empty; restore it (git checkout -- {source}) and edit it.")
    if not isinstance(raw, dict):
        raise ParamsError(f"{source} must be a YAML mapping of sections, not {type(raw).__name__}.")
    try:
        return Params.model_validate(raw)
    except ValidationError as error:
        raise ParamsError(f"{source} is invalid: {describe_validation_error(error)}.") from None


def load_params(path: Path | None = None) -> Params:
    """Read and strictly validate params.yaml (or the file given)."""
    path = path or get_settings().params_path
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParamsError(f"{path} does not exist; run commands from the project root.") from None
    except UnicodeDecodeError:
        raise ParamsError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
    except yaml.YAMLError as error:
        raise ParamsError(f"{path} is not valid YAML{yaml_problem(error)}.") from None
    return parse_params(raw, source=str(path))


def yaml_problem(error: yaml.YAMLError) -> str:
    """Where and what the YAML problem is: " at line 3, column 7 (found a tab...)"."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
    return f"{where} ({problem}); a tab or an unclosed bracket or quote is the usual cause"

"""The data contract: params.yaml's `columns` section, what each column is and which values it
may take. Validation, cleaning, exploration, the model and the API are all derived from it;
config.py reads it with the rest of params.yaml.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, FiniteFloat, model_validator

from {{ cookiecutter.package_name }}.strict import StrictModel

# The longest cell kept at ingest (acquire) and accepted by the API: a text column's cell is cut
# to MAX_TEXT_LENGTH characters; an id, date, number or category longer than MAX_VALUE_LENGTH
# cannot be a valid one and becomes missing. Without these bounds, a CSV of 200 rows holding
# 1 MB per cell made training run for hours.
MAX_TEXT_LENGTH = 5000
MAX_VALUE_LENGTH = 100


class NumericColumn(StrictModel):
    """A numeric column and the range outside which a value is impossible."""

    # null is no bound; .nan or .inf are refused: a NaN bound would pass every value unseen.
    min: FiniteFloat | None = None
    max: FiniteFloat | None = None

    @model_validator(mode="after")
    def _min_below_max(self) -> NumericColumn:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class CategoricalColumn(StrictModel):
    """A categorical column, its canonical values and the spellings that mean the same."""

    allowed: list[str] = Field(min_length=1)
    synonyms: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _synonyms_point_to_allowed(self) -> CategoricalColumn:
        unknown = sorted(set(self.synonyms.values()) - set(self.allowed))
        if unknown:
            raise ValueError(f"synonyms map to values not in allowed: {unknown}")
        return self


class ColumnsParams(StrictModel):
    """The data contract: the role and valid values of every column."""

    id: str | None
    # Customers who share an account (household, company): grouped folds keep each on one side.
    group: str | None = None
    target: str
    time: str | None
    numeric: dict[str, NumericColumn]
    categorical: dict[str, CategoricalColumn]
    text: list[str]
    max_null_rate: float = Field(ge=0.0, le=1.0)
    # How numbers are written (data/numbers.py): auto, "." (1,234.5) or "," (1.234,5).
    decimal: Literal["auto", ".", ","] = "auto"
    date_order: Literal["auto", "day_first", "month_first"] = "auto"  # 03/04/2021 (data/dates.py)
    # Target labels other than 0 and 1, mapped at ingest: {"yes": 1, "no": 0}.
    target_mapping: dict[str, Literal[0, 1]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _labels_are_quoted(cls, data: Any) -> Any:
        mapping = data.get("target_mapping") if isinstance(data, dict) else None
        if isinstance(mapping, dict) and any(isinstance(key, bool) for key in mapping):
            raise ValueError(
                "target_mapping has a label read as a boolean: YAML reads yes, no, true, "
                'false, on and off unquoted as booleans, so quote them ("yes": 1)'
            )
        return data

    @model_validator(mode="after")
    def _each_column_has_one_role(self) -> ColumnsParams:
        names = [
            self.id,
            self.group,
            self.target,
            self.time,
            *self.numeric,
            *self.categorical,
            *self.text,
        ]
        names = [name for name in names if name is not None]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"columns {repeated} are declared with more than one role")
        return self

    @property
    def features(self) -> list[str]:
        """Every input column a model may use, in contract order."""
        return [*self.numeric, *self.categorical, *self.text]

    @property
    def all(self) -> list[str]:
        """Every declared column: id, group, time, features and target."""
        keys = [self.id, self.group, self.time, *self.features, self.target]
        return [name for name in keys if name is not None]

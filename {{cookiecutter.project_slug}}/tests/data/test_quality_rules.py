"""The data-quality rules the contract gives: which, in what order, blocking or not, as pandera."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.quality_rules import (
    build_schema,
    contract_rules,
    misspelt_values_rule,
    null_rate_rule,
    range_text,
    run_rule,
)
from {{ cookiecutter.package_name }}.data.transformers import contract_spellings

from ..conftest import clean_frame, require_exercises


def test_the_rules_come_in_contract_order_with_stable_names(contract: ColumnsParams) -> None:
    require_exercises(10)  # a raw categorical column gets the misspelt_values rule
    raw = contract_rules(contract, "raw")
    clean = contract_rules(contract, "clean")
    first_numeric = next(iter(contract.numeric))

    assert [(rule.name, rule.column) for rule in raw[:6]] == [
        ("unique", contract.id),
        ("not_null", contract.id),
        ("null_rate", contract.id),
        ("is_date", contract.time),
        ("null_rate", contract.time),
        ("is_number", first_numeric),
    ]
    assert [(rule.name, rule.column) for rule in clean[-4:]] == [
        ("not_null", contract.features[-1]),
        ("binary_target", contract.target),
        ("not_null", contract.target),
        ("no_duplicate_rows", None),
    ]
    # Raw data is only described: no rule blocks there; every clean rule does.
    assert not any(rule.blocking for rule in raw)
    assert all(rule.blocking for rule in clean)


def test_each_column_gets_the_rules_of_its_role(contract: ColumnsParams) -> None:
    numeric, categorical, text = (
        len(contract.numeric),
        len(contract.categorical),
        len(contract.text),
    )
    require_exercises(10)  # a raw categorical column gets the misspelt_values rule

    raw = contract_rules(contract, "raw")
    clean = contract_rules(contract, "clean")

    # Raw: 3 for the id, 2 for the date, 4 per numeric column, 3 per categorical one, 1 per
    # text, 3 for the target, 1 on whole rows. Clean: 2, 2, 3, 2, 1, 2 and 1.
    assert len(raw) == 3 + 2 + 4 * numeric + 3 * categorical + text + 3 + 1
    assert len(clean) == 2 + 2 + 3 * numeric + 2 * categorical + text + 2 + 1


def test_the_pandera_schema_names_the_same_rules(contract: ColumnsParams) -> None:
    name = next(iter(contract.numeric))
    schema = build_schema(contract, "clean")
    valid = clean_frame(contract, 5)
    broken = valid.copy()
    broken.loc[0, name] = contract.numeric[name].max + 1

    schema.validate(valid)
    with pytest.raises(SchemaErrors) as error:
        schema.validate(broken, lazy=True)

    cases = error.value.failure_cases
    assert isinstance(schema, pa.DataFrameSchema)
    assert list(schema.columns) == contract.all
    assert cases[["column", "check"]].values.tolist() == [[name, "in_range"]]


@pytest.mark.exercise(10)
def test_the_misspelt_values_rule_counts_the_typos_cleaning_repairs(
    contract: ColumnsParams,
) -> None:
    require_exercises(9)  # the rule asks how far each value is from a category
    name, spec = next(iter(contract.categorical.items()))
    values = [spec.allowed[0], "slver", "  Glod ", "AU", "gold", "platinum", "bronez", None]
    frame = pd.DataFrame({name: values})

    rule = misspelt_values_rule(name, contract_spellings(spec))

    # "slver", "Glod" and "bronez" are one edit from a category; "AU" is a synonym, "platinum"
    # unknown (allowed_values counts it), and a missing cell is the null rules' business.
    assert run_rule(rule, frame) == (False, 3)
    assert (rule.name, rule.column, rule.blocking) == ("misspelt_values", name, False)
    assert rule.check.name == "misspelt_values"


@pytest.mark.exercise(10)
def test_the_misspelt_values_rule_says_what_it_demands_and_what_a_failing_row_has(
    contract: ColumnsParams,
) -> None:
    name, spec = next(iter(contract.categorical.items()))

    rule = misspelt_values_rule(name, contract_spellings(spec))

    assert rule.description == (
        'No value is a typo of an allowed value or synonym (one edit away, such as "Frnace").'
    )
    assert rule.problem == "value misspelt, which cleaning repairs to the closest category"


def test_null_rate_counts_missing_cells_even_while_it_passes() -> None:
    frame = pd.DataFrame({"x": ["a", None, "b", "c", "d"], "y": [None, None, "a", "b", "c"]})

    assert run_rule(null_rate_rule("x", 0.2), frame) == (True, 1)
    assert run_rule(null_rate_rule("y", 0.2), frame) == (False, 2)


def test_a_range_is_written_as_a_person_would(contract: ColumnsParams) -> None:
    spec = next(iter(contract.numeric.values()))
    open_above = spec.model_copy(update={"max": None})
    halves = spec.model_copy(update={"min": 0.5, "max": 2.0})

    assert range_text(open_above) == f"[{spec.min:g}, inf]"
    assert range_text(halves) == "[0.5, 2]"

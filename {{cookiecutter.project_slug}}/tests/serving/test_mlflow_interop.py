"""MLflow's own tools take the records this service takes, and give the same scores.

The model is logged with the data contract's signature (numbers as nullable doubles, the rest
as text), so `mlflow.pyfunc` scores API records as they are. `mlflow models serve` is checked
on the same records by the serving benchmark (test_benchmark.py), which already runs it.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.model.features import input_columns
from {{ cookiecutter.package_name }}.serving.load_generator import simulated_customers
from {{ cookiecutter.package_name }}.serving.model_store import load_alias
from {{ cookiecutter.package_name }}.serving.predict import score


def test_pyfunc_and_the_service_give_the_same_scores_for_the_same_records(
    workspace: Path, workspace_params: Params
) -> None:
    # Given API records (numbers as numbers, some missing, the customer id too)
    name = workspace_params.registry.model_name
    records, _ = simulated_customers(workspace_params, 20, seed=3, with_missing=True)
    served = load_alias(name, "champion", input_columns(workspace_params))
    pyfunc = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    # When the service's scoring and MLflow's pyfunc score them
    service, _ = score(served, records, workspace_params)
    one, _ = score(served, records[:1], workspace_params)
    by_pyfunc = np.asarray(pyfunc.predict(pd.DataFrame(records)))[:, 1]
    # Then the scores are the same
    np.testing.assert_allclose(by_pyfunc, service, rtol=0, atol=1e-12)
    np.testing.assert_allclose(one, service[:1], rtol=0, atol=1e-9)


def test_the_signature_types_the_columns_as_the_data_contract(
    workspace: Path, workspace_params: Params
) -> None:
    pyfunc = mlflow.pyfunc.load_model(f"models:/{workspace_params.registry.model_name}@champion")

    inputs = {spec.name: spec.type.name for spec in pyfunc.metadata.get_input_schema().inputs}

    columns = workspace_params.model_columns
    assert list(inputs) == input_columns(workspace_params)
    assert {inputs[name] for name in columns.numeric} == {"double"}
    assert {inputs[name] for name in [*columns.categorical, *columns.text]} == {"string"}
    assert inputs[columns.time] == "string"
    assert all(spec.required for spec in pyfunc.metadata.get_input_schema().inputs)

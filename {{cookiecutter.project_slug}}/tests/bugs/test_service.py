"""The bug hunt's symptoms in the prediction service: each test fails while its fault is planted.

Marked `bug(N)` after the faults of bug_hunt.py; `make bugs` runs them. Small data built here.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data import clean
from {{ cookiecutter.package_name }}.model.algorithms import build_estimator
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER, CHAMPION
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
from {{ cookiecutter.package_name }}.serving.dependencies import get_assigner
from {{ cookiecutter.package_name }}.serving.predict import as_raw_text, records_frame
from {{ cookiecutter.package_name }}.serving.record_scorer import compile_pipeline

from ..conftest import raw_frame, raw_row, require_exercises


@pytest.mark.bug(4)
def test_the_service_scores_each_record_as_the_pipeline_does(params: Params) -> None:
    require_exercises(1)  # the pipeline clips outliers
    columns = params.columns
    raw = raw_frame(columns, [raw_row(columns, i) for i in range(300)])
    rows, _ = clean.clean_rows(raw, columns)
    hyperparameters = params.model.hyperparameters["logistic_regression"]
    estimator = build_estimator("logistic_regression", hyperparameters, params.seed)
    pipeline = build_pipeline(params, estimator)
    pipeline.fit(model_input(rows, params), rows[columns.target].astype(int))
    # The records as a client sends them: one a day over two months, every day of the month.
    records = [
        {name: value for name, value in row.items() if isinstance(value, str)}
        for row in raw.head(60).to_dict("records")
    ]
    names = [str(name) for name in pipeline.feature_names_in_]

    offline = pipeline.predict_proba(records_frame(records, params)[names])[:, 1]
    scorer = compile_pipeline(pipeline)  # what the service scores a single record with
    online = [scorer.score({name: as_raw_text(r.get(name)) for name in names}) for r in records]

    np.testing.assert_allclose(online, offline, rtol=1e-9, atol=1e-12)


@pytest.mark.bug(5)
def test_a_customer_meets_the_same_variant_on_every_request(params: Params) -> None:
    require_exercises(5)  # the assignment
    experiment = params.serving.experiment.model_copy(
        update={"mode": "ab", "challenger_share": 0.5}
    )
    models = {CHAMPION: object(), CHALLENGER: object()}
    service = SimpleNamespace(experiment=experiment, store=SimpleNamespace(models=models))

    assigner = get_assigner(service)
    seen = {f"C{i:04d}": {assigner(f"C{i:04d}") for _ in range(10)} for i in range(40)}

    assert all(len(variants) == 1 for variants in seen.values()), seen
    assert set().union(*seen.values()) == {CHAMPION, CHALLENGER}

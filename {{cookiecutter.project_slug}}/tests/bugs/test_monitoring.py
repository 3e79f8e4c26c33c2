"""The bug hunt's symptom in monitoring: the test fails while its fault is planted.

Marked `bug(N)` after the faults of bug_hunt.py; `make bugs` runs it. Small data built here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.transformers import build_cleaner
from {{ cookiecutter.package_name }}.model.features import model_input
from {{ cookiecutter.package_name }}.monitoring.monitor import Version, data_drift, thresholds_of
from {{ cookiecutter.package_name }}.paths import PROFILE_SCORE

from ..conftest import clean_frame, require_exercises


@pytest.mark.bug(6)
def test_traffic_unlike_the_training_rows_is_flagged_as_drift(params: Params) -> None:
    require_exercises(1, 7)  # the cleaner clips outliers; each numeric drift reports a PSI
    training = model_input(clean_frame(params.columns, 400), params)
    cleaner = build_cleaner(params.model_columns, params.clean).fit(training)
    profile = training.assign(**{PROFILE_SCORE: np.linspace(0.05, 0.95, len(training))})
    version = Version(version="1", cleaner=cleaner, profile=profile, test_metrics={})
    # The window: only the training rows with the highest spend, as JSON records.
    spend = next(iter(params.model_columns.numeric))
    high = training[training[spend] > training[spend].median()]
    inputs = high.assign(**{params.columns.time: high[params.columns.time].dt.date.astype(str)})
    window = pd.DataFrame(
        {"inputs": inputs.to_dict("records"), "score": np.linspace(0.05, 0.95, len(high))}
    )

    drifts = data_drift(version, window, params, thresholds_of(params.monitoring))

    by_column = {drift.column: drift.drifted for drift in drifts}
    assert by_column[spend] is True
    assert by_column[PROFILE_SCORE] is False

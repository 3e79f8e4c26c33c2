"""The nightly run end to end on the shared trained registry: score, monitor, morning report.

Here rather than in tests/nightly/ because it needs this package's trained registry (training
it again would cost seconds for every worker).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.nightly import run as night
from {{ cookiecutter.package_name }}.nightly.customers import day_file, write_day_file
from {{ cookiecutter.package_name }}.serving import batch_score
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog

from ..conftest import require_exercises

DAY = date(2026, 11, 30)


@pytest.fixture
def night_outputs(workspace: Path, store: ModelStore) -> Iterator[Path]:
    """The workspace, cleaned of what the night writes once the test is done."""
    require_exercises(28, 38)  # batch scoring; the report's first thing to look at
    yield workspace
    for path in (night.MORNING_MD, night.NIGHTLY_JSON, batch_score.BATCH_JSON, day_file(DAY)):
        path.unlink(missing_ok=True)


def test_the_night_scores_the_day_s_customers_and_reports_what_changed(
    night_outputs: Path, workspace_params: Params, tmp_path: Path
) -> None:
    counts = write_day_file(workspace_params, DAY, 300)
    log = PredictionLog(f"sqlite:///{tmp_path / 'predictions.db'}")
    yesterday = {"model_version": "1", "flagged_share": 0.5}
    night.NIGHTLY_JSON.parent.mkdir(exist_ok=True)
    night.NIGHTLY_JSON.write_text(json.dumps(yesterday))
    batch_score.BATCH_JSON.write_text(json.dumps({"model_version": "0", "flagged_share": 0.9}))

    first = night.run(workspace_params, log, DAY, day_file(DAY), "skip")

    scores = pd.read_parquet(first.output)
    assert counts["customers"] == 300 and "churn" not in pd.read_csv(day_file(DAY)).columns
    assert first.customers == len(scores) == 300 == log.count()
    assert first.flagged == int(scores["decision"].sum())
    # Compared with the last night, not with an ad-hoc `model score` (batch_score.json).
    assert first.model_version == first.previous_version == "1"
    assert log.read()["batch_id"].tolist() == [first.batch_id] * 300
    assert json.loads(night.NIGHTLY_JSON.read_text())["batch_id"] == first.batch_id
    page = night.MORNING_MD.read_text()
    assert f"{first.flagged:,} of them ({first.flagged_share:.1%}) flagged" in page
    assert "version 1, the same as in the last run." in page
    change = (first.flagged_share - 0.5) * 100
    assert f"against 50.0% in the last run ({change:+.1f} points)" in page
    # [monitoring]
    # The first check saw no traffic yet; after scoring, today's customers are in the window.
    assert first.steps[0][1].startswith("No verdict: The prediction log holds no served")
    assert first.retraining.decision == "not needed" and first.retraining.reasons
    assert "Not asked for: the monitor could not judge" in page
    assert first.steps[-1][0] == "monitor check" and "alert(s) with today" in first.steps[-1][1]
    # [/monitoring]

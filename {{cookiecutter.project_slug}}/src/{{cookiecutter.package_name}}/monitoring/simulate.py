"""Simulate production traffic with a chosen drift, through the real service, outcomes late.

Monitoring is best practised where the truth is known. Customers come from the project's data
generator, from the training period (signed up no later than the last development row: later
signups are shorter on the books, a drift of their own), with its missing values, as clients
send them. One scenario is applied, they go through the app in process (validation, the
champion, the prediction log), and the outcomes of the oldest `1 - awaiting` of them are fed
back: the newest still await theirs, as in real life.

- none: nothing changes; monitor check should stay quiet.
- covariate: the inputs move (older, richer customers with more support tickets); churn still
  follows the same rules.
- concept: the inputs stay, but the relation to churn changes: half the outcomes are flipped.
- prior: churners become three times as frequent among the customers sent.
- schema: an upstream change: tenure sent in years instead of months, and a new payment
  method the contract does not know.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.aliases import CHAMPION
from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA
from {{ cookiecutter.package_name }}.serving.load_generator import simulated_customers
from {{ cookiecutter.package_name }}.settings import Settings

Scenario = Literal["none", "covariate", "concept", "prior", "schema"]
SCENARIOS = ("none", "covariate", "concept", "prior", "schema")


def training_period(params: Params, n: int, seed: int) -> tuple[list[dict], np.ndarray]:
    """n generated customers who signed up no later than the last development row."""
    time = params.columns.time
    last = pd.to_datetime(files.read_parquet(DEVELOPMENT_DATA, [time])[time]).max()
    records, churned = simulated_customers(params, 3 * n, seed, with_missing=True)
    keep = [i for i, record in enumerate(records) if pd.Timestamp(record[time]) <= last][:n]
    return [records[i] for i in keep], churned[keep]


def shifted(value: Any, change: Any) -> Any:
    """A value changed, a missing one left missing."""
    return None if value is None else change(value)


def apply_scenario(
    scenario: Scenario,
    records: list[dict[str, Any]],
    churned: np.ndarray,
    rng: np.random.Generator,
) -> tuple[list[dict[str, Any]], np.ndarray]:
    """The customers and outcomes with the scenario's change applied."""
    if scenario == "covariate":
        for record in records:
            record["age"] = shifted(record["age"], lambda age: min(age + 20, 100))
            record["monthly_charges"] = shifted(record["monthly_charges"], lambda x: x * 2.5)
            record["total_charges"] = shifted(record["total_charges"], lambda x: x * 4)
            record["tenure_months"] = shifted(record["tenure_months"], lambda m: m + 36)
            record["support_tickets"] = shifted(record["support_tickets"], lambda t: t + 4)
            record["days_since_last_login"] = shifted(
                record["days_since_last_login"], lambda d: d + 45
            )
            record["contract"] = "two_year"
    elif scenario == "concept":
        flip = rng.random(len(churned)) < 0.5
        churned = np.where(flip, 1 - churned, churned)
    elif scenario == "prior":
        # Every churner once, and stayers only a third of the time: 3x the churn odds.
        keep = np.flatnonzero((churned == 1) | (rng.random(len(churned)) < 1 / 3))
        records, churned = [records[i] for i in keep], churned[keep]
    elif scenario == "schema":
        for record in records:
            record["tenure_months"] = shifted(record["tenure_months"], lambda m: round(m / 12))
            if rng.random() < 0.5:
                record["payment_method"] = "crypto_wallet"
    return records, churned


def run(
    params: Params,
    settings: Settings,
    scenario: str,
    n: int,
    seed: int = 0,
    awaiting: float = 0.2,
) -> dict[str, object]:
    """Send n customers with the scenario through the service; feed back the older outcomes."""
    from fastapi.testclient import TestClient

    from {{ cookiecutter.package_name }}.serving.app import create_app

    if scenario not in SCENARIOS:
        raise ParamsError(f"--scenario must be one of {', '.join(SCENARIOS)}, not '{scenario}'.")
    if n < 100:
        raise ParamsError(f"--n must be at least 100 customers, not {n}.")
    if not 0 <= awaiting < 1:
        raise ParamsError(f"--awaiting must be a share from 0 to 1 (excluded), not {awaiting}.")
    rng = np.random.default_rng(seed)
    records, churned = training_period(params, n, seed)
    records, churned = apply_scenario(scenario, records, churned, rng)
    # The champion answers everything: the drift, not an experiment, is what is practised.
    experiment = params.serving.experiment.model_copy(update={"mode": "off"})
    serving = params.serving.model_copy(update={"experiment": experiment})
    app = create_app(params.model_copy(update={"serving": serving}), settings)
    answers = []
    with TestClient(app, raise_server_exceptions=False) as client:
        ready = client.get("/ready")
        if ready.status_code != 200 or CHAMPION not in ready.json().get("models", {}):
            raise ParamsError(f"The service is not ready: {ready.json().get('detail')}")
        size = params.serving.max_batch
        for start in range(0, len(records), size):
            response = client.post("/predict/batch", json=records[start : start + size])
            response.raise_for_status()
            answers += response.json()["predictions"]
        fed = len(answers) - round(awaiting * len(answers))  # the oldest ones
        outcomes = zip(answers[:fed], churned[:fed], strict=True)
        app.state.service.log.add_outcomes(
            {answer["prediction_id"]: int(y) for answer, y in outcomes}
        )
    return {
        "scenario": scenario,
        "customers sent": len(answers),
        "outcomes fed back": fed,
        "churn rate sent": f"{churned.mean():.3f}",
        "prediction log": settings.prediction_log_url,
    }

"""Simulate an A/B test: synthetic customers sent through the real service, outcomes fed back.

Reading A/B results is a skill best practised where the truth is known. This module draws new
customers from the project's data generator (clean records, as a client would send them), sends
them through the prediction service in `ab` mode (the app itself, in process: validation,
sticky assignment, both models, the prediction log), then feeds back an outcome for each
served prediction: the customer's generated churn label, shifted by a chosen `effect` for the
customers the challenger answered (-0.03: the challenger's retention offers cut churn by three
points; 0: an A/A-like test where any "significant" result is a false positive).

With `mode="canary"` the split is the same as `ab`, with a small share (at most 0.2): the
traffic `ab canary` judges. A canary is started as an admin starts one, by storing it in the
log's database (serving/experiment_override.py) when nobody stored an experiment there yet; a
stored one wins over the one asked for, as in the real service: after a rollback by the
guardrails, the champion answers everyone.

With `mode="shadow"` the champion answers everyone and the challenger scores every customer
beside it, unseen: the traffic `ab shadow` compares (`effect` changes nothing then: nobody met
the challenger).

`share` is the challenger's real share of the traffic. Give a share other than the one in
params.yaml and `ab report`, which checks the split against params.yaml, sees a sample ratio
mismatch, as it would if one arm lost requests.
"""

from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.config import CANARY_MAX_SHARE, ExperimentParams, Params
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.aliases import CHALLENGER
from {{ cookiecutter.package_name }}.serving.experiment_override import ADMIN, latest_override, write_override
from {{ cookiecutter.package_name }}.serving.load_generator import simulated_customers
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.settings import Settings


def apply_effect(
    churned: np.ndarray, treated: np.ndarray, effect: float, rng: np.random.Generator
) -> np.ndarray:
    """The outcomes with the treated units' churn rate moved by `effect` (in expectation).

    A negative effect retains each treated churner with probability -effect / churn rate; a
    positive one makes each treated stayer churn with probability effect / (1 - churn rate).
    """
    outcomes = churned.copy()
    if effect == 0 or not treated.any():
        return outcomes
    rate = churned[treated].mean()
    if effect < 0:
        candidates, probability, new_value = treated & (churned == 1), -effect / rate, 0
    else:
        candidates, probability, new_value = treated & (churned == 0), effect / (1 - rate), 1
    if probability > 1:
        raise ParamsError(
            f"An effect of {effect:+.3f} is impossible on a churn rate of {rate:.3f}; "
            "choose a smaller one."
        )
    flip = candidates & (rng.random(churned.size) < probability)
    outcomes[flip] = new_value
    return outcomes


def start_canary(log: PredictionLog, experiment: ExperimentParams) -> None:
    """Store the canary for every worker, unless an experiment is stored already (a rollback)."""
    if latest_override(log) is None:
        write_override(log, experiment, ADMIN, "canary started by ab simulate")


def run(
    params: Params,
    settings: Settings,
    n: int,
    effect: float,
    share: float | None = None,
    seed: int = 0,
    mode: str = "ab",
) -> dict[str, object]:
    """Send n synthetic customers through the service (ab or shadow mode); feed back outcomes."""
    from fastapi.testclient import TestClient

    from {{ cookiecutter.package_name }}.serving.app import create_app

    if n < 10:
        raise ParamsError(f"--n must be at least 10 customers, not {n}.")
    if not -0.5 < effect < 0.5:
        raise ParamsError(f"--effect must be between -0.5 and 0.5, not {effect}.")
    if mode not in ("ab", "shadow", "canary"):
        raise ParamsError(f"--mode must be ab, shadow or canary, not {mode!r}.")
    experiment = params.serving.experiment
    real_share = experiment.challenger_share if share is None else share
    if not 0 < real_share < 1:
        raise ParamsError(f"The challenger's share must be between 0 and 1, not {real_share}.")
    if mode == "canary" and real_share > CANARY_MAX_SHARE:
        raise ParamsError(f"A canary's share is at most {CANARY_MAX_SHARE}, not {real_share}.")
    experiment = experiment.model_copy(update={"mode": mode, "challenger_share": real_share})
    serving = params.serving.model_copy(update={"experiment": experiment})
    if mode == "canary":
        start_canary(PredictionLog(settings.prediction_log_url), experiment)
    app = create_app(params.model_copy(update={"serving": serving}), settings)
    records, churned = simulated_customers(params, n, seed)
    answers = []
    with TestClient(app, raise_server_exceptions=False) as client:
        ready = client.get("/ready")
        if ready.status_code != 200:
            raise ParamsError(f"The service is not ready: {ready.json()['detail']}")
        if CHALLENGER not in ready.json()["models"]:
            raise ParamsError(
                "The registry has no challenger, so there is nothing to test against the "
                "champion; register another model first (make pipeline after a change)."
            )
        size = params.serving.max_batch
        for start in range(0, n, size):
            response = client.post("/predict/batch", json=records[start : start + size])
            response.raise_for_status()
            answers += response.json()["predictions"]
        treated = np.array([answer["variant"] == CHALLENGER for answer in answers])
        outcomes = apply_effect(churned, treated, effect, np.random.default_rng(seed))
        app.state.service.log.add_outcomes(
            {answer["prediction_id"]: int(y) for answer, y in zip(answers, outcomes, strict=True)}
        )
    if mode == "shadow":
        return {
            "customers": n,
            "mode": "shadow: the champion answered all, the challenger scored them unseen",
            "churn rate": f"{outcomes.mean():.3f}",
            "prediction log": settings.prediction_log_url,
        }
    return {
        "customers": n,
        "mode": mode,
        "challenger share": f"{treated.mean():.3f} (asked: {real_share})",
        "true effect on churn": f"{effect:+.3f}",
        "churn rate champion / challenger": " / ".join(
            f"{outcomes[group].mean():.3f}" if group.any() else "-" for group in (~treated, treated)
        ),
        "prediction log": settings.prediction_log_url,
    }

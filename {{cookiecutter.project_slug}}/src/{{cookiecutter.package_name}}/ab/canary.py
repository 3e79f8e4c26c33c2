"""`ab canary`: judge the canary's guardrails on the recent log and roll back a broken one.

1. Read the last `serving.canary.window` predictions the service answered (not shadow scores,
   not batch scoring) and the scoring failures of the same stretch of time.
2. Judge the guardrails (ab/guardrails.py, pure): error rate, latency p99, score drift.
3. If one is broken and the challenger still gets traffic, roll back: store the experiment in
   force with `challenger_share: 0` and the reason (serving/experiment_override.py). Every
   worker reads it at its next registry check, so within `serving.reload_interval` seconds
   every request is answered by the champion. Nobody has to be awake for it.
4. Write reports/canary.json: the judgement, the experiment before and what was done.

Run it on a timer (cron, a CI schedule) beside the service. Exit codes, so the timer can
page someone: 0 every guardrail holds (or not enough traffic yet); 3 a guardrail is broken
(the share was set to 0, now or by an earlier run); 1 the command itself failed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.ab.guardrails import Judgement, judge
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.paths import REPORTS
from {{ cookiecutter.package_name }}.serving.experiment_override import (
    GUARDRAIL,
    effective_experiment,
    write_override,
)
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.settings import Settings

CANARY_REPORT = REPORTS / "canary.json"
ROLLED_BACK_EXIT = 3
# What the run did: nothing, set the share to 0, or found it at 0 already.
KEPT, ROLLED_BACK, ALREADY_STOPPED = "kept", "rolled back", "already stopped"


@dataclass(frozen=True)
class CanaryReport:
    """The judgement, the experiment it found, and what the run did about it."""

    judgement: Judgement
    mode: str
    challenger_share_before: float
    experiment_set_by: str
    action: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        """reports/canary.json: the verdict first, then every field."""
        verdict = "broken" if self.judgement.broken else "holds"
        fields = dataclasses.asdict(self) | {"judgement": self.judgement.to_json()}
        return files.rounded({"verdict": verdict, **fields})

    def summary(self) -> str:
        """One sentence: what was done and why."""
        if self.action == ROLLED_BACK:
            return f"Rolled back: the challenger's share is now 0 on every worker. {self.reason}"
        if self.action == ALREADY_STOPPED:
            stopped_by = self.experiment_set_by
            return f"The challenger gets no traffic already ({stopped_by}). {self.reason}"
        if not self.judgement.judged:
            return "Too little traffic to judge yet: the canary goes on."
        return "Every guardrail judged holds: the canary goes on."


def recent_traffic(log: PredictionLog, window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The last `window` answered predictions and the failures since the first of them.

    Both bounded by `window` rows, and without the records scored: memory stays small
    however long the log, even when nearly every request failed.
    """
    # Filtered in the query: a nightly batch of 50,000 scores must not push the service's
    # answers out of the window.
    answered = log.read(last=window, answered=True, inputs=False)
    since = answered["created_at"].min() if not answered.empty else None
    return answered, log.read_failures(since=since, last=window)


def run(params: Params, settings: Settings) -> CanaryReport:
    """Judge the guardrails on the recent log; roll the challenger back if one is broken."""
    limits = params.serving.canary
    log = PredictionLog(settings.prediction_log_url)
    predictions, failures = recent_traffic(log, limits.window)
    judgement = judge(predictions, failures, limits)
    current = effective_experiment(log, params.serving.experiment)
    serves_challenger = current.settings.mode in ("ab", "canary")
    action = KEPT
    if judgement.broken:
        action = ALREADY_STOPPED
        if serves_challenger and current.settings.challenger_share > 0:
            stopped = current.settings.model_copy(update={"challenger_share": 0.0})
            write_override(log, stopped, GUARDRAIL, judgement.reason())
            action = ROLLED_BACK
    report = CanaryReport(
        judgement=judgement,
        mode=current.settings.mode,
        challenger_share_before=current.settings.challenger_share,
        experiment_set_by=current.source.set_by,
        action=action,
        reason=judgement.reason(),
    )
    files.write_json(CANARY_REPORT, report.to_json())
    return report

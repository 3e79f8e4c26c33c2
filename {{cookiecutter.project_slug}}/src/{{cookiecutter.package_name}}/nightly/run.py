"""The nightly run (`make nightly`): what a scheduler starts at 2:00, in the order it must happen.

1. the monitor checks yesterday's traffic: an alert is the signal to retrain;
2. with that signal (and --retrain auto) the model is retrained as `make retrain` does: the
   outcomes fed back become training rows, `dvc repro` reruns the pipeline, and the promotion
   gate decides whether the new version becomes champion. A failed retraining is reported,
   not fatal: the customers still get scored by the current champion;
3. the champion scores the day's customers (`model score`), into data/scored/ and the log;
4. the monitor checks again, now with today's customers in its window;
5. reports/morning.md says what happened, in plain words (nightly/morning_report.py).

Without monitoring in the project, steps 1, 2 and 4 are left out: the night scores and reports.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.nightly import morning_report as words
from {{ cookiecutter.package_name }}.nightly.morning_report import MorningReport, Retraining
from {{ cookiecutter.package_name }}.paths import REPORTS
from {{ cookiecutter.package_name }}.serving import batch_score
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog, now

MORNING_MD = REPORTS / "morning.md"
# The last night's key numbers, what the next morning report compares with (an ad-hoc
# `model score` is no night: its reports/batch_score.json is not compared).
NIGHTLY_JSON = REPORTS / "nightly.json"
POLICIES = ("auto", "skip")


def previous_night() -> dict | None:
    """The last night's key numbers (reports/nightly.json), if there was a night."""
    if not NIGHTLY_JSON.exists():
        return None
    return files.read_json(NIGHTLY_JSON)


# [monitoring]
def monitor_alerts(params: Params, log: PredictionLog) -> tuple[tuple[str, ...], str]:
    """The monitor's alerts on the log's window, or why it could not judge (else "")."""
    from {{ cookiecutter.package_name }}.monitoring import monitor

    try:
        report = monitor.run_check(params, log, params.registry.model_name)
    except ProjectError as error:
        return (), str(error)
    return tuple(report["alerts"]), ""


def retrain_pipeline(params: Params, log: PredictionLog) -> Retraining:
    """`make retrain` in process: feedback, check, dvc repro; what the gate decided."""
    import subprocess
    import sys

    from {{ cookiecutter.package_name }}.data import acquire
    from {{ cookiecutter.package_name }}.monitoring import feedback
    from {{ cookiecutter.package_name }}.paths import PROMOTION_JSON

    feedback.run(params, log)
    acquire.check_input(params)
    done = subprocess.run([sys.executable, "-m", "dvc", "repro"], capture_output=True, text=True)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ProjectError(f"dvc repro stopped (exit {done.returncode}): {last}")
    promotion = files.read_json(PROMOTION_JSON)
    return Retraining(
        words.DONE, version=str(promotion["version"]), promoted=bool(promotion["promoted"])
    )


def retrain_if_signalled(
    alerts: tuple[str, ...], policy: str, retrain: Callable[[], Retraining]
) -> Retraining:
    """Retrain when the monitor alerted and the policy allows; a failure is reported, not raised."""
    if not alerts:
        return Retraining(words.NOT_NEEDED)
    if policy == "skip":
        return Retraining(words.SKIPPED, reasons=alerts)
    try:
        outcome = retrain()
    except ProjectError as error:
        return Retraining(words.FAILED, reasons=(str(error),))
    return Retraining(outcome.decision, alerts, outcome.version, outcome.promoted)


def verdict(alerts: tuple[str, ...], problem: str, window: str) -> str:
    """A monitor check's line in the report's list of steps."""
    return f"No verdict: {problem}" if problem else f"{len(alerts)} alert(s) {window}"


# [/monitoring]
def run(
    params: Params,
    log: PredictionLog,
    day: date,
    source: Path,
    policy: str = "auto",
    retrain: Callable[[], Retraining] | None = None,
) -> MorningReport:
    """Run the night's steps in order and write reports/morning.md; return the report."""
    if policy not in POLICIES:
        raise ProjectError(f"--retrain must be auto or skip, not '{policy}'.")
    if not source.exists():
        raise ProjectError(
            f"There are no customers to score for {day}: {source} does not exist; write it "
            "(nightly customers) or pass --input."
        )
    started_at, started = now(), time.perf_counter()
    previous = previous_night()
    steps: list[tuple[str, str]] = []
    retraining = Retraining(words.UNMONITORED)
    alerts: tuple[str, ...] = ()
    note = ""
    # [monitoring]
    before, problem = monitor_alerts(params, log)
    steps.append(("monitor check", verdict(before, problem, "on yesterday's traffic")))
    retraining = retrain_if_signalled(
        before, policy, retrain or (lambda: retrain_pipeline(params, log))
    )
    if problem:  # no verdict, so no signal: say so rather than "no alert"
        retraining = Retraining(words.NOT_NEEDED, reasons=(problem,))
    steps.append(("retrain", retraining.decision))
    # [/monitoring]
    batch = batch_score.run(params, source, None, log)
    steps.append(("model score", f"{batch.customers:,} customers in {batch.seconds:.1f} s"))
    # [monitoring]
    alerts, problem = monitor_alerts(params, log)
    steps.append(("monitor check", verdict(alerts, problem, "with today's customers")))
    note = problem and f"No verdict: {problem}"
    # [/monitoring]
    report = MorningReport(
        day=day.isoformat(),
        project=params.registry.model_name,
        started=f"{started_at:%H:%M} UTC",
        seconds=time.perf_counter() - started,
        batch_id=batch.batch_id,
        customers=batch.customers,
        flagged=batch.flagged,
        threshold=batch.threshold,
        model_name=batch.model_name,
        model_version=batch.model_version,
        output=batch.output,
        retraining=retraining,
        previous_version=previous and str(previous["model_version"]),
        previous_share=previous and float(previous["flagged_share"]),
        alerts=alerts,
        monitor_note=note,
        steps=tuple(steps),
    )
    files.write_text(MORNING_MD, report.to_markdown())
    files.write_json(NIGHTLY_JSON, batch.to_json())
    return report

"""reports/morning.md: the page an ML engineer reads at 9:00, and a product manager can read too.

One typed object holds what the night did; its `rows()` are the summary the terminal prints and
`to_markdown()` the page. Plain words, the key numbers first: how many customers were scored and
how many were flagged, which model answered and whether that changed, whether the model was
retrained and why, the alerts, and the one thing to look at first. Pure: no file is read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# What the retraining step did: its decision, in the words the report uses.
NOT_NEEDED, SKIPPED, DONE, FAILED, UNMONITORED = (
    "not needed",
    "skipped",
    "done",
    "failed",
    "no monitoring",
)


@dataclass(frozen=True)
class Retraining:
    """Whether the night retrained, why, and what the promotion gate decided."""

    decision: str  # one of NOT_NEEDED, SKIPPED, DONE, FAILED, UNMONITORED
    reasons: tuple[str, ...] = ()  # the monitor's alerts that asked for it, or the failure
    version: str | None = None  # the version the retraining registered
    promoted: bool | None = None

    def sentence(self) -> str:
        """The retraining line of the report, in plain words."""
        why = f" The monitor said: {self.reasons[0]}" if self.reasons else ""
        if self.decision == NOT_NEEDED and self.reasons:
            return (
                f"Not asked for: the monitor could not judge yesterday's traffic. {self.reasons[0]}"
            )
        if self.decision == NOT_NEEDED:
            return "Not needed: the monitor raised no alert on yesterday's traffic."
        if self.decision == SKIPPED:
            return f"Recommended by the monitor but skipped (--retrain skip).{why}"
        if self.decision == FAILED:
            return f"Attempted and failed; the current model kept serving.{why}"
        if self.decision == UNMONITORED:
            return "Not judged: this project has no monitoring, so nothing asks for it."
        verdict = (
            "promoted: it serves from now on"
            if self.promoted
            else "not promoted: the promotion gate kept the champion"
        )
        return (
            f"Done: version {self.version} was trained on the outcomes fed back and {verdict}.{why}"
        )


@dataclass(frozen=True)
class MorningReport:
    """Everything the night did, as the morning report shows it."""

    day: str  # the day of the scored file, 2026-11-30
    project: str
    started: str  # "02:00 UTC"
    seconds: float
    batch_id: str
    customers: int
    flagged: int
    threshold: float
    model_name: str
    model_version: str
    output: str
    retraining: Retraining
    previous_version: str | None = None  # the version of the last run, if there was one
    previous_share: float | None = None  # the share the last run flagged
    alerts: tuple[str, ...] = ()  # the monitor's alerts after scoring
    monitor_note: str = ""  # why the monitor gave no verdict, if it gave none
    steps: tuple[tuple[str, str], ...] = field(default=())  # (step, what it did) in order

    @property
    def flagged_share(self) -> float:
        """The share of customers flagged as likely to churn."""
        return self.flagged / self.customers if self.customers else 0.0

    def model_line(self) -> str:
        """Which model answered, and whether that changed since the last run."""
        serving = f"{self.model_name} version {self.model_version}"
        if self.previous_version is None:
            return f"{serving} (first nightly run: nothing to compare with)."
        if self.previous_version == self.model_version:
            return f"{serving}, the same as in the last run."
        return f"{serving}: NEW, the last run used version {self.previous_version}."

    def change_line(self) -> str:
        """The flagged share against the last run's, in percentage points."""
        if self.previous_share is None:
            return "No earlier run to compare with."
        points = (self.flagged_share - self.previous_share) * 100
        return (
            f"{self.flagged_share:.1%} flagged, against {self.previous_share:.1%} in the last "
            f"run ({points:+.1f} points)."
        )

    def alerts_line(self) -> str:
        """The monitor's verdict after scoring, counted."""
        if self.monitor_note:
            return self.monitor_note
        if self.retraining.decision == UNMONITORED:
            return "None: this project has no monitoring."
        if not self.alerts:
            return "None: the monitor found no drift and no drop in performance."
        return f"{len(self.alerts)}: " + " ".join(self.alerts)

    def first_look(self) -> str:
        """The one thing to look at first this morning, most urgent first."""
        # [exercise 38] the most urgent of: failed retraining, alert, new model, moved share.
        if self.retraining.decision == FAILED:
            return "The failed retraining: run `make retrain` by hand and read its error."
        if self.alerts:
            return (
                f"The alert: {self.alerts[0]} Open reports/monitoring.html to see which "
                "columns moved, before trusting today's flags."
            )
        if self.previous_version is not None and self.previous_version != self.model_version:
            return (
                f"The new model, version {self.model_version}: read reports/promotion.json "
                "and watch its first day's outcomes."
            )
        if self.previous_share is not None and abs(self.flagged_share - self.previous_share) > 0.05:
            return (
                "The flagged share moved by more than 5 points: check the day's file before "
                "the retention team calls anyone."
            )
        return (
            f"Nothing urgent: hand the {self.flagged:,} flagged customers in {self.output} "
            "to the retention team."
        )
        # [/exercise 38]

    def rows(self) -> list[tuple[str, str]]:
        """The summary: one (topic, plain sentence) per key fact."""
        return [
            (
                "Customers scored",
                f"{self.customers:,} (batch {self.batch_id}); {self.flagged:,} of them "
                f"({self.flagged_share:.1%}) flagged as likely to churn, at a score of "
                f"{self.threshold:.2f} or more.",
            ),
            ("Model serving", self.model_line()),
            ("Compared with the last run", self.change_line()),
            ("Retraining", self.retraining.sentence()),
            ("Alerts", self.alerts_line()),
            ("Look at this first", self.first_look()),
        ]

    def to_markdown(self) -> str:
        """The whole page, Markdown that reads as plain text too."""
        lines = [
            f"# Morning report, {self.day}",
            "",
            f"The nightly run of {self.project} started at {self.started} and took "
            f"{self.seconds:.0f} seconds.",
            "",
            "## In short",
            "",
            *(f"- **{topic}:** {sentence}" for topic, sentence in self.rows()),
            "",
            "## What ran",
            "",
            "| step | what it did |",
            "|---|---|",
            *(f"| {step} | {outcome} |" for step, outcome in self.steps),
            "",
            f"The scores are in `{self.output}`: one row per customer with its score, the "
            "decision, the model version and the batch id, also written to the prediction log.",
            "",
        ]
        return "\n".join(lines)

"""Which command produces each file, and the one sentence that says to run it first.

A stage that finds its input missing names the command that makes it: the map below is the one
place that knows who writes what, so the hint stays right when a stage changes.
"""

from __future__ import annotations

from pathlib import Path

from {{ cookiecutter.package_name }}.paths import (
    BASELINE_FILES,
    CLEANING_JSON,
    DEVELOPMENT_DATA,
    INTERIM_DATA,
    METRICS_JSON,
    MODEL_CARD,
    MODEL_FILE,
    PROCESSED_DATA,
    PROMOTION_JSON,
    RAW_DATA,
    SPLIT_JSON,
    TEST_DATA,
    TEST_SCORES,
    TRAINING_JSON,
    TRAINING_PROFILE,
    TRAINING_REPORT,
)

CLI = "{{ cookiecutter.project_slug }}"
ACQUIRE = f"{CLI} data acquire"
CLEAN = f"{CLI} data clean"
SPLIT = f"{CLI} model split"
TRAIN = f"{CLI} model train"
EVALUATE = f"{CLI} model evaluate"
REGISTER = f"{CLI} model register"

PRODUCED_BY: dict[Path, str] = {
    RAW_DATA: ACQUIRE,
    INTERIM_DATA: CLEAN,
    PROCESSED_DATA: CLEAN,
    CLEANING_JSON: CLEAN,
    DEVELOPMENT_DATA: SPLIT,
    TEST_DATA: SPLIT,
    SPLIT_JSON: SPLIT,
    MODEL_FILE: TRAIN,
    **dict.fromkeys(BASELINE_FILES.values(), TRAIN),
    TRAINING_JSON: TRAIN,
    TRAINING_PROFILE: TRAIN,
    TRAINING_REPORT: TRAIN,
    TEST_SCORES: EVALUATE,
    METRICS_JSON: EVALUATE,
    MODEL_CARD: EVALUATE,
    PROMOTION_JSON: REGISTER,
}


def producer(path: Path) -> str:
    """The command that writes `path` (a KeyError for a file no stage writes: a bug)."""
    return PRODUCED_BY[Path(path)]


def run_first(path: Path | str, command: str | None = None) -> str:
    """The sentence for a missing file: "<path> does not exist; run `<command>` first."

    `command` defaults to the one that writes `path`; a file that no command writes (your own
    CSV) gets the sentence without a hint.
    """
    command = command or PRODUCED_BY.get(Path(path))
    if command is None:
        return f"{path} does not exist."
    return f"{path} does not exist; run `{command}` first."

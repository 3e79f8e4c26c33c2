"""The catalogue of practice exercises: what each one is, where, which skills it trains, its hints.

Pure data: exercises.py grades them and prints the progress. An exercise's number is its
identity (markers in the code, `@pytest.mark.exercise(N)` on its graded tests); numbers are never
reused. Hints go from a question to the idea to the shape of the code, so a learner can ask for
as little help as they need.
"""

from __future__ import annotations

from dataclasses import dataclass

PACKAGE = __name__.rpartition(".")[0]


@dataclass(frozen=True)
class Exercise:
    """One exercise: a function of the package, the chapter that teaches it and what it trains."""

    number: int
    title: str
    module: str  # below the package, e.g. "data.transformers"
    function: str  # its qualified name in the module, e.g. "QuantileClipper.transform"
    chapter: str
    skills: tuple[str, ...] = ()  # ids of skills.py
    hints: tuple[str, ...] = ()  # up to three: a question, the idea, the shape of the code

    @property
    def path(self) -> str:
        """The file to edit, from the project's root."""
        return f"src/{PACKAGE}/{self.module.replace('.', '/')}.py"


CATALOGUE = (
    Exercise(
        1,
        "outlier clipping",
        "data.transformers",
        "QuantileClipper.transform",
        "03 cleaning",
        skills=("quality", "descriptive-statistics"),
    ),
    Exercise(
        2,
        "group k-fold",
        "model.folds",
        "group_kfold",
        "05 validation",
        skills=("validation-strategy", "leakage"),
    ),
    Exercise(
        3,
        "business threshold",
        "model.metrics",
        "choose_threshold",
        "07 evaluation",
        skills=("business-objectives",),
    ),
    Exercise(
        4,
        "promotion gate",
        "model.gate",
        "gate_decision",
        "07 evaluation",
        skills=("testing", "anticipate"),
    ),
    Exercise(
        5,
        "sticky assignment",
        "serving.assignment",
        "assign",
        "09 A/B testing",
        skills=("ab-testing",),
    ),
    Exercise(
        6,
        "SRM check",
        "ab.stats",
        "srm_check",
        "09 A/B testing",
        skills=("ab-testing", "hypothesis-tests"),
    ),
    Exercise(
        7,
        "PSI",
        "monitoring.drift",
        "psi",
        "10 monitoring",
        skills=("distribution-shift", "deploy-monitor"),
    ),
    Exercise(
        28,
        "batch scoring in chunks under a memory bound",
        "serving.batch_score",
        "score_in_chunks",
        "12 production",
        skills=("speed", "memory-caching-distributed"),
        hints=(
            "What would `list(chunks)` do to memory with a file of ten million customers?",
            "Handle one chunk completely (score it, write it) before you read the next one, and "
            "keep only running totals: the memory then holds one chunk, whatever the file size.",
            "rows = flagged = count = 0; for chunk in chunks: scored = score(chunk); "
            "write(chunk, scored); then add len(scored), int(scored['decision'].sum()) and 1; "
            "return BatchCounts(rows, flagged, count).",
        ),
    ),
)

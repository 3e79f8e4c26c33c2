"""The skills this project lets a learner practise: one id for each line of the skills list.

The list comes from job descriptions and career guides for machine-learning engineers. The
practice exercises (exercises.py) and the interview drill tag what they train with these ids, so
the progress tables can say how much of each skill a learner has covered, and a test can check
that no skill is left without practice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Skill:
    """One line of the skills list: its id, its group and what it says."""

    id: str
    group: str  # "responsibility", "algorithm" or "concept"
    text: str


RESPONSIBILITIES = (
    Skill(
        "acquire", "responsibility", "Supervise data acquisition; build programs that extract data"
    ),
    Skill("quality", "responsibility", "Check data quality and clean data sets"),
    Skill("explore", "responsibility", "Explore and visualise data"),
    Skill(
        "distribution-shift",
        "responsibility",
        "Identify differences in data distributions (training vs production, between periods)",
    ),
    Skill(
        "data-modelling",
        "responsibility",
        "Feed data into models; model and evaluate the structure of data",
    ),
    Skill("validation-strategy", "responsibility", "Define validation strategies"),
    Skill(
        "business-objectives",
        "responsibility",
        "Interpret business objectives and develop models for them",
    ),
    Skill(
        "choose-algorithm",
        "responsibility",
        "Analyse ML algorithms to choose one for a problem; test different approaches",
    ),
    Skill(
        "anticipate",
        "responsibility",
        "Use the evaluation strategy and data modelling to anticipate unforeseen events",
    ),
    Skill(
        "testing",
        "responsibility",
        "Write unit tests; check finished models; compare their metrics with the baseline's",
    ),
    Skill("ab-testing", "responsibility", "Write code for A/B testing"),
    Skill(
        "deploy-monitor",
        "responsibility",
        "Deploy models and keep them working; monitor performance and data in production",
    ),
    Skill("speed", "responsibility", "Boost the performance, speed and elasticity of programs"),
    Skill("overnight", "responsibility", "Review what ran overnight at the start of the day"),
    Skill(
        "infrastructure",
        "responsibility",
        "Build and improve the ML infrastructure; source control, modular design",
    ),
    Skill("explain", "responsibility", "Explain technical results to non-technical colleagues"),
    Skill("data-kinds", "responsibility", "Handle data of several kinds: records, free text"),
)

ALGORITHMS = (
    Skill("gradient-descent", "algorithm", "Gradient descent"),
    Skill("linear-regression", "algorithm", "Linear regression"),
    Skill("logistic-regression", "algorithm", "Logistic regression"),
    Skill("decision-trees", "algorithm", "Decision trees"),
    Skill("svm", "algorithm", "Support vector machines"),
    Skill("k-means", "algorithm", "k-means clustering"),
    Skill("naive-bayes", "algorithm", "Naive Bayes"),
    Skill("random-forests", "algorithm", "Random forests"),
    Skill("neural-networks", "algorithm", "Neural networks"),
    Skill("boosting", "algorithm", "Boosting"),
    Skill("bagging", "algorithm", "Bagging"),
)

CONCEPTS = (
    Skill("leakage", "concept", "Data leakage"),
    Skill("bias-variance", "concept", "Bias and variance"),
    Skill("missing-data", "concept", "Missing data"),
    Skill("over-under-fitting", "concept", "Overfitting and underfitting"),
    Skill("bayes-rule", "concept", "Bayes' rule"),
    Skill("distributions", "concept", "Probability distributions"),
    Skill("hypothesis-tests", "concept", "Hypothesis tests"),
    Skill(
        "descriptive-statistics",
        "concept",
        "Descriptive statistics (mean, median, variance) and statistical inference",
    ),
    Skill("linear-algebra", "concept", "Linear algebra for ML"),
    Skill("data-structures", "concept", "Data structures, algorithms and their complexity"),
    Skill("memory-caching-distributed", "concept", "Memory, caching and distributed processing"),
)

SKILLS: dict[str, Skill] = {
    skill.id: skill for skill in (*RESPONSIBILITIES, *ALGORITHMS, *CONCEPTS)
}


def unknown(ids: tuple[str, ...] | list[str]) -> list[str]:
    """Those of the ids that name no skill (a typo in a tag), in their order."""
    return [skill_id for skill_id in ids if skill_id not in SKILLS]


def untrained(tags: Iterable[tuple[str, ...]]) -> list[str]:
    """The skill ids that none of these tag lists names (skills left without practice)."""
    named = {skill_id for skill_ids in tags for skill_id in skill_ids}
    return [skill_id for skill_id in SKILLS if skill_id not in named]

"""Side by side: the from-scratch algorithms and scikit-learn's, on the project's own data.

1. A seeded sample of the development rows (the final test set is not read) is split into
   training and validation rows, 3 to 1.
2. The project's cleaning and features (model/features.py) turn them into one numeric matrix,
   learned on the training rows: both sides of every comparison see the same numbers.
3. Each pair is fitted on the training rows and scored on the validation rows: ROC AUC for the
   churn classifiers, R² for the regression side-task (predicting a numeric column, by default
   the first of the contract, from the others), inertia for k-means from the same centres.

A from-scratch function still blank (a practice exercise) shows "exercise N" instead of a
score. Nothing is written: this is for reading, not a stage of the pipeline.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import (
    BaggingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.transformers import build_cleaner
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError
from {{ cookiecutter.package_name }}.model.features import build_features, model_input
from {{ cookiecutter.package_name }}.model.scratch import (
    boosting,
    ensemble,
    kmeans,
    linear,
    naive_bayes,
    neural,
    svm,
    tree,
)

VALIDATION_SHARE = 0.25
N_SEGMENTS = 4  # k-means clusters
TREE_DEPTH = 4
# Ours and scikit-learn's ensembles draw different bootstrap samples: with 10 trees their ROC
# AUC differed by up to 0.03 from that alone; with 25, by about 0.01, for 2 s more.
N_TREES = 25
N_STUMPS = 30
SVM_LAMBDA = 1e-2
N_STEPS = 200  # full-batch gradient steps of the neural networks
N_HIDDEN = 16


@dataclass(frozen=True)
class Matrices:
    """Training and validation rows as numeric matrices, with their targets."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray


@dataclass(frozen=True)
class Comparison:
    """One row per algorithm: its metric, from scratch and by scikit-learn (None: still blank)."""

    HEADERS: ClassVar[tuple[str, ...]] = ("algorithm", "ex.", "metric", "scratch", "sklearn")

    results: tuple[tuple[str, int, str, float | None, float], ...]
    n_train: int
    n_valid: int
    regression_target: str

    def rows(self) -> list[tuple[str, ...]]:
        """The table's rows, numbers to 3 decimals; a blank exercise reads "to do"."""
        return [
            (name, str(number), metric, "to do" if ours is None else f"{ours:.3f}", f"{ref:.3f}")
            for name, number, metric, ours, ref in self.results
        ]


def sample(development: pd.DataFrame, n_rows: int, seed: int) -> pd.DataFrame:
    """A seeded random sample of at most n_rows rows, in random order."""
    if n_rows < 100:
        raise ParamsError(f"--rows must be at least 100, not {n_rows}.")
    order = np.random.default_rng(seed).permutation(len(development))[:n_rows]
    return development.iloc[order].reset_index(drop=True)


def featurise(params: Params, train: pd.DataFrame, valid: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """The project's cleaning and features, fitted on the training rows, as dense float arrays."""
    steps = Pipeline(
        [
            ("clean", build_cleaner(params.model_columns, params.clean)),
            ("features", build_features(params)),
        ]
    )
    try:
        X_train = steps.fit_transform(model_input(train, params))
        X_valid = steps.transform(model_input(valid, params))
    except NotImplementedError as blank:  # a practice exercise of the cleaning, still to write
        raise DataError(f"The features need it first: {blank} (make exercises)") from None
    return np.asarray(X_train, dtype=float), np.asarray(X_valid, dtype=float)


def churn_matrices(params: Params, rows: pd.DataFrame) -> Matrices:
    """The churn task: every model feature, the 0/1 target."""
    cut = int(len(rows) * (1 - VALIDATION_SHARE))
    X_train, X_valid = featurise(params, rows.iloc[:cut], rows.iloc[cut:])
    y = rows[params.columns.target].to_numpy(dtype=float)
    return Matrices(X_train, y[:cut], X_valid, y[cut:])


def regression_target(params: Params, name: str | None) -> str:
    """The numeric column to predict: `name`, or the first numeric model column."""
    numeric = list(params.model_columns.numeric)
    chosen = name or (numeric[0] if numeric else None)
    if chosen is None or chosen not in numeric:
        listed = ", ".join(numeric) or "none"
        raise ParamsError(
            f"The regression target must be a numeric model column ({listed}), not {chosen}."
        )
    return chosen


def regression_matrices(params: Params, rows: pd.DataFrame, target: str) -> Matrices:
    """The side-task: predict the cleaned `target` from every other feature (its gaps dropped)."""
    known = rows[rows[target].notna()].reset_index(drop=True)
    y = build_cleaner(params.columns, params.clean).fit_transform(known)[target]
    without = params.model.model_copy(update={"drop_columns": [*params.model.drop_columns, target]})
    cut = int(len(known) * (1 - VALIDATION_SHARE))
    X_train, X_valid = featurise(
        params.model_copy(update={"model": without}), known.iloc[:cut], known.iloc[cut:]
    )
    values = y.to_numpy(dtype=float)
    return Matrices(X_train, values[:cut], X_valid, values[cut:])


def attempt(fit: Callable[[], float]) -> float | None:
    """The from-scratch score, or None while its exercise is blank."""
    try:
        return fit()
    except NotImplementedError:
        return None


def scored(m: Matrices, scores: Callable[[], np.ndarray]) -> Callable[[], float]:
    """A function giving the validation ROC AUC of the scores that `scores` computes."""
    return lambda: auc(m, scores())


def auc(m: Matrices, scores: np.ndarray) -> float:
    """Validation ROC AUC of churn scores."""
    return float(roc_auc_score(m.y_valid, scores))


def classifiers(m: Matrices, seed: int) -> list[tuple[str, int, str, float | None, float]]:
    """Every churn classifier, ours and scikit-learn's: validation ROC AUC."""
    n_train, n_features = m.X_train.shape
    X, y, X_valid = m.X_train, m.y_train, m.X_valid
    # scikit-learn's C multiplies the summed loss; our l2 and λ weigh the mean loss: 1/(C n).
    pairs: list[tuple[str, int, Callable[[], np.ndarray], Callable[[], np.ndarray]]] = [
        (
            "logistic regression",
            17,
            lambda: linear.predict_proba(linear.logistic_gd(X, y, l2=1 / n_train), X_valid),
            lambda: LogisticRegression(C=1.0, max_iter=1000).fit(X, y).predict_proba(X_valid)[:, 1],
        ),
        (
            "naive Bayes",
            21,
            lambda: naive_bayes.predict_proba(naive_bayes.fit_gaussian_nb(X, y), X_valid)[:, 1],
            lambda: GaussianNB().fit(X, y).predict_proba(X_valid)[:, 1],
        ),
        (
            f"decision tree, depth {TREE_DEPTH}",
            22,
            lambda: tree.predict_tree(tree.grow_tree(X, y, TREE_DEPTH), X_valid),
            lambda: (
                DecisionTreeClassifier(max_depth=TREE_DEPTH, random_state=seed)
                .fit(X, y)
                .predict_proba(X_valid)[:, 1]
            ),
        ),
        (
            f"bagging, {N_TREES} trees",
            23,
            lambda: ensemble_scores(m, None, seed),
            lambda: (
                BaggingClassifier(
                    DecisionTreeClassifier(max_depth=TREE_DEPTH),
                    n_estimators=N_TREES,
                    random_state=seed,
                )
                .fit(X, y)
                .predict_proba(X_valid)[:, 1]
            ),
        ),
        (
            f"random forest, {N_TREES} trees",
            23,
            lambda: ensemble_scores(m, int(np.sqrt(n_features)), seed),
            lambda: (
                RandomForestClassifier(N_TREES, max_depth=TREE_DEPTH, random_state=seed)
                .fit(X, y)
                .predict_proba(X_valid)[:, 1]
            ),
        ),
        (
            f"boosting, {N_STUMPS} stumps",
            30,
            lambda: boosting.predict_boosted(boosting.gradient_boost(X, y, N_STUMPS), X_valid),
            # Least squares on the 0/1 target, as ours (its classifier boosts the log loss).
            lambda: (
                GradientBoostingRegressor(n_estimators=N_STUMPS, max_depth=1, random_state=seed)
                .fit(X, y)
                .predict(X_valid)
            ),
        ),
        (
            "linear SVM",
            31,
            lambda: linear.scores(
                svm.pegasos(X, y, lam=SVM_LAMBDA, n_epochs=5, seed=seed), X_valid
            ),
            lambda: (
                LinearSVC(C=1 / (SVM_LAMBDA * n_train), loss="hinge", max_iter=10_000)
                .fit(X, y)
                .decision_function(X_valid)
            ),
        ),
        (
            f"neural network, {N_HIDDEN} tanh",
            32,
            lambda: neural.predict_proba(
                neural.train_network(X, y, N_HIDDEN, n_iter=N_STEPS, seed=seed), X_valid
            ),
            lambda: quietly(full_batch_network(n_train, seed).fit, X, y).predict_proba(X_valid)[
                :, 1
            ],
        ),
    ]
    return [
        (name, number, "ROC AUC", attempt(scored(m, ours)), auc(m, theirs()))
        for name, number, ours, theirs in pairs
    ]


def full_batch_network(n_train: int, seed: int) -> MLPClassifier:
    """scikit-learn's network trained as ours: plain full-batch gradient steps, no penalty."""
    return MLPClassifier(
        (N_HIDDEN,),
        activation="tanh",
        solver="sgd",
        batch_size=n_train,
        learning_rate_init=0.5,
        momentum=0.0,
        alpha=0.0,
        max_iter=N_STEPS,
        n_iter_no_change=N_STEPS,  # no early stop: the same number of steps as ours
        random_state=seed,
    )


def quietly(fit: Callable[..., Any], *args: np.ndarray) -> Any:
    """Fit without the convergence warning: a capped budget of steps is the point here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return fit(*args)


def ensemble_scores(m: Matrices, max_features: int | None, seed: int) -> np.ndarray:
    """Validation scores of bagged trees (a random forest with max_features)."""
    trees = ensemble.bagged_trees(
        m.X_train, m.y_train, N_TREES, TREE_DEPTH, max_features=max_features, seed=seed
    )
    return ensemble.predict_ensemble(trees, m.X_valid)


def regressions(m: Matrices) -> list[tuple[str, int, str, float | None, float]]:
    """The side-task by the normal equation and by gradient descent: validation R²."""
    reference = r2_score(m.y_valid, LinearRegression().fit(m.X_train, m.y_train).predict(m.X_valid))

    def r2(fit: Callable[[np.ndarray, np.ndarray], linear.LinearFit]) -> float:
        return float(r2_score(m.y_valid, linear.scores(fit(m.X_train, m.y_train), m.X_valid)))

    return [
        (
            "linear regression (normal eq.)",
            18,
            "R²",
            attempt(lambda: r2(linear.normal_equation)),
            reference,
        ),
        ("linear regression (GD)", 19, "R²", attempt(lambda: r2(linear.linear_gd)), reference),
    ]


def clustering(m: Matrices, seed: int) -> list[tuple[str, int, str, float | None, float]]:
    """k-means from the same random initial centres: training inertia (lower is better)."""
    rng = np.random.default_rng(seed)
    start = m.X_train[rng.choice(len(m.X_train), size=N_SEGMENTS, replace=False)]
    reference = KMeans(N_SEGMENTS, init=start, n_init=1, algorithm="lloyd").fit(m.X_train)
    ours = attempt(lambda: kmeans.kmeans(m.X_train, start).inertia)
    return [(f"k-means, {N_SEGMENTS} clusters", 20, "inertia", ours, float(reference.inertia_))]


def compare(
    params: Params, development: pd.DataFrame, n_rows: int, target: str | None = None
) -> Comparison:
    """Every from-scratch algorithm beside scikit-learn's on a sample of the development rows."""
    column = regression_target(params, target)
    rows = sample(development, n_rows, params.seed)
    if rows[params.columns.target].nunique() != 2:
        raise DataError("The sampled rows hold a single class: raise --rows.")
    churn = churn_matrices(params, rows)
    results = [
        *classifiers(churn, params.seed),
        *clustering(churn, params.seed),
        *regressions(regression_matrices(params, rows, column)),
    ]
    return Comparison(tuple(results), len(churn.y_train), len(churn.y_valid), column)

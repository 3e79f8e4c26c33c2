"""Algorithms: the unfitted classifier behind each name that params.yaml's model.name may hold.

`build_estimator` turns a name and the hyperparameters of params.yaml into a scikit-learn
classifier that gives probabilities (`predict_proba`), seeded for reproducible results. Bad
hyperparameters are caught here, when the estimator is built, with one sentence naming the key:
an unknown algorithm, a misspelt hyperparameter or an invalid value would otherwise surface
minutes later, deep inside a fit, as a traceback. `check_hyperparameters` builds everything
params.yaml lists, so a typo anywhere stops the train stage before any work.

`TABLE` is the one list of algorithms: each name's estimator, and the hyperparameter that sets
how complex the model is with the values the validation curve tries (underfitting at one end,
overfitting at the other). Add an algorithm there, then to `Algorithm` in config.py.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import (
    BaggingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

from {{ cookiecutter.package_name }}.config import ModelParams
from {{ cookiecutter.package_name }}.errors import ParamsError


@dataclass(frozen=True)
class AlgorithmSpec:
    """How to build one algorithm, and how its validation curve makes it more complex."""

    # The estimator, seeded, with the few defaults it needs to work well here; the
    # hyperparameters of params.yaml are then set on it (and win over these defaults).
    factory: Callable[[int], BaseEstimator]
    # The hyperparameter that sets model complexity, and the validation curve's values, from
    # simple (underfits) to complex (overfits). Each value is refitted on several folds, so the
    # values stay cheap (no thousand-tree forest).
    complexity: str
    curve: tuple[float, ...]


# The one table of algorithms: params.yaml's model.name and config.Algorithm list these names
# (tests/model/test_algorithms.py checks that they agree). n_jobs is left to the user: the
# machines this project targets have 2 cores.
TABLE: dict[str, AlgorithmSpec] = {
    # lbfgs needs more than the default 100 iterations on a hundred scaled features.
    "logistic_regression": AlgorithmSpec(
        lambda seed: LogisticRegression(max_iter=1000, random_state=seed),
        "C",
        (0.001, 0.01, 0.1, 1.0, 10.0),
    ),
    # log_loss, not the default hinge loss, so that the model gives probabilities.
    "sgd": AlgorithmSpec(
        lambda seed: SGDClassifier(loss="log_loss", random_state=seed),
        "alpha",
        (0.1, 0.01, 0.001, 0.0001, 0.00001),
    ),
    "decision_tree": AlgorithmSpec(
        lambda seed: DecisionTreeClassifier(random_state=seed), "max_depth", (2, 4, 6, 10, 16)
    ),
    "random_forest": AlgorithmSpec(
        lambda seed: RandomForestClassifier(random_state=seed), "max_depth", (2, 4, 8, 12, 20)
    ),
    "gradient_boosting": AlgorithmSpec(
        lambda seed: HistGradientBoostingClassifier(random_state=seed),
        "max_leaf_nodes",
        (3, 7, 15, 31, 63),
    ),
    # The bagging's random_state seeds each tree: the trees need none of their own.
    "bagging": AlgorithmSpec(
        lambda seed: BaggingClassifier(DecisionTreeClassifier(), random_state=seed),
        "n_estimators",
        (1, 5, 10, 20, 40),
    ),
    # A linear SVM, wrapped in CalibratedClassifierCV by build_estimator to give probabilities.
    # SVC(kernel="rbf", probability=True) would be the textbook choice, but its fit grows as
    # the square of the rows (and probability=True fits it 5 more times): hours at 20,000+ rows.
    "svm": AlgorithmSpec(
        lambda seed: LinearSVC(random_state=seed), "C", (0.001, 0.01, 0.1, 1.0, 10.0)
    ),
    "naive_bayes": AlgorithmSpec(
        lambda seed: GaussianNB(), "var_smoothing", (1.0, 0.1, 0.001, 1e-06, 1e-09)
    ),
    "knn": AlgorithmSpec(lambda seed: KNeighborsClassifier(), "n_neighbors", (300, 100, 50, 20, 5)),
    "mlp": AlgorithmSpec(
        lambda seed: MLPClassifier(random_state=seed), "alpha", (10.0, 1.0, 0.1, 0.01, 0.001)
    ),
}
ALGORITHMS: tuple[str, ...] = tuple(TABLE)
# From the simplest model to the most complex: fewest fitted parameters and easiest to read and
# explain first (a linear model's coefficients) down to ensembles of hundreds of trees. The
# one-standard-error rule of model/compare.py prefers the first within noise of the best.
SIMPLEST_FIRST: tuple[str, ...] = (
    "logistic_regression",
    "naive_bayes",
    "sgd",
    "svm",
    "decision_tree",
    "knn",
    "mlp",
    "bagging",
    "random_forest",
    "gradient_boosting",
)

# SGDClassifier gives probabilities only with these losses, and the model must score customers.
SGD_PROBABILITY_LOSSES = ("log_loss", "modified_huber")
# Folds of the linear SVM's probability calibration (each fits one LinearSVC).
SVM_CALIBRATION_FOLDS = 3

# scikit-learn's own message for an invalid value, reworded below into params.yaml's terms.
INVALID_VALUE = re.compile(
    r"The '(?P<name>\w+)' parameter of \w+ must be (?P<rule>.+)\. Got (?P<value>.+) instead\.",
    re.DOTALL,
)


def build_estimator(
    name: str,
    hyperparameters: Mapping[str, Any],
    seed: int,
    *,
    where: str = "model.hyperparameters",
) -> ClassifierMixin:
    """The unfitted classifier `name` with the given hyperparameters, seeded with `seed`.

    Args:
        name: One of ALGORITHMS.
        hyperparameters: Keyword arguments of the estimator (for svm: of the LinearSVC; for
            bagging, `estimator__max_depth` and the like reach its decision trees).
        seed: The random_state of every estimator that has one.
        where: Where the hyperparameters come from in params.yaml, for error messages.

    Raises:
        ParamsError: The name, a hyperparameter's name or one of its values is invalid.
    """
    check_algorithm(name)
    path = f"{where}.{name}"
    estimator = TABLE[name].factory(seed)
    values = from_yaml(hyperparameters)
    check_names(name, estimator, values, path)
    estimator.set_params(**values)
    check_values(estimator, path)
    if name == "sgd" and estimator.loss not in SGD_PROBABILITY_LOSSES:
        raise ParamsError(
            f"{path}.loss must be 'log_loss' or 'modified_huber' (a loss that gives "
            f"probabilities), got {estimator.loss!r}."
        )
    if name == "svm":
        # Platt scaling on held-out folds turns the SVM's margins into probabilities.
        return CalibratedClassifierCV(estimator, cv=SVM_CALIBRATION_FOLDS)
    return estimator


def check_algorithm(name: str) -> None:
    """Raise a ParamsError for an unknown algorithm name, suggesting the closest one."""
    if name in TABLE:
        return
    close = difflib.get_close_matches(str(name), ALGORITHMS, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ParamsError(f"Unknown algorithm '{name}'{hint}; choose one of {', '.join(ALGORITHMS)}.")


def from_yaml(hyperparameters: Mapping[str, Any]) -> dict[str, Any]:
    """The hyperparameters with YAML lists made tuples (hidden_layer_sizes: [32] -> (32,))."""
    return {
        str(key): tuple(value) if isinstance(value, list) else value
        for key, value in hyperparameters.items()
    }


def check_names(name: str, estimator: BaseEstimator, values: Mapping[str, Any], path: str) -> None:
    """Raise a ParamsError for a hyperparameter the estimator does not have."""
    # deep=True also accepts the parameters of a nested estimator (bagging's trees).
    names = estimator.get_params(deep=True)
    if "random_state" in values and "random_state" in names:
        raise ParamsError(
            f"{path}.random_state is set from the seed at the top of params.yaml; remove it here."
        )
    valid = sorted(set(names) - {"random_state"})
    for key in values:
        if key in valid:
            continue
        close = difflib.get_close_matches(key, valid, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"valid ones are {', '.join(valid)}."
        raise ParamsError(
            f"{path}.{key} is not a hyperparameter of {name} ({type(estimator).__name__}); {hint}"
        )


def check_values(estimator: BaseEstimator, path: str) -> None:
    """Raise a ParamsError for a value scikit-learn would reject when fitting.

    scikit-learn checks each value against its declared constraints only when `fit` starts;
    `_validate_params` runs that same check now. Nested estimators (bagging's trees) are
    checked too, their keys written as in params.yaml (`estimator__max_depth`).
    """
    estimators = {"": estimator}
    for key, value in estimator.get_params(deep=False).items():
        if isinstance(value, BaseEstimator):
            estimators[f"{key}__"] = value
    for prefix, each in estimators.items():
        try:
            each._validate_params()
        except InvalidParameterError as error:
            raise ParamsError(invalid_value_message(str(error), each, path, prefix)) from None


def invalid_value_message(message: str, estimator: BaseEstimator, path: str, prefix: str) -> str:
    """scikit-learn's complaint about a value, as one sentence naming the params.yaml key."""
    match = INVALID_VALUE.fullmatch(message.strip())
    if match is None:  # a message in another form: keep it whole rather than lose it
        return f"{path} holds an invalid value: {message.strip()}"
    key, value = match["name"], estimator.get_params(deep=False).get(match["name"])
    sentence = f"{path}.{prefix}{key} must be {match['rule']}, got {match['value']}."
    if isinstance(value, str) and looks_like_a_number(value):
        # PyYAML reads 1e-9 or 1.0e9 as text: a float needs a decimal point and a signed exponent.
        sentence = sentence[:-1] + " (YAML reads it as text: write numbers like 1.0e-9 or 2.0e+3)."
    return sentence


def looks_like_a_number(text: str) -> bool:
    """True when the text is a number written as text ("1e-9")."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def check_hyperparameters(model: ModelParams, seed: int) -> None:
    """Build every algorithm and search-space value of params.yaml, so a typo fails fast.

    Raises:
        ParamsError: naming the first invalid key or value (see build_estimator).
    """
    build_estimator(model.name, model.hyperparameters.get(model.name, {}), seed)
    for name, hyperparameters in model.hyperparameters.items():
        build_estimator(name, hyperparameters, seed)
    for name, space in model.tuning.search_space.items():
        where = "model.tuning.search_space"
        base = model.hyperparameters.get(name, {})
        for key, candidates in space.items():
            if not candidates:
                raise ParamsError(f"{where}.{name}.{key} must list at least one value.")
            for value in candidates:
                build_estimator(name, {**base, key: value}, seed, where=where)

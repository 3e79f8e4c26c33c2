"""Tests of model/algorithms.py: every algorithm builds, fits and scores; bad params fail early."""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, get_args

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }}.config import Algorithm, Params, load_params
from {{ cookiecutter.package_name }}.data import clean, synthetic, transformers
from {{ cookiecutter.package_name }}.errors import ParamsError
from {{ cookiecutter.package_name }}.model.algorithms import (
    ALGORITHMS,
    TABLE,
    build_estimator,
    check_hyperparameters,
)
from {{ cookiecutter.package_name }}.model.features import build_features, model_input

from ..conftest import require_exercises

PARAMS_FILE = Path(__file__).resolve().parents[2] / "params.yaml"
SEED = 7
# Even naive Bayes ranks the synthetic churners this well on the rows it was trained on.
MIN_TRAINING_AUC = 0.65

# The estimator class each algorithm gives (svm: a LinearSVC calibrated to give probabilities).
CLASSES = {
    "logistic_regression": "LogisticRegression",
    "sgd": "SGDClassifier",
    "decision_tree": "DecisionTreeClassifier",
    "random_forest": "RandomForestClassifier",
    "gradient_boosting": "HistGradientBoostingClassifier",
    "bagging": "BaggingClassifier",
    "svm": "CalibratedClassifierCV",
    "naive_bayes": "GaussianNB",
    "knn": "KNeighborsClassifier",
    "mlp": "MLPClassifier",
}


@pytest.fixture(scope="module")
def yaml_params() -> Params:
    """The project's params.yaml, as the train stage reads it."""
    return load_params(PARAMS_FILE)


@pytest.fixture(scope="module")
def matrix(yaml_params: Params) -> tuple[np.ndarray, np.ndarray]:
    """A feature matrix and churn labels from ~1,450 clean synthetic customers."""
    require_exercises(1, 9)  # the cleaner clips outliers and repairs typos
    raw, _ = synthetic.generate(1500, yaml_params.data.dirt, yaml_params.columns, seed=SEED)
    rows, _ = clean.clean_rows(raw, yaml_params.columns)
    X = model_input(rows, yaml_params)
    cleaner = transformers.build_cleaner(yaml_params.model_columns, yaml_params.clean)
    cleaned = cleaner.fit_transform(X)
    features = build_features(yaml_params).fit_transform(cleaned)
    return features, rows[yaml_params.columns.target].to_numpy()


def raises(message: str) -> AbstractContextManager[Any]:
    """pytest.raises for a ParamsError whose message is exactly `message`."""
    return pytest.raises(ParamsError, match=f"^{re.escape(message)}$")


# --- Building every algorithm.


def test_every_algorithm_of_the_params_schema_can_be_built() -> None:
    # Given the names params.yaml's model.name accepts (config.Algorithm, kept free of sklearn)
    # When they are compared with the one table of algorithms
    # Then they are the same, in the same order
    assert get_args(Algorithm) == ALGORITHMS
    assert set(CLASSES) == set(ALGORITHMS)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_each_algorithm_fits_and_gives_probabilities_with_the_params_yaml_values(
    name: str, yaml_params: Params, matrix: tuple[np.ndarray, np.ndarray]
) -> None:
    # Given the hyperparameters params.yaml holds for the algorithm
    hyperparameters = yaml_params.model.hyperparameters[name]
    # When the estimator is built and fitted on the feature matrix
    estimator = build_estimator(name, hyperparameters, SEED)
    X, y = matrix
    probabilities = estimator.fit(X, y).predict_proba(X)
    # Then it is the expected class and gives one probability per class, summing to 1
    assert type(estimator).__name__ == CLASSES[name]
    assert probabilities.shape == (len(X), 2)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    # And it learned something: it ranks the churners it was trained on above the others
    assert roc_auc_score(y, probabilities[:, 1]) > MIN_TRAINING_AUC


def test_the_hyperparameters_and_the_seed_reach_the_estimator() -> None:
    # Given random forest values
    # When the estimator is built
    forest = build_estimator("random_forest", {"n_estimators": 30, "max_depth": 4}, SEED)
    # Then it holds them and the seed
    assert (forest.n_estimators, forest.max_depth, forest.random_state) == (30, 4, SEED)


def test_user_values_win_over_the_defaults() -> None:
    # Given a logistic regression (default max_iter 1000 here) and sgd (default loss log_loss)
    # When both are built without and with values
    # Then the defaults apply unless params.yaml sets the value
    assert build_estimator("logistic_regression", {}, SEED).max_iter == 1000
    assert build_estimator("logistic_regression", {"max_iter": 50}, SEED).max_iter == 50
    assert build_estimator("sgd", {}, SEED).loss == "log_loss"
    assert build_estimator("sgd", {"loss": "modified_huber"}, SEED).loss == "modified_huber"


def test_svm_is_a_calibrated_linear_svm_holding_the_user_values() -> None:
    # Given an svm C
    # When the svm is built
    svm = build_estimator("svm", {"C": 0.5}, SEED)
    # Then it is a LinearSVC (not an O(n^2) kernel SVC) with that C and the seed, calibrated
    assert type(svm.estimator).__name__ == "LinearSVC"
    assert (svm.estimator.C, svm.estimator.random_state) == (0.5, SEED)


def test_bagging_bags_decision_trees_whose_parameters_can_be_set() -> None:
    # Given a bagging with a depth for its trees
    # When it is built
    bagging = build_estimator("bagging", {"n_estimators": 5, "estimator__max_depth": 3}, SEED)
    # Then it bags decision trees of that depth, seeded by the bagging itself
    assert type(bagging.estimator).__name__ == "DecisionTreeClassifier"
    assert (bagging.n_estimators, bagging.estimator.max_depth) == (5, 3)
    assert bagging.random_state == SEED


def test_yaml_lists_become_the_tuples_scikit_learn_expects() -> None:
    # Given hidden layer sizes written as a YAML list
    # When the mlp is built
    mlp = build_estimator("mlp", {"hidden_layer_sizes": [32, 16]}, SEED)
    # Then they are a tuple
    assert mlp.hidden_layer_sizes == (32, 16)


# --- Errors: one sentence naming the key.


def test_an_unknown_algorithm_is_named_with_the_closest_valid_one() -> None:
    # Given a misspelt algorithm name
    # When it is built
    # Then the error names it, suggests the closest name and lists them all
    with raises(
        "Unknown algorithm 'random_forrest' (did you mean 'random_forest'?); choose one of "
        "logistic_regression, sgd, decision_tree, random_forest, gradient_boosting, bagging, "
        "svm, naive_bayes, knn, mlp."
    ):
        build_estimator("random_forrest", {}, SEED)


def test_a_misspelt_hyperparameter_is_named_with_the_closest_valid_one() -> None:
    # Given n_estimator instead of n_estimators
    # When the random forest is built
    # Then the error names the key, the algorithm, its class and the likely intended name
    with raises(
        "model.hyperparameters.random_forest.n_estimator is not a hyperparameter of "
        "random_forest (RandomForestClassifier); did you mean 'n_estimators'?"
    ):
        build_estimator("random_forest", {"n_estimator": 10}, SEED)


def test_a_hyperparameter_with_no_close_name_lists_the_valid_ones() -> None:
    # Given a key nothing like the LinearSVC's hyperparameters
    # When the svm is built
    # Then the error lists the valid ones (not random_state, which comes from the seed)
    with raises(
        "model.hyperparameters.svm.kernel is not a hyperparameter of svm (LinearSVC); valid "
        "ones are C, class_weight, dual, fit_intercept, intercept_scaling, loss, max_iter, "
        "multi_class, penalty, tol, verbose."
    ):
        build_estimator("svm", {"kernel": "rbf"}, SEED)


def test_random_state_is_refused_because_the_seed_sets_it() -> None:
    # Given a random_state in an algorithm's hyperparameters
    # When it is built
    # Then the error points to the seed
    with raises(
        "model.hyperparameters.decision_tree.random_state is set from the seed at the top of "
        "params.yaml; remove it here."
    ):
        build_estimator("decision_tree", {"random_state": 1}, SEED)


@pytest.mark.parametrize(
    ("name", "hyperparameters", "message"),
    [
        (
            "random_forest",
            {"max_depth": -3},
            "model.hyperparameters.random_forest.max_depth must be an int in the range "
            "[1, inf) or None, got -3.",
        ),
        (
            "random_forest",
            {"max_depth": "abc"},
            "model.hyperparameters.random_forest.max_depth must be an int in the range "
            "[1, inf) or None, got 'abc'.",
        ),
        (
            "sgd",
            {"loss": "hinge"},
            "model.hyperparameters.sgd.loss must be 'log_loss' or 'modified_huber' (a loss "
            "that gives probabilities), got 'hinge'.",
        ),
        (
            "bagging",
            {"estimator__max_depth": 0},
            "model.hyperparameters.bagging.estimator__max_depth must be an int in the range "
            "[1, inf) or None, got 0.",
        ),
        (
            "naive_bayes",
            {"var_smoothing": "1e-9"},
            "model.hyperparameters.naive_bayes.var_smoothing must be a float in the range "
            "[0.0, inf), got '1e-9' (YAML reads it as text: write numbers like 1.0e-9 or "
            "2.0e+3).",
        ),
    ],
    ids=["negative", "text", "no-probabilities", "nested", "yaml-text-number"],
)
def test_an_invalid_value_is_caught_when_building_not_when_fitting(
    name: str, hyperparameters: dict, message: str
) -> None:
    # Given a value scikit-learn would reject at fit
    # When the estimator is built
    # Then the error is one sentence naming the params.yaml key and the valid values
    with raises(message):
        build_estimator(name, hyperparameters, SEED)


# --- check_hyperparameters and the complexity curves.


def test_params_yaml_hyperparameters_and_search_space_are_valid(yaml_params: Params) -> None:
    # Given the project's params.yaml
    # When every algorithm and search-space value in it is built
    # Then nothing is wrong (no error)
    assert check_hyperparameters(yaml_params.model, SEED) is None


@pytest.mark.parametrize(
    ("space", "message"),
    [
        (
            dict(gradient_boosting={"max_leaf_node": [7, 15]}),
            "model.tuning.search_space.gradient_boosting.max_leaf_node is not a hyperparameter "
            "of gradient_boosting (HistGradientBoostingClassifier); did you mean "
            "'max_leaf_nodes'?",
        ),
        (
            dict(random_forest={"max_depth": [6, -1]}),
            "model.tuning.search_space.random_forest.max_depth must be an int in the range "
            "[1, inf) or None, got -1.",
        ),
        (
            dict(knn={"n_neighbors": []}),
            "model.tuning.search_space.knn.n_neighbors must list at least one value.",
        ),
    ],
    ids=["misspelt-key", "bad-value", "no-value"],
)
def test_a_bad_search_space_entry_fails_fast(
    yaml_params: Params, space: dict, message: str
) -> None:
    # Given a search space with a mistake
    tuning = yaml_params.model.tuning.model_copy(update={"search_space": space})
    model = yaml_params.model.model_copy(update={"tuning": tuning})
    # When the hyperparameters are checked
    # Then the error names the search-space key
    with raises(message):
        check_hyperparameters(model, SEED)


def test_a_bad_hyperparameter_of_an_algorithm_not_chosen_still_fails_fast(
    yaml_params: Params,
) -> None:
    # Given a typo in the hyperparameters of knn while the model is gradient_boosting
    hyperparameters = {**yaml_params.model.hyperparameters, "knn": dict(n_neighbours=5)}
    model = yaml_params.model.model_copy(update={"hyperparameters": hyperparameters})
    # When the hyperparameters are checked
    # Then the typo is reported
    with raises(
        "model.hyperparameters.knn.n_neighbours is not a hyperparameter of knn "
        "(KNeighborsClassifier); did you mean 'n_neighbors'?"
    ):
        check_hyperparameters(model, SEED)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_each_complexity_curve_varies_a_valid_hyperparameter(name: str) -> None:
    # Given the validation-curve hyperparameter and values of the algorithm
    param, values = TABLE[name].complexity, TABLE[name].curve
    # When the estimator is built with each value
    # Then the value reaches it (for svm: the LinearSVC), and there are 4 to 6 distinct values
    for value in values:
        estimator = build_estimator(name, {param: value}, SEED)
        target = estimator.estimator if name == "svm" else estimator
        assert target.get_params()[param] == value
    assert 4 <= len(values) == len(set(values)) <= 6

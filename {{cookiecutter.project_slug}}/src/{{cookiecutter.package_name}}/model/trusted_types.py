"""Trusted types: the only types a model file may hold beyond those skops trusts by default.

Loading a skops file rebuilds the objects it describes, so a type in the file is code that
runs at load: `builtins.exec` with a string argument is a program. skops refuses every type it
does not trust by default (plain Python values, numpy arrays, scikit-learn's public
estimators) unless the caller lists it. This list is that caller's list: the exact types, by
full name, that this project's own pipelines hold; never a whole module, and never a list
read from the file itself (MLflow's MLmodel file holds one, and a tampered model could vouch
for itself).

How it was derived: `skops.io.get_untrusted_types` on a freshly trained pipeline of every
algorithm of model/algorithms.py, with and without the optional steps (text TF-IDF, the date
column, k-means segments, few input columns, the hyperparameter values that change a fitted
model's parts), and on the two baselines of model/features.py.

How to regenerate it (after adding an algorithm or a pipeline step, or upgrading
scikit-learn): run `uv run pytest tests/model/test_tracking.py -k listed_types`. The test trains
every variant and fails listing the types missing from this list, or listed but no longer
needed; review each new type (does building it run code chosen by the file?) before adding it.
"""

from __future__ import annotations

PACKAGE = "{{ cookiecutter.package_name }}"

TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        # This project's transformers (data/transformers.py and model/features.py).
        f"{PACKAGE}.data.transformers.CategoryNormalizer",
        f"{PACKAGE}.data.transformers.MissingValueImputer",
        f"{PACKAGE}.data.transformers.NumericParser",
        f"{PACKAGE}.data.transformers.QuantileClipper",
        f"{PACKAGE}.model.features.CustomerSegments",
        f"{PACKAGE}.model.features.DateFeatures",
        # The dtype of the arrays the transformers learn (every pipeline).
        "numpy.dtype",
        # decision_tree, random_forest, bagging: the fitted trees.
        "sklearn.tree._tree.Tree",
        # gradient_boosting: the fitted trees of HistGradientBoostingClassifier.
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        # svm: the Platt scaling of CalibratedClassifierCV.
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        # mlp: the optimiser of solver adam (the default) and of solver sgd.
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        # knn on few features (15 or fewer): the neighbour search tree and its distance.
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
    }
)

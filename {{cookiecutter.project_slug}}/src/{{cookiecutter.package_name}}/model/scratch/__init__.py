"""The classic algorithms written from scratch in numpy, small enough to read in one sitting.

Each module is one family, with the maths in its comments: `linear` (gradient descent, linear
and logistic regression), `naive_bayes`, `kmeans`, `tree` (the Gini split and a small tree),
`ensemble` (bagging and random forests), `boosting`, `svm` and `neural`. They are not used by
the pipeline (scikit-learn's versions are faster and tested by millions): they show how each
algorithm learns. `<cli> scratch compare` (`compare.py`) runs them beside scikit-learn's on
the project's data; the practice exercises blank their key functions.
"""

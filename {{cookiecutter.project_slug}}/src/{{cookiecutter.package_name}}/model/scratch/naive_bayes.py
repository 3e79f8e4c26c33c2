"""Gaussian naive Bayes from scratch: Bayes' rule with independent, normally distributed features.

Bayes' rule gives the probability of a class c given a row x: P(c | x) ∝ P(c) P(x | c). The
"naive" assumption is that the features are independent given the class, so P(x | c) is the
product of one density per feature, here a normal density with the class's mean and variance of
that feature. Products of many small numbers underflow to zero, so everything is done in log
space (sums of logs), and the normalisation over classes uses the log-sum-exp trick.

A feature with zero variance in a class would divide by zero: as scikit-learn does, a small
share (`var_smoothing`) of the largest feature variance is added to every variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GaussianNBFit:
    """Per class: its label, log prior, and the mean and variance of each feature."""

    classes: np.ndarray  # (k,)
    log_priors: np.ndarray  # (k,)
    means: np.ndarray  # (k, n_features)
    variances: np.ndarray  # (k, n_features), smoothed


def fit_gaussian_nb(X: np.ndarray, y: np.ndarray, var_smoothing: float = 1e-9) -> GaussianNBFit:
    """Estimate each class's prior and the per-feature means and variances of its rows."""
    classes = np.unique(y)
    epsilon = var_smoothing * float(X.var(axis=0).max())
    rows = [X[y == label] for label in classes]
    return GaussianNBFit(
        classes=classes,
        log_priors=np.log([len(part) / len(X) for part in rows]),
        means=np.array([part.mean(axis=0) for part in rows]),
        variances=np.array([part.var(axis=0) + epsilon for part in rows]),
    )


def log_posterior(fit: GaussianNBFit, X: np.ndarray) -> np.ndarray:
    """(n_rows, k) log P(class | row) by Bayes' rule, each row normalised to sum to 1."""
    # [exercise 21] Apply Bayes' rule in log space, one normal density per feature and class.
    # log N(x; mean, var) = -½ log(2π var) - (x - mean)² / (2 var), summed over the features
    # (the independence assumption).
    log_norm = -0.5 * np.log(2 * np.pi * fit.variances).sum(axis=1)  # (k,)
    squares = ((X[:, None, :] - fit.means[None, :, :]) ** 2 / fit.variances[None]).sum(axis=2)
    joint = fit.log_priors + log_norm - 0.5 * squares  # log P(c) + log P(x | c)
    # log P(x) = log Σ_c exp(joint): subtract the largest term first so exp cannot overflow.
    top = joint.max(axis=1, keepdims=True)
    evidence = top + np.log(np.exp(joint - top).sum(axis=1, keepdims=True))
    return joint - evidence
    # [/exercise 21]


def predict_proba(fit: GaussianNBFit, X: np.ndarray) -> np.ndarray:
    """(n_rows, k) P(class | row), columns in the order of fit.classes."""
    return np.exp(log_posterior(fit, X))


def predict(fit: GaussianNBFit, X: np.ndarray) -> np.ndarray:
    """The most probable class of each row."""
    return fit.classes[log_posterior(fit, X).argmax(axis=1)]

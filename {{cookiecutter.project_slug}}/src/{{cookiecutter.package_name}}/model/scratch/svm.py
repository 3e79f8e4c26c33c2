"""A linear support vector machine from scratch: Pegasos, stochastic subgradient descent.

A linear SVM looks for the hyperplane w·x + b = 0 with the widest margin between the classes.
It minimises λ/2·||w||² + mean(max(0, 1 - y (w·x + b))) for labels y in {-1, +1}: the hinge
loss is zero for rows beyond the margin, so only the rows on or inside it (the support vectors)
shape the solution. The hinge has a kink at 1, so there is no gradient there, only a
subgradient; Pegasos takes one random row at a time, with the step 1/(λt) that shrinks as it
goes. A larger λ is a wider margin with more mistakes allowed (scikit-learn's C is 1/(λn)).
The scores are distances, not probabilities: calibrate them to use them as such.
"""

from __future__ import annotations

import numpy as np

from {{ cookiecutter.package_name }}.model.scratch.linear import LinearFit


def signed(y: np.ndarray) -> np.ndarray:
    """0/1 labels as -1/+1 (labels already -1/+1 stay so)."""
    return np.where(y > 0, 1.0, -1.0)


def hinge_objective(fit: LinearFit, X: np.ndarray, y: np.ndarray, lam: float) -> float:
    """λ/2·(||w||² + b²) plus the mean hinge loss: what Pegasos minimises."""
    margins = signed(y) * (X @ fit.weights + fit.bias)
    penalty = 0.5 * lam * (float(fit.weights @ fit.weights) + fit.bias**2)
    return penalty + float(np.maximum(0, 1 - margins).mean())


def pegasos(
    X: np.ndarray, y: np.ndarray, lam: float = 0.01, n_epochs: int = 10, seed: int = 0
) -> LinearFit:
    """Fit a linear SVM by Pegasos; `losses` holds the objective after each epoch."""
    # [exercise 31] Take one subgradient step of the hinge objective per random row, step 1/(λt).
    rng = np.random.default_rng(seed)
    labels = signed(y)
    weights, bias = np.zeros(X.shape[1]), 0.0
    losses, t = [], 0
    for _ in range(n_epochs):
        for i in rng.permutation(len(labels)):
            t += 1
            step = 1.0 / (lam * t)
            inside = labels[i] * (X[i] @ weights + bias) < 1  # on or inside the margin
            # The penalty's gradient is λw. The bias is a weight on a constant feature of 1,
            # penalised too (as in scikit-learn's LinearSVC): unpenalised, its 1/(λt) steps
            # would throw it far away in the first iterations and never bring it back.
            weights, bias = (1 - step * lam) * weights, (1 - step * lam) * bias
            if inside:  # the hinge's subgradient, -y·(x, 1), is zero beyond the margin
                weights = weights + step * labels[i] * X[i]
                bias += step * labels[i]
        losses.append(hinge_objective(LinearFit(weights, bias), X, y, lam))
    return LinearFit(weights, bias, tuple(losses))
    # [/exercise 31]

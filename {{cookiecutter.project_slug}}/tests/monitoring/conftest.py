"""Shared by the monitoring tests: samples named after the columns of the tests' own contract.

The monitor names its samples after params.yaml's columns; these tests use the contract of
tests/conftest.py instead, so they pass whatever params.yaml holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..conftest import make_params

# The tests' contract at import time, for the samples the (parametrized) tests draw.
CONTRACT = make_params().columns
NUMERIC = next(iter(CONTRACT.numeric))
CATEGORICAL = next(iter(CONTRACT.categorical))
CATEGORIES = np.array(CONTRACT.categorical[CATEGORICAL].allowed[:3], dtype=object)


def normal(n: int, seed: int, mean: float = 0.0, name: str = NUMERIC) -> pd.Series:
    """n draws from a normal distribution with standard deviation 1."""
    return pd.Series(np.random.default_rng(seed).normal(mean, 1.0, n), name=name)


def categories(n: int, seed: int, shares: tuple[float, ...] = (0.5, 0.3, 0.2)) -> pd.Series:
    """n values of the contract's categorical column drawn with the given shares."""
    values = np.random.default_rng(seed).choice(CATEGORIES, n, p=shares)
    return pd.Series(values, name=CATEGORICAL)

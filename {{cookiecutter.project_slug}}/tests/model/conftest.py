"""Shared by the model tests: a workspace where the stages have run, and small test data.

Training and a new tracking store each take seconds, so each test module that needs trained
models builds one workspace (module scope) and its tests read what it holds; the stages run on
the shipped params.yaml, made small (`small_params`). Unit tests build their data instead:
churn labels and scores (`churn_data`, `scores_from`), or rows of the tests' own contract
(`customers`).
"""

from __future__ import annotations

import json
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.config import Params, load_params, parse_params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data import acquire, clean
from {{ cookiecutter.package_name }}.model import evaluate, split, train
from {{ cookiecutter.package_name }}.settings import get_settings

from ..conftest import require_exercises

ROOT = Path(__file__).resolve().parents[2]
N_ROWS = 3000


def small_params(n_rows: int = N_ROWS, curves: bool = False) -> dict:
    """The project's params.yaml, made small: fewer rows, folds and resamples, and no learning
    or validation curves (most of the train stage's time; test_stages.py draws them apart)."""
    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    raw["data"]["n_rows"] = n_rows
    raw["model"]["curves"] = curves
    raw["validation"]["n_splits"] = 3
    raw["evaluation"]["bootstrap_resamples"] = 200
    raw["model"]["hyperparameters"]["gradient_boosting"]["max_iter"] = 50
    return raw


def make_workspace(tmp_path_factory: pytest.TempPathFactory, raw: dict) -> Iterator[Path]:
    """A project directory where acquire, clean, split, train and evaluate have run on `raw`."""
    # The cleaner clips outliers (1) and repairs typos (9); training checks leakage (11) and
    # chooses the threshold (3).
    require_exercises(1, 3, 9, 11)
    root = tmp_path_factory.mktemp("project")
    # sort_keys=False: the file keeps params.yaml's order, as a user's edited copy would.
    (root / "params.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
        patch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        patch.delenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", raising=False)
        get_settings.cache_clear()
        params = parse_params(raw)
        acquire.run(params)
        clean.run(params)
        split.run(params)
        train.run(params)
        evaluate.run(params)
        yield root
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The small params' workspace, shared by the tests of one module."""
    yield from make_workspace(tmp_path_factory, small_params())


@pytest.fixture
def workspace_params(workspace: Path) -> Params:
    """The params the workspace's stages ran with (its params.yaml), whichever module built it."""
    return load_params(workspace / "params.yaml")


def read_json(path: Path) -> dict:
    """A JSON file's content."""
    return json.loads(path.read_text(encoding="utf-8"))


def with_changes(**sections: dict) -> Params:
    """The small params with some keys of some sections replaced."""
    raw = small_params()
    for section, values in sections.items():
        raw[section].update(values)
    return parse_params(raw)


def shown(caught: list[warnings.WarningMessage]) -> list[str]:
    """The warnings Python prints by default (deprecations are for library authors)."""
    hidden = (DeprecationWarning, PendingDeprecationWarning)
    return [
        f"{w.category.__name__}: {w.message}" for w in caught if not issubclass(w.category, hidden)
    ]


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def churn_data(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Labels (25% churn) and a hidden propensity that explains them."""
    rng = np.random.default_rng(seed)
    signal = rng.normal(size=n)
    y = (signal + rng.normal(scale=1.0, size=n) > 0.67).astype(int)
    return y, signal


def scores_from(signal: np.ndarray, noise: float, seed: int) -> np.ndarray:
    """Probabilities from the signal blurred by noise: more noise, a worse model."""
    rng = np.random.default_rng(seed)
    blurred = signal + rng.normal(scale=noise, size=signal.size)
    return 1 / (1 + np.exp(-blurred))


# --- Development-like rows of the tests' contract, for the fold and leakage checks.

# Not a column of the contract: a feature the fixture adds, the target plus noise, as a refund
# only paid after a cancellation would be.
LEAK = "leak"
FOLD_ROWS = 600


@pytest.fixture
def customers(contract: ColumnsParams) -> pd.DataFrame:
    """600 interim-like rows of the contract: raw text features, int target, repeated ids.

    Churn (25 %), ids, dates and the leak are drawn first, so that adding a column to the
    contract changes none of them; each feature column is unrelated to churn.
    """
    rng = np.random.default_rng(7)
    churn = (rng.random(FOLD_ROWS) < 0.25).astype(np.int64)
    # 450 possible customers for 600 rows: about a third of the customers have several rows.
    ids = rng.integers(0, 450, size=FOLD_ROWS)
    signup = np.datetime64("2022-01-01") + rng.integers(0, 730, size=FOLD_ROWS)
    leak = np.round(churn + rng.normal(0, 0.3, FOLD_ROWS), 2).astype(str)
    frame = {contract.id: [f"C{i:07d}" for i in ids], contract.time: np.datetime_as_string(signup)}
    for name, spec in contract.numeric.items():
        low = 0.0 if spec.min is None else spec.min
        high = low + 100.0 if spec.max is None else spec.max
        # Written as dirty text ("1,234.50"): the checks parse numbers themselves.
        frame[name] = [f"{value:,.2f}" for value in rng.uniform(low, high, FOLD_ROWS)]
    for name, spec in contract.categorical.items():
        frame[name] = rng.choice(spec.allowed, size=FOLD_ROWS)
    for name in contract.text:
        # Free text that gives churn away, but text is not scored alone: it is skipped.
        frame[name] = np.where(churn == 1, "I am cancelling", "Thanks")
    frame[LEAK] = leak
    frame[contract.target] = churn
    return pd.DataFrame(frame)


@pytest.fixture
def honest(contract: ColumnsParams) -> list[str]:
    """The customers' features unrelated to churn: every numeric and categorical column."""
    return [*contract.numeric, *contract.categorical]

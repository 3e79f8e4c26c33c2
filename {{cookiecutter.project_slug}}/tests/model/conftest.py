"""Shared by the model-stage tests: small params and a workspace where the stages have run.

Training and a new tracking store each take seconds, so each test module that needs trained
models builds one workspace (module scope) and its tests read what it holds.
"""

from __future__ import annotations

import json
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from {{ cookiecutter.package_name }}.config import Params, get_settings, parse_params
from {{ cookiecutter.package_name }}.data import acquire, clean
from {{ cookiecutter.package_name }}.model import evaluate, split, train

from ..conftest import require_exercises

ROOT = Path(__file__).resolve().parents[2]
N_ROWS = 3000


def small_params(n_rows: int = N_ROWS) -> dict:
    """The project's params.yaml, made small: fewer rows, folds and resamples."""
    raw = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    raw["data"]["n_rows"] = n_rows
    raw["validation"]["n_splits"] = 3
    raw["evaluation"]["bootstrap_resamples"] = 200
    raw["model"]["hyperparameters"]["gradient_boosting"]["max_iter"] = 50
    return raw


def make_workspace(tmp_path_factory: pytest.TempPathFactory, raw: dict) -> Iterator[Path]:
    """A project directory where acquire, clean, split, train and evaluate have run on `raw`."""
    require_exercises(1, 3)  # the cleaner clips outliers; training chooses the threshold
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

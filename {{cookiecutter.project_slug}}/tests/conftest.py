"""Shared fixtures: the tests' own data contract and params, and a throw-away project directory.

Unit tests (cleaning, validation, features, folds, the record scorer, drift...) build their data
from TEST_CONTRACT below, never from params.yaml: a learner who edits params.yaml for their own
data must not see them fail. Its column names are deliberately not the shipped ones, so a test
that slips back to a literal such as "monthly_charges" fails at once. Only the config tests and
the stage tests that run the real pipeline (`shipped_params`, `project_dir`) read params.yaml.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from {{ cookiecutter.package_name }}.config import Params, load_params, parse_params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.exercises import unsolved
from {{ cookiecutter.package_name }}.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]


def require_exercises(*numbers: int) -> None:
    """Skip the test (or the fixture's tests) while one of these practice exercises is blank."""
    for exercise in unsolved(numbers):
        pytest.skip(f"depends on exercise {exercise.number} ({exercise.title}), not solved yet")


# One column of each kind. Two numeric columns so that clipping, scaling and segments have
# something to compare; a categorical column with synonyms; free text; a date; an id; a target.
TEST_CONTRACT: dict[str, Any] = {
    "id": "account_id",
    "target": "left",
    "time": "opened_on",
    "numeric": {"spend": {"min": 0, "max": 1000}, "visits": {"min": 0, "max": 365}},
    "categorical": {
        "tier": {
            "allowed": ["bronze", "silver", "gold"],
            "synonyms": {"au": "gold", "ag": "silver", "copper": "bronze"},
        }
    },
    "text": ["note"],
    "max_null_rate": 0.2,
}
# Everything else a unit test may need, small so tests stay fast. Not params.yaml's values:
# a test that depends on one of them states it here or in its own fixture.
TEST_PARAMS: dict[str, Any] = {
    "seed": 7,
    "data": {
        "source": "synthetic",
        "n_rows": 500,
        "dirt": {
            "missing_rate": 0.05,
            "missing_columns": ["spend", "tier", "note"],
            "duplicate_rate": 0.02,
            "repeated_id_rate": 0.01,
            "category_noise_rate": 0.05,
            "numeric_text_rate": 0.1,
            "impossible_rate": 0.005,
            "outlier_rate": 0.005,
        },
    },
    "columns": TEST_CONTRACT,
    "clean": {"clip_quantiles": [0.01, 0.99]},
    "explore": {"later_share": 0.2},
    "validation": {
        "test_split": "time",
        "test_size": 0.2,
        "strategy": "stratified_kfold",
        "n_splits": 3,
        "holdout_size": 0.2,
        "leakage_threshold": 0.95,
    },
    "model": {
        "name": "logistic_regression",
        "drop_columns": [],
        "text_max_features": 20,
        "segments": 0,
        "hyperparameters": {"logistic_regression": {"C": 1.0, "max_iter": 1000}},
        "tuning": {"method": "none", "n_iter": 2},
    },
    "evaluation": {
        "cost_missed_churner": 200,
        "cost_retention_offer": 20,
        "bootstrap_resamples": 200,
        "confidence": 0.95,
    },
    "registry": {
        "model_name": "test-model",
        "metric": "roc_auc",
        "min_improvement": 0.01,
        "guardrails": {
            "max_brier_increase": 0.005,
            "max_latency_ratio": 1.5,
            "max_slice_drop": 0.05,
        },
        "test_set_budget": 10,
    },
    # [api]
    "serving": {
        "max_batch": 100,
        "experiment": {
            "mode": "shadow",
            "challenger_share": 0.1,
            "salt": "test-salt",
            "minimum_detectable_effect": 0.03,
            "alpha": 0.05,
            "power": 0.8,
        },
    },
    # [monitoring]
    "monitoring": {
        "window": 1000,
        "min_predictions": 100,
        "p_value": 0.05,
        "distance": 0.1,
        "dataset_drift_share": 0.5,
        "performance_tolerance": 0.05,
        "min_outcomes": 50,
    },
    # [/monitoring]
    # [/api]
}
FIRST_DAY = date(2021, 1, 1)


def make_params(**sections: dict[str, Any]) -> Params:
    """The tests' params, with some keys of some sections replaced."""
    return parse_params(raw_params(**sections))


@pytest.fixture
def params() -> Params:
    """The tests' own params (TEST_PARAMS, built on TEST_CONTRACT): never params.yaml."""
    return make_params()


@pytest.fixture
def contract(params: Params) -> ColumnsParams:
    """The tests' data contract."""
    return params.columns


def number_in(columns: ColumnsParams, name: str, i: int) -> float:
    """A valid value of numeric column `name` for record i: inside its range, varied with i."""
    spec = columns.numeric[name]
    low = 0.0 if spec.min is None else spec.min
    high = low + 100.0 if spec.max is None else spec.max
    return round(low + (high - low) * ((i * 7) % 20 + 1) / 40, 2)


def raw_row(columns: ColumnsParams, i: int, **changes: str) -> dict[str, str]:
    """Record i of a raw CSV of the contract, every value as text ("" for an empty cell).

    Valid and distinct for every i: the id and date grow with i, numbers stay inside their
    range, categories cycle through the allowed values, every other note is empty and the
    target alternates 0, 1.
    """
    row: dict[str, str] = {}
    if columns.id is not None:
        row[columns.id] = f"A{i:06d}"
    if columns.time is not None:
        row[columns.time] = (FIRST_DAY + timedelta(days=i)).isoformat()
    for name in columns.numeric:
        row[name] = f"{number_in(columns, name, i):.2f}"
    for name, spec in columns.categorical.items():
        row[name] = spec.allowed[i % len(spec.allowed)]
    for name in columns.text:
        row[name] = "Thanks for the help." if i % 2 == 0 else ""
    row[columns.target] = str(i % 2)
    unknown = sorted(set(changes) - set(row))
    if unknown:
        raise KeyError(f"not columns of the contract: {unknown}")
    return row | changes


def raw_frame(columns: ColumnsParams, rows: list[dict[str, str]]) -> pd.DataFrame:
    """Rows as files.read_raw_csv returns them: text in contract order, NaN for empty cells."""
    csv = pd.DataFrame(rows, columns=columns.all).to_csv(index=False)
    return pd.read_csv(StringIO(csv), dtype=str)


def clean_frame(columns: ColumnsParams, n: int) -> pd.DataFrame:
    """n clean records as the clean stage writes them: numbers, dates and 0/1 targets typed."""
    frame = raw_frame(columns, [raw_row(columns, i) for i in range(n)])
    for name in columns.numeric:
        frame[name] = frame[name].astype(float)
    if columns.time is not None:
        frame[columns.time] = pd.to_datetime(frame[columns.time])
    for name in columns.text:
        frame[name] = frame[name].fillna("")
    frame[columns.target] = frame[columns.target].astype(int)
    return frame


@pytest.fixture
def shipped_params() -> Params:
    """The project's own params.yaml with a small data set: for tests that run real stages."""
    loaded = load_params(ROOT / "params.yaml")
    return loaded.model_copy(update={"data": loaded.data.model_copy(update={"n_rows": 2000})})


@pytest.fixture
def project_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_params: Params
) -> Iterator[Path]:
    """An empty project directory holding only params.yaml (2,000 rows); the test runs inside it."""
    text = (ROOT / "params.yaml").read_text(encoding="utf-8")
    text = text.replace("n_rows: 20000", f"n_rows: {shipped_params.data.n_rows}")
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()



# Dirt as real exports write it, used by dirty_frame below: numbers as text in other forms,
# out of range, non-finite or no number; categories respelt, unknown; dates in other forms.
DIRTY_NUMBERS = ("${:.2f}", "{:.2f} ", " {:,.3f}", "1e400", "inf", "abc", "-{:.0f}", "{:.0f}00")
DIRTY_DATES = ("2021-03-14T23:30:00-05:00", "14/03/2021", "2099-01-01", "2021-02-30", "soon")
MESSAGES = ("", "thanks", "refund please", "refund refund", "the app is slow")


def dirty_frame(columns: ColumnsParams, n: int, seed: int = 0) -> pd.DataFrame:
    """n raw records of the contract with random dirt in every column, as read_raw_csv returns them.

    About one value in ten is dirty and one cell in twenty empty; one row in fifty is an exact
    copy of another. The target follows the first numeric column (with noise), so that a model
    has something to learn.
    """
    rng = np.random.default_rng(seed)
    first = next(iter(columns.numeric))
    middle = number_in(columns, first, 10)
    rows = []
    for i in range(n - n // 50):
        row = raw_row(columns, i)
        for name in columns.numeric:
            value = number_in(columns, name, int(rng.integers(1000)))
            row[name] = f"{value:.2f}"
            if rng.random() < 0.1:
                row[name] = str(rng.choice(DIRTY_NUMBERS)).format(value)
            if name == first:
                signal = value > middle
        for name, spec in columns.categorical.items():
            row[name] = str(rng.choice(spec.allowed))
            if rng.random() < 0.1:
                variants = [f"  {row[name].upper()} ", *spec.synonyms, "unheard of"]
                row[name] = str(rng.choice(variants))
        if columns.time is not None and rng.random() < 0.1:
            row[columns.time] = str(rng.choice(DIRTY_DATES))
        for name in columns.text:
            row[name] = str(rng.choice(MESSAGES))
        row[columns.target] = str(int(signal) if rng.random() < 0.8 else i % 2)
        for name in columns.all:
            if name != columns.target and rng.random() < 0.05:
                row[name] = ""
        rows.append(row)
    rows += [rows[int(j)] for j in rng.integers(len(rows), size=n // 50)]
    return raw_frame(columns, rows)


# --- The tests that run the shipped pipeline, and a project directory of the tests' own params


# The fixtures of the shipped pipeline (params.yaml, the synthetic data, trained workspaces).
STAGE_FIXTURES = frozenset(
    {"shipped_params", "project_dir", "workspace", "yaml_params", "synthetic_rows"}
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `stage` every test that uses a fixture of the shipped pipeline, even through another.

    Those tests run real stages on the synthetic data, which has the shipped columns: they pass
    only with the shipped params.yaml. Every other test builds its own data from TEST_CONTRACT,
    and `pytest -m "not stage"` runs just those, whatever params.yaml holds.
    """
    for item in items:
        if STAGE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.stage)


# --- `make test` on several workers (pytest-xdist)

# Test packages whose tests share one package-scoped fixture (tests/serving: a trained registry).
SHARED_PACKAGES = frozenset({"serving"})


def worker_group(nodeid: str) -> str:
    """The tests one worker runs together: a shared package's, or else one file's."""
    path = nodeid.split("::", 1)[0]  # tests/serving/routes/test_admin.py
    parts = path.split("/")
    return parts[1] if len(parts) > 2 and parts[1] in SHARED_PACKAGES else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Give each worker whole groups (`worker_group`): a file's tests share the workspace they
    train, a shared package's tests its fixture, and split up they would train it again."""
    from xdist.scheduler import LoadScopeScheduling

    class ByWorkspace(LoadScopeScheduling):
        """xdist's scheduler by scope, with `worker_group` as the scope of a test."""

        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return ByWorkspace(config, log)


def raw_params(**sections: dict[str, Any]) -> dict[str, Any]:
    """The tests' params as params.yaml holds them, with some keys of some sections replaced.

    A deep copy: a test may break any part of it without touching TEST_PARAMS.
    """
    raw = copy.deepcopy(TEST_PARAMS)
    for section, values in sections.items():
        raw[section] = {**raw[section], **values}
    return raw


def write_params(raw: dict[str, Any], path: Path = Path("params.yaml")) -> None:
    """Write raw params as a params.yaml file (by default the one of the current directory)."""
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")


def csv_text(columns: ColumnsParams, rows: list[dict[str, str]]) -> str:
    """A raw CSV file of the contract holding these rows, header first."""
    return pd.DataFrame(rows, columns=columns.all).to_csv(index=False)


@pytest.fixture
def contract_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty project directory whose params.yaml holds the tests' params; the test runs in it."""
    write_params(TEST_PARAMS, tmp_path / "params.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()

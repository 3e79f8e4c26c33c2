"""Shared fixtures: a small, valid set of params and a throw-away project directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.config import Params, get_settings, load_params
from {{ cookiecutter.package_name }}.exercises import unsolved

ROOT = Path(__file__).resolve().parents[1]


def require_exercises(*numbers: int) -> None:
    """Skip the test (or the fixture's tests) while one of these practice exercises is blank."""
    for exercise in unsolved(numbers):
        pytest.skip(f"depends on exercise {exercise.number} ({exercise.title}), not solved yet")


@pytest.fixture
def params() -> Params:
    """The project's own params.yaml, with a small data set so tests stay fast."""
    loaded = load_params(ROOT / "params.yaml")
    return loaded.model_copy(update={"data": loaded.data.model_copy(update={"n_rows": 2000})})


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, params: Params) -> Iterator[Path]:
    """An empty project directory holding only params.yaml (2,000 rows); the test runs inside it."""
    text = (ROOT / "params.yaml").read_text(encoding="utf-8")
    text = text.replace("n_rows: 20000", f"n_rows: {params.data.n_rows}")
    (tmp_path / "params.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()

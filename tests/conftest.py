"""Shared helpers for the template tests: the hooks as modules and the tools the tests call."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path
from types import ModuleType

import pytest

TEMPLATE = Path(__file__).resolve().parents[1]
PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"


def load_hook(name: str) -> ModuleType:
    """Import a hook file as a module (its Jinja line only runs under __main__)."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def uv() -> str:
    """The uv binary: the Makefile exports it; a plain `pytest` finds it on the PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if not found or not Path(found).exists():
        pytest.fail("uv is needed to install a baked project: run the tests with `make test`.")
    return found

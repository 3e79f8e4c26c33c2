"""The generated project's whole test suite, `make test`, on a default bake, as chapter 12 runs it.

Chapter 12's `make test` block is left out of the tutorial's chain (tests/test_tutorial.py): the
suite takes minutes, and as a file of its own it runs on the other worker, beside the chapters.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from .conftest import TEMPLATE, run

pytestmark = pytest.mark.slow


def test_make_test_passes_in_a_default_project(env: dict[str, str], tmp_path: Path) -> None:
    run(
        f"{sys.executable} -m cookiecutter --no-input --output-dir {tmp_path} {TEMPLATE}",
        tmp_path,
        env,
    )
    project = tmp_path / "customer-churn"

    output = run("make install && make test", project, env)

    assert re.search(r"\d+ passed", output), output[-2000:]
    assert not re.search(r"\d+ (failed|errors?)\b", output), output[-2000:]

"""A small bank of the tests' own (three questions, one of each kind), in a throw-away project."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.quiz import bank

INTRO = """\
questions:
  - id: define-leakage
    kind: open
    skills: [leakage]
    self_check: true
    prompt: |-
      What is data leakage?
    answer: |-
      Information in training that is not
      available when the model predicts.
    points:
      - not available at prediction time
      - scores too good
"""
MODELS = """\
questions:
  - id: gini
    kind: choice
    skills: [decision-trees]
    prompt: Which criterion does a classification tree use by default in scikit-learn?
    choices: [Entropy, Gini impurity, Squared error]
    correct: 2
    answer: Gini impurity.
  - id: gd-step
    kind: numeric
    skills: [gradient-descent, decision-trees]
    prompt: One step on (w - 3)^2 from w = 0 with learning rate 0.1?
    value: 0.6
    tolerance: 0.001
    answer: w = 0 - 0.1 * (-6) = 0.6.
"""


def write_bank(folder: Path, files: dict[str, str]) -> Path:
    """Write bank files into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def small_bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the working directory) whose drill asks the three questions above."""
    folder = write_bank(tmp_path / "bank", {"01-intro.yaml": INTRO, "02-models.yaml": MODELS})
    monkeypatch.setattr(bank, "BANK_DIR", folder)
    monkeypatch.chdir(tmp_path)
    return folder

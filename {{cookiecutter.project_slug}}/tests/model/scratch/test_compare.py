"""The side-by-side comparison runs every pair on the tests' own contract, agreeing with sklearn."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.transformers import QuantileClipper
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError
from {{ cookiecutter.package_name }}.exercises import unsolved
from {{ cookiecutter.package_name }}.model.scratch.compare import compare, regression_target
from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA

from ...conftest import dirty_frame, require_exercises

SCRATCH = (17, 18, 19, 20, 21, 22, 23, 30, 31, 32)


@pytest.fixture
def development(contract: ColumnsParams) -> pd.DataFrame:
    """400 raw development rows of the tests' contract (the cleaner needs exercise 1)."""
    require_exercises(1)
    return dirty_frame(contract, 400, seed=1)


def test_every_pair_is_scored_on_the_same_rows(params: Params, development) -> None:
    comparison = compare(params, development, n_rows=400, target="visits")

    assert (comparison.n_train, comparison.n_valid) == (300, 100)
    assert comparison.regression_target == "visits"
    results = {
        name: (number, metric, ours, ref) for name, number, metric, ours, ref in comparison.results
    }
    assert [number for number, *_ in results.values()] == [
        17,
        21,
        22,
        23,
        23,
        30,
        31,
        32,
        20,
        18,
        19,
    ]
    blank = {exercise.number for exercise in unsolved(SCRATCH)}
    for name, (number, metric, ours, reference) in results.items():
        assert (ours is None) == (number in blank or (number == 23 and 22 in blank)), name
        if metric == "ROC AUC":
            assert 0.5 < reference <= 1.0, name
    if not blank:
        # The exact methods agree to rounding; gradient descent and the trees come close.
        assert results["naive Bayes"][2] == pytest.approx(results["naive Bayes"][3], abs=1e-6)
        assert results["k-means, 4 clusters"][2] == pytest.approx(results["k-means, 4 clusters"][3])
        normal = results["linear regression (normal eq.)"]
        assert normal[2] == pytest.approx(normal[3], abs=1e-6)
        assert results["logistic regression"][2] == pytest.approx(
            results["logistic regression"][3], abs=0.02
        )
        assert comparison.rows()[0][3] == f"{results['logistic regression'][2]:.3f}"


def test_the_first_numeric_column_is_the_default_regression_target(params: Params) -> None:
    assert regression_target(params, None) == "spend"
    assert regression_target(params, "visits") == "visits"


@pytest.mark.parametrize(
    ("rows", "target", "message"),
    [
        (50, None, "--rows must be at least 100, not 50."),
        (400, "tier", "must be a numeric model column (spend, visits), not tier."),
    ],
)
def test_bad_options_are_refused_in_one_sentence(
    params, development, rows, target, message
) -> None:
    with pytest.raises(ParamsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compare(params, development, n_rows=rows, target=target)


def test_the_command_prints_the_table(contract_dir: Path, contract, development) -> None:
    DEVELOPMENT_DATA.parent.mkdir(parents=True)
    development.to_parquet(DEVELOPMENT_DATA)

    result = CliRunner().invoke(app, ["scratch", "compare", "--rows", "200", "--target", "visits"])

    assert result.exit_code == 0, result.output
    assert "from scratch vs scikit-learn (150 training rows, 50 validation rows" in result.output
    assert "naive Bayes" in result.output and "make exercises" in result.output


def test_a_blank_cleaning_exercise_is_named_in_one_sentence(
    params: Params, contract: ColumnsParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    def blank(self, X):
        raise NotImplementedError("Exercise 1: clip each column.")

    monkeypatch.setattr(QuantileClipper, "transform", blank)

    with pytest.raises(DataError, match=r"^The features need it first: Exercise 1: clip each"):
        compare(params, dirty_frame(contract, 200), n_rows=200)


def test_the_command_without_the_split_says_what_to_run(contract_dir: Path) -> None:
    result = CliRunner().invoke(app, ["scratch", "compare"])

    assert result.exit_code == 1
    assert "model split" in result.output

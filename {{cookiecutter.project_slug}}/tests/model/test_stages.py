"""The model stages end to end on a small data set: split, train, evaluate and compare.

The workspace (data, models, an MLflow SQLite store; see conftest.py) is built once for the
module. Tests that change params work on copies and check that a failure leaves the workspace
untouched.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import errors
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.errors import LeakageError, ParamsError
from {{ cookiecutter.package_name }}.model import (
    compare,
    cross_validation,
    evaluate,
    split,
    tracking,
    train,
    tuning,
)
from {{ cookiecutter.package_name }}.model.algorithms import TABLE, build_estimator
from {{ cookiecutter.package_name }}.model.features import build_pipeline, model_input
from {{ cookiecutter.package_name }}.paths import (
    BASELINE_FILES,
    DEVELOPMENT_DATA,
    EVALUATION_FIGURES,
    EVALUATION_PLOTS,
    INTERIM_DATA,
    LEADERBOARD_JSON,
    METRICS_JSON,
    MODEL_CARD,
    MODEL_FILE,
    SPLIT_JSON,
    TEST_DATA,
    TEST_SCORES,
    TRAINING_JSON,
    TRAINING_REPORT,
)
from {{ cookiecutter.package_name }}.settings import get_settings

from ..conftest import require_exercises
from .conftest import free_port, read_json, shown, small_params, with_changes

# --- split


def test_split_is_disjoint_complete_and_in_time_order(workspace: Path) -> None:
    interim = pd.read_parquet(INTERIM_DATA)
    development, test = pd.read_parquet(DEVELOPMENT_DATA), pd.read_parquet(TEST_DATA)

    assert len(development) + len(test) == len(interim)
    assert set(development["customer_id"]).isdisjoint(test["customer_id"])
    assert development["signup_date"].max() <= test["signup_date"].min()
    assert len(test) == pytest.approx(0.2 * len(interim), abs=10)


def test_split_report_describes_both_sides(workspace: Path) -> None:
    report = read_json(SPLIT_JSON)

    assert report["mode"] == "time"
    assert report["development"]["last_signup"] <= report["test"]["first_signup"]
    assert 0.5 <= report["adversarial_auc"] <= 1.0
    assert report["adversarial_verdict"].startswith(f"ROC AUC {report['adversarial_auc']:.2f}")


# --- train


def test_training_records_the_model_file_hash_and_run(workspace: Path) -> None:
    training = read_json(TRAINING_JSON)
    shipped = parse_params(small_params())

    assert training["algorithm"] == shipped.model.name
    assert training["sha256"] == tracking.file_sha256(MODEL_FILE)
    run = mlflow.get_run(training["run_id"])
    assert run.data.params["algorithm"] == shipped.model.name
    assert run.data.params["validation.strategy"] == shipped.validation.strategy
    assert 0.5 < run.data.metrics["cv_valid_roc_auc_mean"] <= 1.0
    assert sorted(d.dataset.name for d in run.inputs.dataset_inputs) == ["development", "test"]


def test_training_report_beats_the_dummy_and_checks_leakage(workspace: Path) -> None:
    report = read_json(TRAINING_REPORT)

    assert report["folds"] == 3
    assert report["cv"]["valid_roc_auc_mean"] > 0.6
    assert report["cv"]["train_roc_auc_mean"] >= report["cv"]["valid_roc_auc_mean"]
    # The trap column is dropped, so the leakage check never saw it, and no honest feature trips it.
    assert "refund_amount" not in report["leakage_check"]
    assert max(report["leakage_check"].values()) < 0.95


def test_the_curves_grow_the_training_rows_and_the_complexity_on_a_few_folds(
    workspace: Path,
) -> None:
    require_exercises(13)  # the learning curve is read as bias or variance
    # The workspace trained without them (small_params): the stage's helper draws them here, on
    # 1,000 development rows to keep its 30 fits quick.
    params = parse_params(small_params(curves=True))
    development = pd.read_parquet(DEVELOPMENT_DATA).head(1000)
    splits, _ = cross_validation.checked_folds(development, params)
    X, y = model_input(development, params), development["churn"].to_numpy()
    hyperparameters = params.model.hyperparameters[params.model.name]
    pipeline = build_pipeline(params, build_estimator(params.model.name, hyperparameters, 0))

    model_folds = cross_validation.cross_validate(pipeline, X, y, splits).folds

    report, figures = train.bias_variance_curves(
        pipeline, params, hyperparameters, X, y, splits, model_folds
    )

    learning = report["learning_curve"]
    assert len(learning["train_sizes"]) == len(cross_validation.LEARNING_SIZES)
    assert learning["train_sizes"] == sorted(learning["train_sizes"])
    assert learning["train_sizes"][-1] == pytest.approx(len(development) * 2 / 3, abs=2)  # 3 folds
    assert learning["verdict"].split(":")[0] in {
        "good fit", "high variance (over-fitting)", "high bias (under-fitting)"
    }  # fmt: skip
    curve = report["validation_curve"]
    complexity = TABLE[params.model.name].complexity
    assert curve["hyperparameter"] == complexity
    assert curve["values"] == list(TABLE[params.model.name].curve)
    assert len(curve["values"]) == len(curve["train_roc_auc"]) == len(curve["validation_roc_auc"])
    # The curve's right end is the most complex model: it fits its training rows better.
    assert curve["train_roc_auc"][-1] > curve["train_roc_auc"][0]
    assert set(figures) == {"learning_curve.png", "validation_curve.png"}
    # The curves read their full-size, chosen-value point from the cross-validation instead of
    # fitting it again: that is sound because a refit on the same rows scores the same.
    refit = cross_validation.cross_validate(pipeline, X, y, splits[:1]).folds
    pd.testing.assert_frame_equal(
        refit.drop(columns="fit_seconds"), model_folds.head(1).drop(columns="fit_seconds")
    )
    assert learning["validation_roc_auc"][-1] == pytest.approx(
        model_folds["valid_roc_auc"].head(3).mean(), abs=1e-3
    )
    if hyperparameters.get(complexity) in curve["values"]:
        chosen = curve["values"].index(hyperparameters[complexity])
        assert curve["validation_roc_auc"][chosen] == learning["validation_roc_auc"][-1]


def test_the_leakage_trap_stops_training_and_keeps_the_model(workspace: Path) -> None:
    before = MODEL_FILE.read_bytes()

    with pytest.raises(LeakageError, match="refund_amount"):
        train.run(with_changes(model={"drop_columns": []}))

    assert MODEL_FILE.read_bytes() == before


def test_grid_tuning_tries_every_candidate_on_the_folds_and_keeps_the_best(
    workspace: Path,
) -> None:
    raw = small_params()
    raw["model"]["name"] = "logistic_regression"
    raw["model"]["tuning"] = {
        "method": "grid",
        "n_iter": 10,
        "search_space": {"logistic_regression": {"C": [0.0001, 1.0]}},
    }
    params = parse_params(raw)
    development = pd.read_parquet(DEVELOPMENT_DATA)
    splits, _ = cross_validation.checked_folds(development, params)
    X, y = model_input(development, params), development["churn"].to_numpy()

    chosen, tried = tuning.tune(params, X, y, splits)

    assert [row["C"] for row in tried] == [0.0001, 1.0]
    best = max(tried, key=lambda row: row["roc_auc"])
    assert chosen == {"C": best["C"], "max_iter": 1000}
    # Heavy regularisation flattens the model: the search must not keep it.
    assert best["C"] == 1.0


def test_group_kfold_without_an_id_column_is_one_sentence(workspace: Path) -> None:
    require_exercises(2)  # group k-fold refuses the missing id column
    raw = small_params()
    raw["validation"]["strategy"] = "group_kfold"
    raw["columns"]["id"] = None
    raw["columns"]["group"] = None  # group_kfold falls back to the id, and there is none

    with pytest.raises(ParamsError, match="id"):
        train.run(parse_params(raw))


def test_an_unreachable_tracking_server_stops_before_any_work(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, workspace_params: Params
) -> None:
    before = TRAINING_JSON.read_bytes()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")

    with pytest.raises(errors.TrackingError, match=r"127\.0\.0\.1"):
        train.run(workspace_params)

    assert TRAINING_JSON.read_bytes() == before


# --- evaluate


def test_metrics_have_intervals_around_the_estimates(workspace: Path) -> None:
    metrics = read_json(METRICS_JSON)

    assert metrics["threshold"] == read_json(TRAINING_JSON)["threshold"]
    assert metrics["test_rows"] == len(pd.read_parquet(TEST_DATA))
    for name, interval in metrics["model"].items():
        assert interval["lower"] <= interval["estimate"] <= interval["upper"], name
    assert metrics["model"]["roc_auc"]["estimate"] > metrics["dummy"]["roc_auc"] == 0.5
    cost = metrics["cost_per_customer"]
    assert cost["model"] < min(cost["flag_nobody"], cost["flag_everyone"])


def test_evaluation_writes_scores_figures_and_a_model_card(workspace: Path) -> None:
    scores = pd.read_parquet(TEST_SCORES)
    card = MODEL_CARD.read_text(encoding="utf-8")

    assert list(scores.columns) == ["model", "reference", "dummy", "churn"]
    assert len(scores) == len(pd.read_parquet(TEST_DATA))
    assert scores[["model", "reference", "dummy"]].stack().between(0, 1).all()
    assert sorted(path.name for path in EVALUATION_FIGURES.iterdir()) == [
        "calibration.png",
        "confusion_matrix.png",
        "cost_curve.png",
        "permutation_importance.png",
        "precision_recall.png",
        "roc.png",
    ]
    # The curves as data too, for dvc plots: the model's ROC curve ends at (1, 1).
    assert sorted(path.name for path in EVALUATION_PLOTS.iterdir()) == [
        "calibration.csv",
        "precision_recall.csv",
        "roc.csv",
    ]
    roc = pd.read_csv(EVALUATION_PLOTS / "roc.csv")
    assert roc.iloc[-1].tolist() == [1.0, 1.0]
    for section in (
        "## Intended use",
        "## Validation strategy",
        "## Metrics on the final test set",
        "## Results by slice",
        "## Known limitations",
    ):
        assert section in card
    # One slice per allowed value of each categorical input, as the model's cleaning reads the
    # test rows (misspellings repaired), in the card and the JSON.
    categorical = with_changes().model_columns.categorical
    slices = read_json(METRICS_JSON)["slices"]
    assert {entry["column"] for entry in slices} == set(categorical)
    for entry in slices:
        assert entry["value"] in categorical[entry["column"]].allowed, entry
    test_rows = len(pd.read_parquet(TEST_DATA))
    for column in categorical:
        # Every test row but the few whose value was missing or beyond repair.
        rows = sum(entry["rows"] for entry in slices if entry["column"] == column)
        assert 0.9 * test_rows <= rows <= test_rows, column
    first = slices[0]
    assert f"| {first['column']} = {first['value']} | {first['rows']} |" in card


def test_same_params_give_the_same_metrics_and_model_files_quietly(
    workspace: Path, workspace_params: Params, capfd: pytest.CaptureFixture[str]
) -> None:
    before = METRICS_JSON.read_bytes(), TRAINING_REPORT.read_bytes()
    training = read_json(TRAINING_JSON)
    files = {path: path.read_bytes() for path in (MODEL_FILE, *BASELINE_FILES.values())}

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        split.run(workspace_params)
        train.run(workspace_params)
        evaluate.run(workspace_params)

    assert (METRICS_JSON.read_bytes(), TRAINING_REPORT.read_bytes()) == before
    # The same model gives the same bytes, in models/ and in the MLflow store (a new run)
    retrained = read_json(TRAINING_JSON)
    assert retrained["run_id"] != training["run_id"]
    assert {path: path.read_bytes() for path in files} == files
    assert retrained["sha256"] == retrained["logged_sha256"] == training["sha256"]
    assert retrained["baselines_sha256"] == training["baselines_sha256"]
    # Nothing but the stages' own output: no warning, no download progress bar
    assert shown(caught) == []
    output = capfd.readouterr()
    assert "%|" not in output.err + output.out and "Downloading" not in output.err


def test_a_tampered_model_file_is_refused(workspace: Path, workspace_params: Params) -> None:
    original = MODEL_FILE.read_bytes()
    try:
        MODEL_FILE.write_bytes(original + b"\0")
        with pytest.raises(errors.ModelError, match="sha256"):
            evaluate.run(workspace_params)
    finally:
        MODEL_FILE.write_bytes(original)


# --- compare


def test_compare_ranks_the_algorithms_with_the_baselines(
    workspace: Path, workspace_params: Params
) -> None:
    require_exercises(37)  # each algorithm's row of the leaderboard
    result = compare.run(workspace_params, ["logistic_regression", "decision_tree"], max_rows=1000)

    board = result.board
    assert set(board.index) == {"logistic_regression", "decision_tree", "reference", "dummy"}
    assert board["roc_auc_mean"].is_monotonic_decreasing
    assert board.loc["dummy", "roc_auc_mean"] == 0.5
    saved = read_json(LEADERBOARD_JSON)
    assert saved == result.to_json()
    assert [row["algorithm"] for row in saved["leaderboard"]] == list(board.index)
    assert [row[0] for row in result.rows()] == list(board.index)
    assert {row[0]: row[1] for row in result.rows()}["dummy"] == "0.500 ± 0.000"  # ROC AUC
    children = mlflow.search_runs(
        filter_string=f"tags.mlflow.parentRunId = '{result.run_id}'",
        search_all_experiments=True,
    )
    assert sorted(children["params.algorithm"]) == sorted(board.index)


def test_compare_refuses_an_unknown_algorithm(workspace: Path, workspace_params: Params) -> None:
    with pytest.raises(ParamsError, match="Unknown algorithm 'xgboost'"):
        compare.run(workspace_params, ["xgboost"])


# --- the CLI


def test_the_cli_prints_one_sentence_for_a_misspelt_model_name(workspace: Path) -> None:
    raw = small_params()
    raw["model"]["name"] = "random_forrest"
    Path("bad.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", "bad.yaml")
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["model", "train"])
    get_settings.cache_clear()

    assert result.exit_code == 1
    assert "model.name" in result.output
    assert "Traceback" not in result.output


def test_the_cli_compare_prints_the_leaderboard(workspace: Path) -> None:
    require_exercises(37)  # each algorithm's row of the leaderboard
    result = CliRunner().invoke(app, ["model", "compare", "-a", "naive_bayes", "--max-rows", "800"])

    assert result.exit_code == 0, result.output
    assert "naive_bayes" in result.output
    assert "reference" in result.output
    assert np.isfinite(read_json(LEADERBOARD_JSON)["leaderboard"][0]["roc_auc_mean"])


# --- the validation checks of chapter 5


def test_folds_gap_scores_the_model_on_random_and_on_account_grouped_folds(
    workspace: Path,
) -> None:
    require_exercises(2)  # group k-fold
    result = CliRunner().invoke(app, ["model", "folds-gap", "--splits", "3"])

    assert result.exit_code == 0, result.output
    gap = read_json(workspace / "reports/folds_gap.json")
    assert gap["group_column"] == "account_id" and gap["n_splits"] == 3
    leak = gap["stratified_kfold_roc_auc"] - gap["group_kfold_roc_auc"]
    assert gap["gap"] == pytest.approx(leak, abs=1e-6)
    assert 0.6 < gap["group_kfold_roc_auc"] < 0.95
    assert f"{gap['gap']:+.3f}" in result.output


def test_nested_cv_scores_the_tuning_below_the_tuned_best(workspace: Path) -> None:
    raw = small_params()
    raw["model"]["name"] = "decision_tree"
    raw["model"]["tuning"]["method"] = "grid"
    Path("tuned.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("{{ cookiecutter.package_name | upper }}_PARAMS_PATH", "tuned.yaml")
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["model", "nested-cv", "--max-rows", "1000"])
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    nested = read_json(workspace / "reports/nested_cv.json")
    assert len(nested["outer_folds"]) == 3  # small_params: 3 folds
    assert nested["nested_cv_roc_auc"] < nested["tuned_cv_roc_auc"]
    assert "nested CV" in result.output and "1,000" in result.output


def test_nested_cv_without_tuning_is_one_sentence(workspace: Path) -> None:
    result = CliRunner().invoke(app, ["model", "nested-cv"])

    assert result.exit_code == 1
    assert "set model.tuning.method to grid or random" in result.output
    assert "Traceback" not in result.output

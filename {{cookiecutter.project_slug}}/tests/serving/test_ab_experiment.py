"""A/B experiments end to end: simulated traffic through the app, then the report's verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.ab import report, simulate
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError
from {{ cookiecutter.package_name }}.settings import Settings

from ..conftest import require_exercises


def ab_params(params: Params, effect: float = 0.03) -> Params:
    """The workspace's params with a 50/50 A/B experiment designed to detect `effect`."""
    experiment = params.serving.experiment.model_copy(
        update={"mode": "ab", "challenger_share": 0.5, "minimum_detectable_effect": effect}
    )
    return params.model_copy(
        update={"serving": params.serving.model_copy(update={"experiment": experiment})}
    )


def settings_in(tmp_path: Path) -> Settings:
    """Settings whose prediction log is a fresh file of this test."""
    return Settings(prediction_log_url=f"sqlite:///{tmp_path / 'ab.db'}")


def test_an_aa_test_is_not_called_significant(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    require_exercises(5, 6)  # the traffic is split by assign(), the report checks the split
    design = ab_params(workspace_params, effect=0.08)
    simulate.run(design, settings_in(tmp_path), n=3000, effect=0.0, seed=1)

    result = report.run(design, settings_in(tmp_path))

    assert result.srm["mismatch"] is False
    assert result.comparison["significant"] is False
    assert result.comparison["ci_low"] < 0 < result.comparison["ci_high"]
    assert result.verdict.endswith("no significant difference.")


def test_a_true_effect_of_the_planned_size_is_detected(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    require_exercises(5, 6)  # the traffic is split by assign(), the report checks the split
    design = ab_params(workspace_params, effect=0.08)
    simulate.run(design, settings_in(tmp_path), n=3000, effect=-0.08, seed=2)

    result = report.run(design, settings_in(tmp_path))

    comparison = result.comparison
    assert comparison["significant"] is True
    assert comparison["ci_high"] < 0
    assert comparison["difference"] == pytest.approx(-0.08, abs=0.04)
    assert result.required_units_per_variant < min(result.units_with_outcome.values())
    assert result.peeking_warning is None
    assert "significantly lower" in result.verdict
    saved = json.loads(report.AB_REPORT.read_text(encoding="utf-8"))
    assert saved == result.to_json()
    assert report.AB_FIGURE.stat().st_size > 0


def test_an_imbalanced_split_trips_the_srm_check(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    require_exercises(5, 6)  # the traffic is split by assign(), the report checks the split
    design = ab_params(workspace_params)
    simulate.run(design, settings_in(tmp_path), n=3000, effect=0.0, share=0.6, seed=3)

    result = report.run(design, settings_in(tmp_path))

    assert result.srm["mismatch"] is True
    assert result.units["challenger"] > 1700
    assert result.verdict.startswith("Sample ratio mismatch")


def test_reading_results_before_the_planned_size_warns_about_peeking(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    require_exercises(5, 6)  # the traffic is split by assign(), the report checks the split
    design = ab_params(workspace_params, effect=0.01)
    simulate.run(design, settings_in(tmp_path), n=300, effect=0.0, seed=4)

    result = report.run(design, settings_in(tmp_path))

    assert result.required_units_per_variant > 10_000
    assert "planned sample size" in result.peeking_warning
    assert result.peeking_warning in result.verdict


def test_an_empty_log_is_one_sentence(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    with pytest.raises(DataError, match="holds no served prediction yet"):
        report.run(workspace_params, settings_in(tmp_path))


def test_an_impossible_effect_is_refused(
    workspace: Path, workspace_params: Params, tmp_path: Path
) -> None:
    with pytest.raises(ParamsError, match="--effect must be between"):
        simulate.run(ab_params(workspace_params), settings_in(tmp_path), n=100, effect=0.9)


def test_the_cli_simulates_then_reports(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_exercises(5, 6)  # the traffic is split by assign(), the report checks the split
    monkeypatch.setenv("{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    from {{ cookiecutter.package_name }}.settings import get_settings

    get_settings.cache_clear()
    try:
        simulated = CliRunner().invoke(app, ["ab", "simulate", "--n", "400", "--share", "0.5"])
        reported = CliRunner().invoke(app, ["ab", "report"])
    finally:
        get_settings.cache_clear()

    assert simulated.exit_code == 0, simulated.output
    assert "churn rate champion / challenger" in simulated.output
    assert reported.exit_code == 0, reported.output
    # params.yaml's experiment is shadow: the 50/50 traffic simulated here is a mismatch.
    assert "Sample ratio check" in reported.output
    assert "MISMATCH" in reported.output

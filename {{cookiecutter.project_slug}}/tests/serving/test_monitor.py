"""monitor check on real traffic through the app: quiet without drift, loud with it."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError
from {{ cookiecutter.package_name }}.monitoring import benchmark as monitor_benchmark
from {{ cookiecutter.package_name }}.monitoring import feedback, monitor, simulate
from {{ cookiecutter.package_name }}.monitoring import report as monitor_report
from {{ cookiecutter.package_name }}.paths import DEVELOPMENT_DATA, FEEDBACK_DATA
from {{ cookiecutter.package_name }}.serving.app import create_app
from {{ cookiecutter.package_name }}.serving.load_generator import simulated_customers
from {{ cookiecutter.package_name }}.serving.model_store import ModelStore
from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
from {{ cookiecutter.package_name }}.settings import Settings, get_settings

from ..conftest import require_exercises

N = 1500
# A broad covariate shift: more than half of the monitored columns move.
SHIFTS = {
    "age": lambda age: min(age + 25, 100),
    "monthly_charges": lambda amount: amount * 3,
    "total_charges": lambda amount: amount * 5,
    "tenure_months": lambda months: months + 48,
    "days_since_last_login": lambda days: days + 60,
    "support_tickets": lambda tickets: tickets + 4,
}


def champion_only(params: Params) -> Params:
    """The params with the experiment off: every request answered by the champion."""
    experiment = params.serving.experiment.model_copy(update={"mode": "off"})
    serving = params.serving.model_copy(update={"experiment": experiment})
    return params.model_copy(update={"serving": serving})


def serve_traffic(
    params: Params,
    store: ModelStore,
    url: str,
    records: list[dict[str, Any]],
    outcomes: np.ndarray,
) -> None:
    """Send the records through the app in batches, then feed back each one's outcome."""
    with TestClient(
        create_app(champion_only(params), Settings(prediction_log_url=url), store)
    ) as c:
        ids = []
        for start in range(0, len(records), 500):
            response = c.post("/predict/batch", json=records[start : start + 500])
            assert response.status_code == 200, response.text
            ids += [answer["prediction_id"] for answer in response.json()["predictions"]]
    PredictionLog(url).add_outcomes(dict(zip(ids, (int(y) for y in outcomes), strict=True)))


def like_training(
    workspace: Path, params: Params, n: int, seed: int
) -> tuple[list[dict[str, Any]], np.ndarray]:
    """Simulated customers from the training period: signed up no later than the last
    development row (the final test set holds the latest signups, and customers who signed
    up later are shorter on the books: a real drift, not the no-drift case)."""
    development = pd.read_parquet(workspace / DEVELOPMENT_DATA)
    last = pd.to_datetime(development[params.columns.time]).max()
    records, churned = simulated_customers(params, 3 * n, seed=seed, with_missing=True)
    keep = [i for i, r in enumerate(records) if pd.Timestamp(r[params.columns.time]) <= last]
    keep = keep[:n]
    return [records[i] for i in keep], churned[keep]


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A fresh prediction log for the test."""
    return f"sqlite:///{tmp_path / 'predictions.db'}"


@pytest.fixture(autouse=True)
def solved_monitoring_exercises() -> None:
    """Skip this module while exercises 7, 15 or 16 are blank.

    Every numeric column's drift reports a PSI (7) and, on a reference of more than 1,000 rows,
    a Wasserstein distance (15); every check judges the performance on outcomes (16).
    """
    require_exercises(7, 15, 16)


def test_traffic_like_the_training_data_raises_no_alert(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, N, seed=7)
    serve_traffic(workspace_params, store, url, records, churned)

    report = monitor.run_check(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    assert report["alerts"] == []
    assert report["warnings"] == [], report["warnings"]
    [version] = report["versions"]
    assert version["version"] == "1" and version["predictions"] == N
    assert version["dataset_drift"] is False
    assert set(version["drifted_columns"]) <= {"prediction"}
    assert version["performance"]["outcomes"] == N
    assert version["performance"]["roc_auc"] > version["performance"]["test_roc_auc"] - 0.05
    assert json.loads((workspace / monitor.MONITORING_JSON).read_text()) == report


def test_shifted_inputs_are_named_and_raise_an_alert(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, N, seed=8)
    for record in records:  # an older, richer clientele, long on the books and on the phone
        for name, change in SHIFTS.items():
            if record[name] is not None:
                record[name] = change(record[name])
        record["contract"], record["plan"] = "two_year", "premium"
    serve_traffic(workspace_params, store, url, records, churned)

    report = monitor.run_check(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    [version] = report["versions"]
    assert {*SHIFTS, "contract", "plan"} <= set(version["drifted_columns"])
    assert "country" not in version["drifted_columns"]
    assert version["dataset_drift"] is True
    assert report["alerts"][0].startswith("Data drift: ")
    assert "monthly_charges" in report["alerts"][0]
    assert json.loads((workspace / monitor.RETRAIN_SIGNAL).read_text())["reasons"]


def test_a_changed_relation_to_churn_is_caught_by_the_performance_check(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, N, seed=9)
    # Who churned now stays, and back.
    serve_traffic(workspace_params, store, url, records, 1 - churned)

    report = monitor.run_check(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    [version] = report["versions"]
    assert version["dataset_drift"] is False  # the inputs look just as before
    assert version["performance"]["alert"] is not None
    assert any(alert.startswith("Performance: ROC AUC") for alert in report["alerts"])


def test_an_empty_log_is_one_sentence(workspace_params: Params, url: str) -> None:
    with pytest.raises(DataError, match="holds no served prediction yet"):
        monitor.run_check(
            workspace_params, PredictionLog(url), workspace_params.registry.model_name
        )


def test_the_cli_exits_1_on_an_alert(
    workspace: Path,
    workspace_params: Params,
    store: ModelStore,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records, churned = like_training(workspace, workspace_params, 400, seed=10)
    serve_traffic(workspace_params, store, url, records, 1 - churned)
    monkeypatch.setenv("{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["monitor", "check"])
        page = CliRunner().invoke(app, ["monitor", "report"])
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 1, result.output
    assert "Version 1: 400 predictions" in result.output
    assert "ALERT Performance: ROC AUC" in result.output
    assert page.exit_code == 0, page.output  # a report is no gate: it always exits 0
    assert "Written to reports/monitoring.html" in page.output


class Page(HTMLParser):
    """What the report page holds: its images' sources, links, and whether it parsed."""

    @staticmethod
    def images_of(text: str) -> list[str]:
        """The sources of every image of an HTML text."""
        page = Page()
        page.feed(text)
        page.close()
        return page.images

    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Collect every src and href."""
        for name, value in attrs:
            if name == "src":
                self.images.append(value or "")
            elif name == "href":
                self.links.append(value or "")


def test_the_html_report_is_self_contained_and_shows_each_column(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, 600, seed=11)
    for record in records:
        record["contract"] = "two_year"
    serve_traffic(workspace_params, store, url, records, churned)

    report = monitor_report.run(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    text = (workspace / monitor_report.MONITORING_HTML).read_text(encoding="utf-8")
    page = Page()
    page.feed(text)
    page.close()
    columns = workspace_params.model_columns
    # One figure per numeric and categorical column, the scores, and the performance trend.
    assert len(page.images) == len(columns.numeric) + len(columns.categorical) + 2
    assert all(src.startswith("data:image/png;base64,") for src in page.images)
    assert page.links == []  # no stylesheet or script to fetch
    assert "<h2>Version 1: 600 predictions</h2>" in text
    assert '<tr class="drifted"><td>contract</td>' in text
    assert json.loads((workspace / monitor.MONITORING_JSON).read_text()) == report


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def test_the_html_report_renders_in_a_headless_browser(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str, tmp_path: Path
) -> None:
    browser = next((found for name in BROWSERS if (found := shutil.which(name))), None)
    if browser is None:
        pytest.skip("no Chromium here; the parse-and-embed test above stands in for it")
    records, churned = like_training(workspace, workspace_params, 300, seed=17)
    serve_traffic(workspace_params, store, url, records, churned)
    monitor_report.run(workspace_params, PredictionLog(url), workspace_params.registry.model_name)
    page = (workspace / monitor_report.MONITORING_HTML).resolve().as_uri()
    headless = [browser, "--headless=new", "--no-sandbox", "--disable-gpu"]

    dom = subprocess.run(
        [*headless, "--dump-dom", page], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    shot = tmp_path / "report.png"
    subprocess.run(
        [*headless, f"--screenshot={shot}", "--window-size=1200,2000", page],
        capture_output=True,
        timeout=60,
        check=True,
    )

    assert "<h2>Version 1: 300 predictions</h2>" in dom
    assert dom.count("data:image/png;base64,") == len(Page.images_of(dom))
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


@pytest.mark.parametrize(
    ("scenario", "alert", "drifted"),
    [
        ("none", None, set()),
        ("covariate", "Data drift", {"age", "monthly_charges", "support_tickets", "contract"}),
        ("concept", "Performance", set()),
        ("schema", None, {"tenure_months", "payment_method"}),
        ("prior", None, {"prediction"}),
    ],
)
def test_each_simulated_scenario_is_caught_by_the_right_check(
    workspace: Path,
    workspace_params: Params,
    url: str,
    scenario: str,
    alert: str | None,
    drifted: set,
) -> None:
    sent = simulate.run(
        workspace_params, Settings(prediction_log_url=url), scenario, n=1500, seed=3
    )

    report = monitor.run_check(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    [version] = report["versions"]
    assert drifted <= set(version["drifted_columns"])
    if scenario in ("none", "concept"):
        assert set(version["drifted_columns"]) <= {"prediction"}
    kinds = [raised.split(":")[0] for raised in report["alerts"]]
    if scenario == "none":
        assert kinds == [] and report["warnings"] == []
    elif scenario == "concept":
        assert kinds == ["Performance"]  # the inputs did not move: only outcomes tell
    elif alert:
        assert alert in kinds
    assert version["performance"]["awaiting_outcome"] == round(0.2 * sent["customers sent"])


def test_a_bad_scenario_is_one_sentence(workspace_params: Params, url: str) -> None:
    with pytest.raises(ParamsError, match="--scenario must be one of none, covariate"):
        simulate.run(workspace_params, Settings(prediction_log_url=url), "earthquake", n=500)


def test_a_damaged_development_file_is_one_sentence_for_the_simulation(
    workspace_params: Params, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The simulation reads the last signup date of the development rows: a file cut short (a
    # full disk) or missing is named, not a traceback of Arrow's.
    development = tmp_path / "development.parquet"
    monkeypatch.setattr(simulate, "DEVELOPMENT_DATA", development)
    with pytest.raises(DataError, match=r"development\.parquet does not exist"):
        simulate.training_period(workspace_params, 100, seed=0)
    development.write_bytes(b"PAR1" + bytes(100))
    with pytest.raises(DataError, match="is cut short or not a Parquet file"):
        simulate.training_period(workspace_params, 100, seed=0)


def test_the_cli_simulates_a_scenario_into_the_configured_log(
    workspace: Path, workspace_params: Params, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("{{ cookiecutter.package_name | upper }}_PREDICTION_LOG_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["monitor", "simulate", "--scenario", "schema", "--n", "300", "--seed", "4"]
        )
    finally:
        get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    assert "Monitoring simulation" in result.output and "schema" in result.output
    assert PredictionLog(url).count(served_only=True) == 300


def test_drift_free_windows_raise_no_alert_over_twenty_seeds(
    workspace: Path, workspace_params: Params
) -> None:
    version, model, threshold = monitor_benchmark.local_version(workspace_params)

    results = [
        monitor.check_version(
            version,
            monitor_benchmark.quiet_window(workspace_params, model, threshold, 600, seed),
            workspace_params,
        )
        for seed in range(20)
    ]

    assert [result["alerts"] for result in results] == [[]] * 20
    assert all(result["performance"]["outcomes"] == 480 for result in results)


def test_the_auc_standard_error_matches_hanley_and_mcneil() -> None:
    # A = 0.5 with 50 churners and 50 stayers: Q1 = Q2 = 1/3, so the variance is
    # (0.25 + 49 * (1/3 - 0.25) * 2) / 2500.
    expected = ((0.25 + 98 * (1 / 3 - 0.25)) / 2500) ** 0.5

    assert monitor.auc_standard_error(0.5, 50, 50) == pytest.approx(expected)
    assert monitor.auc_standard_error(0.9, 500, 500) < monitor.auc_standard_error(0.9, 50, 50)


def test_performance_is_also_given_per_variant(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, 300, seed=12)
    serve_traffic(workspace_params, store, url, records, churned)

    report = monitor.run_check(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    performance = report["versions"][0]["performance"]
    assert list(performance["variants"]) == ["champion"]
    assert performance["variants"]["champion"]["outcomes"] == 300
    assert performance["variants"]["champion"]["roc_auc"] == performance["roc_auc"]


def test_hours_narrow_the_window_in_time(
    workspace: Path,
    workspace_params: Params,
    store: ModelStore,
    url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    records, churned = like_training(workspace, workspace_params, 200, seed=13)
    serve_traffic(workspace_params, store, url, records, churned)
    log = PredictionLog(url)

    assert len(monitor.served_window(log, 5000, hours=1)) == 200

    class Later(datetime):
        """Three hours from now: every prediction is older than two hours."""

        @classmethod
        def now(cls, tz: Any = None) -> datetime:
            return datetime.now(tz) + timedelta(hours=3)

    monkeypatch.setattr(monitor, "datetime", Later)
    with pytest.raises(DataError, match="no served prediction in the last 2 hours yet"):
        monitor.served_window(log, 5000, hours=2)


def test_a_check_without_alert_removes_an_old_retraining_signal(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    (workspace / monitor.RETRAIN_SIGNAL).write_text('{"reasons": ["an old alert"]}')
    records, churned = like_training(workspace, workspace_params, 400, seed=14)
    serve_traffic(workspace_params, store, url, records, churned)

    report = monitor.run_check(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    assert report["alerts"] == []
    assert not (workspace / monitor.RETRAIN_SIGNAL).exists()


def test_feedback_writes_one_labelled_raw_row_per_customer(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, 300, seed=15)
    serve_traffic(workspace_params, store, url, records, churned)
    # 50 customers scored twice.
    serve_traffic(workspace_params, store, url, records[:50], churned[:50])

    summary = feedback.run(workspace_params, PredictionLog(url))

    rows = files.read_raw_csv(workspace / FEEDBACK_DATA, workspace_params.columns)
    assert summary["with an outcome"] == 350
    assert summary["rows written (one per customer)"] == len(rows) == 300
    assert list(rows.columns) == workspace_params.columns.all
    id_column, target = workspace_params.columns.id, workspace_params.columns.target
    outcomes = dict(zip(rows[id_column], rows[target].astype(int), strict=True))
    assert outcomes == {r[id_column]: int(y) for r, y in zip(records, churned, strict=True)}
    assert rows["refund_amount"].isna().all()  # the service never sees it
    (workspace / FEEDBACK_DATA).unlink()  # the other tests' acquire must not read it


def test_feedback_without_any_outcome_is_one_sentence(workspace_params: Params, url: str) -> None:
    with pytest.raises(DataError, match="no served prediction with an outcome yet"):
        feedback.run(workspace_params, PredictionLog(url))


def test_the_monitor_benchmark_prints_false_alarms_and_timings(
    workspace: Path, workspace_params: Params
) -> None:
    result = CliRunner().invoke(app, ["bench", "monitor", "2000", "--seeds", "2", "--n", "300"])

    assert result.exit_code == 0, result.output
    assert "false-alarm rate" in result.output
    assert "check of 2,000 rows" in result.output


def test_reload_without_a_key_or_a_service_is_one_sentence(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("{{ cookiecutter.package_name | upper }}_ADMIN_API_KEY", raising=False)
    get_settings.cache_clear()
    try:
        no_key = CliRunner().invoke(app, ["reload"])
        monkeypatch.setenv("{{ cookiecutter.package_name | upper }}_ADMIN_API_KEY", "key")
        get_settings.cache_clear()
        no_service = CliRunner().invoke(app, ["reload", "--url", "http://127.0.0.1:9"])
    finally:
        get_settings.cache_clear()

    assert no_key.exit_code == 1
    assert "Set {{ cookiecutter.package_name | upper }}_ADMIN_API_KEY to the service's admin key" in no_key.output
    assert no_service.exit_code == 1
    assert "No service answers at http://127.0.0.1:9" in no_service.output
    assert "Traceback" not in no_key.output + no_service.output


def test_a_window_too_small_for_drift_is_not_enough_data(
    workspace: Path, workspace_params: Params, store: ModelStore, url: str
) -> None:
    records, churned = like_training(workspace, workspace_params, 30, seed=16)
    serve_traffic(workspace_params, store, url, records, churned)

    report = monitor_report.run(
        workspace_params, PredictionLog(url), workspace_params.registry.model_name
    )

    [version] = report["versions"]
    assert report["alerts"] == []
    assert report["warnings"] == [
        "Not enough data to judge drift: 30 predictions, 200 needed (monitoring.min_predictions)."
    ]
    assert version["columns"] == [] and version["drifted_share"] is None
    assert version["performance"]["outcomes"] == 30  # performance waits for min_outcomes
    assert version["performance"]["alert"] is None
    text = (workspace / monitor_report.MONITORING_HTML).read_text(encoding="utf-8")
    assert "Not enough data to judge drift: 30 predictions" in text

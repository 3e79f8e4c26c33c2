"""The explore stage: a readable eda.md from known findings, and five valid PNG figures.

The stage runs on data built from the tests' own contract. The hand-made findings of the eda.md
tests name made-up columns: rendering reads no contract.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data import eda_stats, explore
from {{ cookiecutter.package_name }}.data.eda_figures import FIGURES
from {{ cookiecutter.package_name }}.errors import DataError
from {{ cookiecutter.package_name }}.paths import EDA_FIGURES, EDA_MD, PROCESSED_DATA, RAW_DATA

from ..conftest import require_exercises

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- eda.md ---------------------------------------------------------------------------------


@pytest.fixture
def findings() -> eda_stats.Findings:
    """Hand-made findings whose every number is known."""
    periods = eda_stats.Periods(
        time_column="joined",
        later_share=0.2,
        cutoff=pd.Timestamp("2023-06-30"),
        rows_earlier=800,
        rows_later=200,
        table=pd.DataFrame(
            {
                "mean_earlier": [30.0, 40.0, 0.225],
                "mean_later": [20.0, 40.5, 0.35],
                "smd": [-0.5, 0.05, 0.28],
            },
            index=pd.Index(["months_active", "weight", "left"], name="column"),
        ),
    )
    return eda_stats.Findings(
        rows=1000,
        churn_rate=0.25,
        missing=pd.Series({"weight": 0.05, "region": 0.01, "tier": 0.0}),
        max_null_rate=0.2,
        correlations=pd.Series(
            {"months_active": -0.4, "tickets": 0.3, "weight": 0.05, "refund": 0.02}
        ),
        categories={
            "offer": pd.DataFrame(
                {"customers": [600, 400], "churn_rate": [0.35, 0.1]},
                index=["monthly", "yearly"],
            )
        },
        text={
            "comment": pd.DataFrame(
                {"share_empty": [0.5, 0.25], "mean_length": [12.0, 30.0]}, index=[0, 1]
            )
        },
        periods=periods,
    )


def test_the_summary_states_the_key_numbers_in_words(findings: eda_stats.Findings) -> None:
    text = explore.summary_markdown(findings, list(FIGURES), "figures/eda")

    in_short = text.split("## In short")[1].split("##")[0]
    assert "**1,000 customers**, of whom **25.0% churned**." in in_short
    assert "higher **months_active** goes with less churn (-0.40, moderate)" in in_short
    assert "higher **tickets** goes with more churn (+0.30, moderate)" in in_short
    assert "higher **weight** goes with more churn (+0.05, negligible)" in in_short
    assert "refund" not in in_short  # only the three strongest
    assert "offer = **monthly** (35.0%)" in in_short
    assert "Most missing values before cleaning: weight (5.0%), region (1.0%)." in in_short
    assert "| months_active | -0.400 | less churn | moderate |" in text
    assert "| offer | monthly | 600 | 35.0% |" in text
    assert "| region | 1.0% |" in text
    assert "| tier | 0.0% |" not in text  # only columns that had missing values are listed
    assert "| comment | 1 | 25.0% | 30 |" in text


def test_the_summary_compares_periods_in_plain_language(findings: eda_stats.Findings) -> None:
    text = explore.summary_markdown(findings, list(FIGURES), "figures/eda")

    assert (
        "The latest 20% of signups (200 customers who signed up after 2023-06-30) are "
        "compared with the 800 earlier ones." in text
    )
    # Only months_active passes the |SMD| > 0.1 flag; weight (0.05) does not.
    assert (
        "Later signups differ most from earlier ones in **months_active** (lower for later "
        "signups)." in text
    )
    assert "Churn rate: 22.5% for earlier signups, 35.0% for later ones." in text
    assert "| months_active | 30.000 | 20.000 | -0.500 |" in text


def test_the_summary_says_whether_a_missing_value_goes_with_churn(
    findings: eda_stats.Findings,
) -> None:
    table = pd.DataFrame(
        {"missing": [0.05, 0.01], "churn_if_missing": [0.5, 0.25], "churn_if_present": [0.2, 0.25]},
        index=pd.Index(["weight", "region"], name="column"),
    )
    with_churn = dataclasses.replace(findings, missing_churn=table)

    text = explore.summary_markdown(with_churn, list(FIGURES), "figures/eda")
    without = explore.summary_markdown(findings, list(FIGURES), "figures/eda")

    missing_section = text.split("## Missing values before cleaning")[1].split("\n## ")[0]
    assert (
        "Churn rate where the value was missing vs present: weight 50.0% vs 20.0%; region "
        "25.0% vs 25.0%. Rates far apart mean the values are not missing at random"
        in missing_section
    )
    assert "Churn rate where the value was missing" not in without  # not computed: not claimed


def test_the_summary_links_each_figure_drawn(findings: eda_stats.Findings) -> None:
    drawn = ["missingness.png", "distributions.png"]

    text = explore.summary_markdown(findings, drawn, "figures/eda")

    assert "- [Numeric columns, churned vs stayed](figures/eda/distributions.png)" in text
    assert "- [Missing values before cleaning](figures/eda/missingness.png)" in text
    assert "later_signups.png" not in text


def test_without_a_time_column_the_summary_says_why_periods_are_skipped(
    findings: eda_stats.Findings,
) -> None:
    no_time = dataclasses.replace(findings, periods=None)

    text = explore.summary_markdown(no_time, list(FIGURES), "figures/eda")

    assert "skipped because no time column is declared" in text
    assert "Churn rate: " not in text


# --- run() ----------------------------------------------------------------------------------


def shifted_and_missing(columns: ColumnsParams) -> tuple[str, str]:
    """The numeric column whose later values drop, and the one with missing raw values."""
    first, *others = columns.numeric
    return first, (others or [first])[0]


def write_inputs(columns: ColumnsParams, rows: int = 300, seed: int = 0) -> pd.DataFrame:
    """Write a processed Parquet file and a raw CSV that fit the contract; return the processed.

    Later signups have a lower first numeric column and churn more, so the period comparison
    has a shift; the second numeric column lacks 10% of its raw values.
    """
    shifted, missing = shifted_and_missing(columns)
    rng = np.random.default_rng(seed)
    position = np.arange(rows) / rows
    frame = pd.DataFrame({columns.id: [f"A{number:06d}" for number in range(rows)]})
    if columns.time is not None:
        signup = pd.Timestamp("2021-01-01") + pd.to_timedelta(position * 900, unit="D")
        frame[columns.time] = signup.floor("D")
    for name in columns.numeric:
        frame[name] = rng.normal(50.0, 10.0, rows).round(2)
    frame[shifted] = (60 * (1 - position) + rng.normal(0, 5, rows)).clip(0).round(1)
    for name, column in columns.categorical.items():
        frame[name] = rng.choice(column.allowed, rows)
    for name in columns.text:
        frame[name] = rng.choice(["", "slow app", "please fix my bill"], rows)
    frame[columns.target] = (rng.random(rows) < 0.1 + 0.4 * position).astype("int64")
    frame = frame[columns.all]
    PROCESSED_DATA.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(PROCESSED_DATA, index=False)

    raw = frame.astype(str)
    raw.loc[: rows // 10 - 1, missing] = ""  # exactly 10% missing before cleaning
    RAW_DATA.parent.mkdir(parents=True, exist_ok=True)
    raw.to_csv(RAW_DATA, index=False)
    return frame


def assert_valid_png(path: Path) -> None:
    content = path.read_bytes()
    assert content.startswith(PNG_MAGIC), path
    assert len(content) > 5_000, path


def read_outputs() -> dict[str, bytes]:
    """The bytes of every figure and of eda.md, by file name."""
    return {path.name: path.read_bytes() for path in [*EDA_FIGURES.iterdir(), EDA_MD]}


def test_run_writes_five_figures_and_the_report(project_dir: Path, params: Params) -> None:
    require_exercises(35, 40)  # the periods; missing values and churn
    frame = write_inputs(params.columns)
    shifted, missing = shifted_and_missing(params.columns)

    summary = explore.run(params)
    first = read_outputs()
    explore.run(params)

    assert sorted(path.name for path in EDA_FIGURES.iterdir()) == sorted(FIGURES)
    for name in FIGURES:
        assert_valid_png(EDA_FIGURES / name)
    text = EDA_MD.read_text(encoding="utf-8")
    assert "**300 customers**" in text
    assert f"| {missing} | 10.0% |" in text
    # The first 10% of rows lack the raw value (empty texts are missing values too).
    target = frame[params.columns.target]
    if_missing, if_present = target.head(30).mean(), target.iloc[30:].mean()
    assert "Churn rate where the value was missing vs present: " in text
    assert f"{missing} {if_missing:.1%} vs {if_present:.1%}" in text
    assert f"higher **{shifted}** goes with less churn" in text
    assert f"**{shifted}** (lower for later signups)" in text
    assert "(figures/eda/later_signups.png)" in text
    assert summary["rows"] == 300
    assert summary["churn rate"] == round(frame[params.columns.target].mean(), 4)
    assert summary["figures"] == 5
    assert summary["report"] == EDA_MD
    assert read_outputs() == first  # a second run gives byte-identical outputs


def test_run_without_a_time_column_skips_the_periods(project_dir: Path, params: Params) -> None:
    require_exercises(40)  # missing values and churn
    no_time = params.model_copy(
        update={"columns": params.columns.model_copy(update={"time": None})}
    )
    write_inputs(no_time.columns)
    stale = EDA_FIGURES / "later_signups.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(PNG_MAGIC)

    summary = explore.run(no_time)

    assert not stale.exists()
    assert len(list(EDA_FIGURES.iterdir())) == 4
    assert "skipped because no time column is declared" in EDA_MD.read_text(encoding="utf-8")
    assert summary["shifted columns"] == "skipped"
    assert summary["figures"] == 4


def test_run_without_processed_data_names_the_command(project_dir: Path, params: Params) -> None:
    with pytest.raises(DataError) as error:
        explore.run(params)

    assert str(error.value) == (
        f"{PROCESSED_DATA} does not exist; run `{{ cookiecutter.project_slug }} data clean` first."
    )
    assert not EDA_MD.exists()


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            lambda frame, columns: frame.drop(columns=next(iter(columns.categorical))),
            r"lacks the declared columns \['{categorical}'\]",
        ),
        (lambda frame, columns: frame.head(0), "has no rows"),
        (
            lambda frame, columns: frame.astype({columns.target: str}),
            "column '{target}' is not 0/1 numbers",
        ),
        (
            lambda frame, columns: frame.astype({columns.time: str}),
            "column '{time}' is not a date",
        ),
    ],
    ids=["no-category", "no-rows", "text-target", "text-time"],
)
def test_run_refuses_processed_data_it_cannot_explore(
    project_dir: Path,
    params: Params,
    spoil: Callable[[pd.DataFrame, ColumnsParams], pd.DataFrame],
    expected: str,
) -> None:
    columns = params.columns
    frame = write_inputs(columns, rows=20)
    spoil(frame, columns).to_parquet(PROCESSED_DATA, index=False)
    names = {"categorical": next(iter(columns.categorical)), "target": columns.target}

    with pytest.raises(DataError, match=expected.format(time=columns.time, **names)) as error:
        explore.run(params)

    assert str(error.value).endswith("rerun `{{ cookiecutter.project_slug }} data clean`.")

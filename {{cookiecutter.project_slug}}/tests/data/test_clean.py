"""Clean stage: row steps, column transformers, the cleaner Pipeline and the run."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from {{ cookiecutter.package_name }}.config import (
    CLEANING_JSON,
    INTERIM_DATA,
    PROCESSED_DATA,
    RAW_DATA,
    CategoricalColumn,
    Params,
)
from {{ cookiecutter.package_name }}.data.clean import (
    CategoryNormalizer,
    MissingValueImputer,
    NumericParser,
    QuantileClipper,
    build_cleaner,
    clean_rows,
    drop_duplicate_rows,
    drop_impossible_records,
    drop_missing_target,
    fit_steps,
    parse_dates,
    resolve_repeated_ids,
    run,
)
from {{ cookiecutter.package_name }}.errors import DataError

from ..conftest import require_exercises

# The raw CSV's header, written out so these tests do not depend on the acquire stage.
RAW_COLUMNS = [
    "customer_id",
    "signup_date",
    "tenure_months",
    "plan",
    "contract",
    "monthly_charges",
    "total_charges",
    "payment_method",
    "country",
    "age",
    "support_tickets",
    "days_since_last_login",
    "support_message",
    "refund_amount",
    "churn",
]
PLANS = ["basic", "standard", "premium"]
CONTRACTS = ["month_to_month", "one_year", "two_year"]
PAYMENTS = ["credit_card", "bank_transfer", "electronic_check", "paypal"]
COUNTRIES = ["France", "Germany", "Spain", "Italy"]
N_CLEAN = 12  # customers 0..11 are kept by the row steps


def customer(i: int, **changes: str) -> dict[str, str]:
    """Customer i of the raw CSV, every value as text ("" for an empty cell)."""
    row = {
        "customer_id": f"C{i:07d}",
        "signup_date": f"2021-03-{i + 1:02d}",
        "tenure_months": str(i + 1),
        "plan": PLANS[i % 3],
        "contract": CONTRACTS[i % 3],
        "monthly_charges": f"{20 + i}.50",
        "total_charges": f"{100 * (i + 1)}.00",
        "payment_method": PAYMENTS[i % 4],
        "country": COUNTRIES[i % 4],
        "age": str(30 + i),
        "support_tickets": str(i % 4),
        "days_since_last_login": str(2 * i),
        "support_message": "Thanks." if i % 2 == 0 else "",
        "refund_amount": "0.00",
        "churn": str(i % 2),
    }
    return row | changes


def as_raw(rows: list[dict[str, str]]) -> pd.DataFrame:
    """Rows as files.read_raw_csv returns them: text columns, NaN for empty cells."""
    csv = pd.DataFrame(rows, columns=RAW_COLUMNS).to_csv(index=False)
    return pd.read_csv(StringIO(csv), dtype=str)


def dirty_rows() -> list[dict[str, str]]:
    """12 customers with cell dirt, plus 7 rows that the row steps must remove."""
    cell_dirt = {
        0: {"country": "FR"},
        1: {"plan": "  PREMIUM"},
        2: {"country": "Narnia"},
        3: {"total_charges": "1 234,50"},
        4: {"total_charges": "$1,234.50"},
        5: {"total_charges": "abc"},
        6: {"age": ""},
    }
    rows = [customer(i, **cell_dirt.get(i, {})) for i in range(N_CLEAN)]
    rows.insert(8, rows[7])  # an exact duplicate
    rows.append(customer(8, age=""))  # customer 8 again, less complete
    rows += [customer(12, churn=""), customer(13, churn="2")]
    rows += [customer(14, age="250"), customer(15, tenure_months="-3")]
    rows.append(customer(16, signup_date="not a date"))
    return rows


# --- Row steps.


def test_drop_missing_target_parses_the_labels() -> None:
    frame = as_raw([customer(0), customer(1, churn=""), customer(2, churn="yes"), customer(3)])

    kept, removed = drop_missing_target(frame, "churn")

    assert removed == 2
    assert kept["customer_id"].tolist() == ["C0000000", "C0000003"]
    assert kept["churn"].tolist() == [0, 1]
    assert kept["churn"].dtype == "int64"


def test_drop_duplicate_rows_keeps_the_first_copy() -> None:
    frame = as_raw([customer(0), customer(1), customer(0), customer(0)])

    kept, removed = drop_duplicate_rows(frame)

    assert removed == 2
    assert kept.index.tolist() == [0, 1]


def test_repeated_id_keeps_the_most_complete_row() -> None:
    frame = as_raw([customer(0), customer(0, age="", plan="basic"), customer(1, plan="")])
    frame = pd.concat([frame, as_raw([customer(1, plan="", age="")])], ignore_index=True)

    kept, removed = resolve_repeated_ids(frame, "customer_id")

    assert removed == 2
    assert kept.index.tolist() == [0, 2]


def test_repeated_id_tie_keeps_the_last_row() -> None:
    frame = as_raw([customer(0, age="41"), customer(1), customer(0, age="42")])

    kept, removed = resolve_repeated_ids(frame, "customer_id")

    assert removed == 1
    assert kept["age"].tolist() == ["31", "42"]


def test_repeated_id_without_id_column_changes_nothing() -> None:
    frame = as_raw([customer(0), customer(0)])

    kept, removed = resolve_repeated_ids(frame, None)

    assert removed == 0
    assert len(kept) == 2


def test_drop_impossible_records_counts_per_column(params: Params) -> None:
    frame = as_raw(
        [
            customer(0, age="250"),
            customer(1, tenure_months="-3", age="17"),
            customer(2, total_charges="$1,234.50"),
            customer(3, signup_date="2021-02-30"),
            customer(4, age=""),
            customer(5, signup_date="2025-01-02"),
            customer(6, signup_date="2025-01-01"),
            customer(7, customer_id=""),
        ]
    )

    kept, counts = drop_impossible_records(frame, params.columns, today=date(2025, 1, 1))

    assert kept["customer_id"].tolist() == ["C0000002", "C0000004", "C0000006"]
    assert counts["age"] == 2
    assert counts["tenure_months"] == 1
    assert counts["signup_date"] == 2  # no such day, and a day in the future
    assert counts["customer_id"] == 1
    assert counts["total_charges"] == 0


def test_clean_rows_counts_every_step(params: Params) -> None:
    frame = as_raw(dirty_rows())

    kept, counts = clean_rows(frame, params.columns)

    assert counts["rows_in"] == 19
    assert counts["missing_target"] == 2
    assert counts["duplicate_rows"] == 1
    assert counts["repeated_ids"] == 1
    assert counts["impossible_records"] == 3
    assert counts["impossible_by_column"]["signup_date"] == 1
    assert counts["rows_out"] == N_CLEAN
    assert sorted(kept["customer_id"]) == [f"C{i:07d}" for i in range(N_CLEAN)]
    assert kept.loc[kept["customer_id"] == "C0000008", "age"].item() == "38"
    assert kept.index.tolist() == list(range(N_CLEAN))


# --- Column steps.


def test_parse_dates_accepts_dates_and_times_with_offsets() -> None:
    text = pd.Series(["2021-03-14", "2021-03-14T10:00:00+01:00", "14/03/2021", None])

    dates = parse_dates(text)

    assert dates.tolist()[:2] == [pd.Timestamp("2021-03-14"), pd.Timestamp("2021-03-14 09:00")]
    assert dates.iloc[2:].isna().all()
    assert pd.api.types.is_datetime64_any_dtype(dates)


def test_category_normalizer_maps_spellings_and_unknowns() -> None:
    country = CategoricalColumn(allowed=["France", "Spain"], synonyms={"FR": "France"})
    plan = CategoricalColumn(allowed=["basic", "premium"])
    frame = pd.DataFrame(
        {
            "plan": ["  PREMIUM", "basic", None],
            "country": ["FR", "Narnia", "france "],
            "age": [1.0, 2.0, 3.0],
        }
    )
    normalizer = CategoryNormalizer({"plan": plan, "country": country.model_dump()})

    out = normalizer.fit_transform(frame)

    assert out["plan"].tolist()[:2] == ["premium", "basic"]
    assert pd.isna(out["plan"].iloc[2])
    assert out["country"].iloc[0] == "France"
    assert pd.isna(out["country"].iloc[1])
    assert out["country"].iloc[2] == "France"
    assert out["age"].tolist() == [1.0, 2.0, 3.0]
    assert out["age"].dtype == "float64"
    assert frame["plan"].iloc[0] == "  PREMIUM"  # the input is left as it was
    assert normalizer.get_feature_names_out().tolist() == ["plan", "country", "age"]


def test_category_normalizer_without_contract_learns_the_values() -> None:
    normalizer = CategoryNormalizer().fit(pd.DataFrame({"grade": ["a", "B", "b"]}))

    out = normalizer.transform(pd.DataFrame({"grade": [" b", "c"]}))

    assert out["grade"].iloc[0] == "B"
    assert pd.isna(out["grade"].iloc[1])


def test_numeric_parser_parses_only_its_columns() -> None:
    frame = pd.DataFrame({"total": ["1 234,50", "$1,234.50", "abc"], "id": ["7", "8", "9"]})
    parser = NumericParser(columns=["total"])

    out = parser.fit_transform(frame)

    assert out["total"].tolist()[:2] == [1234.5, 1234.5]
    assert np.isnan(out["total"].iloc[2])
    assert out["total"].dtype == "float64"
    assert out["id"].tolist() == ["7", "8", "9"]
    assert parser.get_feature_names_out().tolist() == ["total", "id"]


def test_numeric_parser_rejects_an_unknown_column() -> None:
    with pytest.raises(ValueError, match="'price'"):
        NumericParser(columns=["price"]).fit(pd.DataFrame({"total": ["1"]}))


@pytest.mark.exercise(1)
def test_quantile_clipper_learns_bounds_and_clips() -> None:
    train = pd.DataFrame({"x": np.arange(101, dtype=float), "name": ["a"] * 101})
    clipper = QuantileClipper(lower=0.1, upper=0.9).fit(train)

    out = clipper.transform(pd.DataFrame({"x": [-5.0, 50.0, 200.0, np.nan], "name": ["a"] * 4}))

    assert clipper.lower_bounds_ == {"x": 10.0}
    assert clipper.upper_bounds_ == {"x": 90.0}
    assert out["x"].tolist()[:3] == [10.0, 50.0, 90.0]
    assert np.isnan(out["x"].iloc[3])
    assert clipper.get_feature_names_out().tolist() == ["x", "name"]


@pytest.mark.exercise(1)
def test_quantile_clipper_returns_an_array_for_an_array_and_leaves_the_input_alone() -> None:
    X = np.array([[0.0], [5.0], [10.0], [np.nan]])
    frame = pd.DataFrame({"x": [0.0, 20.0]})
    clipper = QuantileClipper(lower=0.1, upper=0.9).fit(np.arange(11.0).reshape(-1, 1))
    named = QuantileClipper(lower=0.1, upper=0.9).fit(pd.DataFrame({"x": np.arange(11.0)}))

    out = clipper.transform(X)

    assert isinstance(out, np.ndarray) and out[:3, 0].tolist() == [1.0, 5.0, 9.0]
    assert np.isnan(out[3, 0]) and X[0, 0] == 0.0  # the caller's array is not clipped in place
    assert named.transform(frame)["x"].tolist() == [1.0, 9.0]
    assert frame["x"].tolist() == [0.0, 20.0]
    with pytest.raises(NotFittedError):
        QuantileClipper().transform(X)


def test_quantile_clipper_rejects_text_columns() -> None:
    with pytest.raises(ValueError, match="parse them before clipping"):
        QuantileClipper(columns=["name"]).fit(pd.DataFrame({"name": ["a", "b"]}))


def test_imputer_fills_by_column_role() -> None:
    frame = pd.DataFrame(
        {
            "age": [1.0, 2.0, np.nan, 10.0],
            "plan": ["a", "b", "b", None],
            "message": [None, "hi", None, "yo"],
        }
    )
    imputer = MissingValueImputer(numeric=["age"], categorical=["plan"], text=["message"])

    out = imputer.fit_transform(frame)

    assert imputer.fill_values_ == {"age": 2.0, "plan": "b", "message": ""}
    assert out["age"].tolist() == [1.0, 2.0, 2.0, 10.0]
    assert out["plan"].tolist() == ["a", "b", "b", "b"]
    assert out["message"].tolist() == ["", "hi", "", "yo"]
    assert imputer.get_feature_names_out().tolist() == ["age", "plan", "message"]


def test_imputer_defaults_to_the_median_on_numbers() -> None:
    X = np.array([[1.0, np.nan], [3.0, 4.0], [np.nan, 6.0]])

    out = MissingValueImputer().fit_transform(X)

    assert out.tolist() == [[1.0, 5.0], [3.0, 4.0], [2.0, 6.0]]


@parametrize_with_checks(
    [CategoryNormalizer(), NumericParser(), QuantileClipper(), MissingValueImputer()]
)
def test_transformers_keep_the_estimator_contract(
    estimator: object, check: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    if isinstance(estimator, QuantileClipper):
        require_exercises(1)  # many checks call its transform
    # check_array_api_input skips itself unless this is set; for these estimators it only
    # runs with NumPy arrays, which need no SciPy array-API support, so it can run for real.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


def test_cleaner_handles_unseen_values(params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    interim, _ = clean_rows(as_raw(dirty_rows()), params.columns)
    features = interim[params.columns.features]
    cleaner = build_cleaner(params.columns, params.clean).fit(features)
    new = as_raw([customer(20, country="Atlantis", total_charges="$2,000.00", plan=" Basic")])

    out = cleaner.transform(new[params.columns.features])

    assert out.notna().all().all()
    assert out["country"].item() == cleaner.named_steps["impute"].fill_values_["country"]
    assert out["plan"].item() == "basic"
    upper = cleaner.named_steps["outliers"].upper_bounds_["total_charges"]
    assert out["total_charges"].item() == min(2000.0, upper)
    assert out.columns.tolist() == params.columns.features


def test_fit_steps_fits_like_the_pipeline(params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    interim, _ = clean_rows(as_raw(dirty_rows()), params.columns)
    features = interim[params.columns.features]
    cleaner = build_cleaner(params.columns, params.clean)

    frames = fit_steps(cleaner, features)

    expected = build_cleaner(params.columns, params.clean).fit_transform(features)
    assert len(frames) == 5
    pd.testing.assert_frame_equal(frames[-1], expected)
    pd.testing.assert_frame_equal(cleaner.transform(features), expected)


# --- The run.


def write_raw(rows: list[dict[str, str]]) -> None:
    """Write rows as data/raw/customers.csv (empty strings become empty cells)."""
    RAW_DATA.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=RAW_COLUMNS).to_csv(RAW_DATA, index=False)


def test_run_writes_typed_outputs_and_counts(project_dir: Path, params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    write_raw(dirty_rows())

    summary = run(params)

    assert summary["rows in"] == 19
    assert summary["rows out"] == N_CLEAN
    interim = pd.read_parquet(INTERIM_DATA)
    assert interim["churn"].dtype == "int64"
    assert "  PREMIUM" in interim["plan"].tolist()  # interim keeps the raw text
    processed = pd.read_parquet(PROCESSED_DATA)
    assert processed.columns.tolist() == params.columns.all
    assert processed.notna().all().all()
    assert pd.api.types.is_datetime64_any_dtype(processed["signup_date"])
    assert pd.api.types.is_string_dtype(processed["customer_id"])
    assert (processed[list(params.columns.numeric)].dtypes == "float64").all()
    assert processed["churn"].dtype == "int64"
    assert set(processed["plan"]) <= set(PLANS)
    assert set(processed["support_message"]) == {"Thanks.", ""}

    report = json.loads(CLEANING_JSON.read_text(encoding="utf-8"))
    rows = report["rows"]
    assert (rows["missing_target"], rows["duplicate_rows"], rows["repeated_ids"]) == (2, 1, 1)
    assert rows["impossible_records"] == 3
    assert rows["impossible_by_column"]["age"] == 1
    assert rows["impossible_by_column"]["tenure_months"] == 1
    cols = report["columns"]
    assert cols["country"]["normalised"] == 1
    assert cols["country"]["unknown_to_missing"] == 1
    assert cols["country"]["imputed"] == 1
    assert cols["plan"]["normalised"] == 1
    assert cols["total_charges"]["parsed_from_text"] == 2
    assert cols["total_charges"]["unparseable"] == 1
    assert cols["total_charges"]["imputed"] == 1
    assert cols["age"]["imputed"] == 1
    assert cols["support_message"] == {"fill_value": "", "imputed": 6}
    assert cols["monthly_charges"]["clipped"] == 2
    assert cols["monthly_charges"]["clip_lower"] == pytest.approx(20.61)
    assert cols["monthly_charges"]["clip_upper"] == pytest.approx(31.39)


def test_run_is_deterministic(project_dir: Path, params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    write_raw(dirty_rows())

    run(params)
    first = CLEANING_JSON.read_bytes(), PROCESSED_DATA.read_bytes()
    run(params)

    assert (CLEANING_JSON.read_bytes(), PROCESSED_DATA.read_bytes()) == first


def test_run_without_raw_data_says_what_to_run(project_dir: Path, params: Params) -> None:
    with pytest.raises(DataError, match=r"customers\.csv does not exist; run `.* data acquire`"):
        run(params)


def test_run_names_a_column_left_without_values(project_dir: Path, params: Params) -> None:
    require_exercises(1)  # the cleaner clips outliers
    write_raw([customer(i, country="Atlantis") for i in range(4)])

    with pytest.raises(DataError, match=r"Column 'country' of .* has no valid value"):
        run(params)

    assert not PROCESSED_DATA.exists()


def test_failed_run_keeps_the_previous_output(project_dir: Path, params: Params) -> None:
    PROCESSED_DATA.parent.mkdir(parents=True)
    PROCESSED_DATA.write_bytes(b"previous output")
    write_raw([customer(i, churn="") for i in range(3)])

    with pytest.raises(DataError, match=r"No row of data/raw/customers\.csv survived"):
        run(params)

    assert PROCESSED_DATA.read_bytes() == b"previous output"


def test_no_row_left_says_what_each_step_removed(project_dir: Path, params: Params) -> None:
    write_raw([customer(i, churn="") for i in range(3)] + [customer(5, age="250")] * 2)

    with pytest.raises(DataError) as refused:
        run(params)

    assert str(refused.value) == (
        "No row of data/raw/customers.csv survived cleaning: of 5 rows, 3 had no target, "
        "1 were duplicates, 0 repeated an id and 1 were impossible records; check the target "
        "and the column ranges in params.yaml."
    )

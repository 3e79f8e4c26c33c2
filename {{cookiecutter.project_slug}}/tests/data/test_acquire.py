"""Synthetic data: deterministic, learnable but not perfectly, and dirty at the params rates."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }} import files
from {{ cookiecutter.package_name }}.config import (
    FEEDBACK_DATA,
    RAW_DATA,
    CategoricalColumn,
    DirtParams,
    NumericColumn,
    Params,
)
from {{ cookiecutter.package_name }}.data.acquire import (
    COMPLAINTS,
    PLAN_CHARGES,
    RAW_COLUMNS,
    SNAPSHOT_DATE,
    generate,
    run,
    spelling_variants,
    whole_months,
)
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError

N = 4000
RATES = (
    "missing_rate",
    "duplicate_rate",
    "repeated_id_rate",
    "category_noise_rate",
    "numeric_text_rate",
    "impossible_rate",
    "outlier_rate",
)
PLAIN_MONEY = r"\d+\.\d\d"
WHOLE_NUMBER = r"-?\d+"


def dirt(params: Params, **rates: float) -> DirtParams:
    """The project's dirt params with every rate 0 except the ones given."""
    return params.data.dirt.model_copy(update={name: rates.get(name, 0.0) for name in RATES})


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by customer, to compare frames whose rows were shuffled differently."""
    return frame.sort_values("customer_id").reset_index(drop=True)


def map_back(values: pd.Series, spec: CategoricalColumn) -> pd.Series:
    """The canonical value of each spelling, matched case- and whitespace-insensitively."""
    lookup = {value.casefold(): value for value in spec.allowed}
    lookup |= {other.casefold(): value for other, value in spec.synonyms.items()}
    return values.str.strip().str.casefold().map(lookup)


def parse_money(values: pd.Series) -> pd.Series:
    """Parse "1234.50", "1 234,50" and "$1,234.50" into numbers."""
    french = values.str.contains(",") & ~values.str.startswith("$")
    plain = values.where(~french, values.str.replace(" ", "").str.replace(",", "."))
    return pd.to_numeric(plain.str.replace("$", "").str.replace(",", ""))


@pytest.fixture
def clean(params: Params) -> pd.DataFrame:
    """N rows without any dirt."""
    frame, _ = generate(N, dirt(params), params.columns, seed=3)
    return frame


# --- Determinism and shape.


def test_the_same_seed_gives_the_same_frame_and_another_seed_another(params: Params) -> None:
    first, first_counts = generate(N, params.data.dirt, params.columns, seed=1)
    again, again_counts = generate(N, params.data.dirt, params.columns, seed=1)
    other, _ = generate(N, params.data.dirt, params.columns, seed=2)

    pd.testing.assert_frame_equal(first, again)
    assert first_counts == again_counts
    assert not first.equals(other)


@pytest.mark.parametrize("n_rows", [100, 1234, N])
def test_the_frame_has_n_rows_and_the_contract_columns_in_order(
    params: Params, n_rows: int
) -> None:
    frame, _ = generate(n_rows, params.data.dirt, params.columns, seed=0)

    assert len(frame) == n_rows
    assert list(frame.columns) == RAW_COLUMNS
    assert sorted(frame.columns) == sorted(params.columns.all)
    for name in frame.columns:  # every value is text, as read_raw_csv gives it
        assert all(isinstance(value, str) for value in frame[name].dropna().unique()), name
    assert frame.index.equals(pd.RangeIndex(n_rows))


def test_tenure_counts_whole_months_up_to_the_snapshot() -> None:
    signups = np.array(["2024-12-31", "2024-12-01", "2023-06-15", "2019-01-01"], "datetime64[D]")

    assert whole_months(signups, SNAPSHOT_DATE).tolist() == [0, 1, 18, 72]


# --- Clean data: realistic, canonical, learnable but not perfectly.


def test_without_dirt_every_value_is_clean(params: Params, clean: pd.DataFrame) -> None:
    tickets = clean["support_tickets"].astype(int)

    assert clean.drop(columns="support_message").notna().all().all()
    # A message is missing only for customers who never opened a ticket, and mostly so.
    assert not (clean["support_message"].isna() & (tickets > 0)).any()
    assert clean.loc[tickets == 0, "support_message"].isna().mean() > 0.8
    assert clean["customer_id"].is_unique
    assert clean["customer_id"].str.fullmatch(r"C\d{7}").all()
    assert (
        pd.to_datetime(clean["signup_date"], format="%Y-%m-%d")
        .between("2019-01-01", "2024-12-31")
        .all()
    )
    for name, spec in params.columns.categorical.items():
        assert clean[name].isin(spec.allowed).all(), name
    for name in ("tenure_months", "age", "support_tickets", "days_since_last_login", "churn"):
        assert clean[name].str.fullmatch(WHOLE_NUMBER).all(), name
    for name in ("monthly_charges", "total_charges", "refund_amount"):
        assert clean[name].str.fullmatch(PLAIN_MONEY).all(), name
    for name, limits in params.columns.numeric.items():
        assert pd.to_numeric(clean[name]).between(limits.min, limits.max).all(), name


def test_later_signups_have_shorter_tenure(clean: pd.DataFrame) -> None:
    tenure = clean["tenure_months"].astype(int)
    signed_2024 = clean["signup_date"].str.startswith("2024")

    assert tenure[signed_2024].max() <= 12
    assert tenure[~signed_2024].min() >= 12


def test_churn_rate_is_realistic(clean: pd.DataFrame) -> None:
    assert set(clean["churn"]) == {"0", "1"}
    assert 0.15 <= (clean["churn"] == "1").mean() <= 0.35


def test_refund_amount_leaks_the_target_but_legit_columns_do_not(clean: pd.DataFrame) -> None:
    churn = clean["churn"].astype(int)
    refund = clean["refund_amount"].astype(float)
    tenure_auc = roc_auc_score(churn, clean["tenure_months"].astype(int))

    assert roc_auc_score(churn, refund) >= 0.95
    assert (refund[churn == 1] > 0).mean() > 0.9
    assert (refund[churn == 0] == 0).mean() > 0.95
    assert 0.55 < max(tenure_auc, 1 - tenure_auc) < 0.75


def test_a_simple_model_learns_churn_but_not_perfectly(clean: pd.DataFrame) -> None:
    message = clean["support_message"].fillna("")
    features = pd.DataFrame(
        {
            "tenure": clean["tenure_months"].astype(float) / 12,
            "monthly": clean["monthly_charges"].astype(float) / 100,
            "tickets": clean["support_tickets"].astype(float),
            "days": clean["days_since_last_login"].astype(float) / 30,
            "monthly_contract": clean["contract"] == "month_to_month",
            "two_year_contract": clean["contract"] == "two_year",
            "electronic_check": clean["payment_method"] == "electronic_check",
            "complains": message.str.contains("|".join(COMPLAINTS), regex=True),
        }
    ).astype(float)
    churn = clean["churn"].astype(int)
    train = np.arange(len(clean)) < 3000

    model = LogisticRegression(max_iter=1000).fit(features[train], churn[train])
    auc = roc_auc_score(churn[~train], model.predict_proba(features[~train])[:, 1])

    assert 0.75 <= auc <= 0.92


# --- Each kind of dirt, injected alone: what the file shows equals what was reported.


def test_missing_cells_are_emptied_at_the_rate_in_each_column(
    params: Params, clean: pd.DataFrame
) -> None:
    frame, counts = generate(N, dirt(params, missing_rate=0.1), params.columns, seed=3)

    emptied = frame.isna().sum() - clean.isna().sum()
    for name in params.data.dirt.missing_columns:
        assert emptied[name] == counts["missing cells"][name] == round(0.1 * N), name
    assert emptied.drop(params.data.dirt.missing_columns).sum() == 0


def test_duplicates_are_exact_copies_at_the_rate(params: Params) -> None:
    frame, counts = generate(N, dirt(params, duplicate_rate=0.05), params.columns, seed=3)

    assert frame.duplicated().sum() == counts["duplicate rows"] == round(0.05 * N)
    assert frame["customer_id"].duplicated().sum() == round(0.05 * N)


def test_repeated_ids_are_different_and_less_complete_records(params: Params) -> None:
    frame, counts = generate(N, dirt(params, repeated_id_rate=0.03), params.columns, seed=3)
    repeated = frame[frame["customer_id"].duplicated(keep=False)]
    missing_per_record = repeated.isna().sum(axis=1) - repeated["support_message"].isna()
    completeness = missing_per_record.groupby(repeated["customer_id"]).agg(["min", "max"])

    assert frame.duplicated().sum() == 0
    assert frame["customer_id"].duplicated().sum() == counts["repeated id rows"] == round(0.03 * N)
    assert (completeness["min"] == 0).all()
    assert completeness["max"].between(1, 2).all()


def test_category_variants_are_not_canonical_but_map_back(
    params: Params, clean: pd.DataFrame
) -> None:
    frame, counts = generate(N, dirt(params, category_noise_rate=0.1), params.columns, seed=3)
    frame, clean = by_id(frame), by_id(clean)

    for name, spec in params.columns.categorical.items():
        variants = ~frame[name].isin(spec.allowed)
        assert variants.sum() == counts["category variants"][name] == round(0.1 * N), name
        assert frame[name][variants].nunique() >= 5, name
        pd.testing.assert_series_equal(map_back(frame[name], spec), clean[name], check_dtype=False)


def test_spelling_variants_differ_from_the_value_and_map_back(params: Params) -> None:
    spec = params.columns.categorical["contract"]

    spellings = spelling_variants("month_to_month", spec.synonyms)

    assert "month_to_month" not in spellings
    assert {"MONTH_TO_MONTH", "  month_to_month", "monthly", "month-to-month"} <= set(spellings)
    assert set(map_back(pd.Series(spellings), spec)) == {"month_to_month"}


def test_numbers_as_text_keep_their_value(params: Params, clean: pd.DataFrame) -> None:
    frame, counts = generate(N, dirt(params, numeric_text_rate=0.2), params.columns, seed=3)
    frame, clean = by_id(frame), by_id(clean)
    charges = frame["total_charges"]
    as_text = ~charges.str.fullmatch(PLAIN_MONEY)

    assert as_text.sum() == counts["numbers as text"] == round(0.2 * N)
    assert charges[as_text].str.fullmatch(r"\d{1,3}( \d{3})?,\d\d|\$\d{1,3}(,\d{3})?\.\d\d").all()
    assert charges.str.contains(" ").any() and charges.str.startswith("$").any()
    np.testing.assert_allclose(parse_money(charges), clean["total_charges"].astype(float))


def test_impossible_records_break_the_contract_limits(params: Params) -> None:
    limits = params.columns.numeric
    frame, counts = generate(N, dirt(params, impossible_rate=0.02), params.columns, seed=3)
    tenure, age = frame["tenure_months"].astype(int), frame["age"].astype(int)
    impossible = (tenure < limits["tenure_months"].min) | (age > limits["age"].max)

    assert impossible.sum() == counts["impossible rows"] == round(0.02 * N)
    assert (tenure < 0).any() and (age == 250).any()


def test_outliers_are_extreme_but_within_the_contract(params: Params) -> None:
    limits = params.columns.numeric
    frame, counts = generate(N, dirt(params, outlier_rate=0.02), params.columns, seed=3)
    monthly = frame["monthly_charges"].astype(float)
    tickets = frame["support_tickets"].astype(int)
    plan_max = frame["plan"].map({plan: high for plan, (_, high) in PLAN_CHARGES.items()})
    outlier = (monthly > plan_max) | (tickets >= 30)

    assert outlier.sum() == counts["outlier rows"] == round(0.02 * N)
    assert (monthly > plan_max).any() and (tickets >= 30).any()
    assert monthly.max() <= limits["monthly_charges"].max
    assert tickets.max() <= limits["support_tickets"].max


def test_all_dirt_together_lands_near_the_params_rates(params: Params) -> None:
    rates = params.data.dirt
    frame, counts = generate(N, rates, params.columns, seed=3)
    deduplicated = frame.drop_duplicates()

    assert (
        len(frame) - len(deduplicated)
        == counts["duplicate rows"]
        == round(rates.duplicate_rate * N)
    )
    assert deduplicated["customer_id"].duplicated().sum() == round(rates.repeated_id_rate * N)
    for name in rates.missing_columns:
        if name != "support_message":  # a text that is often missing anyway
            assert abs(frame[name].isna().mean() - rates.missing_rate) < 0.015, name
    for name, spec in params.columns.categorical.items():
        noisy = frame[name].notna() & ~frame[name].isin(spec.allowed)
        assert abs(noisy.mean() - rates.category_noise_rate) < 0.015, name
    as_text = ~frame["total_charges"].str.fullmatch(PLAIN_MONEY)
    assert abs(as_text.mean() - rates.numeric_text_rate) < 0.02


def test_missing_cells_never_hide_impossible_or_outlying_values(params: Params) -> None:
    limits = params.columns.numeric
    rates = dirt(params, missing_rate=0.3, impossible_rate=0.02, outlier_rate=0.02)
    frame, counts = generate(N, rates, params.columns, seed=3)
    tenure, age = pd.to_numeric(frame["tenure_months"]), pd.to_numeric(frame["age"])
    monthly = pd.to_numeric(frame["monthly_charges"])
    tickets = pd.to_numeric(frame["support_tickets"])
    plan_max = frame["plan"].map({plan: high for plan, (_, high) in PLAN_CHARGES.items()})

    impossible = (tenure < limits["tenure_months"].min) | (age > limits["age"].max)
    outlier = (monthly > plan_max) | (tickets >= 30)
    assert impossible.sum() == counts["impossible rows"] == round(0.02 * N)
    assert outlier.sum() == counts["outlier rows"] == round(0.02 * N)
    assert counts["missing cells"]["age"] == round(0.3 * N)


def test_outlying_charges_stay_within_a_lower_contract_limit(params: Params) -> None:
    numeric = params.columns.numeric | {"monthly_charges": NumericColumn(min=0, max=150)}
    columns = params.columns.model_copy(update={"numeric": numeric})

    frame, counts = generate(N, dirt(params, outlier_rate=0.05), columns, seed=3)

    monthly = frame["monthly_charges"].astype(float)
    assert monthly.max() == 150
    assert counts["outlier rows"] == round(0.05 * N)


# --- Bad params.


def test_rates_leaving_no_clean_rows_are_refused(params: Params) -> None:
    too_dirty = dirt(params, duplicate_rate=0.5, repeated_id_rate=0.5)

    with pytest.raises(ParamsError, match=r"data\.dirt rates are too high"):
        generate(N, too_dirty, params.columns, seed=0)


def test_a_contract_that_does_not_describe_the_synthetic_data_is_refused(params: Params) -> None:
    numeric = params.columns.numeric | {"shoe_size": NumericColumn()}
    extra = params.columns.model_copy(update={"numeric": numeric})
    country = params.columns.categorical["country"]
    fewer = country.model_copy(update={"allowed": [c for c in country.allowed if c != "Belgium"]})
    categorical = params.columns.categorical | {"country": fewer}
    no_belgium = params.columns.model_copy(update={"categorical": categorical})

    with pytest.raises(ParamsError, match="shoe_size"):
        generate(N, params.data.dirt, extra, seed=0)
    with pytest.raises(
        ParamsError, match=r"columns.categorical.country.allowed .* lacks \['Belgium'\]"
    ):
        generate(N, params.data.dirt, no_belgium, seed=0)


# --- The stage.


def csv_source(params: Params, path: Path) -> Params:
    """The params with data.source csv reading the given file."""
    data = params.data.model_copy(update={"source": "csv", "csv_path": path})
    return params.model_copy(update={"data": data})


def test_run_writes_the_raw_csv_and_summarises_it(project_dir: Path, params: Params) -> None:
    summary = run(params)

    written = files.read_raw_csv(RAW_DATA, params.columns)
    expected, counts = generate(2000, params.data.dirt, params.columns, params.seed)
    pd.testing.assert_frame_equal(written, expected)
    assert summary["source"] == "synthetic"
    assert summary["rows"] == 2000
    assert summary["columns"] == len(RAW_COLUMNS)
    assert summary["path"] == "data/raw/customers.csv"
    assert summary["churn rate"] == round((expected["churn"] == "1").mean(), 3)
    assert summary["injected duplicate rows"] == counts["duplicate rows"] == 40
    assert summary["injected missing cells (age)"] == counts["missing cells"]["age"]


def test_run_appends_the_production_feedback_rows(project_dir: Path, params: Params) -> None:
    feedback, _ = generate(120, params.data.dirt, params.columns, seed=9)
    files.write_csv(FEEDBACK_DATA, feedback)

    summary = run(params)

    written = files.read_raw_csv(RAW_DATA, params.columns)
    generated, _ = generate(2000, params.data.dirt, params.columns, params.seed)
    assert summary["rows"] == len(written) == 2120
    assert summary["feedback rows"] == 120
    pd.testing.assert_frame_equal(written.tail(120).reset_index(drop=True), feedback)
    pd.testing.assert_frame_equal(written.head(2000), generated)


def test_a_feedback_file_with_a_wrong_column_is_one_sentence(
    project_dir: Path, params: Params
) -> None:
    feedback, _ = generate(50, params.data.dirt, params.columns, seed=9)
    files.write_csv(FEEDBACK_DATA, feedback.drop(columns=["age"]))

    with pytest.raises(
        DataError, match=r"data/feedback/customers.csv lacks the declared columns \['age'\]"
    ):
        run(params)

    assert not RAW_DATA.exists()


def test_run_copies_a_user_csv(project_dir: Path, params: Params) -> None:
    mine = Path("data/external/mine.csv")
    frame, _ = generate(300, params.data.dirt, params.columns, seed=5)
    files.write_csv(mine, frame)

    summary = run(csv_source(params, mine))

    assert RAW_DATA.read_bytes() == mine.read_bytes()
    assert summary["source"] == "csv"
    assert summary["input"] == str(mine)
    assert summary["rows"] == 300
    assert not any(key.startswith("injected") for key in summary)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "does not exist"),
        (b"", "is empty"),
        # Split at its semicolons (data.csv_delimiter: auto), the header lacks most columns.
        (b"customer_id;churn\nC0000001;0\n", "lacks the declared columns ['signup_date'"),
        ((",".join(RAW_COLUMNS) + "\nC0000001\n").encode(), "has a row (row 2, counting the"),
        (b"customer_id,age\nC0000001,42\n", "has no target column 'churn'"),
        ("customer_id,pr\u00e9nom,churn\nC0000001,L\u00e9a,0\n".encode("latin-1"), "is not UTF-8"),
        (b"folder", "is a folder, not a CSV file"),
    ],
    ids=["missing", "empty", "semicolons", "short-row", "no-target", "latin-1", "folder"],
)
def test_a_bad_user_csv_is_one_sentence_and_keeps_the_previous_raw_data(
    project_dir: Path, params: Params, content: bytes | None, expected: str
) -> None:
    run(params)
    before = RAW_DATA.read_bytes()
    mine = Path("data/external/mine.csv")
    if content == b"folder":
        mine.mkdir(parents=True)
    elif content is not None:
        mine.parent.mkdir(parents=True)
        mine.write_bytes(content)

    with pytest.raises(DataError) as error:
        run(csv_source(params, mine))

    assert expected in str(error.value)
    assert str(mine) in str(error.value)
    assert RAW_DATA.read_bytes() == before

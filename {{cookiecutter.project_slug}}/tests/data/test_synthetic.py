"""The synthetic generator: deterministic, learnable but not perfectly, dirty at the params rates.

The generator makes the shipped columns (customer_id, tenure_months, plan...), so these tests
use the shipped contract (`shipped_params`, params.yaml), not the tests' own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }}.config import DirtParams, Params
from {{ cookiecutter.package_name }}.contract import CategoricalColumn, NumericColumn
from {{ cookiecutter.package_name }}.data.dates import read_dates
from {{ cookiecutter.package_name }}.data.synthetic import generate
from {{ cookiecutter.package_name }}.data.synthetic_customers import (
    COMPLAINTS,
    PLAN_CHARGES,
    RAW_COLUMNS,
)
from {{ cookiecutter.package_name }}.data.synthetic_dirt import typo_spellings
from {{ cookiecutter.package_name }}.data.transformers import CategoryNormalizer
from {{ cookiecutter.package_name }}.errors import ParamsError

from ..conftest import require_exercises

N = 4000
# Every kind of dirt the generator injects: the rates of the params model.
RATES = tuple(name for name in DirtParams.model_fields if name.endswith("_rate"))
PLAIN_MONEY = r"\d+\.\d\d"
WHOLE_NUMBER = r"-?\d+"


def dirt(params: Params, **rates: float) -> DirtParams:
    """The params' dirt with every rate 0 except the ones given."""
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
def clean(shipped_params: Params) -> pd.DataFrame:
    """N rows without any dirt."""
    frame, _ = generate(N, dirt(shipped_params), shipped_params.columns, seed=3)
    return frame


# --- Determinism and shape.


def test_the_same_seed_gives_the_same_frame_and_another_seed_another(
    shipped_params: Params,
) -> None:
    first, first_counts = generate(N, shipped_params.data.dirt, shipped_params.columns, seed=1)
    again, again_counts = generate(N, shipped_params.data.dirt, shipped_params.columns, seed=1)
    other, _ = generate(N, shipped_params.data.dirt, shipped_params.columns, seed=2)

    pd.testing.assert_frame_equal(first, again)
    assert first_counts == again_counts
    assert not first.equals(other)


@pytest.mark.parametrize("n_rows", [100, 1234, N])
def test_the_frame_has_n_rows_and_the_contract_columns_in_order(
    shipped_params: Params, n_rows: int
) -> None:
    frame, _ = generate(n_rows, shipped_params.data.dirt, shipped_params.columns, seed=0)

    assert len(frame) == n_rows
    assert list(frame.columns) == RAW_COLUMNS
    assert sorted(frame.columns) == sorted(shipped_params.columns.all)
    for name in frame.columns:  # every value is text, as read_raw_csv gives it
        assert all(isinstance(value, str) for value in frame[name].dropna().unique()), name
    assert frame.index.equals(pd.RangeIndex(n_rows))


# --- Clean data: realistic, canonical, learnable but not perfectly.


def test_without_dirt_every_value_is_clean(shipped_params: Params, clean: pd.DataFrame) -> None:
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
    for name, spec in shipped_params.columns.categorical.items():
        assert clean[name].isin(spec.allowed).all(), name
    for name in ("tenure_months", "age", "support_tickets", "days_since_last_login", "churn"):
        assert clean[name].str.fullmatch(WHOLE_NUMBER).all(), name
    for name in ("monthly_charges", "total_charges", "refund_amount"):
        assert clean[name].str.fullmatch(PLAIN_MONEY).all(), name
    for name, limits in shipped_params.columns.numeric.items():
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
    shipped_params: Params, clean: pd.DataFrame
) -> None:
    frame, counts = generate(
        N, dirt(shipped_params, missing_rate=0.1), shipped_params.columns, seed=3
    )

    emptied = frame.isna().sum() - clean.isna().sum()
    for name in shipped_params.data.dirt.missing_columns:
        assert emptied[name] == counts["missing cells"][name] == round(0.1 * N), name
    assert emptied.drop(shipped_params.data.dirt.missing_columns).sum() == 0


def test_duplicates_are_exact_copies_at_the_rate(shipped_params: Params) -> None:
    frame, counts = generate(
        N, dirt(shipped_params, duplicate_rate=0.05), shipped_params.columns, seed=3
    )

    assert frame.duplicated().sum() == counts["duplicate rows"] == round(0.05 * N)
    assert frame["customer_id"].duplicated().sum() == round(0.05 * N)


def test_repeated_ids_are_different_and_less_complete_records(shipped_params: Params) -> None:
    frame, counts = generate(
        N, dirt(shipped_params, repeated_id_rate=0.03), shipped_params.columns, seed=3
    )
    repeated = frame[frame["customer_id"].duplicated(keep=False)]
    missing_per_record = repeated.isna().sum(axis=1) - repeated["support_message"].isna()
    completeness = missing_per_record.groupby(repeated["customer_id"]).agg(["min", "max"])

    assert frame.duplicated().sum() == 0
    assert frame["customer_id"].duplicated().sum() == counts["repeated id rows"] == round(0.03 * N)
    assert (completeness["min"] == 0).all()
    assert completeness["max"].between(1, 2).all()


def test_category_variants_are_not_canonical_but_map_back(
    shipped_params: Params, clean: pd.DataFrame
) -> None:
    frame, counts = generate(
        N, dirt(shipped_params, category_noise_rate=0.1), shipped_params.columns, seed=3
    )
    frame, clean = by_id(frame), by_id(clean)

    for name, spec in shipped_params.columns.categorical.items():
        variants = ~frame[name].isin(spec.allowed)
        assert variants.sum() == counts["category variants"][name] == round(0.1 * N), name
        assert frame[name][variants].nunique() >= 5, name
        pd.testing.assert_series_equal(map_back(frame[name], spec), clean[name], check_dtype=False)


def test_typos_are_one_slip_from_their_category_and_nothing_else_changes(
    shipped_params: Params, clean: pd.DataFrame
) -> None:
    columns = shipped_params.columns
    frame, counts = generate(N, dirt(shipped_params, typo_rate=0.05), columns, seed=3)
    frame, clean = by_id(frame), by_id(clean)

    for name, spec in columns.categorical.items():
        typos = frame[name] != clean[name]
        taken = {other.casefold() for other in [*spec.allowed, *spec.synonyms]}
        pairs = zip(frame[name][typos], clean[name][typos], strict=True)
        assert typos.sum() == counts["category typos"][name] == round(0.05 * N), name
        assert all(typo in typo_spellings(value, taken) for typo, value in pairs), name
        assert frame[name][typos].nunique() >= 5, name
    others = [name for name in RAW_COLUMNS if name not in columns.categorical]
    pd.testing.assert_frame_equal(frame[others], clean[others])


def test_a_typo_drops_or_swaps_an_inner_letter_and_never_makes_a_known_spelling() -> None:
    dropped, swapped = ["Fance", "Frnce", "Frace", "Frane"], ["Farnce", "Frnace", "Fracne"]
    assert typo_spellings("France", {"fr"}) == sorted(dropped + swapped)
    assert "premum" in typo_spellings("premium", set())
    assert typo_spellings("card", set()) == []  # too short to misspell recognisably
    assert "paypl" not in typo_spellings("paypal", {"paypl"})


def test_dates_in_other_forms_keep_their_day_at_the_rate(
    shipped_params: Params, clean: pd.DataFrame
) -> None:
    # Given 5% of dates in other forms at the clean fixture's seed
    frame, counts = generate(
        N, dirt(shipped_params, date_format_rate=0.05), shipped_params.columns, seed=3
    )

    reading = read_dates(frame["signup_date"])
    forms = reading.form_counts()

    # Then exactly that share is not ISO, in each of the four forms, and every day is kept
    assert counts["dates in other forms"] == N - forms["ISO 8601"] == round(0.05 * N)
    assert set(forms) == {"ISO 8601", "D/M/Y", "Y.M.D", "Mon D Y", "D Mon Y"}
    assert all(40 <= forms[form] <= 60 for form in forms if form != "ISO 8601")
    assert reading.dates.equals(pd.to_datetime(clean["signup_date"]).rename("signup_date"))
    other_forms = frame.drop(columns="signup_date").fillna("")
    assert other_forms.equals(clean.drop(columns="signup_date").fillna(""))


def test_typos_draw_from_their_own_stream(shipped_params: Params) -> None:
    # Turning typos off changes the misspelt cells only: every other dirt stays where it was.
    rates = shipped_params.data.dirt
    with_typos, _ = generate(N, rates, shipped_params.columns, seed=3)
    no_typos = rates.model_copy(update={"typo_rate": 0.0})
    without, _ = generate(N, no_typos, shipped_params.columns, seed=3)

    changed = (with_typos.fillna("") != without.fillna("")).sum()

    assert set(changed[changed > 0].index) == set(shipped_params.columns.categorical)


def test_cleaning_repairs_every_typo_to_its_category(
    shipped_params: Params, clean: pd.DataFrame
) -> None:
    require_exercises(9)  # the repair measures edit distances
    columns = shipped_params.columns
    frame, _ = generate(N, dirt(shipped_params, typo_rate=0.05), columns, seed=3)
    names = list(columns.categorical)

    repaired = CategoryNormalizer(columns.categorical).fit_transform(by_id(frame)[names])

    pd.testing.assert_frame_equal(repaired, by_id(clean)[names], check_dtype=False)


def test_numbers_as_text_keep_their_value(shipped_params: Params, clean: pd.DataFrame) -> None:
    frame, counts = generate(
        N, dirt(shipped_params, numeric_text_rate=0.2), shipped_params.columns, seed=3
    )
    frame, clean = by_id(frame), by_id(clean)
    charges = frame["total_charges"]
    as_text = ~charges.str.fullmatch(PLAIN_MONEY)

    assert as_text.sum() == counts["numbers as text"] == round(0.2 * N)
    assert charges[as_text].str.fullmatch(r"\d{1,3}( \d{3})?,\d\d|\$\d{1,3}(,\d{3})?\.\d\d").all()
    assert charges.str.contains(" ").any() and charges.str.startswith("$").any()
    np.testing.assert_allclose(parse_money(charges), clean["total_charges"].astype(float))


def test_impossible_records_break_the_contract_limits(shipped_params: Params) -> None:
    limits = shipped_params.columns.numeric
    frame, counts = generate(
        N, dirt(shipped_params, impossible_rate=0.02), shipped_params.columns, seed=3
    )
    tenure, age = frame["tenure_months"].astype(int), frame["age"].astype(int)
    impossible = (tenure < limits["tenure_months"].min) | (age > limits["age"].max)

    assert impossible.sum() == counts["impossible rows"] == round(0.02 * N)
    assert (tenure < 0).any() and (age == 250).any()


def test_outliers_are_extreme_but_within_the_contract(shipped_params: Params) -> None:
    limits = shipped_params.columns.numeric
    frame, counts = generate(
        N, dirt(shipped_params, outlier_rate=0.02), shipped_params.columns, seed=3
    )
    monthly = frame["monthly_charges"].astype(float)
    tickets = frame["support_tickets"].astype(int)
    plan_max = frame["plan"].map({plan: high for plan, (_, high) in PLAN_CHARGES.items()})
    outlier = (monthly > plan_max) | (tickets >= 30)

    assert outlier.sum() == counts["outlier rows"] == round(0.02 * N)
    assert (monthly > plan_max).any() and (tickets >= 30).any()
    assert monthly.max() <= limits["monthly_charges"].max
    assert tickets.max() <= limits["support_tickets"].max


def test_all_dirt_together_lands_near_the_params_rates(shipped_params: Params) -> None:
    rates = shipped_params.data.dirt
    frame, counts = generate(N, rates, shipped_params.columns, seed=3)
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
    for name, spec in shipped_params.columns.categorical.items():
        noisy = frame[name].notna() & ~frame[name].isin(spec.allowed)
        assert abs(noisy.mean() - rates.category_noise_rate - rates.typo_rate) < 0.015, name
    as_text = ~frame["total_charges"].str.fullmatch(PLAIN_MONEY)
    assert abs(as_text.mean() - rates.numeric_text_rate) < 0.02


def test_missing_cells_never_hide_impossible_or_outlying_values(shipped_params: Params) -> None:
    limits = shipped_params.columns.numeric
    rates = dirt(shipped_params, missing_rate=0.3, impossible_rate=0.02, outlier_rate=0.02)
    frame, counts = generate(N, rates, shipped_params.columns, seed=3)
    tenure, age = pd.to_numeric(frame["tenure_months"]), pd.to_numeric(frame["age"])
    monthly = pd.to_numeric(frame["monthly_charges"])
    tickets = pd.to_numeric(frame["support_tickets"])
    plan_max = frame["plan"].map({plan: high for plan, (_, high) in PLAN_CHARGES.items()})

    impossible = (tenure < limits["tenure_months"].min) | (age > limits["age"].max)
    outlier = (monthly > plan_max) | (tickets >= 30)
    assert impossible.sum() == counts["impossible rows"] == round(0.02 * N)
    assert outlier.sum() == counts["outlier rows"] == round(0.02 * N)
    assert counts["missing cells"]["age"] == round(0.3 * N)


def test_outlying_charges_stay_within_a_lower_contract_limit(shipped_params: Params) -> None:
    numeric = shipped_params.columns.numeric | {"monthly_charges": NumericColumn(min=0, max=150)}
    columns = shipped_params.columns.model_copy(update={"numeric": numeric})

    frame, counts = generate(N, dirt(shipped_params, outlier_rate=0.05), columns, seed=3)

    monthly = frame["monthly_charges"].astype(float)
    assert monthly.max() == 150
    assert counts["outlier rows"] == round(0.05 * N)


# --- Bad shipped_params.


def test_rates_leaving_no_clean_rows_are_refused(shipped_params: Params) -> None:
    too_dirty = dirt(shipped_params, duplicate_rate=0.5, repeated_id_rate=0.5)

    with pytest.raises(ParamsError, match=r"data\.dirt rates are too high"):
        generate(N, too_dirty, shipped_params.columns, seed=0)


def test_a_contract_that_does_not_describe_the_synthetic_data_is_refused(
    shipped_params: Params,
) -> None:
    numeric = shipped_params.columns.numeric | {"shoe_size": NumericColumn()}
    extra = shipped_params.columns.model_copy(update={"numeric": numeric})
    country = shipped_params.columns.categorical["country"]
    fewer = country.model_copy(update={"allowed": [c for c in country.allowed if c != "Belgium"]})
    categorical = shipped_params.columns.categorical | {"country": fewer}
    no_belgium = shipped_params.columns.model_copy(update={"categorical": categorical})

    with pytest.raises(ParamsError, match="shoe_size"):
        generate(N, shipped_params.data.dirt, extra, seed=0)
    with pytest.raises(
        ParamsError, match=r"columns.categorical.country.allowed .* lacks \['Belgium'\]"
    ):
        generate(N, shipped_params.data.dirt, no_belgium, seed=0)

"""Results by slice: each value of each categorical column, a weak slice told from a small one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.model import slices


def scored_customers() -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame]:
    """600 customers in three countries: the model ranks FR and DE perfectly, IT at random;
    LU has 20 customers, PT 60 who all stayed."""
    rng = np.random.default_rng(3)
    country = np.array(["FR"] * 260 + ["DE"] * 200 + ["IT"] * 60 + ["LU"] * 20 + ["PT"] * 60)
    y = (rng.random(country.size) < 0.3).astype(int)
    y[country == "PT"] = 0
    model = np.where(y == 1, rng.uniform(0.6, 1.0, y.size), rng.uniform(0.0, 0.4, y.size))
    italy = country == "IT"
    model[italy] = rng.random(italy.sum())  # no better than chance there
    scores = pd.DataFrame({"model": model, "reference": rng.random(y.size)})
    return pd.DataFrame({"country": country}), y, scores


def test_each_value_is_a_slice_largest_first_and_a_weak_one_is_marked() -> None:
    test, y, scores = scored_customers()

    results = slices.slices(test, y, scores, ["country"], 500, 0.95, seed=0)

    assert [(r.value, r.rows) for r in results] == [
        ("FR", 260), ("DE", 200), ("IT", 60), ("PT", 60), ("LU", 20)
    ]  # fmt: skip
    by_value = {r.value: r for r in results}
    assert by_value["FR"].roc_auc.estimate == 1.0
    assert by_value["IT"].roc_auc.upper < 0.9 and by_value["IT"].weaker_than(0.95)
    assert not by_value["FR"].weaker_than(0.95)
    # Too small, or a single class: no ROC AUC to report.
    assert by_value["LU"].roc_auc is None and by_value["PT"].roc_auc is None
    assert by_value["PT"].churn_rate == 0.0


def test_the_card_table_says_which_slices_are_weak_or_too_small() -> None:
    test, y, scores = scored_customers()
    results = slices.slices(test, y, scores, ["country"], 500, 0.95, seed=0)

    table = slices.slice_table(results, overall=0.95).splitlines()

    assert table[0] == "| slice | rows | churn rate | ROC AUC | interval | reference |"
    italy = next(line for line in table if line.startswith("| country = IT |"))
    assert "(below the whole set)" in italy
    assert "| country = LU | 20 |" in "\n".join(table) and "too few rows" in table[-1]
    assert all(line.count("|") == 7 for line in table)


def test_the_json_form_keeps_the_interval_or_none() -> None:
    test, y, scores = scored_customers()
    results = slices.slices(test, y, scores, ["country"], 200, 0.95, seed=0)

    as_json = {r["value"]: r for r in (result.to_json() for result in results)}

    assert set(as_json["FR"]["roc_auc"]) == {"estimate", "lower", "upper"}
    assert as_json["LU"]["roc_auc"] is None and as_json["LU"]["reference_roc_auc"] is None
    assert as_json["DE"]["rows"] == 200

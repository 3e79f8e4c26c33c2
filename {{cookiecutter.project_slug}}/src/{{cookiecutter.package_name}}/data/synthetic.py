"""The synthetic raw data: clean customers, then dirt, every value as CSV text.

The customers (data/synthetic_customers.py) imitate a subscription business and whether each
customer churned. Dirt (data/synthetic_dirt.py) is then injected at the rates of params.yaml
(`data.dirt`), because cleaning is the skill being practised, and `generate` returns how much of
each kind it injected so you can check that the later stages find all of it. The acquire stage
writes the result as data/raw/customers.csv; the load generator (serving/load_generator.py)
sends such rows to the API.

How the rows are made, in this order:

1. Base rows: clean customers with unique ids.
2. Row dirt in base rows: impossible records (negative tenure, age 250) and outliers.
3. Cell dirt in base rows: numbers written as text, category variants, typos ("Frnace"),
   dates in other forms ("31/12/2024", "Dec 31 2024"), missing cells.
4. Repeated ids: second, slightly different records of some clean base customers.
5. Exact duplicates of rows made so far, then a shuffle.

Repeats and duplicates copy whatever cell dirt their source row holds, so in the file each cell
dirt rate holds on average, while the returned counts are exactly what was injected.

Every value comes from one numpy Generator seeded with `seed`, and every step works on whole
columns (no loop over rows): the same params give the same file, and a million rows take seconds.
The typos and the date forms draw from Generators of their own (seeded with `seed` and
TYPO_STREAM or DATE_STREAM), so changing `typo_rate` or `date_format_rate` changes only those
cells, never which other cells get dirt.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import DirtParams
from {{ cookiecutter.package_name }}.contract import ColumnsParams
from {{ cookiecutter.package_name }}.data.synthetic_customers import (
    ACCOUNT_STREAM,
    CATEGORY_SHARES,
    RAW_COLUMNS,
    draw_customers,
)
from {{ cookiecutter.package_name }}.data.synthetic_dirt import (
    repeated_records,
    to_text,
    with_date_forms,
    with_impossible_values,
    with_missing,
    with_numbers_as_text,
    with_outliers,
    with_typos,
    with_variants,
)
from {{ cookiecutter.package_name }}.errors import ParamsError

# The typos' own random stream, beside the seed (any fixed number would do).
TYPO_STREAM = 9
DATE_STREAM = 10


def generate(
    n_rows: int, dirt: DirtParams, columns: ColumnsParams, seed: int
) -> tuple[pd.DataFrame, dict[str, object]]:
    """Generate the raw synthetic data, every value as text, and the counts of injected dirt.

    Returns:
        The frame (exactly n_rows rows in RAW_COLUMNS order; str columns with NaN for empty
        cells, as `files.read_raw_csv` reads them back) and, for each kind of dirt, how many rows
        (or, per column, cells) received it.
    """
    check_contract(columns)
    rng = np.random.default_rng(seed)
    n_duplicates = round(dirt.duplicate_rate * n_rows)
    n_repeats = round(dirt.repeated_id_rate * n_rows)
    n_impossible = round(dirt.impossible_rate * n_rows)
    n_outliers = round(dirt.outlier_rate * n_rows)
    n_base = n_rows - n_duplicates - n_repeats
    if n_base - n_impossible - n_outliers < max(n_repeats, 1):
        raise ParamsError(
            "data.dirt rates are too high: duplicate_rate + 2 x repeated_id_rate + "
            "impossible_rate + outlier_rate must stay below 1."
        )

    customers = draw_customers(n_base, rng, np.random.default_rng([seed, ACCOUNT_STREAM]))
    dirty_rows = rng.choice(n_base, size=n_impossible + n_outliers, replace=False)
    customers = with_impossible_values(customers, dirty_rows[:n_impossible], rng)
    customers = with_outliers(
        customers, dirty_rows[n_impossible:], columns.numeric["monthly_charges"].max, rng
    )

    raw = to_text(customers)
    n_texts = round(dirt.numeric_text_rate * n_base)
    raw["total_charges"] = with_numbers_as_text(
        raw["total_charges"], customers["total_charges"], n_texts, rng
    )
    variants: dict[str, int] = {}
    for name, spec in columns.categorical.items():
        variants[name] = round(dirt.category_noise_rate * n_base)
        raw[name] = with_variants(raw[name], spec, variants[name], rng)
    typo_rng = np.random.default_rng([seed, TYPO_STREAM])
    typos: dict[str, int] = {}
    for name, spec in columns.categorical.items():
        n_typos = round(dirt.typo_rate * n_base)
        raw[name], typos[name] = with_typos(raw[name], spec, n_typos, typo_rng)
    n_date_forms = round(dirt.date_format_rate * n_base)
    date_rng = np.random.default_rng([seed, DATE_STREAM])
    raw["signup_date"] = with_date_forms(
        raw["signup_date"], customers["signup_date"], n_date_forms, date_rng
    )
    # Impossible and outlying values are never emptied, so each one stays visible in the file.
    is_clean = np.ones(n_base, dtype=bool)
    is_clean[dirty_rows] = False
    missing: dict[str, int] = {}
    for name in dirt.missing_columns:
        n_missing = round(dirt.missing_rate * n_base)
        raw[name], missing[name] = with_missing(raw[name], n_missing, is_clean, rng)

    # Only clean customers are repeated, so each impossible or outlying record exists once.
    clean_rows = np.flatnonzero(is_clean)
    sources = rng.choice(clean_rows, size=n_repeats, replace=False)
    repeats = repeated_records(raw, customers, sources, rng)
    raw = {name: raw[name].append(repeats[name]) for name in RAW_COLUMNS}
    copies = rng.choice(n_base + n_repeats, size=n_duplicates, replace=False)
    order = np.concatenate([np.arange(n_base + n_repeats), copies])[rng.permutation(n_rows)]
    frame = pd.DataFrame({name: raw[name].to_series(order) for name in RAW_COLUMNS})

    counts: dict[str, object] = {
        "duplicate rows": n_duplicates,
        "repeated id rows": n_repeats,
        "impossible rows": n_impossible,
        "outlier rows": n_outliers,
        "numbers as text": n_texts,
        "category variants": variants,
        "category typos": typos,
        "dates in other forms": n_date_forms,
        "missing cells": missing,
    }
    return frame, counts


def check_contract(columns: ColumnsParams) -> None:
    """Raise a ParamsError when the contract does not describe the synthetic data's columns."""
    declared = set(columns.all)
    if declared != set(RAW_COLUMNS):
        raise ParamsError(
            f"The synthetic data has the columns {RAW_COLUMNS} but `columns:` in params.yaml "
            f"declares {sorted(declared)}; restore them or set data.source to csv."
        )
    for name, shares in CATEGORY_SHARES.items():
        spec = columns.categorical.get(name)
        unknown = sorted(set(shares) - set(spec.allowed)) if spec else sorted(shares)
        if unknown:
            raise ParamsError(
                f"columns.categorical.{name}.allowed in params.yaml lacks {unknown}, "
                "which the synthetic data uses."
            )

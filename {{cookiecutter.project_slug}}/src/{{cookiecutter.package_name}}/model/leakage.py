"""Leakage checks: information the model will not have when it predicts must not reach training.

- the same customer on both sides of a split (`check_group_overlap`), or the same account on
  both sides of a grouped fold (`check_fold_groups`);
- validation rows older than training rows in a split by time (`check_time_order`);
- a feature that alone predicts the target almost perfectly, because it is only known after
  the outcome (`check_leakage`);
- test rows that do not come from the same distribution as the training rows
  (`adversarial_validation`): not a leak, but a reason to doubt that validation scores carry
  over.

The folds themselves are made in `model/folds.py`. Every function takes plain arguments and
returns plain data (floats, Series), so it can be tested without files.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_score

from {{ cookiecutter.package_name }}.data.dates import parse_dates
from {{ cookiecutter.package_name }}.data.numbers import parse_numbers
from {{ cookiecutter.package_name }}.errors import LeakageError, ParamsError
from {{ cookiecutter.package_name }}.model.folds import check_n_splits, class_counts, require_columns

# A raw text column is numeric when at least this share of its non-missing values parse as
# numbers: a few unreadable cells ("n/a") do not turn an amount into a category.
NUMERIC_SHARE = 0.9
# Categories with fewer rows are pooled before their churn rate is used as a score: the rate of
# a category seen once IS that row's target, which would make an id column look like leakage.
MIN_CATEGORY_ROWS = 20
# HistGradientBoosting accepts at most this many categories in a categorical feature; a column
# with more (ids, free text) is given to it as sorted codes instead.
MAX_CATEGORIES = 255
# Adversarial ROC AUC bands: below SIMILAR_AUC the two sets look alike, above SHIFTED_AUC they
# clearly differ.
SIMILAR_AUC = 0.6
SHIFTED_AUC = 0.75


# --- Checks of a split.


def shared_values(left: Sequence | pd.Series, right: Sequence | pd.Series) -> pd.Index:
    """The distinct values (missing ones aside) found on both sides, sorted."""
    left_values = pd.Index(left).dropna().unique()
    return left_values.intersection(pd.Index(right).dropna().unique()).sort_values()


def check_group_overlap(train_ids: Sequence | pd.Series, test_ids: Sequence | pd.Series) -> None:
    """Raise a LeakageError when an id is on both sides of a split."""
    shared = shared_values(train_ids, test_ids)
    if len(shared):
        raise LeakageError(
            f"{len(shared)} ids are in both the training and the test rows (for example "
            f"'{shared[0]}'): the model would be scored on customers it was trained on; keep "
            "all rows of one id on the same side."
        )


def check_fold_groups(
    train_groups: Sequence | pd.Series, valid_groups: Sequence | pd.Series, column: str
) -> None:
    """Raise a LeakageError when a group (an account) has members on both sides of a fold."""
    shared = shared_values(train_groups, valid_groups)
    if len(shared):
        raise LeakageError(
            f"{len(shared)} {column} values have customers on both sides of a fold (for "
            f"example '{shared[0]}'): members of one account churn together, so validation "
            "would reward recognising the account; keep each group in one fold."
        )


def check_time_order(train_times: Sequence | pd.Series, test_times: Sequence | pd.Series) -> None:
    """Raise a LeakageError when a test row is older than the latest training row."""
    latest = parse_dates(pd.Series(train_times)).max()
    n_earlier = int((parse_dates(pd.Series(test_times)) < latest).sum())
    if n_earlier:
        raise LeakageError(
            f"{n_earlier} test rows are dated before the latest training row "
            f"({latest.date().isoformat()}): the model would be validated on the past instead "
            "of the future it has to predict."
        )


# --- A feature that alone predicts the target.


def as_numbers(values: pd.Series) -> pd.Series | None:
    """The values parsed as float64 when the column is numeric (see NUMERIC_SHARE), else None."""
    numbers = parse_numbers(values)
    n_values = int(values.notna().sum())
    if n_values and numbers.notna().sum() < NUMERIC_SHARE * n_values:
        return None
    return numbers


def category_rate(values: pd.Series, positive: np.ndarray) -> np.ndarray:
    """Each row's category's share of positives; missing is a category, rare ones are pooled."""
    codes = pd.factorize(values)[0] + 1  # 0 is the missing category
    rare = np.bincount(codes)[codes] < MIN_CATEGORY_ROWS
    codes = np.where(rare, -1, codes)
    return pd.Series(positive).groupby(codes).transform("mean").to_numpy()


def single_feature_auc(
    frame: pd.DataFrame,
    target: str,
    columns: Sequence[str],
    text_columns: Collection[str] = (),
) -> pd.Series:
    """ROC AUC of each feature used alone as a score, folded so that 0.5 <= AUC <= 1.

    A numeric column (raw text is parsed first) is its own score, missing values ranked below
    every number; a categorical column scores each row by its category's share of the target's
    positive class. Columns in `text_columns` are skipped: free text needs a model to score.
    A feature and its opposite predict equally well, hence the fold max(auc, 1 - auc).
    """
    counts = class_counts(frame, target)
    require_columns(frame, columns)
    # The larger label (1 for churn) is the positive class.
    positive = (frame[target] == counts.index[-1]).to_numpy(dtype=np.int64)
    aucs = {}
    for name in columns:
        if name in text_columns:
            continue
        numbers = as_numbers(frame[name])
        if numbers is None:
            score = category_rate(frame[name], positive)
        else:
            lowest = numbers.min() if numbers.notna().any() else 0.0
            score = numbers.fillna(lowest - 1.0).to_numpy()
        auc = float(roc_auc_score(positive, score))
        aucs[name] = max(auc, 1.0 - auc)
    return pd.Series(aucs, name="roc_auc", dtype="float64")


def check_leakage(
    frame: pd.DataFrame,
    target: str,
    features: Sequence[str],
    threshold: float = 0.95,
    text_columns: Collection[str] = (),
) -> pd.Series:
    """Raise a LeakageError when a feature alone predicts the target too well to be honest.

    Returns:
        The single-feature ROC AUC of each feature (text columns skipped), highest first.
    """
    if not 0.5 < threshold <= 1.0:
        raise ParamsError(
            f"The leakage threshold must be above 0.5 and at most 1, not {threshold}."
        )
    # [exercise 11] score every feature alone; raise one sentence naming those at the threshold.
    aucs = single_feature_auc(frame, target, features, text_columns)
    aucs = aucs.sort_values(ascending=False, kind="stable")
    leaky = aucs[aucs >= threshold]
    if len(leaky) == 1:
        raise LeakageError(
            f"Column '{leaky.index[0]}' alone predicts {target} with ROC AUC {leaky.iloc[0]:.2f} "
            f"(>= {threshold}): it is probably only known after the outcome (leakage); remove it "
            "from the model's features."
        )
    if len(leaky) > 1:
        names = ", ".join(f"'{name}'" for name in leaky.index)
        values = ", ".join(f"{auc:.2f}" for auc in leaky)
        raise LeakageError(
            f"Columns {names} each alone predict {target} with ROC AUC {values} "
            f"(>= {threshold}): they are probably only known after the outcome (leakage); "
            "remove them from the model's features."
        )
    return aucs
    # [/exercise 11]


# --- Adversarial validation: do the training and test rows come from the same distribution?


def encoded_features(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Features as float codes for HistGradientBoosting, and which of them are categorical.

    Numeric columns are parsed; other columns become the codes of their sorted values (sorted,
    not in order of appearance, so that the codes do not tell the first rows from the last).
    """
    encoded, is_category = [], []
    for name in rows.columns:
        numbers = as_numbers(rows[name])
        if numbers is not None:
            encoded.append(numbers.to_numpy())
            is_category.append(False)
            continue
        codes, categories = pd.factorize(rows[name], sort=True)
        encoded.append(np.where(codes >= 0, codes, np.nan))
        is_category.append(len(categories) <= MAX_CATEGORIES)
    return np.column_stack(encoded), np.array(is_category, dtype=bool)


def adversarial_validation(
    train: pd.DataFrame,
    test: pd.DataFrame,
    features: Sequence[str],
    seed: int,
    n_splits: int = 3,
) -> float:
    """Cross-validated ROC AUC of a classifier trained to tell test rows from training rows.

    About 0.5: the classifier cannot tell them apart, the two sets look alike and validation
    scores should carry over. Near 1: the test rows differ (another period, another market), so
    scores measured on the training distribution may not hold on them.
    """
    check_n_splits(n_splits)
    if not features:
        raise ParamsError("Adversarial validation needs at least one feature.")
    require_columns(train, features)
    require_columns(test, features)
    if min(len(train), len(test)) < n_splits:
        raise ParamsError(
            f"Adversarial validation with n_splits={n_splits} needs at least {n_splits} rows on "
            f"each side, but there are {len(train)} training and {len(test)} test rows."
        )
    rows = pd.concat([train[list(features)], test[list(features)]], ignore_index=True)
    is_test = np.repeat([0, 1], [len(train), len(test)])
    X, is_category = encoded_features(rows)
    model = HistGradientBoostingClassifier(categorical_features=is_category, random_state=seed)
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    scores = cross_val_score(model, X, is_test, cv=folds, scoring="roc_auc")
    return float(np.mean(scores))


def describe_adversarial_auc(auc: float) -> str:
    """Say in plain words what an adversarial validation ROC AUC means."""
    if auc < SIMILAR_AUC:
        return (
            f"ROC AUC {auc:.2f}: a classifier can hardly tell the training rows from the test "
            "rows, so both look alike (similar distributions)."
        )
    if auc <= SHIFTED_AUC:
        return (
            f"ROC AUC {auc:.2f}: some shift; a classifier partly tells the test rows from the "
            "training rows, so check which features differ before trusting validation scores."
        )
    return (
        f"ROC AUC {auc:.2f}: strong shift; the test rows clearly differ from the training rows, "
        "so validation scores may not carry over to them."
    )

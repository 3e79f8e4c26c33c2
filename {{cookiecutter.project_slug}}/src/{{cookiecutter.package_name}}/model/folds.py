"""Validation folds: how the data is split for model selection, so validation scores carry over.

A model is chosen on validation scores, so those scores must predict how it will do on customers
it has never seen. Two splits decide whether they do:

1. A final test set, split off first (`final_test_split`) and used once at the very end: every
   choice made while looking at a score (features, model, threshold) fits the data it was made
   on a little, so only untouched rows give an honest last number.
2. How the development rows are split into training and validation folds (`cv_splits`): at
   random but keeping the churn rate in every fold (stratified), with all customers of one
   account (or all rows of one customer) on the same side (grouped), or by time (train on
   earlier signups, validate on later ones, as the model will be used).

The checks that a split leaks nothing live in `model/leakage.py`. Every function takes plain
arguments and returns row positions for `.iloc`, sorted ascending, so it can be tested without
files.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit, TimeSeriesSplit

from {{ cookiecutter.package_name }}.data.dates import parse_dates
from {{ cookiecutter.package_name }}.errors import DataError, ParamsError

FinalTestMode = Literal["time", "random"]
Strategy = Literal["holdout", "stratified_kfold", "group_kfold", "time"]
STRATEGIES = ("holdout", "stratified_kfold", "group_kfold", "time")
# (training positions, validation positions), both for .iloc.
Split = tuple[np.ndarray, np.ndarray]

# Above half of the rows, the held-out part would be larger than what the model learns from.
MAX_SHARE = 0.5

# --- Checks of the arguments, shared by the splits.


def require_columns(frame: pd.DataFrame, names: Sequence[str]) -> None:
    """Raise a ParamsError naming the columns that the data lacks."""
    missing = [name for name in names if name not in frame.columns]
    if missing:
        listed = ", ".join(f"'{name}'" for name in missing)
        raise ParamsError(f"The data has no column {listed}.")


def check_share(name: str, share: float) -> None:
    """Raise a ParamsError unless 0 < share <= MAX_SHARE."""
    if not 0.0 < share <= MAX_SHARE:
        raise ParamsError(f"{name} must be above 0 and at most {MAX_SHARE}, not {share}.")


def check_n_splits(n_splits: int) -> None:
    """Raise a ParamsError when n_splits cannot make a cross-validation."""
    if n_splits < 2:
        raise ParamsError(f"n_splits must be at least 2, not {n_splits}.")


def class_counts(frame: pd.DataFrame, target: str) -> pd.Series:
    """Rows per class of the target, by label; raise a DataError unless it holds two classes."""
    require_columns(frame, [target])
    labels = frame[target]
    n_missing = int(labels.isna().sum())
    if n_missing:
        raise DataError(
            f"Target column '{target}' has {n_missing} missing values; drop those rows first."
        )
    counts = labels.value_counts().sort_index()
    if len(counts) != 2:
        raise DataError(f"Target column '{target}' must hold two classes, not {len(counts)}.")
    return counts


def check_rare_class_share(counts: pd.Series, target: str, name: str, share: float) -> None:
    """Raise a ParamsError when a stratified split of `share` gets no row of the rarer class."""
    label, size = counts.idxmin(), int(counts.min())
    if size * share < 1:
        raise ParamsError(
            f"There are only {size} rows with {target}={label}: too few to put any of them "
            f"in a {name} of {share}."
        )


def check_folds(n_splits: int, counts: pd.Series, target: str, unit: str = "rows") -> None:
    """Raise a ParamsError when some validation fold would hold no row of the rarer class."""
    label, size = counts.idxmin(), int(counts.min())
    if n_splits > size:
        raise ParamsError(
            f"n_splits={n_splits} is more than the {size} {unit} with {target}={label} in the "
            "data, so some validation folds would hold none of them; lower n_splits."
        )


def time_values(frame: pd.DataFrame, time_column: str | None, needed_by: str) -> np.ndarray:
    """The time column as datetime64; raise when it is not set or some row has no date."""
    if time_column is None:
        raise ParamsError(f"{needed_by} needs a time column, and none was given.")
    require_columns(frame, [time_column])
    times = parse_dates(frame[time_column])
    n_missing = int(times.isna().sum())
    if n_missing:
        raise DataError(
            f"Column '{time_column}' has {n_missing} missing or unreadable dates; a split by time "
            "needs a date on every row."
        )
    return times.to_numpy()


# --- The final test set.


def final_test_split(
    frame: pd.DataFrame,
    target: str,
    time_column: str | None,
    test_size: float,
    mode: FinalTestMode,
    seed: int,
) -> Split:
    """Split off the final test set that only the final evaluation touches.

    Args:
        frame: the data, one row per record.
        target: name of the target column.
        time_column: name of the signup date column (needed by mode "time").
        test_size: share of the rows put in the final test set, in (0, 0.5].
        mode: "time" takes the latest signups (how the model will be used: trained on the
            past, scoring new customers); "random" draws rows at random, keeping the share of
            each class of the target (stratified).
        seed: seed of the random draw.

    Returns:
        Positions (for `.iloc`) of the development rows and of the final test rows.
    """
    check_share("test_size", test_size)
    counts = class_counts(frame, target)
    if mode == "time":
        times = time_values(frame, time_column, "Splitting the final test set by time")
        is_test = latest_rows(times, test_size, time_column)
        return np.flatnonzero(~is_test), np.flatnonzero(is_test)
    if mode != "random":
        raise ParamsError(f"The final test split mode must be 'time' or 'random', not '{mode}'.")
    check_rare_class_share(counts, target, "final test set", test_size)
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    development, test = next(splitter.split(np.zeros((len(frame), 1)), frame[target]))
    return np.sort(development), np.sort(test)


def latest_rows(times: np.ndarray, share: float, time_column: str | None) -> np.ndarray:
    """True for the latest `share` of rows by time; rows of the cut date stay on one side.

    Customers who signed up on the same day are all on the test side (so it may hold a little
    more than `share`); only when that would leave no development row do they all go to
    the development side.
    """
    n_test = int(np.ceil(share * len(times)))
    cut = np.sort(times)[len(times) - n_test]
    is_test = times >= cut
    if is_test.all():
        is_test = times > cut
    if not is_test.any():
        raise ParamsError(
            f"Column '{time_column}' holds a single date, so the rows cannot be split by time."
        )
    return is_test


# --- Training and validation folds within the development rows.


def cv_splits(
    frame: pd.DataFrame,
    target: str,
    strategy: Strategy,
    n_splits: int,
    seed: int,
    id_column: str | None = None,
    time_column: str | None = None,
    holdout_size: float = 0.2,
    group_column: str | None = None,
) -> list[Split]:
    """Split the development rows into (training, validation) pairs for model selection.

    Args:
        frame: the development rows (never the final test set).
        target: name of the target column.
        strategy: "holdout" (one stratified split of `holdout_size`), "stratified_kfold"
            (k folds, each with the target's class shares), "group_kfold" (stratified k folds
            of groups: all rows of one account, else of one id, in the same fold), "time"
            (rows sorted by time;
            each fold trains on earlier signups and validates on the next ones).
        n_splits: number of folds (ignored by "holdout").
        seed: seed of the shuffles ("time" does not shuffle).
        id_column: name of the id column (needed by "group_kfold" without a group column).
        time_column: name of the signup date column (needed by "time").
        holdout_size: share of the rows validated on by "holdout", in (0, 0.5].
        group_column: name of the group column (accounts): "group_kfold" splits by it when set.

    Returns:
        One (training positions, validation positions) pair per fold, for `.iloc`.
    """
    if strategy not in STRATEGIES:
        raise ParamsError(
            f"Unknown validation strategy '{strategy}'; choose one of {', '.join(STRATEGIES)}."
        )
    if strategy != "holdout":
        check_n_splits(n_splits)
    counts = class_counts(frame, target)
    if strategy == "group_kfold":
        # Customers of one account churn together: keeping only each customer on one side
        # would still leak the account (see data/synthetic_accounts.py).
        return group_kfold(frame, target, group_column or id_column, n_splits, seed)
    if strategy == "time":
        return time_kfold(frame, target, time_column, n_splits, counts)
    no_features = np.zeros((len(frame), 1))
    if strategy == "holdout":
        check_share("holdout_size", holdout_size)
        check_rare_class_share(counts, target, "holdout set", holdout_size)
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=holdout_size, random_state=seed)
    else:
        check_folds(n_splits, counts, target)
        splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    splits = splitter.split(no_features, frame[target])
    return [(np.sort(train), np.sort(valid)) for train, valid in splits]


def group_kfold(
    frame: pd.DataFrame, target: str, id_column: str | None, n_splits: int, seed: int
) -> list[Split]:
    """Stratified k folds of customers: every row of one id is in the same fold.

    Customers, not rows, are dealt into folds by StratifiedKFold, each labelled by its highest
    target (churned on any row), then every row follows its customer. scikit-learn's
    StratifiedGroupKFold does the same but loops over the customers in Python (about 30 s for
    200,000 of them); this stays vectorised.
    """
    if id_column is None:
        raise ParamsError(
            "Strategy 'group_kfold' needs an id column, to keep all rows of one customer in "
            "the same fold, and none was given."
        )
    require_columns(frame, [id_column])
    # [exercise 2] deal customers, not rows, into stratified folds; rows follow their customer.
    customer, ids = pd.factorize(frame[id_column])
    n_missing = int((customer < 0).sum())
    if n_missing:
        raise DataError(
            f"Column '{id_column}' has {n_missing} missing ids; group k-fold needs an id on "
            "every row."
        )
    # groupby sorts its keys, so position i of the result belongs to customer code i.
    label = frame[target].groupby(customer).max().to_numpy()
    customers_per_class = pd.Series(label).value_counts().sort_index()
    check_folds(n_splits, customers_per_class, target, f"distinct {id_column} values")
    splitter = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    fold_of_customer = np.empty(len(ids), dtype=np.int64)
    for fold, (_, valid) in enumerate(splitter.split(np.zeros((len(ids), 1)), label)):
        fold_of_customer[valid] = fold
    fold_of_row = fold_of_customer[customer]
    return [
        (np.flatnonzero(fold_of_row != fold), np.flatnonzero(fold_of_row == fold))
        for fold in range(n_splits)
    ]
    # [/exercise 2]


def time_kfold(
    frame: pd.DataFrame, target: str, time_column: str | None, n_splits: int, counts: pd.Series
) -> list[Split]:
    """TimeSeriesSplit over the rows sorted by time: train on earlier, validate on later rows."""
    times = time_values(frame, time_column, "Strategy 'time'")
    check_folds(n_splits, counts, target)
    # A stable sort keeps rows of the same date in file order, so the folds are reproducible.
    order = np.argsort(times, kind="stable")
    splits = TimeSeriesSplit(n_splits=n_splits).split(order)
    return [(np.sort(order[train]), np.sort(order[valid])) for train, valid in splits]

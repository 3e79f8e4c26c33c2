"""Text drift: has a text column changed, judged through its lengths, emptiness and top words?

A text column gets three verdicts (see text_drift), each built from the column drift tests of
drift.py rather than a model of its own.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.monitoring.drift import (
    ColumnDrift,
    DriftThresholds,
    column_drift,
    psi_from_shares,
    verdict,
)
from {{ cookiecutter.package_name }}.monitoring.two_sample import (
    count_shares,
    jensen_shannon_of_counts,
    sample_name,
)

# A word for the top-term check: a run of letters, digits or underscores, after lower-casing.
WORD = re.compile(r"\w+")


def text_statistics(texts: pd.Series) -> pd.DataFrame:
    """Per text (missing ones dropped): its length in characters and whether it is empty.

    A text of only spaces counts as empty: it says nothing either.
    """
    present = texts.dropna().astype(str)
    return pd.DataFrame(
        {"length": present.str.len(), "is_empty": present.str.strip().eq("")},
        index=present.index,
    )


def term_counts(texts: pd.Series) -> pd.Series:
    """How often each word occurs in the texts, most frequent first (ties in word order).

    Words are runs of letters, digits or underscores after lower-casing: "Can't log in!" gives
    "can", "t", "log", "in". Simple on purpose; it only has to notice which words dominate.
    """
    joined = " ".join(texts.dropna().astype(str)).lower()
    counts = pd.Series(WORD.findall(joined), dtype=object).value_counts()
    # Sort ties by word so the top terms do not depend on the order of the rows.
    order = np.lexsort((counts.index.to_numpy(dtype=str), -counts.to_numpy()))
    return counts.iloc[order]


def _top_terms_drift(
    column: str, reference: pd.Series, current: pd.Series, thresholds: DriftThresholds
) -> ColumnDrift | None:
    """Jensen-Shannon distance between the shares of the top words (None if a sample has none)."""
    ref_terms, cur_terms = term_counts(reference), term_counts(current)
    if ref_terms.empty or cur_terms.empty:
        return None
    # The reference's top words show which fell out of use, the current's top words a new
    # dominant one; every other word shares one bucket, so shares sum to 1 on both sides.
    top = ref_terms.index[: thresholds.top_terms].union(cur_terms.index[: thresholds.top_terms])
    ref_top = ref_terms.reindex(top, fill_value=0).to_numpy()
    cur_top = cur_terms.reindex(top, fill_value=0).to_numpy()
    ref_counts = np.append(ref_top, ref_terms.sum() - ref_top.sum())
    cur_counts = np.append(cur_top, cur_terms.sum() - cur_top.sum())
    psi_value = psi_from_shares(count_shares(ref_counts), count_shares(cur_counts))
    distance_value = jensen_shannon_of_counts(ref_counts, cur_counts)
    return verdict(
        f"{column}.top_terms",
        "categorical",
        "jensen_shannon",
        distance_value,
        psi_value,
        thresholds,
    )


def text_drift(
    reference: pd.Series, current: pd.Series, thresholds: DriftThresholds | None = None
) -> list[ColumnDrift]:
    """Drift of a text column through simple statistics, one ColumnDrift each.

    Evidently's default for text trains a classifier to tell the samples apart; this module
    follows the issue's lighter plan instead, which needs no model and reads plainly:

    - `<column>.length`: the length in characters, tested as a numeric column;
    - `<column>.is_empty`: whether a text is empty, tested as a binary categorical column;
    - `<column>.top_terms`: the Jensen-Shannon distance between the shares of the most frequent
      words (each sample's top `thresholds.top_terms`, every other word in one bucket). It is
      always judged as a distance at `thresholds.distance`, whatever the sample size: the words
      of one message are not independent draws, so a p-value on word counts would be far too
      small. It is left out when either sample holds no words at all (the empty share reports
      that).

    Missing texts are dropped, like missing values elsewhere.
    """
    thresholds = thresholds or DriftThresholds()
    column = sample_name(reference) or "text"
    ref_stats, cur_stats = text_statistics(reference), text_statistics(current)
    results = [
        column_drift(
            ref_stats[name].rename(f"{column}.{name}"),
            cur_stats[name].rename(f"{column}.{name}"),
            kind,
            thresholds,
        )
        for name, kind in (("length", "numeric"), ("is_empty", "categorical"))
    ]
    top_terms = _top_terms_drift(column, reference, current, thresholds)
    return results if top_terms is None else [*results, top_terms]

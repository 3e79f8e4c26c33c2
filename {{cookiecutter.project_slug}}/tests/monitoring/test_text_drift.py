"""Text drift: lengths, emptiness and top words of a text column, and when they drift."""

from __future__ import annotations

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.monitoring.text_drift import (
    term_counts,
    text_drift,
    text_statistics,
)

from ..conftest import make_params, require_exercises

# The tests' contract at import time, for the messages the tests draw.
TEXT = make_params().columns.text[0]
WORDS = np.array(
    ["cannot", "log", "in", "price", "too", "high", "thanks", "great", "app", "slow", "help"],
    dtype=object,
)


def messages(n: int, seed: int, max_words: int = 8, first_word: str = "") -> pd.Series:
    """n texts of 1 to max_words random words, the first one replaced if given."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, max_words + 1, n)
    words = np.split(rng.choice(WORDS, lengths.sum()), np.cumsum(lengths)[:-1])
    if first_word:
        for message in words:
            message[0] = first_word
    return pd.Series([" ".join(w) for w in words], name=TEXT)


def test_text_statistics_are_length_and_emptiness_of_the_present_texts() -> None:
    stats_ = text_statistics(pd.Series(["hi", "", "  ", None, "hello world"]))

    assert stats_.index.tolist() == [0, 1, 2, 4]
    assert stats_["length"].tolist() == [2, 0, 2, 11]
    assert stats_["is_empty"].tolist() == [False, True, True, False]


def test_term_counts_lower_case_words_most_frequent_first() -> None:
    counts = term_counts(pd.Series(["Can't log in!", "LOG in", None, "in"]))

    assert counts.to_dict() == {"in": 3, "log": 2, "can": 1, "t": 1}
    assert counts.index.tolist() == ["in", "log", "can", "t"]


def test_text_drift_of_the_same_kind_of_messages_finds_nothing() -> None:
    require_exercises(7, 15)  # message lengths: a numeric column, PSI (7) and Wasserstein (15)
    results = text_drift(messages(3000, seed=1), messages(3000, seed=2))

    assert [r.column for r in results] == [
        f"{TEXT}.length",
        f"{TEXT}.is_empty",
        f"{TEXT}.top_terms",
    ]
    assert not any(r.drifted for r in results)


def test_text_drift_flags_longer_messages() -> None:
    require_exercises(7, 15)  # message lengths: a numeric column, PSI (7) and Wasserstein (15)
    results = text_drift(messages(3000, seed=1), messages(3000, seed=2, max_words=16))

    drifted = {r.column: r.drifted for r in results}
    assert drifted[f"{TEXT}.length"]
    assert not drifted[f"{TEXT}.is_empty"]


def test_text_drift_flags_a_new_dominant_term() -> None:
    require_exercises(7, 15)  # message lengths: a numeric column, PSI (7) and Wasserstein (15)
    # Given current messages that all start with a new word as long as the others on average
    results = text_drift(messages(3000, seed=1), messages(3000, seed=2, first_word="fees"))

    drifted = {r.column: r.drifted for r in results}
    assert drifted[f"{TEXT}.top_terms"]
    assert not drifted[f"{TEXT}.length"]


def test_text_drift_flags_a_rise_in_empty_messages() -> None:
    require_exercises(7, 15)  # message lengths: a numeric column, PSI (7) and Wasserstein (15)
    current = messages(3000, seed=2)
    current[:600] = ""

    results = text_drift(messages(3000, seed=1), current)

    assert {r.column: r.drifted for r in results}[f"{TEXT}.is_empty"]

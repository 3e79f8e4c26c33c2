"""Misspelt categories: how far apart two spellings are, and which known one a typo stands for.

Case, spaces and synonyms ("  PREMIUM", "FR") are matched exactly by the spelling keys of
data/transformers.py. A real typo ("Frnace", "premum") matches nothing, so without repair it
would become missing and be imputed with the most frequent category. Here it is mapped to the
one known spelling it is closest to, but only when that is safe:

1. Closeness is the edit distance: insertions, deletions, substitutions and swaps of two
   adjacent letters each cost one edit (the optimal string alignment distance), because a
   swap ("Frnace") is one slip of the fingers, not two.
2. At most MAX_EDITS edits, and only for keys of MIN_REPAIR_LENGTH letters or more: "EE" is
   one edit from both "ES" and "BE", and a short code carries too little to guess from.
3. A tie between two different categories is refused (the value stays unknown): a guess that
   could go either way would put wrong values in the data silently.

Both cleaning (a column) and serving (one record) call `repaired_spelling`, so both repair alike.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

# One edit repairs the typos real exports hold (a letter dropped, two swapped); two would start
# to map genuinely different words onto each other ("gold" and "good" are two edits apart).
MAX_EDITS = 1
MIN_REPAIR_LENGTH = 4


def edit_distance(a: str, b: str) -> int:
    """The number of insertions, deletions, substitutions and adjacent swaps turning a into b."""
    # [exercise 9] the optimal string alignment distance, by dynamic programming over prefixes.
    # distances[i][j]: the edits between the first i letters of a and the first j of b.
    distances = [list(range(len(b) + 1))] + [[i] + [0] * len(b) for i in range(1, len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            substitution = distances[i - 1][j - 1] + (a[i - 1] != b[j - 1])
            best = min(distances[i - 1][j] + 1, distances[i][j - 1] + 1, substitution)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, distances[i - 2][j - 2] + 1)  # two adjacent letters swapped
            distances[i][j] = best
    return distances[len(a)][len(b)]
    # [/exercise 9]


def repaired_spelling(
    key: str, spellings: Mapping[str, str], max_edits: int = MAX_EDITS
) -> str | None:
    """The canonical value whose known spelling key is closest to `key`, or None.

    None when the key is short, when no known key is within `max_edits` edits, or when two
    different canonical values are equally close (a tie is no evidence for either).
    """
    return closest_category(key, tuple(spellings.items()), max_edits)


# A column holds a few dozen distinct typos, and every fit and scoring of a pipeline (dozens in
# one training, with its folds and curves) repairs them again: remembering the answers spares
# thousands of edit distances. Keyed by the known spellings too, so two columns or two
# contracts never share an answer; bounded, so a stream of new typos cannot grow it.
@functools.lru_cache(maxsize=4096)
def closest_category(
    key: str, spellings: tuple[tuple[str, str], ...], max_edits: int
) -> str | None:
    """repaired_spelling's answer, with the known spellings as (key, canonical) pairs."""
    if len(key) < MIN_REPAIR_LENGTH:
        return None
    closest: set[str] = set()
    best = max_edits + 1
    for known, canonical in spellings:
        # The difference in length is a lower bound of the distance: most keys are skipped
        # without filling a table.
        if abs(len(known) - len(key)) > max_edits:
            continue
        distance = edit_distance(key, known)
        if distance > max_edits:
            continue
        if distance < best:
            best, closest = distance, {canonical}
        elif distance == best:
            closest.add(canonical)
    return next(iter(closest)) if len(closest) == 1 else None

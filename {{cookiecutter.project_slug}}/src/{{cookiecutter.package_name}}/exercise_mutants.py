"""The planted bugs ("mutants") that grade the write-tests exercises: good tests catch each one.

A mutant is the function's own source with one or two small edits, each the kind of slip a
colleague makes (`>` for `>=`, two arguments swapped, a forgotten case). `make exercises` runs the
learner's tests on the real function (they must pass) and on each mutant (at least one test must
fail); exercise_mutation.py plants them. The reference tests of each exercise catch every mutant:
the template's tests check it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutant:
    """A planted bug: what it breaks, and its edits (old text, new text) to the source."""

    bug: str
    edits: tuple[tuple[str, str], ...]


MUTANTS: dict[int, tuple[Mutant, ...]] = {
    24: (
        Mutant(
            "a customer scoring exactly the threshold gets no offer",
            (("s >= threshold", "s > threshold"),),
        ),
        Mutant(
            "the cost of an offer and of a missed churner are swapped",
            (
                ("cost_retention_offer * flagged", "cost_missed_churner * flagged"),
                ("cost_missed_churner * missed", "cost_retention_offer * missed"),
            ),
        ),
        Mutant(
            "an offer to a customer who would have stayed costs nothing",
            (
                (
                    "cost_retention_offer * flagged.sum()",
                    "cost_retention_offer * (flagged & (y == 1)).sum()",
                ),
            ),
        ),
        Mutant(
            "the total cost is returned, not the cost per customer",
            (("float(total / y.size)", "float(total)"),),
        ),
    ),
    25: (
        Mutant(
            "a value equal to the upper bound fails",
            (
                (
                    "np.inf if high is None else high",
                    'np.inf if high is None else high, inclusive="left"',
                ),
            ),
        ),
        Mutant(
            "a missing value fails the range rule (it is the not-null rule's business)",
            (("return numbers.isna() | numbers.between(", "return numbers.between("),),
        ),
        Mutant(
            "no lower bound is read as a lower bound of 0",
            (("-np.inf if low is None else low", "0 if low is None else low"),),
        ),
        Mutant(
            "numbers written as text are never checked",
            (
                (
                    "numbers = parse_numbers(values, decimal)",
                    "numbers = pd.Series(np.nan, index=values.index)",
                ),
            ),
        ),
    ),
    26: (
        Mutant(
            "a PSI equal to the moderate band counts as no shift",
            (("if value < moderate:", "if value <= moderate:"),),
        ),
        Mutant(
            "a PSI equal to the major band counts as moderate",
            (('"moderate" if value < major', '"moderate" if value <= major'),),
        ),
        Mutant(
            "the major band given is ignored (0.25 is always used)",
            (('"moderate" if value < major', '"moderate" if value < 0.25'),),
        ),
        Mutant(
            "the moderate and major labels are swapped",
            (
                (
                    'return "moderate" if value < major else "major"',
                    'return "major" if value < major else "moderate"',
                ),
            ),
        ),
    ),
    27: (
        Mutant(
            "the salt is ignored: every experiment splits the users the same way",
            (('f"{salt}:{unit_id}"', 'f"{unit_id}"'),),
        ),
        Mutant(
            "salt and id run together: ('ab', 'c') and ('a', 'bc') get the same point",
            (('f"{salt}:{unit_id}"', 'f"{salt}{unit_id}"'),),
        ),
        Mutant(
            "only the first byte of the digest is used: 256 possible points",
            (("digest[:8]", "digest[:1]"), ("/ 2**64", "/ 2**8")),
        ),
        Mutant(
            "the hash is divided by 2**63: half of the units pile up just below 1",
            (("/ 2**64", "/ 2**63"),),
        ),
    ),
}

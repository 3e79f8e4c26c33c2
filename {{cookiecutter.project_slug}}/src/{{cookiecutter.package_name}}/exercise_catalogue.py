"""The catalogue of practice exercises: what each one is, where, which skills it trains, its hints.

Pure data: exercises.py grades them and prints the progress. An exercise's number is its
identity (markers in the code, `@pytest.mark.exercise(N)` on its graded tests); numbers are never
reused. Hints go from a question to the idea to the shape of the code, so a learner can ask for
as little help as they need (`exercises hint N` shows the next one).

Two kinds: "implement" (the function's body is blank; its graded tests say whether it works) and
"write-tests" (the function is there; the learner writes its tests in `test_file`, which must
pass on the function and catch each planted bug of exercise_mutants.py).
"""

from __future__ import annotations

from dataclasses import dataclass

PACKAGE = __name__.rpartition(".")[0]


@dataclass(frozen=True)
class Exercise:
    """One exercise: a function of the package, the chapter that teaches it and what it trains."""

    number: int
    title: str
    module: str  # below the package, e.g. "data.transformers"
    function: str  # its qualified name in the module, e.g. "QuantileClipper.transform"
    chapter: str
    skills: tuple[str, ...] = ()  # ids of skills.py
    hints: tuple[str, ...] = ()  # up to three: a question, the idea, the shape of the code
    kind: str = "implement"  # or "write-tests"

    @property
    def path(self) -> str:
        """The file to edit, from the project's root."""
        return f"src/{PACKAGE}/{self.module.replace('.', '/')}.py"

    @property
    def test_file(self) -> str:
        """Where the learner writes the tests of a write-tests exercise, from the project's root."""
        return f"tests/practice/test_write_{self.number}_{self.function.lower()}.py"


CATALOGUE = (
    Exercise(
        1,
        "outlier clipping",
        "data.transformers",
        "QuantileClipper.transform",
        "03 cleaning",
        skills=("quality", "descriptive-statistics"),
        hints=(
            (
                "What must transform() leave untouched: the caller's X, a missing value, a column "
                "whose bound is NaN?"
            ),
            (
                "fit() stored one lower and one upper bound per column; clipping a copy column by "
                "column keeps X as it was, and Series.clip already ignores missing values and NaN "
                "bounds."
            ),
            (
                "frame = check_input(self, X, reset=False, numeric=True).copy(); for each name in "
                "self.lower_bounds_: frame[name] = frame[name].clip(lower, upper); return "
                "same_kind(X, frame)."
            ),
        ),
    ),
    Exercise(
        2,
        "group k-fold",
        "model.folds",
        "group_kfold",
        "05 validation",
        skills=("validation-strategy", "leakage"),
        hints=(
            "If one customer has rows in two folds, what does the validation score measure?",
            (
                "Deal customers, not rows: number the customers, label each by its highest target "
                "(churned on any row), stratify the customers into folds, then send every row to "
                "its customer's fold."
            ),
            (
                "numbers, ids = pd.factorize(frame[id_column]) (a -1 is a missing id: DataError); "
                "labels = frame[target].groupby(numbers).max(); check_folds(...); "
                "StratifiedKFold(n_splits, shuffle=True, random_state=seed).split(ids, labels) "
                "gives customer folds; fold_of_row = fold_of_customer[numbers]; return (training "
                "rows, validation rows) per fold as arrays of positions."
            ),
        ),
    ),
    Exercise(
        3,
        "business threshold",
        "model.metrics",
        "choose_threshold",
        "07 evaluation",
        skills=("business-objectives",),
        hints=(
            (
                "The cost only changes where the threshold passes a score: which thresholds do you "
                "need to try?"
            ),
            (
                "Try each distinct score, from the highest, plus one just above the maximum that "
                "flags nobody; at each, the offers are the customers flagged so far and the misses "
                "the churners not yet flagged; keep the cheapest, the highest threshold on a tie."
            ),
            (
                "y, s = checked_arrays(y_true, scores, both_classes=False); distinct, inverse = "
                "np.unique(-s, return_inverse=True); np.bincount counts the customers and the "
                "churners per distinct score; np.cumsum gives flagged and caught; cost = (offer * "
                "flagged + missed * (churners - caught)) / n; np.argmin picks the first minimum; "
                "np.nextafter(s.max(), np.inf) flags nobody."
            ),
        ),
    ),
    Exercise(
        4,
        "promotion gate",
        "model.gate",
        "gate_decision",
        "07 evaluation",
        skills=("testing", "anticipate"),
        hints=(
            (
                "What would convince you that the challenger is better than the baseline, and not "
                "just lucky on this test set?"
            ),
            (
                "Compare on the same bootstrap resamples (paired_bootstrap): promote only when the "
                "lower bound of the improvement over the baseline is at least min_improvement, and "
                "the challenger is not clearly worse than the champion (the upper bound of its "
                "difference is not below 0), or there is no champion."
            ),
            (
                "against_baseline = paired_bootstrap(y_true, baseline, challenger, metric=..., "
                "n_resamples=..., confidence=..., seed=...); _improvement() reads mean, lower, "
                'upper; reasons begin "The challenger beats the baseline" / "does not clearly beat '
                'the baseline", then "There is no champion yet" / "is not clearly worse than the '
                'champion" / "is worse than the champion"; return GateDecision(promote, '
                "tuple(reasons), against_baseline, against_champion)."
            ),
        ),
    ),
    Exercise(
        5,
        "sticky assignment",
        "serving.assignment",
        "assign",
        "09 A/B testing",
        skills=("ab-testing",),
        hints=(
            "How can one user see the same variant on every visit, with no table of who got what?",
            (
                "Hash the unit to a point in [0, 1) (unit_hash), cut [0, 1) into slices in the "
                "order of the weights, each as wide as its share, and return the variant whose "
                "slice holds the point; a variant of share 0 has an empty slice."
            ),
            (
                "shares = check_weights(weights); point = unit_hash(unit_id, salt); total = 0.0; "
                "for name, share in shares.items(): total += share; if share > 0 and point < total:"
                " return name; finally return the last variant with a share above 0 (rounding can "
                "leave the total a hair below 1)."
            ),
        ),
    ),
    Exercise(
        6,
        "SRM check",
        "ab.stats",
        "srm_check",
        "09 A/B testing",
        skills=("ab-testing", "hypothesis-tests"),
        hints=(
            (
                "If the split was planned 50/50 and you see 5,100 against 4,900 units, is something"
                " broken?"
            ),
            (
                "Compare the observed counts with the expected ones (share times total) in a "
                "chi-square goodness-of-fit test; a unit in a variant planned at 0 is a mismatch "
                "for sure, and a single variant cannot be off."
            ),
            (
                "expected = {name: share * total}; leave out variants planned at 0 with no unit; "
                "scipy.stats.chisquare(observed, expected) gives chi2 and p; units in a 0-share "
                'variant: chi2 = inf, p = 0; one variant: p = 1; return {"chi2", "p_value", '
                '"mismatch": p < alpha, "expected", "observed"}.'
            ),
        ),
    ),
    Exercise(
        7,
        "PSI",
        "monitoring.drift",
        "psi",
        "10 monitoring",
        skills=("distribution-shift", "deploy-monitor"),
        hints=(
            (
                "How would you tell that the ages of this week's customers are spread differently "
                "from the training ones, as one number?"
            ),
            (
                "Cut the reference into bins holding equal shares (its quantiles), count the share "
                "of each sample in each bin, and sum (cur - ref) * ln(cur / ref) over the bins; the"
                " outer bins are open so new extremes count."
            ),
            (
                "ref, cur = numeric_values(...) for each sample (two_sample.py); edges = "
                "np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1])); "
                'np.searchsorted(edges, values, side="right") gives the bins; np.bincount(..., '
                "minlength=len(edges) + 1) / size gives the shares; return "
                "psi_from_shares(ref_shares, cur_shares)."
            ),
        ),
    ),
    Exercise(
        24,
        "expected-cost tests",
        "model.metrics",
        "expected_cost",
        "07 evaluation",
        skills=("testing", "business-objectives"),
        hints=(
            (
                "Which customers cost the offer, which cost a missed churner, and which cost "
                "nothing: can you work out the answer for four customers by hand?"
            ),
            (
                "Build tiny arrays where you know the cost, and test the edges: a score exactly at "
                "the threshold, a threshold above every score, costs that are not equal (so "
                "swapping them shows), a result that is per customer."
            ),
            (
                "def test_...(): y = np.array([1, 0, 1, 0]); scores = np.array([0.9, 0.8, 0.3, "
                "0.1]); assert expected_cost(y, scores, 0.5, cost_missed_churner=10, "
                "cost_retention_offer=1) == pytest.approx((1 + 1 + 10) / 4); then one test per "
                "edge."
            ),
        ),
        kind="write-tests",
    ),
    Exercise(
        25,
        "range-rule tests",
        "data.quality_rules",
        "in_range",
        "03 cleaning",
        skills=("testing", "quality"),
        hints=(
            (
                "in_range(low, high) returns a check: for which values must the check say True, and"
                " which must say False?"
            ),
            (
                "A rule that is wrong lets bad rows through or stops good data: test the bounds "
                "themselves (inclusive), one bound given as None, a missing value (another rule's "
                "business), numbers written as text, and a value just outside."
            ),
            (
                "check = in_range(0, 10); result = check(pd.Series([0, 10, 11, -1, None])); assert "
                "result.tolist() == [True, True, False, False, True]; then text with in_range(0, "
                '10)(pd.Series(["5", "12"])) and in_range(None, 10).'
            ),
        ),
        kind="write-tests",
    ),
    Exercise(
        26,
        "PSI-band tests",
        "monitoring.drift",
        "psi_band",
        "10 monitoring",
        skills=("testing", "distribution-shift"),
        hints=(
            "Which PSI values sit exactly on a boundary, and which band should each one get?",
            (
                "A band function is all boundaries: test a value below, at and above each of the "
                "two bands, with the default bands and with bands of your own (so that ignoring the"
                " arguments shows)."
            ),
            (
                '@pytest.mark.parametrize("value, band", [(0.0, "none"), (0.1, "moderate"), (0.25, '
                '"major"), ...]) def test_...(value, band): assert psi_band(value) == band; then '
                'psi_band(0.3, moderate=0.2, major=0.5) == "moderate".'
            ),
        ),
        kind="write-tests",
    ),
    Exercise(
        27,
        "assignment-hash tests",
        "serving.assignment",
        "unit_hash",
        "09 A/B testing",
        skills=("testing", "ab-testing"),
        hints=(
            (
                "What must be true of a unit's hash for an A/B test to be fair and for users to "
                "keep their variant?"
            ),
            (
                "Test the properties, not the digits: the same unit and salt give the same point, a"
                " new salt reshuffles the units, every point is in [0, 1), points of many units "
                'spread evenly, and salt and id cannot be confused ("a" + "bc" is not "ab" + "c").'
            ),
            (
                'points = [unit_hash(f"user-{i}", "exp-1") for i in range(2000)]; assert all(0 <= p'
                " < 1 for p in points); assert 0.45 < np.mean(np.array(points) < 0.5) < 0.55; "
                'assert unit_hash("a", "bc") != unit_hash("ab", "c"); and a test per property.'
            ),
        ),
        kind="write-tests",
    ),
)

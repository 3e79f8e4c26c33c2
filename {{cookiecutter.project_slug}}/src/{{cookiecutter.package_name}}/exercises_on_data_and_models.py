"""The exercises on data and models: cleaning, quality, validation, training, evaluation.

Implement-kind exercises blank a function of the project; write-tests ones give a function and
grade the learner's tests against planted bugs. exercise_catalogue.py joins every part.
"""

from __future__ import annotations

from {{ cookiecutter.package_name }}.exercise_entry import Exercise

DATA_AND_MODEL_EXERCISES = (
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
                "n_resamples=..., confidence=..., seed=...); improvement() reads mean, lower, "
                'upper; reasons begin "The challenger beats the baseline" / "does not clearly beat '
                'the baseline", then "There is no champion yet" / "is not clearly worse than the '
                'champion" / "is worse than the champion"; return GateDecision(promote, '
                "tuple(reasons), against_baseline, against_champion)."
            ),
        ),
    ),
    Exercise(
        8,
        "numbers written as text",
        "data.numbers",
        "plain_spelling",
        "03 cleaning",
        skills=("quality", "data-kinds"),
        hints=(
            'In "1,234", "12,5" and "1.234,5", which sign is the decimal mark, and how can a'
            " program tell?",
            "With decimal auto, a comma is the decimal mark when no point follows it, unless it"
            ' only groups thousands ("1,234"); with a declared mark the other sign may only'
            " group thousands. Respell the text with a point and no separators.",
            "re.search(DECIMAL_COMMA, text) and not re.fullmatch(COMMA_THOUSANDS, text) for auto;"
            " THOUSANDS[decimal] and re.fullmatch(GROUPED[decimal], text) otherwise; then"
            " str.replace.",
        ),
    ),
    Exercise(
        9,
        "edit distance for misspelt categories",
        "data.spelling",
        "edit_distance",
        "03 cleaning",
        skills=("quality", "data-structures"),
        hints=(
            'How many single-letter changes turn "Frnace" into "France", and "premum" into'
            ' "premium"?',
            "Dynamic programming: the distance between the first i letters of one word and the"
            " first j of the other follows from three (four, with a swap) smaller problems.",
            "A (len(a)+1) x (len(b)+1) table; row 0 and column 0 count insertions; each cell is the"
            " min of the cell above + 1, left + 1, diagonal + (letters differ), and two back"
            " diagonally + 1 when the last two letters are swapped.",
        ),
    ),
    Exercise(
        10,
        "a data-quality rule for misspellings",
        "data.quality_rules",
        "misspelt_values_rule",
        "03 cleaning",
        skills=("quality", "explain"),
        hints=(
            "Which raw values are neither an allowed value nor a synonym, yet close enough to one"
            " that cleaning repairs them?",
            "A value fails when its spelling key (stripped, casefolded) is unknown but the"
            " cleaning's normalisation still finds it a category; the report's sentences say"
            " what the rule demands and what one failing row has.",
            'make_rule("misspelt_values", column, False, <description>, <problem>, check), where'
            " check returns known | ~transformers.normalize_categories(values, spellings).notna().",
        ),
    ),
    Exercise(
        11,
        "single-feature leakage check",
        "model.leakage",
        "check_leakage",
        "05 validation",
        skills=("leakage", "anticipate"),
        hints=(
            "If one column alone ranked churners above the others almost perfectly, what would"
            " that say about when its value is known?",
            "Score every feature alone (single_feature_auc), highest first; any at or above the"
            " threshold stops training with one sentence that names it and its ROC AUC.",
            'aucs.sort_values(ascending=False, kind="stable"); leaky = aucs[aucs >= threshold];'
            " one LeakageError sentence for one column, another for several; return aucs.",
        ),
    ),
    Exercise(
        13,
        "learning-curve verdict",
        "model.cross_validation",
        "learning_curve_verdict",
        "06 training",
        skills=("bias-variance", "over-under-fitting"),
        hints=(
            "At the largest training size, what does a big gap between training and validation"
            " scores mean, and what do two low scores mean?",
            "Gap above max_gap with a good training score: high variance; otherwise a validation"
            " score below min_score: high bias; otherwise a good fit. Add the still-rising note.",
            "gap = train[-1] - validation[-1]; an if / elif / else building the sentence (its"
            " first words are what the tests read); then validation[-1] - validation[-2].",
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
        34,
        "a binary target from the learner's labels",
        "data.ingest",
        "binary_target",
        "02 data",
        skills=("acquire", "quality"),
        hints=(
            (
                'A CSV may write churn as "yes"/"no", "True", " 1 " or "churned": which of these '
                "can the project read as 1 and 0, and what must it say about the rest?"
            ),
            (
                "Merge the labels every project knows (CANONICAL_LABELS) with the contract's "
                "columns.target_mapping (values as text); strip each label and map it; a present "
                "label that maps to nothing is an error that names what the column holds; a "
                "missing label stays missing."
            ),
            (
                "labels = CANONICAL_LABELS | {label: str(value) for label, value in "
                "columns.target_mapping.items()}; stripped = frame[target].str.strip(); mapped = "
                "stripped.map(labels); unknown = stripped.notna() & mapped.isna(); raise "
                "DataError(... describe_values(stripped.dropna()) ...); return "
                "frame.assign(**{target: mapped})."
            ),
        ),
    ),
    Exercise(
        35,
        "earlier vs later signups",
        "data.eda_stats",
        "compare_periods",
        "04 exploring",
        skills=("explore", "distribution-shift", "descriptive-statistics"),
        hints=(
            (
                "Do the latest customers look like the earlier ones? Which number says how far "
                "apart two means are, whatever the column's unit and however many rows there are?"
            ),
            (
                "Split the rows with is_later_signup; per column (the target too: its means are "
                "the churn rates) take the mean of each period, and divide their difference by the "
                "pooled standard deviation sqrt((var_earlier + var_later) / 2): the standardised "
                "mean difference. A column constant in both periods has none (NaN), not infinity."
            ),
            (
                'values = frame[[*numeric_columns, target]].astype("float64"); earlier_part, '
                "later_part = values[~later], values[later]; pooled = ((earlier_part.var() + "
                'later_part.var()) / 2) ** 0.5; table = pd.DataFrame({"mean_earlier": ..., '
                '"mean_later": ...}); table["smd"] = (later - earlier) / pooled.where(pooled > 0); '
                'table.index.name = "column".'
            ),
        ),
    ),
    Exercise(
        36,
        "customer segments as a feature",
        "model.features",
        "CustomerSegments.transform",
        "06 training",
        skills=("data-modelling", "k-means"),
        hints=(
            (
                "fit() found k groups of similar customers: how can a linear model use the group "
                "a customer falls in, when the group's number itself means nothing?"
            ),
            (
                "Check the estimator is fitted and X has the features fit() saw; predict each "
                "row's segment with the fitted k-means, turn it into one 0/1 column per segment "
                "(one-hot), and append those columns to the features."
            ),
            (
                "check_is_fitted(self); X = validate_data(self, X, reset=False); segment = "
                "self.kmeans_.predict(X); one_hot = segment[:, np.newaxis] == "
                "np.arange(self.kmeans_.n_clusters); return np.hstack([X, "
                "one_hot.astype(X.dtype)])."
            ),
        ),
    ),
    Exercise(
        40,
        "is a missing value a sign of churn?",
        "data.eda_stats",
        "missingness_and_churn",
        "04 exploring",
        skills=("missing-data", "explore"),
        hints=(
            (
                "If the customers who left their phone number blank churn twice as often, what "
                "does imputing the blanks with the median throw away?"
            ),
            (
                "Read the raw target as numbers (unlabelled rows count in neither rate); for each "
                "other column with a missing value, its missing share and the churn rate of the "
                "rows where it is missing and where it is present; the most missing first."
            ),
            (
                'churned = pd.to_numeric(raw[target], errors="coerce"); labelled = '
                "churned.notna(); for name in raw.columns.drop(target): missing = "
                "raw[name].isna(); rows[name] = {...} when missing.any(); "
                'pd.DataFrame.from_dict(rows, orient="index", columns=[*MISSING_CHURN_COLUMNS]), '
                'index named "column", sorted by "missing" (stable).'
            ),
        ),
    ),
)

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
        12,
        "bootstrap confidence interval",
        "ab.stats",
        "bootstrap_interval",
        "09 A/B testing",
        skills=("ab-testing", "distributions", "descriptive-statistics"),
        hints=(
            "If you ran the experiment again with other customers, how much would the difference"
            " of churn rates move?",
            "Resample each group with replacement many times; the middle `confidence` share of"
            " the resampled differences is the interval. For 0/1 outcomes, the count of ones in"
            " a resample of n is one binomial draw.",
            "rng = np.random.default_rng(seed); means = rng.binomial(n, rate, size=n_resamples) / n"
            " per group; np.quantile(means_b - means_a, [tail, 1 - tail]).",
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
        14,
        "sample size for a given power",
        "ab.stats",
        "required_sample_size",
        "09 A/B testing",
        skills=("ab-testing", "hypothesis-tests", "distributions"),
        hints=(
            "How many customers per variant does a 2-point change in churn need before a test"
            " at alpha 0.05 sees it 80 % of the time?",
            "n = ((z_{1-alpha/2} * spread under H0 + z_power * spread under H1) / effect)^2,"
            " the H0 spread from the average rate, the H1 one from each rate's own variance.",
            "norm.ppf(1 - alpha / 2), norm.ppf(power); sqrt(2 p (1 - p)) with p the average rate;"
            " sqrt(p1 (1 - p1) + p2 (1 - p2)); math.ceil of the square.",
        ),
    ),
    Exercise(
        15,
        "Wasserstein drift distance",
        "monitoring.two_sample",
        "earth_movers_distance",
        "10 monitoring",
        skills=("distribution-shift", "distributions"),
        hints=(
            "How far, on average, must each value of one sample move to become the other sample?",
            "In one dimension that is the area between the two empirical CDFs; both are flat"
            " between consecutive pooled values, so the area is a sum of rectangles.",
            "pooled = np.sort(np.concatenate(...)); np.searchsorted(np.sort(x), pooled[:-1],"
            ' side="right") / x.size per sample; np.sum(np.abs(gap) * np.diff(pooled)).',
        ),
    ),
    Exercise(
        16,
        "delayed-label performance alert",
        "monitoring.monitor",
        "performance_alert",
        "10 monitoring",
        skills=("deploy-monitor", "hypothesis-tests", "anticipate"),
        hints=(
            "Outcomes arrive weeks late and a small window's ROC AUC wobbles: when is a drop real?",
            "No alert without enough outcomes; alert only when the drop exceeds the tolerance"
            " AND the window's AUC plus 1.96 standard errors stays below the test AUC.",
            "Return None early for auc or reference None or outcomes < min_outcomes; drop ="
            " reference - auc; one f-string naming the AUC, its margin, the outcomes, the drop.",
        ),
    ),
    # The algorithms from scratch (model/scratch/), graded against scikit-learn.
    Exercise(
        17,
        "logistic regression by gradient descent",
        "model.scratch.linear",
        "logistic_gd",
        "06 training",
        skills=("logistic-regression", "gradient-descent", "linear-algebra"),
        hints=(
            "With all weights at zero, what probability does every row get, and what is the "
            "log loss then?",
            "The gradient of the mean log loss is Xᵀ(p - y)/n for the weights and mean(p - y) "
            "for the bias; the L2 penalty adds l2·w. Step against it, record the loss first.",
            "weights, bias = zeros, 0; repeat n_iter times: p = sigmoid(X @ weights + bias); "
            "losses.append(log_loss(y, p) + ...); error = p - y; update both; "
            "return LinearFit(weights, bias, tuple(losses)).",
        ),
    ),
    Exercise(
        18,
        "normal equation",
        "model.scratch.linear",
        "normal_equation",
        "06 training",
        skills=("linear-regression", "linear-algebra"),
        hints=(
            "Where is the gradient of the squared error zero? Write it with A = [1, X].",
            "At the minimum AᵀA θ = Aᵀy. Solve that system rather than inverting AᵀA, with a "
            "solver that copes when one-hot columns make it singular.",
            "A = with_intercept(X); theta = np.linalg.lstsq(A.T @ A, A.T @ y, rcond=None)[0]; "
            "the bias is theta[0], the weights theta[1:].",
        ),
    ),
    Exercise(
        19,
        "linear regression by gradient descent",
        "model.scratch.linear",
        "linear_gd",
        "06 training",
        skills=("linear-regression", "gradient-descent"),
        hints=(
            "What is the gradient of ½·mean((Xw + b - y)²) with respect to w and to b?",
            "The same loop as logistic regression without the sigmoid: error = Xw + b - y, "
            "gradient Xᵀ·error/n and mean(error). Record the loss before each step.",
            "for _ in range(n_iter): error = X @ weights + bias - y; "
            "losses.append(0.5 * mean(error**2)); weights -= learning_rate * X.T @ error / n; "
            "bias -= learning_rate * error.mean().",
        ),
    ),
    Exercise(
        20,
        "k-means (Lloyd)",
        "model.scratch.kmeans",
        "kmeans",
        "06 training",
        skills=("k-means", "linear-algebra", "data-structures"),
        hints=(
            "Which two steps alternate, and why can neither raise the inertia?",
            "Assign every point to its nearest centre (the `nearest` helper), move each centre "
            "to the mean of its points (an empty cluster keeps its centre), stop when the total "
            "squared move is at most tol times the mean variance of X.",
            "centres = copy of the start; loop up to max_iter: labels = nearest(X, centres); "
            "moved = [X[labels == k].mean(0) ...]; shift = ((moved - centres)**2).sum(); "
            "return KMeansFit(centres, nearest(X, centres), inertia(X, centres), n_iter).",
        ),
    ),
    Exercise(
        21,
        "Gaussian naive Bayes",
        "model.scratch.naive_bayes",
        "log_posterior",
        "06 training",
        skills=("naive-bayes", "bayes-rule", "distributions"),
        hints=(
            "By Bayes' rule, P(c | x) is proportional to what? And why work with logs?",
            "log P(c) plus, for each feature, the log of a normal density with the class's mean "
            "and variance; then subtract log Σ_c exp(...) (log-sum-exp, minus the max first).",
            "joint = log_priors - 0.5 * log(2π·variances).sum(1) - 0.5 * ((X[:, None] - "
            "means)**2 / variances).sum(2); top = joint.max(1, keepdims=True); return joint - "
            "top - log(exp(joint - top).sum(1, keepdims=True)).",
        ),
    ),
    Exercise(
        22,
        "decision tree split (Gini)",
        "model.scratch.tree",
        "best_split",
        "06 training",
        skills=("decision-trees", "data-structures"),
        hints=(
            "For one feature, sorted, how do you get the class counts on each side of every "
            "possible cut without a loop over cuts?",
            "Cumulative sums of the sorted labels give the 1s on the left of each cut; score a "
            "cut by n_left·gini_left + n_right·gini_right over n; skip cuts between equal values "
            "or leaving fewer than min_samples_leaf rows; the threshold is the midpoint.",
            "for each feature: order = argsort; ones_left = cumsum(labels)[:-1]; n_left = "
            "arange(1, n); impurity = ...; valid = ...; i = argmin(where(valid, impurity, inf)); "
            "keep the lowest as Split(feature, threshold, impurity, gini(y) - impurity).",
        ),
    ),
    Exercise(
        23,
        "bagging and random forest",
        "model.scratch.ensemble",
        "bagged_trees",
        "06 training",
        skills=("bagging", "random-forests", "bias-variance"),
        hints=(
            "What is a bootstrap sample, and why does averaging trees grown on different ones "
            "reduce variance?",
            "One generator from the seed; for each tree draw n row indices with replacement and "
            "grow a tree on those rows, passing max_features and the generator so that a "
            "random forest draws its features at every split.",
            "rng = np.random.default_rng(seed); for _ in range(n_trees): rows = "
            "rng.integers(len(y), size=len(y)); trees.append(grow_tree(X[rows], y[rows], "
            "max_depth, max_features=max_features, rng=rng)).",
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
    Exercise(
        28,
        "batch scoring in chunks under a memory bound",
        "serving.batch_score",
        "score_in_chunks",
        "12 production",
        skills=("speed", "memory-caching-distributed"),
        hints=(
            "What would `list(chunks)` do to memory with a file of ten million customers?",
            "Handle one chunk completely (score it, write it) before you read the next one, and "
            "keep only running totals: the memory then holds one chunk, whatever the file size.",
            "rows = flagged = count = 0; for chunk in chunks: scored = score(chunk); "
            "write(chunk, scored); then add len(scored), int(scored['decision'].sum()) and 1; "
            "return BatchCounts(rows, flagged, count).",
        ),
    ),
    Exercise(
        30,
        "gradient boosting",
        "model.scratch.boosting",
        "gradient_boost",
        "06 training",
        skills=("boosting", "gradient-descent", "bias-variance"),
        hints=(
            "For the squared error, what is the negative gradient of the loss at the current "
            "prediction?",
            "Start every prediction at the mean; at each stage fit a stump to the residuals "
            "y - prediction and add learning_rate times its prediction; record half the mean "
            "squared error after the stage.",
            "prediction = full(n, mean(y)); for each stage: stump = fit_stump(X, y - "
            "prediction); prediction += learning_rate * predict_stump(stump, X); keep stump and "
            "loss; return Boosted(initial, tuple(stumps), learning_rate, tuple(losses)).",
        ),
    ),
    Exercise(
        31,
        "linear SVM (Pegasos)",
        "model.scratch.svm",
        "pegasos",
        "06 training",
        skills=("svm", "gradient-descent"),
        hints=(
            "The hinge loss max(0, 1 - y·(w·x + b)) has no gradient at its kink: what is a "
            "subgradient, and when is it zero?",
            "Labels to -1/+1; at step t (counting every row), step = 1/(λt); shrink w and b by "
            "(1 - step·λ); if the row is on or inside the margin, add step·y·x to w and step·y "
            "to b. One random order of the rows per epoch, from the seeded generator.",
            "rng = default_rng(seed); labels = signed(y); for each epoch: for i in "
            "rng.permutation(n): t += 1; ...; losses.append(hinge_objective(LinearFit(weights, "
            "bias), X, y, lam)).",
        ),
    ),
    Exercise(
        32,
        "neural network backpropagation",
        "model.scratch.neural",
        "gradients",
        "06 training",
        skills=("neural-networks", "gradient-descent", "linear-algebra"),
        hints=(
            "The log loss of a sigmoid output has a famously simple derivative with respect to "
            "the output's sum: which one? And what is the derivative of tanh?",
            "Output error (p - y)/n per row; v's gradient is hiddenᵀ·error, c's its sum; the "
            "hidden error is error ⊗ v times (1 - hidden²); W's gradient is Xᵀ·hidden error, "
            "b's its column sums.",
            "hidden, p = forward(net, X); out = (p - y) / n; inner = np.outer(out, net.v) * "
            "(1 - hidden**2); return Network(X.T @ inner, inner.sum(0), hidden.T @ out, "
            "out.sum()).",
        ),
    ),
    Exercise(
        33,
        "gradient check",
        "model.scratch.neural",
        "numerical_gradient",
        "06 training",
        skills=("gradient-descent", "testing", "neural-networks"),
        hints=(
            "How do you test a gradient without trusting the code that computes it?",
            "For each entry, move it by +ε and -ε in a copy of x and divide the difference of "
            "f by 2ε: central differences err by ε², one-sided ones by ε.",
            "grad = zeros_like(x); for index in np.ndindex(x.shape): shifted = x.astype(float); "
            "shifted[index] = x[index] + eps; above = f(shifted); ...; grad[index] = (above - "
            "below) / (2 * eps).",
        ),
    ),
)

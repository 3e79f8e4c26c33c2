"""The exercises on the model in production: serving, A/B testing, monitoring, batch scoring.

Their chapters go with the service, the A/B toolkit or monitoring when a project leaves them out
(hooks/post_gen_project.py keeps the code they blank solved then). exercise_catalogue.py joins
every part.
"""

from __future__ import annotations

from {{ cookiecutter.package_name }}.exercise_entry import Exercise

PRODUCTION_EXERCISES = (
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
        38,
        "what to look at first this morning",
        "nightly.morning_report",
        "MorningReport.first_look",
        "12 production",
        skills=("overnight", "explain"),
        hints=(
            (
                "You have five minutes before the retention team calls customers: of a failed "
                "retraining, a monitor alert, a new model and a flagged share that moved, which "
                "comes first, and why?"
            ),
            (
                "Go from the most to the least urgent and return the first that applies: the "
                "failed retraining, the first alert, a model version that changed overnight, a "
                "flagged share that moved by more than 5 points, else nothing urgent: hand over "
                "the flagged customers. Each sentence says what to open or do."
            ),
            (
                "if self.retraining.decision == FAILED: return ...; if self.alerts: return "
                'f"The alert: {self.alerts[0]} ..."; if self.previous_version is not None and '
                "... != self.model_version: ...; if self.previous_share is not None and "
                "abs(self.flagged_share - self.previous_share) > 0.05: ...; return "
                'f"Nothing urgent: hand the {self.flagged:,} flagged customers in {self.output} '
                '..."'
            ),
        ),
    ),
    Exercise(
        39,
        "moving the champion alias",
        "model.register",
        "make_champion",
        "07 evaluation",
        skills=("infrastructure", "deploy-monitor"),
        hints=(
            (
                "The service loads whichever version holds the champion alias: what must a "
                "promotion write to the registry so that a rollback later knows where to go back?"
            ),
            (
                "Read the history of champions first, then point the alias at the version, "
                "store the history with the version appended as the registered model's tag, and "
                "tag the version with how it was promoted (gate, promote, rollback)."
            ),
            (
                "history = history_of(registry, name); "
                "registry.set_registered_model_alias(name, CHAMPION, version); "
                "registry.set_registered_model_tag(name, HISTORY_TAG, format_history([*history, "
                'version])); registry.set_model_version_tag(name, version, "promoted_by", how).'
            ),
        ),
    ),
)

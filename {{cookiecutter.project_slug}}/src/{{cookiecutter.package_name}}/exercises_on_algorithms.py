"""The exercises on the classic algorithms, written from scratch (model/scratch/).

Each is graded against scikit-learn's version of the algorithm on small data; chapter 6
explains them. exercise_catalogue.py joins them with the workflow's exercises.
"""

from __future__ import annotations

from {{ cookiecutter.package_name }}.exercise_entry import Exercise

ALGORITHM_EXERCISES = (
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
    Exercise(
        37,
        "a row of the algorithms' leaderboard",
        "model.compare",
        "leaderboard_row",
        "06 training",
        skills=("choose-algorithm", "over-under-fitting"),
        hints=(
            (
                "To choose between algorithms, what do you need from each besides its mean "
                "validation score: how much it varies across folds, how far above it its training "
                "score is, how long it takes?"
            ),
            (
                "cross_validation.fold_summary(folds) gives the mean and std of every per-fold "
                "column; copy the validation ones for each metric of COLUMNS, the mean training "
                "ROC AUC (its gap to validation is overfitting), and the mean fit time in seconds."
            ),
            (
                'summary = cross_validation.fold_summary(folds); row = {"algorithm": name}; for '
                'metric in COLUMNS: row[f"{metric}_mean"] = summary[f"valid_{metric}_mean"], the '
                'same for _std; row["train_roc_auc_mean"] = summary["train_roc_auc_mean"]; '
                'row["fit_seconds"] = round(float(folds["fit_seconds"].mean()), 3).'
            ),
        ),
    ),
)

"""The paths of the files every stage reads or writes, in one place."""

from __future__ import annotations

from pathlib import Path

# Paths are relative to the project root, where dvc.yaml runs every stage.
RAW_DATA = Path("data/raw/customers.csv")
# Production records with their outcome (monitor feedback): acquire appends them.
FEEDBACK_DATA = Path("data/feedback/customers.csv")
INTERIM_DATA = Path("data/interim/customers.parquet")
PROCESSED_DATA = Path("data/processed/customers.parquet")
REPORTS = Path("reports")
FIGURES = REPORTS / "figures"
RAW_QUALITY_JSON = REPORTS / "data_quality_raw.json"
RAW_QUALITY_MD = REPORTS / "data_quality_raw.md"
QUALITY_JSON = REPORTS / "data_quality.json"
QUALITY_MD = REPORTS / "data_quality.md"
CLEANING_JSON = REPORTS / "cleaning.json"
EDA_MD = REPORTS / "eda.md"
EDA_FIGURES = FIGURES / "eda"
# The final test set is split off once, into its own file: nothing but the final evaluation
# and the promotion gate reads it.
DEVELOPMENT_DATA = Path("data/split/development.parquet")
TEST_DATA = Path("data/split/test.parquet")
SPLIT_JSON = REPORTS / "split.json"
FOLDS_GAP_JSON = REPORTS / "folds_gap.json"
NESTED_CV_JSON = REPORTS / "nested_cv.json"
MODELS = Path("models")
MODEL_FILE = MODELS / "model.skops"
BASELINE_FILES = {"dummy": MODELS / "dummy.skops", "reference": MODELS / "reference.skops"}
TRAINING_JSON = MODELS / "training.json"
TEST_SCORES = MODELS / "test_scores.parquet"
# A sample of the rows the model learned from, with their out-of-fold scores: what monitoring
# compares production traffic with (logged with the model's run, so each version has its own).
TRAINING_PROFILE = MODELS / "training_profile.parquet"
# The profile's column holding the model's score (monitoring reports it as "prediction").
PROFILE_SCORE = "prediction"
TRAINING_REPORT = REPORTS / "training.json"
TRAINING_FIGURES = FIGURES / "training"
METRICS_JSON = REPORTS / "metrics.json"
EVALUATION_FIGURES = FIGURES / "evaluation"
# The evaluation curves as data files, for `dvc plots show` and `dvc plots diff`.
EVALUATION_PLOTS = REPORTS / "plots"
MODEL_CARD = REPORTS / "model_card.md"
PROMOTION_JSON = REPORTS / "promotion.json"
LEADERBOARD_JSON = REPORTS / "leaderboard.json"

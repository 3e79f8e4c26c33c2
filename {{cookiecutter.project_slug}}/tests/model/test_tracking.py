"""Model files: only the project's own types are built, and one model always gives the same bytes.

The crafted files below are what an attacker who can register a model version would upload:
a valid skops archive whose schema asks skops to call a function (builtins.exec, os.system...)
at load. Each must be refused, naming the type, before any of it runs.
"""

from __future__ import annotations

import json
import math
import zipfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from {{ cookiecutter.package_name }} import errors
from {{ cookiecutter.package_name }}.config import Params, parse_params
from {{ cookiecutter.package_name }}.data import clean, synthetic
from {{ cookiecutter.package_name }}.model import tracking
from {{ cookiecutter.package_name }}.model.algorithms import ALGORITHMS, build_estimator
from {{ cookiecutter.package_name }}.model.features import (
    build_dummy,
    build_pipeline,
    build_reference,
    model_input,
)
from {{ cookiecutter.package_name }}.model.trusted_types import TRUSTED_TYPES

from ..conftest import require_exercises
from .conftest import small_params

SEED = 5
N_ROWS = 300
# Small versions of the slow algorithms, so that training every variant takes seconds.
SMALL = {
    "random_forest": {"n_estimators": 5, "max_depth": 4},
    "gradient_boosting": {"max_iter": 10},
    "bagging": {"n_estimators": 3},
    "mlp": {"hidden_layer_sizes": [4], "max_iter": 50, "tol": 0.1},
}
# Hyperparameter values that change what a fitted model holds (not only its numbers).
PARTS = {"mlp": {"solver": "sgd"}}
# The data contract of a small project: three numeric columns and one category, no text and
# no date. With 15 features or fewer, knn builds a search tree instead of scanning.
FEW_COLUMNS = [
    "age",
    "monthly_charges",
    "support_message",
    "total_charges",
    "days_since_last_login",
    "refund_amount",
    "contract",
    "payment_method",
    "country",
]


def variant(drop: list[str] | None = None, segments: int = 0) -> Params:
    """The small params with some columns dropped (the date too) and k-means segments set."""
    raw = small_params(N_ROWS)
    raw["model"]["drop_columns"] = drop or ["refund_amount"]
    raw["model"]["segments"] = segments
    if drop:
        raw["columns"]["time"] = None
        raw["validation"]["test_split"] = "random"
    return parse_params(raw)


VARIANTS = {
    "text and date": variant(),
    "segments": variant(segments=3),
    "few columns": variant(drop=FEW_COLUMNS),
}
# The algorithms trained in each variant: all of them, except with segments, a step before the
# model whose types do not depend on it.
TRAINED = {
    "text and date": ALGORITHMS,
    "segments": ("logistic_regression",),
    "few columns": ALGORITHMS,
}


@pytest.fixture(scope="module")
def synthetic_rows() -> pd.DataFrame:
    """~290 interim rows of clean synthetic customers (the shipped contract: a stage test)."""
    params = VARIANTS["text and date"]
    raw, _ = synthetic.generate(N_ROWS, params.data.dirt, params.columns, seed=SEED)
    return clean.clean_rows(raw, params.columns)[0]


@pytest.fixture(scope="module")
def trained(synthetic_rows: pd.DataFrame) -> dict[str, object]:
    """Every algorithm in every variant, the parts-changing hyperparameters and the baselines."""
    require_exercises(1, 9)  # the pipelines start with the cleaner: it clips, repairs typos
    y = synthetic_rows["churn"].to_numpy()
    models: dict[str, object] = {}
    for label, params in VARIANTS.items():
        X = model_input(synthetic_rows, params)
        for name in TRAINED[label]:
            estimator = build_estimator(name, SMALL.get(name, {}), SEED)
            models[f"{name}, {label}"] = build_pipeline(params, estimator).fit(X, y)
        for name, hyperparameters in PARTS.items():
            if name not in TRAINED[label]:
                continue
            estimator = build_estimator(name, {**SMALL.get(name, {}), **hyperparameters}, SEED)
            models[f"{name} {hyperparameters}, {label}"] = build_pipeline(params, estimator).fit(
                X, y
            )
    params = VARIANTS["text and date"]
    X = model_input(synthetic_rows, params)
    models["reference"] = build_reference(params).fit(X, y)
    models["dummy"] = build_dummy(params).fit(X, y)
    return models


# --- Only the listed types are trusted.


def test_every_trained_pipeline_loads_scores_as_before_and_needs_only_listed_types(
    trained: dict, synthetic_rows: pd.DataFrame, tmp_path: Path
) -> None:
    needed: dict[str, list[str]] = {}
    for label, model in trained.items():
        # Given a trained model saved as the train stage saves it
        path = tmp_path / "model.skops"
        sha256 = tracking.save_model(model, path)
        # When it is loaded back through the checks
        loaded = tracking.load_model(path, sha256)
        # Then it scores every row exactly as the trained model did
        X = model_input(synthetic_rows, variant_of(label))
        np.testing.assert_array_equal(
            loaded.predict_proba(X), model.predict_proba(X), err_msg=label
        )
        for kind in sio.get_untrusted_types(file=path):
            needed.setdefault(kind, []).append(label)
    # And together they need every type of the list and no other (this test is how the list
    # of model/trusted_types.py is regenerated: its failure names what to add or remove)
    missing = {kind: labels[:3] for kind, labels in needed.items() if kind not in TRUSTED_TYPES}
    unused = sorted(TRUSTED_TYPES - set(needed))
    assert (missing, unused) == ({}, [])
    assert "sklearn.neighbors._kd_tree.KDTree" in needed  # knn on few columns was trained


def variant_of(label: str) -> Params:
    """The params a model of `trained` was fitted with."""
    return VARIANTS.get(label.rsplit(", ", 1)[-1], VARIANTS["text and date"])


def crafted_file(path: Path, module: str, function: str, argument: str) -> str:
    """A skops file whose loading would call module.function(argument); return its SHA-256.

    A dictionary is saved normally, then its schema gains an entry that skops rebuilds by
    calling the "type" with the saved arguments, as it does for a real constructor.
    """
    with zipfile.ZipFile(BytesIO(sio.dumps({"kept": 1.0}))) as source:
        schema = json.loads(source.read("schema.json"))
    text = {"__class__": "str", "__module__": "builtins", "__loader__": "JsonNode"}
    schema["content"]["payload"] = {
        "__class__": function,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": {
            "__class__": "tuple",
            "__module__": "builtins",
            "__loader__": "TupleNode",
            "content": [{**text, "content": json.dumps(argument), "is_json": True}],
        },
    }
    schema["key_types"]["content"].append({**text, "__loader__": "TypeNode"})
    with zipfile.ZipFile(path, "w") as target:
        target.writestr("schema.json", json.dumps(schema))
    return tracking.file_sha256(path)


@pytest.mark.parametrize(
    ("module", "function", "program"),
    [
        ("builtins", "exec", "open({marker!r}, 'w').write('ran')"),
        ("builtins", "eval", "open({marker!r}, 'w').write('ran')"),
        ("os", "system", "touch {marker}"),
        ("posix", "system", "touch {marker}"),
    ],
)
def test_a_model_file_that_would_run_code_is_refused_and_runs_nothing(
    tmp_path: Path, module: str, function: str, program: str
) -> None:
    # Given a crafted model file whose recorded hash matches (whoever registers can set it)
    marker = tmp_path / "ran"
    path = tmp_path / "model.skops"
    sha256 = crafted_file(path, module, function, program.format(marker=str(marker)))
    # When it is loaded
    with pytest.raises(errors.ModelError) as refused:
        tracking.load_model(path, sha256)
    # Then it is refused with one sentence naming the type, and the program never ran
    message = str(refused.value)
    assert f"({module}.{function})" in message
    assert "\n" not in message and "does not trust" in message
    assert not marker.exists()


def test_the_crafted_file_does_run_code_when_its_types_are_trusted(tmp_path: Path) -> None:
    # Given the crafted file of the test above (this proves that test can fail)
    marker = tmp_path / "ran"
    path = tmp_path / "model.skops"
    crafted_file(path, "builtins", "exec", f"open({str(marker)!r}, 'w').write('ran')")
    # When skops is told to trust what the file asks for, as a "builtins." prefix did
    sio.load(path, trusted=sio.get_untrusted_types(file=path))
    # Then the program ran
    assert marker.read_text() == "ran"


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"not a zip", "File is not a zip file"), (None, "schema.json")],
)
def test_a_file_that_is_no_skops_archive_is_one_sentence(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    path = tmp_path / "model.skops"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("other.json", "{}")
    else:
        path.write_bytes(content)

    with pytest.raises(errors.ModelError, match=reason) as refused:
        tracking.load_model(path, tracking.file_sha256(path))

    assert str(refused.value).startswith(f"{path} is not a model file this project can read")


def test_training_refuses_a_model_holding_a_type_not_listed() -> None:
    # Given a model with a step the list does not hold (a learner's new step)
    model = Pipeline([("root", FunctionTransformer(math.sqrt)), ("model", LogisticRegression())])

    with pytest.raises(errors.ModelError, match=r"trusted_types\.py does not list") as error:
        tracking.model_bytes(model)

    assert "(math.sqrt)" in str(error.value)


# --- The same model gives the same bytes.


def test_two_trainings_of_one_model_give_byte_identical_files(
    trained: dict, synthetic_rows: pd.DataFrame
) -> None:
    # Given the same pipeline trained twice on the same rows (objects at other addresses)
    params = VARIANTS["text and date"]
    X, y = model_input(synthetic_rows, params), synthetic_rows["churn"].to_numpy()
    models = [
        build_pipeline(params, build_estimator("logistic_regression", {}, SEED)).fit(X, y)
        for _ in range(2)
    ]
    # When both are saved
    first, second = (tracking.model_bytes(model) for model in models)
    # Then the files are the same bytes, stamped with a fixed time, members in order
    assert first == second
    with zipfile.ZipFile(BytesIO(first)) as archive:
        names = archive.namelist()
        stamps = {info.date_time for info in archive.infolist()}
    assert stamps == {tracking.ZIP_EPOCH}
    assert names == sorted(names) and "schema.json" in names
    assert all(name.split(".")[0].isdigit() for name in names if name != "schema.json")


def test_an_address_a_model_keeps_does_not_change_its_bytes() -> None:
    # Given a fitted TF-IDF as two processes leave it: it keeps id() of its stop-word list
    vectorizer = TfidfVectorizer().fit(["a first message", "a second message"])
    files = []
    for address in (140640424147936, 139735094115296):
        vectorizer._stop_words_id = address
        files.append(tracking.model_bytes(vectorizer))
    # Then the files are the same, and the loaded vectorizer works
    assert files[0] == files[1]
    loaded = sio.loads(files[0], trusted=[])
    assert loaded.transform(["a message"]).shape == (1, 3)


def test_renumbering_keeps_shared_objects_shared() -> None:
    # Given an object referenced twice (skops stores it once and points to it)
    shared = np.arange(3.0)
    data = tracking.canonical_skops(sio.dumps({"a": shared, "b": shared}))

    loaded = sio.loads(data, trusted=[])

    assert loaded["a"] is loaded["b"]
    np.testing.assert_array_equal(loaded["a"], shared)

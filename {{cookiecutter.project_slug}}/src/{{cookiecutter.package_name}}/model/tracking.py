"""Tracking: the MLflow store the model stages write to, and model files checked before loading.

Where runs go: `MLFLOW_TRACKING_URI` when it is set (a real `mlflow server`, e.g.
http://127.0.0.1:5000), otherwise the SQLite file mlflow.db in the project root with artifacts
in mlruns/, which is MLflow 3's own default. `connect` checks the store answers before a stage
starts minutes of work.

How models are stored: with skops, never pickle. Loading a pickle runs whatever code the file
holds; skops only rebuilds the types it is told to trust. MLflow stores that list of types in
the model's own MLmodel file, so a tampered model could vouch for itself. This module therefore
does two things before loading any model file:

1. compares the file's SHA-256 with the one recorded when the model was trained (a changed file
   is refused), and
2. trusts only the exact types listed in model/trusted_types.py, whatever the file says; a
   file holding any other type is refused before anything in it is built.

Model files are reproducible: the same model always gives the same bytes (`canonical_skops`),
both in models/ and in the MLflow store, so their SHA-256 and dvc.lock change only when the
model does. The logged signature is the data contract's (`model_signature`), so MLflow's own
tools (pyfunc, `mlflow models serve`) take the records the service takes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }} import commands, files
from {{ cookiecutter.package_name }}.errors import ModelError, TrackingError
from {{ cookiecutter.package_name }}.model.trusted_types import TRUSTED_TYPES

if TYPE_CHECKING:
    import pandas as pd
    from mlflow.models import ModelSignature
    from sklearn.pipeline import Pipeline

    from {{ cookiecutter.package_name }}.config import Params

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
# The logged model's folder in the run, and the skops file MLflow writes inside it.
MODEL_ARTIFACT = "model"
SKOPS_FILE = "model.skops"
# The time stamp of every member of a model file: zip's earliest, the same on every run.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# Fitted attributes that hold a memory address: TF-IDF's `_stop_words_id` is id() of its stop
# word list, a cache key that cannot match once the model is loaded. Written as 0.
ADDRESS_ATTRIBUTES = ("_stop_words_id",)
# Seconds to wait for a tracking server: the MLflow client itself retries for minutes.
SERVER_TIMEOUT = 5
# What loading the model needs, pinned to the installed versions. Given explicitly because
# MLflow's own inference imports the model in a subprocess: about 6 s of every training.
MODEL_REQUIREMENTS = ("scikit-learn", "skops", "numpy", "scipy", "pandas")


def tracking_uri() -> str:
    """The tracking store: MLFLOW_TRACKING_URI, else the project's SQLite file."""
    return os.environ.get("MLFLOW_TRACKING_URI") or DEFAULT_TRACKING_URI


def connect(experiment: str) -> str:
    """Point MLflow at the tracking store and the experiment; return the store's URI."""
    import mlflow

    uri = tracking_uri()
    if uri.startswith(("http://", "https://")):
        check_server(uri)
    mlflow.set_tracking_uri(uri)
    with store_errors():
        mlflow.set_experiment(experiment)
    return uri


@contextmanager
def store_errors() -> Iterator[None]:
    """Turn a failed request to the tracking store into a TrackingError (one sentence)."""
    from mlflow.exceptions import MlflowException

    try:
        yield
    except MlflowException as error:
        raise TrackingError(
            f"The MLflow tracking store {tracking_uri()} refused the request: {first_line(error)}"
        ) from None


def check_server(uri: str) -> None:
    """Raise a TrackingError unless the MLflow server at `uri` answers its health check."""
    try:
        urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=SERVER_TIMEOUT).close()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise TrackingError(
            f"The MLflow tracking server {uri} cannot be reached ({reason}); start it "
            "(make mlflow-ui) or unset MLFLOW_TRACKING_URI to use the project's mlflow.db."
        ) from None


def first_line(error: BaseException) -> str:
    """The first line of an error's message, ending with a full stop."""
    line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return line if line.endswith(".") else f"{line}."


def log_dataset(frame: pd.DataFrame, path: Path, target: str, name: str, context: str) -> None:
    """Record in the active run the data set read from `path` (its digest, schema and source)."""
    import warnings

    import mlflow
    from mlflow.data.dataset_source_registry import get_dataset_source_from_json

    # Given a path, MLflow finds two identical readers for it (the "" and "file" schemes) and
    # warns that the source is ambiguous: the source is typed here instead ("local").
    source = get_dataset_source_from_json(json.dumps({"uri": str(path.resolve())}), "local")
    with warnings.catch_warnings():
        # The hint says an integer column cannot take a missing value at inference: advice
        # for a model's signature (model_signature heeds it), noise for the record of a file.
        warnings.filterwarnings("ignore", "Hint: Inferred schema contains integer", UserWarning)
        dataset = mlflow.data.from_pandas(frame, source=source, targets=target, name=name)
        mlflow.log_input(dataset, context=context)


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: Any, path: Path) -> str:
    """Write a fitted model as a skops file (atomically, reproducibly); return its SHA-256."""
    data = model_bytes(model)
    with files.atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def model_bytes(model: Any) -> bytes:
    """The model as a canonical skops file; a ModelError if it holds a type not trusted.

    Checked when the model is written, so that a step or an algorithm added to the project
    without its types in model/trusted_types.py stops the training that made it, not the
    service that would load it later.
    """
    import skops.io

    data = canonical_skops(skops.io.dumps(model))
    refused = untrusted(skops.io.get_untrusted_types(data=data))
    if refused:
        raise ModelError(
            f"The trained model holds types that model/trusted_types.py does not list "
            f"({', '.join(refused)}); if you added that step or algorithm, review those types "
            "and add them there (its docstring says how)."
        )
    return data


def canonical_skops(data: bytes) -> bytes:
    """A skops file rewritten so that the same model always gives the same bytes.

    skops names each object after its address in memory (`__id__` in schema.json, and the
    `<id>.npy` member files) and stamps each member with the time of the dump, so two dumps
    of one model differ. Numbered in order instead, stamped with a fixed time and without the
    addresses a model keeps itself (ADDRESS_ATTRIBUTES), identical models give identical
    files: their SHA-256 and dvc.lock change only when the model does.
    """
    with zipfile.ZipFile(BytesIO(data)) as source:
        schema = json.loads(source.read("schema.json"))
        renamed = renumber(schema)
        members = {new: source.read(old) for old, new in renamed.items()}
    members["schema.json"] = json.dumps(schema, indent=2).encode()
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in sorted(members):
            target.writestr(zipfile.ZipInfo(name, date_time=ZIP_EPOCH), members[name])
    return buffer.getvalue()


def renumber(schema: dict[str, Any]) -> dict[str, str]:
    """Number the objects of a skops schema 1, 2, 3... in order; return old -> new file names.

    An `__id__` only tells which nodes are the same object, and a member file's name only has
    to match the node that reads it: numbering both in order of appearance keeps every
    reference and drops the addresses. Only nodes (dicts with a `__loader__`) are renumbered,
    never the keys of a model's own dictionaries.
    """
    ids: dict[int, int] = {}
    names: dict[str, str] = {}

    def visit(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for name in ADDRESS_ATTRIBUTES:
                if isinstance(value.get(name), dict) and value[name].get("is_json"):
                    value[name]["content"] = "0"
            if "__loader__" in value:
                if isinstance(value.get("__id__"), int):
                    value["__id__"] = ids.setdefault(value["__id__"], len(ids) + 1)
                if isinstance(value.get("file"), str):
                    old = value["file"]
                    value["file"] = names.setdefault(old, f"{len(names) + 1}{Path(old).suffix}")
            for item in value.values():
                visit(item)

    visit(schema)
    return names


def untrusted(needed: list[str]) -> list[str]:
    """The types among `needed` that model/trusted_types.py does not list, sorted."""
    return sorted(set(needed) - TRUSTED_TYPES)


def checked_types(path: Path, label: str) -> list[str]:
    """The types the skops file needs trusted; a ModelError naming any type not listed.

    skops reads the file's description of its objects without building any of them, so a
    refused file runs nothing.
    """
    import skops.io

    with readable(path, label):
        needed = skops.io.get_untrusted_types(file=path)
    refused = untrusted(needed)
    if refused:
        raise ModelError(
            f"{label} holds types this project does not trust ({', '.join(refused)}), so it was "
            "not loaded: this project's training never makes such a file."
        )
    return needed


@contextmanager
def readable(path: Path, label: str) -> Iterator[None]:
    """Turn a file skops cannot read (not a zip, a broken schema) into a ModelError."""
    try:
        yield
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, AttributeError) as error:
        reason = first_line(error).replace(str(path), label)
        raise ModelError(
            f"{label} is not a model file this project can read ({reason}); train it again."
        ) from None


def load_model(
    path: Path, sha256: str, produced_by: str = commands.TRAIN, *, label: str | None = None
) -> Pipeline:
    """Load a skops model file after checking its hash and the types it holds.

    `label` names the model in errors (a registry URI and its file); the path by default.
    """
    import skops.io

    label = label or str(path)
    if not path.exists():
        raise ModelError(commands.run_first(label, produced_by))
    actual = file_sha256(path)
    if actual != sha256:
        raise ModelError(
            f"{label} has sha256 {actual[:12]}…, not the {sha256[:12]}… recorded when it was "
            "trained: the file was changed since; train it again."
        )
    trusted = checked_types(path, label)
    with readable(path, label):
        return skops.io.load(path, trusted=trusted)


def model_signature(params: Params, columns: list[str]) -> ModelSignature:
    """The model's input and output as the data contract declares them, for MLflow's tools.

    Numbers are doubles (an integer column could hold no missing value); categories, text and
    the date (ISO text, as in the CSV and the API) are strings. As in the API, every column is
    required and any value may be null (the pipeline imputes it). These are the records the
    service accepts, so `mlflow models serve` (which casts the JSON by this schema) accepts them
    too, and so does pyfunc once number columns are floats: MLflow refuses an int64 column for
    a double one (pd.DataFrame(records) of JSON integers), so cast it first
    (frame.astype({column: float})). The output is predict_proba's two columns (no churn, churn).
    """
    import numpy as np
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, DataType, Schema, TensorSpec

    numeric = set(params.model_columns.numeric)
    inputs = [
        ColSpec(DataType.double if name in numeric else DataType.string, name) for name in columns
    ]
    return ModelSignature(Schema(inputs), Schema([TensorSpec(np.dtype("float64"), (-1, 2))]))


def log_model(
    model: Pipeline, example: pd.DataFrame, saved: Path, signature: ModelSignature
) -> tuple[str, str]:
    """Log the model to the active run (skops, signature, input example); return URI and hash.

    `saved` is the skops file of the same model written by `save_model`: MLflow stores those
    very bytes, and the types it lists as trusted are read from it. The served model answers
    `predict_proba` (the churn probability), not `predict`, hence pyfunc_predict_fn. The hash
    is that of the skops file as MLflow stored it, read back, so a later load from the
    registry can check it.
    """
    import mlflow

    with stored_as(model, saved):
        info = mlflow.sklearn.log_model(
            model,
            name=MODEL_ARTIFACT,
            serialization_format="skops",
            skops_trusted_types=checked_types(saved, str(saved)),
            signature=signature,
            input_example=example,
            pyfunc_predict_fn="predict_proba",
            pip_requirements=[f"{name}=={version(name)}" for name in MODEL_REQUIREMENTS],
        )
    return info.model_uri, logged_sha256(info.model_uri)


@contextmanager
def stored_as(model: Any, saved: Path) -> Iterator[None]:
    """While the block runs, skops "dumps" `model` by copying the bytes of `saved`.

    mlflow.sklearn calls skops.io.dump itself, and a fresh dump would differ from the file in
    models/ (see canonical_skops); copying the file also spares a second dump. Any other
    object is dumped as usual.
    """
    import skops.io

    original = skops.io.dump

    def dump(obj: Any, file: Any, **kwargs: Any) -> None:
        if obj is model and isinstance(file, str | os.PathLike):
            Path(file).write_bytes(saved.read_bytes())
        else:
            original(obj, file, **kwargs)

    skops.io.dump = dump
    try:
        yield
    finally:
        skops.io.dump = original


def logged_sha256(model_uri: str) -> str:
    """The SHA-256 of the skops file of a logged or registered model, as the store holds it."""
    with tempfile.TemporaryDirectory(prefix="model-") as workdir:
        folder = Path(download(model_uri, workdir))
        return file_sha256(folder / SKOPS_FILE)


def download(model_uri: str, workdir: str) -> str:
    """Download a model's folder from the tracking store; a TrackingError if it cannot."""
    import mlflow
    from mlflow.exceptions import MlflowException

    # MLflow draws a progress bar for every model it downloads (each load from the registry,
    # by a stage or the service): noise. setdefault: a user who sets the variable keeps it.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        return mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=workdir)
    except (MlflowException, OSError) as error:
        # The reason may name the temporary folder, which is gone by the time it is read.
        reason = first_line(error).replace(workdir, "a temporary folder")
        raise TrackingError(f"Could not download {model_uri}: {reason}") from None


def load_logged_model(model_uri: str, sha256: str) -> Pipeline:
    """Load a model from the tracking store (e.g. models:/name@champion), checked like a file.

    Errors name the model's URI and its file, not the temporary folder it was downloaded to.
    """
    with tempfile.TemporaryDirectory(prefix="model-") as workdir:
        folder = Path(download(model_uri, workdir))
        return load_model(
            folder / SKOPS_FILE,
            sha256,
            produced_by=commands.REGISTER,
            label=f"{SKOPS_FILE} of {model_uri}",
        )

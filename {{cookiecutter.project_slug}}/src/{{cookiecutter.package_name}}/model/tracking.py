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
2. trusts only types from the modules in TRUSTED_MODULES (scikit-learn, numpy, scipy and this
   project), whatever the file says.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }} import io
from {{ cookiecutter.package_name }}.errors import ProjectError

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"
# The logged model's folder in the run, and the skops file MLflow writes inside it.
MODEL_ARTIFACT = "model"
SKOPS_FILE = "model.skops"
# A model file may hold types from these modules only (prefixes of "module.Type" names).
TRUSTED_MODULES = ("builtins.", "numpy.", "scipy.", "sklearn.", "{{ cookiecutter.package_name }}.")
# Seconds to wait for a tracking server: the MLflow client itself retries for minutes.
SERVER_TIMEOUT = 5
# What loading the model needs, pinned to the installed versions. Given explicitly because
# MLflow's own inference imports the model in a subprocess: about 6 s of every training.
MODEL_REQUIREMENTS = ("scikit-learn", "skops", "numpy", "scipy", "pandas")


class TrackingError(ProjectError):
    """The MLflow tracking store cannot be reached or refused a request."""


class ModelError(ProjectError):
    """A model file is missing, was changed after training, or holds untrusted types."""


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


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_model(model: Any, path: Path) -> str:
    """Write a fitted model as a skops file (atomically); return the file's SHA-256."""
    import skops.io

    with io.atomic_path(path) as tmp:
        skops.io.dump(model, tmp)
    return file_sha256(path)


def trusted_types(path: Path) -> list[str]:
    """The types the skops file needs trusted; raise a ModelError if one is from elsewhere."""
    import skops.io

    needed = skops.io.get_untrusted_types(file=path)
    refused = sorted(name for name in needed if not name.startswith(TRUSTED_MODULES))
    if refused:
        raise ModelError(
            f"{path} holds types from untrusted modules ({', '.join(refused)}); "
            "it was not made by this project, so it is not loaded."
        )
    return needed


def load_model(path: Path, sha256: str, produced_by: str = "model train") -> Pipeline:
    """Load a skops model file after checking its hash and the types it holds."""
    import skops.io

    if not path.exists():
        raise ModelError(f"{path} does not exist; run `{produced_by}` first.")
    actual = file_sha256(path)
    if actual != sha256:
        raise ModelError(
            f"{path} has sha256 {actual[:12]}…, not the {sha256[:12]}… recorded when it was "
            "trained: the file was changed since; train it again."
        )
    return skops.io.load(path, trusted=trusted_types(path))


def log_model(model: Pipeline, example: pd.DataFrame, saved: Path) -> tuple[str, str]:
    """Log the model to the active run (skops, signature, input example); return URI and hash.

    `saved` is the skops file of the same model written by `save_model`: the types it needs
    trusted are read from it rather than from a second dump. The served model answers
    `predict_proba` (the churn probability), not `predict`, hence pyfunc_predict_fn. The hash
    is that of the skops file as MLflow stored it, read back, so a later load from the
    registry can check it.
    """
    import mlflow
    from mlflow.models import infer_signature

    signature = infer_signature(example, model.predict_proba(example))
    info = mlflow.sklearn.log_model(
        model,
        name=MODEL_ARTIFACT,
        serialization_format="skops",
        skops_trusted_types=trusted_types(saved),
        signature=signature,
        input_example=example,
        pyfunc_predict_fn="predict_proba",
        pip_requirements=[f"{name}=={version(name)}" for name in MODEL_REQUIREMENTS],
    )
    return info.model_uri, logged_sha256(info.model_uri)


def logged_sha256(model_uri: str) -> str:
    """The SHA-256 of the skops file of a logged or registered model, as the store holds it."""
    with tempfile.TemporaryDirectory(prefix="model-") as workdir:
        folder = Path(download(model_uri, workdir))
        return file_sha256(folder / SKOPS_FILE)


def download(model_uri: str, workdir: str) -> str:
    """Download a model's folder from the tracking store; a TrackingError if it cannot."""
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        return mlflow.artifacts.download_artifacts(artifact_uri=model_uri, dst_path=workdir)
    except (MlflowException, OSError) as error:
        raise TrackingError(f"Could not download {model_uri}: {first_line(error)}") from None


def load_logged_model(model_uri: str, sha256: str) -> Pipeline:
    """Load a model from the tracking store (e.g. models:/name@champion), checked like a file."""
    with tempfile.TemporaryDirectory(prefix="model-") as workdir:
        folder = Path(download(model_uri, workdir))
        return load_model(folder / SKOPS_FILE, sha256, produced_by="model register")

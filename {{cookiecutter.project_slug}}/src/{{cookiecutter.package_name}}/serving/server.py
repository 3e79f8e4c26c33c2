"""Start the service: uvicorn with a Prometheus folder per run of workers."""

from __future__ import annotations

import os
import shutil
from typing import Any


def serve(host: str, port: int, workers: int) -> None:
    """Check the settings, then serve the app with uvicorn until it is stopped."""
    # The CLI has set one numeric thread per process (threads.py): a request scores one or a few
    # rows, too few to share among threads, and threads waiting for each other add tens of
    # milliseconds at the 99th percentile. More throughput comes from more --workers.
    import uvicorn

    from {{ cookiecutter.package_name }}.config import load_params
    from {{ cookiecutter.package_name }}.serving import worker_metrics
    from {{ cookiecutter.package_name }}.serving.prediction_log import PredictionLog
    from {{ cookiecutter.package_name }}.settings import get_settings

    # Checked here, before uvicorn starts: a bad params.yaml or log URL is then one sentence.
    load_params()
    PredictionLog(get_settings().prediction_log_url)
    # Each worker process counts its own requests. Prometheus' multiprocess mode has them
    # write their counts to files in one folder, and /metrics adds them up; the folder must
    # start empty, so each run gets a new one (unless you chose one), and the folders of runs
    # killed before they could remove theirs are removed (serving/worker_metrics.py).
    own_folder = workers > 1 and "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    if own_folder:
        worker_metrics.remove_stale_folders()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(worker_metrics.new_folder())
    try:
        uvicorn.run(
            "{{ cookiecutter.package_name }}.serving.server:served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
        )
    finally:
        if own_folder:
            shutil.rmtree(os.environ.pop("PROMETHEUS_MULTIPROC_DIR"), ignore_errors=True)


def served_app() -> Any:
    """create_app for `serve` (uvicorn calls it in each worker), its start-up heap frozen.

    What start-up loads (the libraries, the models) lives as long as the worker, yet Python's
    collector walked all of it in each full collection: a pause of about 200 ms, every few
    thousand requests, that set the 99th percentile under load. gc.freeze(), at the end of the
    app's start-up (once the models are loaded), moves it out of the collector's way.
    """
    from {{ cookiecutter.package_name }}.serving.app import create_app

    return create_app(freeze_heap=True)

"""The servers `make bench-serve` compares: how each starts, when it is ready, how it stops.

Three servers, each on 127.0.0.1 with a given number of worker processes: this service (as
`make serve` starts it, its prediction log on, in a temporary file), `mlflow models serve` on
the same champion, and a bare FastAPI app that parses the same body (ceiling_app.py). Each runs
in its own process group, so its workers stop with it, and its start-up time to ready is
measured from the moment it is launched.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import yaml

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.model.aliases import CHAMPION
from {{ cookiecutter.package_name }}.settings import Settings

START_SECONDS = 120.0  # a server not ready by then is reported, not waited for
PACKAGE = __package__.split(".")[0]
SERVICE, MLFLOW, CEILING = "this service", "mlflow models serve", "bare FastAPI (ceiling)"


@dataclass(frozen=True)
class Server:
    """How to start one server and where it answers."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    ready_path: str
    predict_path: str

    @property
    def base(self) -> str:
        """Its root URL."""
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def this_service(params: Params, workers: int, workdir: Path) -> Server:
    """This service as `make serve` starts it (the CLI's serve command), experiment off."""
    port = free_port()
    command = [sys.executable, "-m", PACKAGE, "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    return Server(SERVICE, command, service_env(params, workdir), port, "/ready", "/predict")


def mlflow_server(params: Params, workers: int) -> Server:
    """`mlflow models serve` on the registry's champion, in this environment."""
    port = free_port()
    command = [
        sys.executable, "-m", "mlflow", "models", "serve",
        "-m", f"models:/{params.registry.model_name}@{CHAMPION}", "--env-manager", "local",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
    ]  # fmt: skip
    return Server(MLFLOW, command, server_env(), port, "/ping", "/invocations")


def ceiling_server(workers: int) -> Server:
    """The bare FastAPI app under uvicorn, as this service runs."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", f"{__package__}.ceiling_app:app",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    return Server(CEILING, command, server_env(), port, "/ready", "/predict")


def service_env(params: Params, workdir: Path) -> dict[str, str]:
    """This service's environment: experiment off, prediction log in a temporary file.

    The experiment is off so that it scores with one model, as the other servers do.
    """
    raw = params.model_dump(mode="json")
    raw["serving"]["experiment"]["mode"] = "off"
    params_path = workdir / "params.yaml"
    params_path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    prefix = Settings.model_config["env_prefix"]
    return {
        **server_env(),
        f"{prefix}PARAMS_PATH": str(params_path),
        f"{prefix}PREDICTION_LOG_URL": f"sqlite:///{workdir / 'predictions.db'}",
    }


def server_env() -> dict[str, str]:
    """What every server runs with: this environment's programs first, one numeric thread.

    `mlflow models serve` starts `uvicorn` by name, hence the PATH. One thread is what the CLI
    sets for this service (threads.py); the others get the same, for a fair comparison.
    """
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "OMP_NUM_THREADS": "1",
    }


@contextmanager
def running(server: Server) -> Iterator[float]:
    """Run the server until the block ends; yield its seconds from launch to ready."""
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            server.command,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_SECONDS
            while not answers(server.base + server.ready_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace").strip().splitlines() or ["?"]
                    raise ProjectError(f"{server.name} did not start ({output[-1].strip()}).")
                time.sleep(0.1)
            yield time.perf_counter() - started
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Stop the process and its children: SIGTERM, then SIGKILL after 30 s."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def answers(url: str) -> bool:
    """True when GET url answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False

"""Shared helpers for the template tests: the hooks as modules and the tools the tests call."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import ModuleType

import pytest

TEMPLATE = Path(__file__).resolve().parents[1]
PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"


# The order `make test`'s two workers take files in (xdist, --dist loadfile): the tutorial first
# (its chapters are one chain on one project, about 16 minutes in CI), then the other files
# longest first, so that the other worker runs them while the tutorial's takes only a short
# file when it nears its end (xdist hands a worker its next file two tests before it runs
# out). Seconds of each in a CI run on the 2-core machine; a file not listed goes last.
CI_SECONDS = {
    "test_tutorial.py": 950,
    "test_workflow.py": 460,
    "test_project_suite.py": 330,
    "test_team_stack.py": 285,
    "test_variants.py": 240,
    "test_own_data.py": 200,
    "test_image.py": 135,
    "test_bake.py": 70,
    "test_updates.py": 27,
    "test_ci_files.py": 12,
    "test_hooks.py": 8,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the files longest first (a stable sort: each file's tests keep their order)."""
    items.sort(key=lambda item: -CI_SECONDS.get(item.path.name, 0))


def load_hook(name: str) -> ModuleType:
    """Import a hook file as a module (its Jinja line only runs under __main__)."""
    spec = importlib.util.spec_from_file_location(name, TEMPLATE / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def uv() -> str:
    """The uv binary: the Makefile exports it; a plain `pytest` finds it on the PATH."""
    found = os.environ.get("UV") or shutil.which("uv")
    if not found or not Path(found).exists():
        pytest.fail("uv is needed to install a baked project: run the tests with `make test`.")
    return found


@pytest.fixture(scope="session")
def env(uv: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of every command: uv on the PATH, one shared virtualenv, no telemetry.

    The workflow and tutorial tests share it, so the generated project's dependencies are
    installed once per session. An empty global git config stands for a fresh machine where git
    has no user identity: the bake's first commit and `dvc exp run` must work there too.
    """
    empty_config = tmp_path_factory.mktemp("git") / "config"
    empty_config.touch()
    return {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(empty_config),
        "PATH": f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}",
        "UV_PROJECT_ENVIRONMENT": str(tmp_path_factory.mktemp("shared") / "venv"),
        "UV_PYTHON_DOWNLOADS": "never",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        # As the project's `make mlflow-ui` and compose file do: no consumers of GenAI scoring
        # jobs (about ten idle processes per `mlflow server`, polling on the shared cores).
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        "NO_COLOR": "1",
        # `make test` runs two workers on a 2-core machine: numeric libraries that each start a
        # thread per core would fight over the cores (OpenMP's waiting threads spin).
        "OMP_NUM_THREADS": "1",
    }


def run(command: str, project: Path, env: dict[str, str], ok: bool = True) -> str:
    """Run a shell command in the project; return stdout + stderr, failing the test if it fails."""
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    output = done.stdout + done.stderr
    if ok:
        assert done.returncode == 0, f"`{command}` failed ({done.returncode}):\n{output[-4000:]}"
    else:
        assert done.returncode != 0, f"`{command}` should have failed:\n{output[-4000:]}"
    return output


# --- Servers a test starts in the background, on the loopback


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def in_background(command: list[str], project: Path, env: dict[str, str]) -> subprocess.Popen:
    """Start a server that runs in the foreground until Ctrl-C, in its own process group."""
    return subprocess.Popen(
        command,
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def get_json(url: str) -> dict:
    """GET a URL on the loopback and decode its JSON body."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_for_json(url: str, server: subprocess.Popen, seconds: float = 90) -> dict:
    """GET the URL until the server started in the background answers it; fail if it dies."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return get_json(url)
        except (urllib.error.URLError, OSError):
            assert server.poll() is None, f"the server exited before answering {url}"
            assert time.monotonic() < deadline, f"{url} did not answer in {seconds} s"
            time.sleep(1)


def post_json(url: str, body: object, headers: dict[str, str] | None = None) -> dict:
    """POST JSON on the loopback and decode the JSON answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"content-type": "application/json", **(headers or {})},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())

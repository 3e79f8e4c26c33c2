"""What the service image does, reproduced step by step from the Dockerfile, without an engine.

No container engine runs on these machines, so the image is never built here. This file does what
its two stages do instead, reading the Dockerfile for what matters: the builder's locked, non-dev,
non-editable install into a clean folder holding only what the Dockerfile copies; then the
runtime's environment (its ENV lines) and command (its CMD) in a second clean folder holding only
params.yaml and logs/, against an `mlflow server` that proxies artifacts, until /ready names the
champion, /predict scores a record and the HEALTHCHECK's command passes.

What only an engine adds (the base OS and slim Python, the uid 10001 user and its permissions, the
cache mounts, the isolation, the HEALTHCHECK's scheduling, the published port) is listed in the
production chapter ("Docker").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import TEMPLATE, free_port, run, wait_for_json
from .dockerfile import cmd, env_lines, healthcheck, on_loopback, stage, sync_commands

pytestmark = pytest.mark.slow

SLUG = "customer-churn"
# A small data set and a quick training: the point is the image, not the model.
QUICK = {
    "n_rows: 20000": "n_rows: 3000",
    "n_splits: 5": "n_splits: 3",
    "curves: true": "curves: false",
    "bootstrap_resamples: 1000": "bootstrap_resamples: 200",
}
# What the builder's first sync sees (bind mounts), and what it copies into /app for the second.
DEPENDENCY_FILES = ("pyproject.toml", "uv.lock")
# What the builder stage copies into /app (COPY pyproject.toml uv.lock README.md ./, COPY src).
BUILD_CONTEXT = ("pyproject.toml", "uv.lock", "README.md", "src")
# The stages of dvc.yaml the service needs (explore's figures are not), in order.
STAGES = (
    "data acquire",
    "data validate raw",
    "data clean",
    "data validate clean",
    "model split",
    "model train",
    "model evaluate",
    "model register",
)
# --- The reproduction: one bake, one build, one tracking server, one service


def example_record(params: dict) -> dict:
    """A valid record of the data contract, as the project's tests' record helper builds it:
    the columns the model reads (model.drop_columns left out), numbers a tenth into their range
    (serving/schemas.py's example_number), the first allowed category."""
    columns, dropped = params["columns"], set(params["model"]["drop_columns"])
    body = {columns["id"]: "C9000001", columns["time"]: "2024-03-15"}
    body.update(
        {
            name: round(spec["min"] + (spec["max"] - spec["min"]) / 10, 2)
            for name, spec in columns["numeric"].items()
            if name not in dropped
        }
    )
    body.update(
        {
            name: spec["allowed"][0]
            for name, spec in columns["categorical"].items()
            if name not in dropped
        }
    )
    body.update({name: "The app keeps crashing" for name in columns["text"] if name not in dropped})
    return body


def logged(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A server in its own process group (as conftest's in_background), its output in `log`."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def answer(url: str, server: subprocess.Popen, log: Path) -> dict:
    """wait_for_json, bounded to 120 s, with the end of the server's output when it fails."""
    try:
        return wait_for_json(url, server, 120)
    except AssertionError as error:
        tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise AssertionError(f"{error}\n--- {log.name}:\n{tail}") from None


def stop(server: subprocess.Popen) -> None:
    """End a server started in its own process group, and its workers."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def dockerfile() -> str:
    """The template's Dockerfile, unbaked (no bake needed): in the parts parsed here, Jinja
    only names the project in the CMD; the reproduction parses the baked file."""
    return (TEMPLATE / "{{cookiecutter.project_slug}}" / "Dockerfile").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def image(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Bake, build, train through a tracking server, start the image's command; yield the lot.

    Every server listens on the loopback and is ended when the module's tests are done.
    """
    root = tmp_path_factory.mktemp("image")
    run(f"{sys.executable} -m cookiecutter --no-input --output-dir {root} {TEMPLATE}", root, env)
    project = root / SLUG
    # 1. The lock file the build requires (`make install` writes it).
    run("uv lock", project, env)
    dockerfile = (project / "Dockerfile").read_text(encoding="utf-8")

    # 2. The builder stage: its ENV lines, then its two syncs, each with only what the
    # Dockerfile has given it by then: the lock and pyproject.toml (bind mounts) for the
    # dependencies' layer, then everything it copies for the project's.
    builder = stage(dockerfile, "builder")
    build = root / "build"
    build.mkdir()
    venv = build / ".venv"
    build_env = {**env, **env_lines(builder), "UV_PROJECT_ENVIRONMENT": str(venv)}  # /app/.venv
    dependencies, install = sync_commands(builder)
    for name in DEPENDENCY_FILES:
        shutil.copy2(project / name, build / name)
    run(dependencies, build, build_env)
    for name in BUILD_CONTEXT:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, build / name)
        else:
            shutil.copy2(source, build / name)
    run(install, build, build_env)
    assert sorted(path.name for path in build.iterdir()) == sorted([*BUILD_CONTEXT, ".venv"])

    # 3. A tracking server that proxies artifacts, from the image's virtualenv (mlflow is a
    # runtime dependency).
    tracking = root / "tracking"
    tracking.mkdir()
    mlflow_port = free_port()
    tracking_uri = f"http://127.0.0.1:{mlflow_port}"
    mlflow_log = root / "mlflow.log"
    mlflow_server = logged(
        [
            str(venv / "bin/mlflow"),
            "server",
            "--backend-store-uri",
            f"sqlite:///{tracking / 'mlflow.db'}",
            "--serve-artifacts",
            "--artifacts-destination",
            str(tracking / "artifacts"),
            "--host",
            "127.0.0.1",
            "--port",
            str(mlflow_port),
        ],
        tracking,
        {**env, "MLFLOW_DISABLE_TELEMETRY": "true"},
        mlflow_log,
    )
    servers = [mlflow_server]
    try:
        answer(
            f"{tracking_uri}/api/2.0/mlflow/experiments/search?max_results=1",
            mlflow_server,
            mlflow_log,
        )

        # 4. Train and register through that server, in the baked project, with the image's
        # virtualenv: it holds every runtime dependency the stages need, so no second install,
        # and the stages then also prove the shipped install trains (paths are relative to the
        # project folder, the working directory).
        params_file = project / "params.yaml"
        params_text = params_file.read_text(encoding="utf-8")
        for old, new in QUICK.items():
            assert params_text.count(old) == 1, f"params.yaml has {old!r} {params_text.count(old)}"
            params_text = params_text.replace(old, new)
        params_file.write_text(params_text, encoding="utf-8")
        train_env = {**env, "MLFLOW_TRACKING_URI": tracking_uri}
        cli = venv / "bin" / SLUG
        for command in STAGES:
            run(f"{cli} {command}", project, train_env)
        if not json.loads((project / "reports/promotion.json").read_text())["promoted"]:
            # The gate is test_workflow.py's subject: on small data it may refuse version 1.
            run(f"{cli} model promote 1", project, train_env)
        # Runs logged through the server: their artifacts are on the server's side, not in the
        # project (what lets a container with no project files load the model).
        assert not (project / "mlruns").exists()
        assert any((tracking / "artifacts").rglob("*.skops"))

        # 5. The runtime stage: only params.yaml and an empty logs/, the ENV lines, the CMD.
        runtime = stage(dockerfile, "runtime")
        app = root / "app"
        app.mkdir()
        shutil.copy2(params_file, app / "params.yaml")
        (app / "logs").mkdir()
        image_env = {
            key: value.replace("/app/.venv", str(venv)).replace("$PATH", env["PATH"])
            for key, value in env_lines(runtime).items()
        }
        # Nothing of the project or the template's virtualenv: the shared environment without
        # its virtualenv and PYTHONPATH, then the image's ENV lines.
        service_env = {
            key: value
            for key, value in env.items()
            if key not in {"UV_PROJECT_ENVIRONMENT", "VIRTUAL_ENV", "PYTHONPATH"}
        }
        service_env.update(image_env)
        service_env["MLFLOW_TRACKING_URI"] = tracking_uri
        port = free_port()
        command = on_loopback(cmd(runtime), port)
        # Its output beside the folder, not in it: the folder holds what the image holds.
        service_log = root / "service.log"
        service = logged(command, app, service_env, service_log)
        servers.append(service)
        base = f"http://127.0.0.1:{port}"
        ready = answer(f"{base}/ready", service, service_log)
        yield {
            "project": project,
            "build": build,
            "venv": venv,
            "app": app,
            "base": base,
            "ready": ready,
            "service": service,
            "service_env": service_env,
            "healthcheck": on_loopback(healthcheck(runtime), port),
            "record": example_record(yaml.safe_load(params_text)),
        }
    finally:
        for server in reversed(servers):
            stop(server)


def test_the_parser_finds_what_the_reproduction_needs(dockerfile: str) -> None:
    builder, runtime = stage(dockerfile, "builder"), stage(dockerfile, "runtime")
    builder_env, runtime_env = env_lines(builder), env_lines(runtime)

    assert builder_env["UV_COMPILE_BYTECODE"] == "1"
    assert builder_env["UV_PYTHON_DOWNLOADS"] == "never"
    assert builder_env["UV_PROJECT_ENVIRONMENT"] == "/app/.venv"
    syncs = sync_commands(builder)
    assert len(syncs) == 2
    for flag in ("--frozen", "--no-dev", "--no-editable"):
        assert all(flag in sync.split() for sync in syncs), flag
    assert "--no-install-project" in syncs[0].split()
    first_run = next(line for line in builder if line.startswith("RUN ") and "uv sync" in line)
    binds = re.findall(r"type=bind,source=([^,\s]+)", first_run)
    assert sorted(binds) == sorted(DEPENDENCY_FILES)
    copied = [
        line.split()[1:-1] for line in builder if line.startswith("COPY ") and "--from" not in line
    ]
    assert sorted(name for names in copied for name in names) == sorted(BUILD_CONTEXT)
    assert runtime_env["PATH"] == "/app/.venv/bin:$PATH"
    assert {"PYTHONUNBUFFERED", "OMP_NUM_THREADS", "WORKERS"} <= set(runtime_env)
    assert "COPY params.yaml ./" in runtime
    command = cmd(runtime)
    assert command[:2] == ["sh", "-c"]
    assert "serve --host 0.0.0.0 --port 8000" in command[2]
    assert "http://127.0.0.1:8000/health" in " ".join(healthcheck(runtime))
    # The substitution reaches both: a changed address would fail here, not time out later.
    assert "--port 8123" in on_loopback(command, 8123)[2]
    assert "127.0.0.1:8123/health" in " ".join(on_loopback(healthcheck(runtime), 8123))


def test_the_build_installs_the_package_without_dev_tools(image: dict) -> None:
    venv = image["venv"]
    python = venv / "bin/python"

    for tool in ("pytest", "ruff"):
        assert not (venv / "bin" / tool).exists(), f"{tool} is a dev tool: not in the image"
    found = subprocess.run(
        [str(python), "-c", "import customer_churn, sys; print(customer_churn.__file__)"],
        cwd=image["app"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    # --no-editable: the package is a copy in site-packages, not a link to src/.
    assert "site-packages" in found, found
    assert str(image["build"] / "src") not in found
    # UV_COMPILE_BYTECODE=1: the runtime user cannot write __pycache__ into the virtualenv.
    assert list((Path(found).parent).glob("__pycache__/*.pyc"))


def test_the_image_command_serves_the_champion_from_a_bare_folder(image: dict) -> None:
    assert image["ready"]["status"] == "ready"
    assert image["ready"]["models"]["champion"] == "1"
    request = urllib.request.Request(
        f"{image['base']}/predict",
        data=json.dumps(image["record"]).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        status, scored = response.status, json.loads(response.read())

    assert status == 200

    assert 0 <= scored["score"] <= 1
    assert scored["model_version"] == "1"
    # The prediction log goes where the image keeps it, /app/logs (a volume in production);
    # nothing else is written beside params.yaml.
    assert any((image["app"] / "logs").iterdir())
    assert sorted(path.name for path in image["app"].iterdir()) == ["logs", "params.yaml"]


def test_the_service_does_not_see_the_project(image: dict) -> None:
    # The service's own interpreter, with the image's environment, in the image's folder.
    probe = (
        "import sys, customer_churn; "
        "print(customer_churn.__file__); print('\\n'.join(p for p in sys.path if p))"
    )
    done = subprocess.run(
        ["python", "-c", probe],
        cwd=image["app"],
        env=image["service_env"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = done.stdout.splitlines()

    assert lines[0].startswith(str(image["venv"]))
    assert not any(line.startswith(str(image["project"])) for line in lines)


def test_the_healthcheck_passes(image: dict) -> None:
    done = subprocess.run(
        image["healthcheck"],
        cwd=image["app"],
        env=image["service_env"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert image["service"].poll() is None

"""The Dockerfile, parsed: what tests/test_image.py reads from it to do what the image does.

Small and explicit on purpose: logical lines (continuations joined, comments dropped), the
instructions of one stage, its ENV values, the JSON form of CMD and HEALTHCHECK, the `uv sync`
commands, and the container's address moved to the loopback.
"""

from __future__ import annotations

import json
import shlex

# The address the container listens on, and replaced by the loopback and a free port here
# (on_loopback says why).
CONTAINER_ADDRESS = ("0.0.0.0", "8000")


def logical_lines(dockerfile: str) -> list[str]:
    """The Dockerfile's instructions, one per line: comments dropped, continuations joined."""
    lines, current = [], ""
    for raw in dockerfile.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):  # a comment, alone or inside a continued instruction
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1].strip() + " "
            continue
        current += stripped
        if current:
            lines.append(current)
        current = ""
    return lines


def stage(dockerfile: str, name: str) -> list[str]:
    """The instructions of the stage `FROM ... AS name`, up to the next FROM."""
    instructions, inside = [], False
    for line in logical_lines(dockerfile):
        if line.upper().startswith("FROM "):
            inside = line.split()[-1] == name
            continue
        if inside:
            instructions.append(line)
    assert instructions, f"the Dockerfile has no stage {name!r}"
    return instructions


def env_lines(instructions: list[str]) -> dict[str, str]:
    """The ENV key=value pairs of a stage, in order (values as written: $PATH unexpanded)."""
    found: dict[str, str] = {}
    for line in instructions:
        if line.upper().startswith("ENV "):
            for pair in shlex.split(line[4:]):
                key, separator, value = pair.partition("=")
                assert separator, f"ENV in key value form is not parsed here: {line}"
                found[key] = value
    return found


def json_form(line: str, keyword: str) -> list[str]:
    """The JSON (exec) form after `keyword` in a CMD or HEALTHCHECK line."""
    _, found, rest = line.partition(f"{keyword} [")
    assert found, f"no {keyword} in the JSON form: {line}"
    command = json.loads("[" + rest)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command), line
    return command


def cmd(instructions: list[str]) -> list[str]:
    """The stage's CMD (the last one wins, as in Docker), in its JSON form."""
    lines = [line for line in instructions if line.upper().startswith("CMD ")]
    assert lines, "the runtime stage has no CMD"
    return json_form(lines[-1], "CMD")


def healthcheck(instructions: list[str]) -> list[str]:
    """The stage's HEALTHCHECK command, in its JSON form."""
    lines = [line for line in instructions if line.upper().startswith("HEALTHCHECK ")]
    assert lines, "the runtime stage has no HEALTHCHECK"
    return json_form(lines[-1], "CMD")


def sync_commands(instructions: list[str]) -> list[str]:
    """The `uv sync` commands of the builder's RUN lines (the cache and bind mounts dropped)."""
    return [
        line[line.index("uv sync") :]
        for line in instructions
        if line.upper().startswith("RUN ") and "uv sync" in line
    ]


def on_loopback(command: list[str], port: int) -> list[str]:
    """The container's address replaced by the loopback and a free port.

    Inside a container, 0.0.0.0:8000 is the container's own network namespace and the engine
    publishes the port; here the server would listen on every interface of the machine, on a
    port another test or program may hold. The loopback and a free port keep the test private.
    """
    host, port_text = CONTAINER_ADDRESS
    replaced = [
        part.replace(f"--host {host}", "--host 127.0.0.1")
        .replace(f"--port {port_text}", f"--port {port}")
        .replace(f"127.0.0.1:{port_text}", f"127.0.0.1:{port}")
        for part in command
    ]
    assert replaced != command, f"the container's address is not in {command}"
    return replaced

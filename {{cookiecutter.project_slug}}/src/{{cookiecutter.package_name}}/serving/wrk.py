"""wrk, the independent HTTP load generator, when it is installed: its run and its figures.

The benchmark's own client (load_generator.py) is Python, on the same two cores as the server
it measures; wrk is C and sends with far less work per request, so its figures are nearer the
server's own limit. It only ever targets this machine (the same loopback check).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.serving.load_generator import check_loopback

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m)\s*$", flags=re.MULTILINE)
THROUGHPUT = re.compile(r"^Requests/sec:\s+([0-9.]+)", flags=re.MULTILINE)
REQUESTS = re.compile(r"^\s*(\d+) requests in ", flags=re.MULTILINE)
NOT_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)", flags=re.MULTILINE)
ERRORS = re.compile(r"^\s*Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured."""

    requests: int
    throughput: float  # requests per second, all answers
    p50_ms: float
    p99_ms: float
    failed: int  # answers other than 2xx/3xx, and socket errors


def installed() -> bool:
    """True when the wrk command is on the PATH."""
    return shutil.which("wrk") is not None


def parse(output: str) -> WrkResult:
    """The figures of wrk's printed report (run with --latency)."""
    latency = {q: float(value) * UNITS_MS[unit] for q, value, unit in LATENCY.findall(output)}
    throughput, requests = THROUGHPUT.search(output), REQUESTS.search(output)
    if throughput is None or requests is None or set(latency) != {"50", "99"}:
        raise ProjectError(f"wrk's report could not be read: {output.strip()[-200:]!r}.")
    not_2xx = NOT_2XX.search(output)
    errors = ERRORS.search(output)
    return WrkResult(
        requests=int(requests.group(1)),
        throughput=float(throughput.group(1)),
        p50_ms=latency["50"],
        p99_ms=latency["99"],
        failed=(int(not_2xx.group(1)) if not_2xx else 0)
        + (sum(map(int, errors.groups())) if errors else 0),
    )


def lua_script(body: str) -> str:
    """The wrk script that POSTs one JSON body."""
    quoted = body.replace("\\", "\\\\").replace('"', '\\"')
    return (
        'wrk.method = "POST"\n'
        f'wrk.body = "{quoted}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def run(url: str, body: str, connections: int, seconds: int) -> WrkResult:
    """POST the body to `url` from `connections` connections for `seconds` seconds."""
    check_loopback(url)
    with tempfile.TemporaryDirectory(prefix="wrk-") as folder:
        script = Path(folder) / "post.lua"
        script.write_text(lua_script(body), encoding="utf-8")
        command = [
            "wrk", "--threads", "1", "--connections", str(connections),
            "--duration", f"{seconds}s", "--latency", "--script", str(script), url,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise ProjectError(f"wrk failed: {(done.stderr or done.stdout).strip()[-200:]}")
    return parse(done.stdout)

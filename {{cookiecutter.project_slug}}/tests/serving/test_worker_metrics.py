"""Prometheus' multiprocess folders: a `serve` removes those of runs that are gone, only those."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from {{ cookiecutter.package_name }}.serving.worker_metrics import new_folder, remove_stale_folders


def gone_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_only_folders_whose_serve_is_gone_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / f"prometheus-{gone_pid()}-abc"
    running = tmp_path / f"prometheus-{os.getppid()}-def"  # another live process: a service
    unowned = tmp_path / "prometheus-xyz"  # made by hand or by an older version
    for folder in (stale, running, unowned):
        folder.mkdir()
        (folder / "counter_1.db").write_bytes(b"counts")
    mine = new_folder(tmp_path)

    removed = remove_stale_folders(tmp_path)

    assert removed == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [running.name, unowned.name, mine.name]
    )
    assert mine.name.startswith(f"prometheus-{os.getpid()}-")

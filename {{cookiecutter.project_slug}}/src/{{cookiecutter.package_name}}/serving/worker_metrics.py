"""The folder where several workers' Prometheus counts go, one per `serve` run, never left behind.

With more than one worker, each worker process writes its counts to files in one folder
(Prometheus' multiprocess mode) and /metrics adds them up. The folder must start empty, so
each `serve` makes a new one in the temporary folder and removes it when it stops. A `serve`
killed with `kill -9` cannot remove its folder: the next `serve` does. Each folder is named
after the process that owns it (prometheus-<pid>-...), so a `serve` removes only folders whose
owner is gone, never those of another service running on the same machine.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

PREFIX = "prometheus-"
OWNED = re.compile(rf"^{PREFIX}(\d+)-")


def is_running(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def remove_stale_folders(root: Path | None = None) -> list[Path]:
    """Remove the folders of `serve` runs that are gone (in the temporary folder); return them."""
    root = root or Path(tempfile.gettempdir())
    removed = []
    for folder in sorted(root.glob(f"{PREFIX}*")):
        owner = OWNED.match(folder.name)
        # Folders without an owner's pid (made by hand, or by an older version) are left alone.
        if folder.is_dir() and owner and not is_running(int(owner.group(1))):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def new_folder(root: Path | None = None) -> Path:
    """A new, empty folder owned by this process."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))

"""Where a training run came from, as tags of its MLflow run: the git commit of the code, whether
the working tree differed from it, and the hash of each data file the run read.

With them a run can be reproduced and checked: `git checkout <commit>` gives the code and
params.yaml, `dvc checkout` the data of that commit's dvc.lock, and the hashes (the MD5s DVC
records in dvc.lock) say whether it is the same data.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Sequence
from pathlib import Path

# MLflow's own tag for the commit: its UI shows it on the run's page.
COMMIT_TAG = "mlflow.source.git.commit"
DIRTY_TAG = "git_dirty"
DATA_TAG = "data_md5"  # data_md5.<file name>
NO_COMMIT = "unknown (no git repository or no commit)"
# The pipeline rewrites dvc.lock as its stages finish: a change there is the run itself, not
# uncommitted code or parameters.
WRITTEN_BY_THE_PIPELINE = frozenset({"dvc.lock"})


def git(*args: str) -> str | None:
    """A git command's output in the working directory; None without git or a repository."""
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def changed_files(porcelain: str) -> list[str]:
    """The paths of a `git status --porcelain` listing, less the files the pipeline writes."""
    # Each line is "XY path", or "XY old -> new" for a rename.
    paths = [line[3:].split(" -> ")[-1].strip('"') for line in porcelain.splitlines() if line]
    return [path for path in paths if path not in WRITTEN_BY_THE_PIPELINE]


def md5(path: Path) -> str:
    """The MD5 of a file's bytes, read in blocks: the hash DVC records for it."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def lineage_tags(data_files: Sequence[Path]) -> dict[str, str]:
    """The commit, whether tracked files differ from it, and the MD5 of each data file."""
    commit = git("rev-parse", "--verify", "HEAD")
    # Tracked files only: new files nobody added are not part of what the commit would rebuild.
    status = git("status", "--porcelain", "--untracked-files=no")
    if commit is None or status is None:
        tags = {COMMIT_TAG: NO_COMMIT, DIRTY_TAG: "unknown"}
    else:
        tags = {COMMIT_TAG: commit.strip(), DIRTY_TAG: str(bool(changed_files(status))).lower()}
    for path in data_files:
        tags[f"{DATA_TAG}.{path.name}"] = md5(path)
    return tags

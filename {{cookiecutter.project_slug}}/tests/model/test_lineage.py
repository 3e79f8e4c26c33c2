"""Lineage tags: the commit, whether tracked files differ from it, the MD5 of each data file."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.model import lineage


def git(*args: str) -> str:
    """Run git in the working directory; its output."""
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository with params.yaml, dvc.lock and a data file committed."""
    monkeypatch.chdir(tmp_path)
    # Never the repository of a folder above (the project's own, when tmp is inside it).
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.com")
    git("init", "-q")
    Path("params.yaml").write_text("seed: 1\n", encoding="utf-8")
    Path("dvc.lock").write_text("schema: '2.0'\n", encoding="utf-8")
    Path("data.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    git("add", ".")
    git("-c", "commit.gpgsign=false", "commit", "-q", "-m", "first")
    return tmp_path


def test_a_clean_tree_gives_its_commit_and_the_data_hash(repository: Path) -> None:
    tags = lineage.lineage_tags([Path("data.csv")])

    assert tags == {
        lineage.COMMIT_TAG: git("rev-parse", "HEAD").strip(),
        lineage.DIRTY_TAG: "false",
        "data_md5.data.csv": hashlib.md5(b"a,b\n1,2\n").hexdigest(),
    }


def test_changed_params_make_the_tree_dirty_but_the_pipeline_s_own_lock_does_not(
    repository: Path,
) -> None:
    Path("dvc.lock").write_text("schema: '2.0'\nstages: {}\n", encoding="utf-8")
    Path("notes.txt").write_text("not added to git\n", encoding="utf-8")
    assert lineage.lineage_tags([])[lineage.DIRTY_TAG] == "false"

    Path("params.yaml").write_text("seed: 2\n", encoding="utf-8")
    assert lineage.lineage_tags([])[lineage.DIRTY_TAG] == "true"


def test_outside_a_repository_the_commit_is_unknown_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))

    tags = lineage.lineage_tags([])

    assert tags == {lineage.COMMIT_TAG: lineage.NO_COMMIT, lineage.DIRTY_TAG: "unknown"}


def test_a_status_listing_gives_the_paths_renames_and_quoted_names_included() -> None:
    porcelain = ' M params.yaml\nR  old.py -> src/new.py\n M "a b.txt"\n M dvc.lock\n'

    assert lineage.changed_files(porcelain) == ["params.yaml", "src/new.py", "a b.txt"]


def test_the_hash_of_a_large_file_read_in_blocks_is_its_md5(tmp_path: Path) -> None:
    content = bytes(range(256)) * 20_000  # 5 MB: several blocks
    path = tmp_path / "big.bin"
    path.write_bytes(content)

    assert lineage.md5(path) == hashlib.md5(content).hexdigest()

"""Template updates reach a generated project: `cruft update` and `cookiecutter --replay`.

Each test makes a git repository of the template as it is now, generates a project from it,
commits one change to a generated file in the template, then updates the project. Nothing is
installed: only the files are compared.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TEMPLATE

# One line added to a generated file by the template's "new version".
UPDATE_LINE = "# A line the next template version adds."
UPDATED_FILE = "Makefile"
IDENTITY = ["-c", "user.name=Template Tester", "-c", "user.email=tester@example.com"]
USER = {
    f"GIT_{who}_{what.upper()}": value
    for who in ("AUTHOR", "COMMITTER")
    for what, value in (("name", "Template Tester"), ("email", "tester@example.com"))
}


def tool(name: str) -> str:
    """A command-line tool of the template's own environment (cruft, cookiecutter)."""
    return str(Path(sys.executable).with_name(name))


def git(folder: Path, *args: str) -> str:
    """Run git in a folder; return what it printed."""
    done = subprocess.run(
        ["git", "-C", str(folder), *IDENTITY, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run a command that must succeed; return stdout + stderr."""
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{command} failed:\n{output[-3000:]}"
    return output


@pytest.fixture
def template_repo(tmp_path: Path) -> Path:
    """A git repository holding the template as it is now (uncommitted edits included)."""
    repo = tmp_path / "template"
    # What cookiecutter reads, tracked or new: the rest (build/, the tests) is not the template.
    parts = ["cookiecutter.json", "hooks", "{{cookiecutter.project_slug}}"]
    listed = git(TEMPLATE, "ls-files", "-z", "--cached", "--others", "--exclude-standard", *parts)
    for relative in filter(None, listed.split("\0")):
        source = TEMPLATE / relative
        if source.is_file():
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / relative)
    git(repo, "init", "--quiet")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "The template as tested")
    return repo


def commit_template_change(repo: Path) -> str:
    """Add a line to one generated file in a new template commit; return the commit."""
    path = repo / "{{cookiecutter.project_slug}}" / UPDATED_FILE
    path.write_text(path.read_text(encoding="utf-8") + UPDATE_LINE + "\n", encoding="utf-8")
    git(repo, "commit", "--quiet", "--all", "-m", "A new template version")
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(autouse=True)
def no_global_git_identity(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine: no git identity, so the project's first commit must not need one."""
    empty = tmp_path / "gitconfig"
    empty.touch()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))


def test_cruft_update_brings_a_template_change_into_the_project(
    template_repo: Path, tmp_path: Path
) -> None:
    created = run(
        [tool("cruft"), "create", "--no-input", "--output-dir", "out", str(template_repo)],
        tmp_path,
    )
    project = tmp_path / "out" / "customer-churn"
    assert not (project / ".git").exists()
    # The first commit, as the next steps print it, by a user whose git knows their name.
    first_commit = next(line for line in created.splitlines() if "git init" in line)
    run(["bash", "-c", first_commit], project, {**os.environ, **USER})
    assert git(project, "ls-files", ".cruft.json") == ".cruft.json\n"
    new_commit = commit_template_change(template_repo)

    output = run([tool("cruft"), "update", "--skip-apply-ask"], project)

    assert "invalid path" not in output
    assert (project / UPDATED_FILE).read_text(encoding="utf-8").endswith(UPDATE_LINE + "\n")
    assert json.loads((project / ".cruft.json").read_text())["commit"] == new_commit
    changed = git(project, "status", "--porcelain").splitlines()
    assert sorted(line[3:] for line in changed) == [".cruft.json", UPDATED_FILE]
    assert "up to date" in run([tool("cruft"), "check"], project)


def test_a_replayed_bake_brings_each_template_change_into_the_project(
    template_repo: Path, tmp_path: Path
) -> None:
    replay_dir = tmp_path / "replay"
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"replay_dir: {replay_dir}\ncookiecutters_dir: {tmp_path / 'cc'}\n")
    bake = [tool("cookiecutter"), "--config-file", str(config), "--output-dir", "out"]
    run([*bake, "--no-input", str(template_repo)], tmp_path)
    project = tmp_path / "out" / "customer-churn"
    first = git(project, "rev-parse", "HEAD")
    replay_file = str(replay_dir / f"{template_repo.name}.json")

    for replay in (["--replay"], ["--replay-file", replay_file]):
        commit_template_change(template_repo)
        run([*bake, *replay, "--overwrite-if-exists", str(template_repo)], tmp_path)

        added = (project / UPDATED_FILE).read_text(encoding="utf-8").count(UPDATE_LINE)
        assert added == (1 if replay == ["--replay"] else 2)
        # The re-bake keeps the project's history: the user reviews and commits the change.
        assert git(project, "rev-parse", "HEAD") == first
        assert git(project, "status", "--porcelain").splitlines() == [f" M {UPDATED_FILE}"]

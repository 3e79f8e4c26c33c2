"""Finish the bake: remove what the answers disable, start git, print the next steps."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

# What each disabled option removes, relative to the project root. Later flags add rows here.
REMOVALS: dict[str, list[str]] = {
    "license": ["LICENSE"],
}


COMMIT_MESSAGE = "Project created from the cookiecutter-mlops-practice template"


def paths_to_remove(answers: dict) -> list[str]:
    """List the files and folders the answers disable."""
    paths = []
    if answers.get("license") == "none":
        paths += REMOVALS["license"]
    return paths


def remove_paths(project_dir: Path, paths: list[str]) -> None:
    """Delete files and folders below the project root."""
    for relative in paths:
        target = project_dir / relative
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def init_git(project_dir: Path, author: str, email: str) -> bool:
    """Start a git repository with a first commit; return False when git is not installed.

    DVC needs a repository, and `dvc exp run` a commit to start experiments from. The commit is
    signed with the answers' name and e-mail, so it works where git has no identity set.
    """
    if (project_dir / ".git").exists():
        return True
    if shutil.which("git") is None:
        return False
    git = ["git", "-C", str(project_dir)]
    identity = ["-c", f"user.name={author}", "-c", f"user.email={email}"]
    subprocess.run([*git, "init", "--quiet"], check=True)
    subprocess.run([*git, "add", "--all"], check=True)
    subprocess.run(
        [*git, *identity, "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", COMMIT_MESSAGE],
        check=True,
    )
    return True


def next_steps(answers: dict, has_git: bool) -> str:
    """The message printed once the project exists."""
    lines = [
        f"Your project is ready in ./{answers['project_slug']}. Next:",
        f"  cd {answers['project_slug']}",
        "  make install     # create .venv with uv",
        "  make pipeline    # every stage, from raw data to a registered model (dvc repro)",
        "  make help        # every other command",
    ]
    if not has_git:
        lines.append(
            "git was not found: DVC needs a repository, so run `git init` once git is installed "
            "(or `dvc config core.no_scm true` to use DVC without git)."
        )
    return "\n".join(lines)


def main(answers: dict, project_dir: Path) -> int:
    """Apply the answers to the baked project."""
    remove_paths(project_dir, paths_to_remove(answers))
    has_git = init_git(project_dir, answers["author_name"], answers["author_email"])
    print(next_steps(answers, has_git))
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}"""), Path.cwd()))

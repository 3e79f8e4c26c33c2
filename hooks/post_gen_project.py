"""Finish the bake: remove what the answers disable, start git, print the next steps."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

# What each disabled option removes, relative to the project root ({package}: package_name).
REMOVALS: dict[str, list[str]] = {
    "license": ["LICENSE"],
    "api": [
        "src/{package}/serving",
        "tests/serving",
        "Dockerfile",
        ".dockerignore",
        ".github/workflows/release.yml",  # it publishes the service's image
        "docs/tutorial/08-serving.md",
        # Batch scoring loads the champion and logs as the service does (serving/).
        "src/{package}/cli_batch.py",
        "src/{package}/nightly",
        "tests/nightly",
        ".github/workflows/nightly.yml",
    ],
    "ab": [
        "src/{package}/ab",
        "tests/ab",
        "tests/serving/test_ab_experiment.py",
        "docs/tutorial/09-ab-testing.md",
    ],
    # The drift statistics (monitoring/drift.py, two_sample.py, text_drift.py) stay: they compare
    # any two samples.
    "monitoring": [
        "src/{package}/monitoring/monitor.py",
        "src/{package}/monitoring/report.py",
        "src/{package}/monitoring/simulate.py",
        "src/{package}/monitoring/benchmark.py",
        "src/{package}/monitoring/feedback.py",
        "tests/serving/test_monitor.py",
        "tests/monitoring/test_feedback.py",
        "tests/nightly/test_retraining.py",
        "tests/serving/test_deploy.py",
        "deploy",
        "docs/tutorial/10-monitoring.md",
    ],
}
# The answer that turns each feature on. In the Python files, the lines a feature needs sit
# between "# [feature]" and "# [/feature]" comment lines (Jinja would break the template's own
# ruff and tests on them); the other files use Jinja conditions.
FEATURES = {"api": "include_api", "ab": "include_ab_testing", "monitoring": "include_monitoring"}
MARKER = re.compile(r"^\s*# \[(/?)([a-z]+)\]\s*$")
# A practice exercise is the body of one function between "# [exercise N] <task, one sentence>"
# and "# [/exercise N]". With exercises=no only the marker lines go (the reference solution
# stays); with yes the body becomes a NotImplementedError that states the task.
EXERCISE = re.compile(r"^(\s*)# \[(/?)exercise (\d+)\]\s*(.*?)\s*$")
# An exercise's docstring has a paragraph that starts with "Hints:" (exercises.py prints it to
# the learner). With exercises=no there is nothing to hint at: the paragraph goes, up to the next
# blank line or the docstring's closing quotes.
HINTS = re.compile(r"^\s*Hints: ")
LINE_LENGTH = 100  # the generated project's ruff line length


COMMIT_MESSAGE = "Project created from the cookiecutter-mlops-practice template"
# The first commit of a project made by cruft must hold the .cruft.json it writes after this hook.
CRUFT_FIRST_COMMIT = (
    'git init && git add --all && git commit -m "Project created with cruft"  '
    "# DVC needs a repository, and `cruft update` a commit to start from"
)


def asked_by_cookiecutter(answers: dict) -> bool:
    """Whether cookiecutter itself renders the project where the user asked.

    cookiecutter (and `cookiecutter --replay`) records `_output_dir`; cruft renders with
    cookiecutter's generate_files, which does not, and `cruft update` renders the old and the new
    template into temporary folders whose files it diffs. A repository started there would put
    .git into that diff (cruft then fails on '.git/index'), so under cruft the user starts it.
    """
    return "_output_dir" in answers


def disabled_features(answers: dict) -> set[str]:
    """The features the answers turn off."""
    return {feature for feature, key in FEATURES.items() if answers.get(key, "yes") == "no"}


def paths_to_remove(answers: dict) -> list[str]:
    """List the files and folders the answers disable."""
    paths = []
    if answers.get("license") == "none":
        paths += REMOVALS["license"]
    for feature in sorted(disabled_features(answers)):
        paths += [path.format(package=answers["package_name"]) for path in REMOVALS[feature]]
    return paths


def apply_markers(text: str, disabled: set[str]) -> str:
    """Drop the marked regions of disabled features, and every marker line."""
    kept, skipping = [], []
    for line in text.splitlines(keepends=True):
        marker = MARKER.match(line)
        if marker and marker.group(2) in FEATURES:
            closing, feature = marker.groups()
            if closing and feature in skipping:
                skipping.remove(feature)
            elif not closing and feature in disabled:
                skipping.append(feature)
            continue
        if not skipping:
            kept.append(line)
    # A removed block can leave three blank lines in a row where the formatter wants two.
    return re.sub(r"\n{4,}", "\n\n\n", "".join(kept))


def not_implemented(indent: str, number: str, task: str) -> list[str]:
    """The statement that stands for a blanked exercise, laid out as ruff format would."""
    message = json.dumps(f"Exercise {number}: {task}", ensure_ascii=False)
    line = f"{indent}raise NotImplementedError({message})\n"
    if len(line) - 1 <= LINE_LENGTH:
        return [line]
    return [f"{indent}raise NotImplementedError(\n", f"{indent}    {message}\n", f"{indent})\n"]


def apply_exercises(text: str, blank: bool) -> str:
    """Drop the exercise markers; with blank, replace each exercise's body by its task."""
    kept: list[str] = []
    inside = None
    for line in text.splitlines(keepends=True):
        marker = EXERCISE.match(line)
        if marker:
            indent, closing, number, task = marker.groups()
            if not closing and blank:
                kept += not_implemented(indent, number, task)
            inside = None if closing else number
            continue
        if not (blank and inside):
            kept.append(line)
    return "".join(kept)


def drop_hints(text: str) -> str:
    """Drop every docstring paragraph that starts with "Hints:" (and the blank line it leaves)."""
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    start = 0
    while start < len(lines):
        if not (HINTS.match(lines[start]) and kept and not kept[-1].strip()):
            kept.append(lines[start])
            start += 1
            continue
        end = start
        while end < len(lines) and lines[end].strip() and '"""' not in lines[end]:
            end += 1
        if end < len(lines) and lines[end].strip() == '"""':
            kept.pop()  # the paragraph was the docstring's last: no blank line before the quotes
            summary = kept[-1].rstrip("\n") + '"""'
            if kept[-1].lstrip().startswith('"""') and len(summary) <= LINE_LENGTH:
                kept[-1] = summary + "\n"  # only the summary is left: one line, as ruff writes it
                end += 1
        elif end < len(lines) and not lines[end].strip():
            end += 1  # the blank line that separated it from the next paragraph
        else:  # closing quotes on the paragraph's own last line: keep it all, as written
            kept.append(lines[start])
            start += 1
            continue
        start = end
    return "".join(kept)


def apply_features(project_dir: Path, disabled: set[str], blank_exercises: bool = False) -> None:
    """Rewrite every Python file of the project with its markers applied."""
    for path in sorted(project_dir.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "# [" in text:
            text = apply_exercises(apply_markers(text, disabled), blank_exercises)
            if not blank_exercises:
                text = drop_hints(text)
            path.write_text(text, encoding="utf-8")


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


def next_steps(answers: dict, has_git: bool, by_cruft: bool = False) -> str:
    """The message printed once the project exists."""
    lines = [
        f"Your project is ready in ./{answers['project_slug']}. Next:",
        f"  cd {answers['project_slug']}",
        "  make install     # create .venv with uv",
        "  make pipeline    # every stage, from raw data to a registered model (dvc repro)",
        "  make help        # every other command",
    ]
    if answers.get("exercises") == "yes":
        # The blank functions stop the stages that call them: the learner starts with these.
        lines.insert(3, "  make exercises   # what to write first: the pipeline needs 1, 3 and 4")
    if by_cruft:
        lines.insert(2, f"  {CRUFT_FIRST_COMMIT}")
    elif not has_git:
        lines.append(
            "git was not found: DVC needs a repository, so run `git init` once git is installed "
            "(or `dvc config core.no_scm true` to use DVC without git)."
        )
    return "\n".join(lines)


def main(answers: dict, project_dir: Path) -> int:
    """Apply the answers to the baked project."""
    remove_paths(project_dir, paths_to_remove(answers))
    apply_features(project_dir, disabled_features(answers), answers.get("exercises") == "yes")
    if not asked_by_cookiecutter(answers):
        print(next_steps(answers, has_git=False, by_cruft=True))
        return 0
    has_git = init_git(project_dir, answers["author_name"], answers["author_email"])
    print(next_steps(answers, has_git))
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}"""), Path.cwd()))

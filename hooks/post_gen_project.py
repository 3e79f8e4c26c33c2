"""Finish the bake: remove what the answers disable, start git, print the next steps."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Collection
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
        "src/{package}/quiz/bank/08-serving.yaml",  # the drill never asks about a removed part
        "tests/bugs/test_service.py",
        "tests/practice/test_write_27_unit_hash.py",  # exercise 27 tests the assignment hash
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
        "tests/serving/test_canary.py",
        "docs/tutorial/09-ab-testing.md",
        "src/{package}/quiz/bank/09-ab-testing.yaml",
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
        "tests/monitoring/test_monitor.py",
        "tests/nightly/test_retraining.py",
        "tests/serving/test_deploy.py",
        "deploy",
        "docs/tutorial/10-monitoring.md",
        "src/{package}/quiz/bank/10-monitoring.yaml",
        "tests/bugs/test_monitoring.py",
    ],
    # Kept only in a bug-hunt project (exercises=bugs).
    "bugs": ["BUGS.md"],
}
# The exercises that a chapter removed with a feature teaches (exercise_catalogue.py names the
# chapters): their code stays, solved, because the rest of the project still calls it, and
# `make exercises` leaves them out (exercises.present() checks for the chapter).
EXERCISES_OF = {
    "api": {5, 27},
    "ab": {5, 6, 12, 14, 27},
    "monitoring": {7, 15, 16, 26},
}
# The answer that turns each feature on. In the Python files, the lines a feature needs sit
# between "# [feature]" and "# [/feature]" comment lines (Jinja would break the template's own
# ruff and tests on them); the other files use Jinja conditions.
FEATURES = {"api": "include_api", "ab": "include_ab_testing", "monitoring": "include_monitoring"}
MARKER = re.compile(r"^\s*# \[(/?)([a-z]+)\]\s*$")
# A practice exercise is the body of one function between "# [exercise N] <task, one sentence>"
# and "# [/exercise N]". With exercises=no only the marker lines go (the reference solution
# stays); with yes the body becomes a NotImplementedError that states the task. Markers at the
# start of the line wrap a whole test module (a write-tests exercise): with yes it becomes one
# failing test that states the task. What the blanks replaced is saved in SOLUTIONS, for
# `<cli> exercises solution N`.
EXERCISE = re.compile(r"^(\s*)# \[(/?)exercise (\d+)\]\s*(.*?)\s*$")
# A planted fault of the bug hunt (exercises=bugs) sits where the correct code is:
#     # [bug N]
#     <correct lines>
#     # [bug N planted]
#     # <faulty lines, commented out so that the template stays valid Python>
#     # [/bug N]
# With bugs the faulty lines, uncommented, replace the correct ones; otherwise they go. Either
# way the markers go, so no comment of the baked project says where a fault is.
BUG = re.compile(r"^\s*# \[(/?)bug \d+( planted)?\]\s*$")
COMMENTED = re.compile(r"^(\s*)# ?")
LINE_LENGTH = 100  # the generated project's ruff line length
LOCK_TIMEOUT = 300  # seconds: resolving the dependencies takes 2-15 s with a package index
SOLUTIONS = ".exercises/solutions.json"


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
    if answers.get("exercises") != "bugs":
        paths += REMOVALS["bugs"]
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


def statement(indent: str, call: str, message: str) -> list[str]:
    """One call with a string argument, laid out as ruff format would."""
    line = f"{indent}{call}({message})\n"
    if len(line) - 1 <= LINE_LENGTH:
        return [line]
    return [f"{indent}{call}(\n", f"{indent}    {message}\n", f"{indent})\n"]


def not_implemented(indent: str, number: str, task: str) -> list[str]:
    """The statement that stands for a blanked exercise."""
    message = json.dumps(f"Exercise {number}: {task}", ensure_ascii=False)
    return statement(indent, "raise NotImplementedError", message)


def placeholder_test(number: str, task: str) -> list[str]:
    """The one test that stands for the learner's tests of a write-tests exercise: it fails."""
    message = json.dumps(f"Exercise {number}: {task}", ensure_ascii=False)
    return [
        "import pytest\n",
        "\n",
        "\n",
        f"@pytest.mark.exercise({number})\n",
        f"def test_exercise_{number}_is_written() -> None:\n",
        '    """Stands for your tests: replace this function by them."""\n',
        *statement("    ", "pytest.fail", message),
    ]


def apply_exercises(
    text: str, blank: bool, solutions: dict[str, str] | None = None, solved: Collection[int] = ()
) -> str:
    """Drop the exercise markers; with blank, replace each exercise's body by its task.

    The bodies replaced go to `solutions` (number -> code, without its indentation); the
    exercises in `solved` keep theirs.
    """
    kept: list[str] = []
    inside, body = None, []
    for line in text.splitlines(keepends=True):
        marker = EXERCISE.match(line)
        if marker:
            indent, closing, number, task = marker.groups()
            blank_this = blank and int(number) not in solved
            if not closing and blank_this:
                kept += (
                    placeholder_test(number, task)
                    if not indent
                    else not_implemented(indent, number, task)
                )
            if closing and blank_this and solutions is not None:
                solutions[number] = textwrap.dedent("".join(body))
            inside, body = (None, []) if closing or not blank_this else (number, [])
            continue
        if blank and inside:
            body.append(line)
        else:
            kept.append(line)
    return "".join(kept)


def apply_bugs(text: str, plant: bool) -> str:
    """Drop the bug markers; with plant, put each fault's lines in place of the correct ones."""
    kept: list[str] = []
    part = None  # inside a fault: "correct" or "planted"
    for line in text.splitlines(keepends=True):
        marker = BUG.match(line)
        if marker:
            closing, planted = marker.groups()
            part = None if closing else ("planted" if planted else "correct")
            continue
        if part == "planted" and plant:
            kept.append(COMMENTED.sub(r"\1", line, count=1) if line.strip() != "#" else "\n")
        elif part is None or (part == "correct" and not plant):
            kept.append(line)
    return "".join(kept)


def apply_features(
    project_dir: Path, disabled: set[str], blank_exercises: bool = False, plant_bugs: bool = False
) -> None:
    """Rewrite every Python file of the project with its markers applied."""
    solutions: dict[str, str] = {}
    solved = set().union(*(EXERCISES_OF[feature] for feature in disabled))
    for path in sorted(project_dir.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "# [" in text:
            text = apply_markers(text, disabled)
            text = apply_exercises(text, blank_exercises, solutions, solved)
            text = apply_bugs(text, plant_bugs)
            path.write_text(text, encoding="utf-8")
    if solutions:
        target = project_dir / SOLUTIONS
        target.parent.mkdir(exist_ok=True)
        ordered = dict(sorted(solutions.items(), key=lambda item: int(item[0])))
        target.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", "utf-8")


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


def lock_dependencies(project_dir: Path) -> str:
    """Write uv.lock when uv is installed, so the first commit pins every version; a note if not.

    Two installs of the same project are then identical, on any machine, today or in a year.
    Without uv (or offline), the first `make install` writes the lock file instead.
    """
    uv = shutil.which("uv")
    if uv is None:
        return "uv is not installed yet: the first `make install` writes uv.lock; commit it."
    try:
        subprocess.run(
            [uv, "lock", "--quiet", "--project", str(project_dir)],
            check=True,
            capture_output=True,
            timeout=LOCK_TIMEOUT,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return "uv could not lock the dependencies now: `make install` writes uv.lock; commit it."
    return ""


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
        lines.insert(
            3,
            "  make exercises   # what to write first: the pipeline needs "
            "1, 3, 4, 9, 10, 11, 13, 35, 39, 40",
        )
    if answers.get("exercises") == "bugs":
        lines.insert(4, "  make bugs        # the planted faults: how many you have fixed")
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
    practice = answers.get("exercises")
    apply_features(project_dir, disabled_features(answers), practice == "yes", practice == "bugs")
    if not asked_by_cookiecutter(answers):
        print(next_steps(answers, has_git=False, by_cruft=True))
        return 0
    lock_note = lock_dependencies(project_dir)
    has_git = init_git(project_dir, answers["author_name"], answers["author_email"])
    print(next_steps(answers, has_git))
    if lock_note:
        print(lock_note)
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}"""), Path.cwd()))

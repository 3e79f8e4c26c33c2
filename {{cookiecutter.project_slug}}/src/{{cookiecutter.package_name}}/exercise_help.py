"""Help on an exercise: its hints one at a time (counted in a local file), and its solution.

The count of hints used lives in `.exercises/state.json` (git ignores it: it is one learner's
progress, not the project's). A project baked with `exercises=yes` keeps the reference code the
hook blanked in `.exercises/solutions.json`; with `exercises=no` the reference is in place, so the
solution is the function's own source (or, for a write-tests exercise, its test file).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.exercise_catalogue import Exercise
from {{ cookiecutter.package_name }}.exercises import function_of, is_blank, project_file
from {{ cookiecutter.package_name }}.files import write_json

STATE = Path(".exercises/state.json")  # below the folder the commands run in, like tests/
SOLUTIONS = project_file(".exercises/solutions.json")  # written by the bake, beside src/


def read_json(path: Path) -> dict:
    """A JSON object from a file of .exercises/ ({} when it does not exist)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        raise ProjectError(f"{path} is not a JSON object: delete it, or restore it with git.")
    return data


def hints_used(state: Path = STATE) -> dict[int, int]:
    """How many hints of each exercise the learner has seen, by number."""
    return {int(number): int(count) for number, count in read_json(state).get("hints", {}).items()}


def next_hint(exercise: Exercise, state: Path = STATE) -> tuple[int, str]:
    """The next hint of the exercise (the last one again once all are seen), and its position."""
    if not exercise.hints:
        raise ProjectError(f"Exercise {exercise.number} has no hints.")
    used = hints_used(state)
    position = min(used.get(exercise.number, 0) + 1, len(exercise.hints))
    used[exercise.number] = position
    write_json(state, {"hints": {str(number): count for number, count in sorted(used.items())}})
    return position, exercise.hints[position - 1]


def solution(exercise: Exercise, solutions: Path = SOLUTIONS) -> str:
    """The reference code of the exercise: saved at the bake, or the code in place."""
    saved = read_json(solutions).get(str(exercise.number))
    if saved is not None:
        return str(saved)
    if is_blank(exercise):
        raise ProjectError(
            f"The reference solution of exercise {exercise.number} is not in {solutions}: "
            "restore that file with git, or bake a project with exercises=no to read it."
        )
    if exercise.kind == "write-tests":
        return project_file(exercise.test_file).read_text(encoding="utf-8")
    return inspect.getsource(function_of(exercise))  # type: ignore[arg-type]

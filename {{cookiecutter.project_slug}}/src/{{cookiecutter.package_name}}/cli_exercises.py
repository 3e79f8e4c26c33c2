"""The `exercises` commands: the progress table, the next hint of an exercise, its solution."""

from __future__ import annotations

from typing import Annotated

import typer

from {{ cookiecutter.package_name }}.terminal import console

exercises_app = typer.Typer(
    help="Practice exercises: grade them (no command), ask for a hint, read a solution."
)

NUMBER = Annotated[int, typer.Argument(help="The exercise's number (the progress table's #).")]


@exercises_app.callback(invoke_without_command=True)
def progress(ctx: typer.Context) -> None:
    """Grade the practice exercises with their tests: what is done, the skills, and what next."""
    if ctx.invoked_subcommand is not None:
        return
    from {{ cookiecutter.package_name }} import exercise_progress

    raise typer.Exit(exercise_progress.run(console))


@exercises_app.command()
def hint(number: NUMBER) -> None:
    """Show the next hint of an exercise: a question, then the idea, then the shape of the code."""
    from {{ cookiecutter.package_name }}.exercise_help import next_hint
    from {{ cookiecutter.package_name }}.exercises import find

    exercise = find(number)
    position, text = next_hint(exercise)
    console.print(
        f"Exercise {exercise.number}, {exercise.title}: hint {position} of {len(exercise.hints)}",
        style="bold",
    )
    console.print(text, soft_wrap=True, markup=False)


@exercises_app.command()
def solution(
    number: NUMBER,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Show the reference solution of an exercise (after asking: try the hints first)."""
    from {{ cookiecutter.package_name }}.exercise_help import solution as reference
    from {{ cookiecutter.package_name }}.exercises import find

    exercise = find(number)
    question = f"Show the solution of exercise {exercise.number} ({exercise.title})?"
    if not yes and not typer.confirm(question, default=False):
        console.print(f"Not shown. make hint N={exercise.number} gives a smaller step.")
        return
    console.print(
        f"Reference solution of exercise {exercise.number}, {exercise.title}:", style="bold"
    )
    console.print(reference(exercise), markup=False, highlight=False, soft_wrap=True)

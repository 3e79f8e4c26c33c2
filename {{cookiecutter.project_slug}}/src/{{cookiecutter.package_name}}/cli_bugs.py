"""`bugs`: the bug hunt's table (bug_hunt.py), registered in cli.py."""

from __future__ import annotations

import typer

from {{ cookiecutter.package_name }}.terminal import console


def bugs_command() -> None:
    """Run the tests of the planted faults' symptoms: which are found, and how many of them."""
    from {{ cookiecutter.package_name }} import bug_hunt

    raise typer.Exit(bug_hunt.run(console))

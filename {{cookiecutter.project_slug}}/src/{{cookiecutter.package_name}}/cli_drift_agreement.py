"""`bench drift-agreement`: its own module, so that cli.py stays a short list of commands."""

from __future__ import annotations

from {{ cookiecutter.package_name }}.terminal import console


def drift_agreement() -> None:
    """This project's drift verdicts beside Evidently's on the same columns (needs evidently)."""
    # Imported here: numpy, pandas and the drift tests would slow every other command's start.
    from {{ cookiecutter.package_name }}.monitoring import agreement

    agreement.run(console)

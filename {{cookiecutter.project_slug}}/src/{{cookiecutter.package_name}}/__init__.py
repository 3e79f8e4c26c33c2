"""{{ cookiecutter.project_slug }}: an end-to-end MLOps practice project."""

__version__ = "0.1.0"

"""Errors a user can cause: the CLI prints their message as one sentence and exits 1."""


class ProjectError(Exception):
    """Base for every expected, user-facing failure (never shown as a traceback)."""


class ParamsError(ProjectError):
    """params.yaml is missing, malformed, or holds a misspelt or out-of-range value."""


class DataError(ProjectError):
    """An input data file is missing, unreadable, or does not match the data contract."""


class QualityError(ProjectError):
    """Clean data broke a blocking data-quality rule."""

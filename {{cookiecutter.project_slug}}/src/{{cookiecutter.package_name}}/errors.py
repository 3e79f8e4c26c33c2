"""Errors a user can cause: the CLI prints their message as one sentence and exits 1.

Every user-facing failure of the package is one of these classes, named after what failed; the
service answers them with a one-sentence `detail` too. Internal control flow (a step that falls
back to a slower path) is not a ProjectError: it lives beside the code that recovers from it.
"""


class ProjectError(Exception):
    """Base for every expected, user-facing failure (never shown as a traceback)."""


class ParamsError(ProjectError):
    """params.yaml is missing, malformed, or holds a misspelt or out-of-range value."""


class DataError(ProjectError):
    """An input data file is missing, unreadable, or does not match the data contract."""


class QualityError(ProjectError):
    """Clean data broke a blocking data-quality rule."""


class LeakageError(ProjectError):
    """Information the model will not have when it predicts reached its training or validation."""


class TrackingError(ProjectError):
    """The MLflow tracking store cannot be reached or refused a request."""


class ModelError(ProjectError):
    """A model file is missing, was changed after training, or holds untrusted types."""


class RegistryError(ProjectError):
    """The registry does not hold what a command needs (a model, a version, a history)."""


class NoVersion(ProjectError):
    """No version of the registered model holds the alias (normal for the challenger)."""


class PredictionLogError(ProjectError):
    """The prediction log's URL is invalid or its database cannot be written."""


class QuizError(ProjectError):
    """The interview drill's bank or progress file is broken, or a quiz option names nothing."""

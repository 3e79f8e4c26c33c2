"""Check every answer before a file is written: exit 1 with one sentence naming a bad one."""

from __future__ import annotations

import json
import keyword
import re
import sys

SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PACKAGE = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHOICES = {
    "python_version": ["3.10", "3.11", "3.12", "3.13"],
    "license": ["MIT", "BSD-3-Clause", "Apache-2.0", "none"],
    "include_api": ["yes", "no"],
    "include_ab_testing": ["yes", "no"],
    "include_monitoring": ["yes", "no"],
    "exercises": ["no", "yes", "bugs"],
}
# A package with one of these names would shadow a module the project imports.
TAKEN_NAMES = {
    "dvc",
    "mlflow",
    "pandas",
    "pandera",
    "numpy",
    "sklearn",
    "typer",
    "rich",
    "yaml",
    "tests",
}


def check_slug(slug: str) -> str | None:
    """Return why the project slug is unusable as a folder and command name, or None."""
    if not SLUG.match(slug):
        return (
            f"project_slug '{slug}' is not valid: use lowercase letters, digits and single dashes, "
            "starting with a letter (for example 'customer-churn')."
        )
    return None


def check_package(name: str) -> str | None:
    """Return why the package name cannot be imported, or None."""
    if not PACKAGE.match(name):
        return (
            f"package_name '{name}' is not valid: use lowercase letters, digits and underscores, "
            "starting with a letter (for example 'customer_churn')."
        )
    if keyword.iskeyword(name) or name in sys.stdlib_module_names or name in TAKEN_NAMES:
        return f"package_name '{name}' is already the name of a Python module; choose another."
    return None


def check_answers(answers: dict) -> list[str]:
    """Return one sentence per bad answer (an empty list when all are fine)."""
    problems = [
        check_slug(str(answers.get("project_slug", ""))),
        check_package(str(answers.get("package_name", ""))),
    ]
    if not str(answers.get("project_name", "")).strip():
        problems.append("project_name is empty; give the project a name.")
    if not EMAIL.match(str(answers.get("author_email", ""))):
        problems.append(f"author_email '{answers.get('author_email')}' is not an e-mail address.")
    for key, allowed in CHOICES.items():
        if answers.get(key) not in allowed:
            problems.append(f"{key} '{answers.get(key)}' is not one of {', '.join(allowed)}.")
    if answers.get("include_ab_testing") == "yes" and answers.get("include_api") == "no":
        problems.append(
            "include_ab_testing 'yes' needs include_api 'yes': A/B tests split the traffic of "
            "the prediction service; answer no to one of them."
        )
    if answers.get("include_monitoring") == "yes" and answers.get("include_api") == "no":
        problems.append(
            "include_monitoring 'yes' needs include_api 'yes': monitoring reads the prediction "
            "service's log; answer no to one of them."
        )
    return [problem for problem in problems if problem]


def main(answers: dict) -> int:
    """Print the problems, if any, and return the exit code."""
    problems = check_answers(answers)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    # The answers arrive as JSON data, never pasted into Python source, so quotes can't break it.
    sys.exit(main(json.loads(r"""{{ cookiecutter | tojson }}""")))

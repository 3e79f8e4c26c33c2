"""The hooks' functions, tested without baking anything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TEMPLATE, load_hook

pre = load_hook("pre_gen_project")
post = load_hook("post_gen_project")

GOOD = {
    "project_name": "Customer Churn",
    "project_slug": "customer-churn",
    "package_name": "customer_churn",
    "author_email": "you@example.com",
    "python_version": "3.11",
    "license": "MIT",
    "include_api": "yes",
    "include_ab_testing": "yes",
    "include_monitoring": "yes",
    "exercises": "no",
}


@pytest.mark.parametrize("slug", ["customer-churn", "churn", "churn2-model-v3"])
def test_good_slugs_pass(slug: str) -> None:
    assert pre.check_slug(slug) is None


@pytest.mark.parametrize(
    "slug", ["", "Customer-Churn", "churn model", "-churn", "churn--x", "2churn"]
)
def test_bad_slugs_are_named(slug: str) -> None:
    assert pre.check_slug(slug).startswith(f"project_slug '{slug}' is not valid")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("churn-model", "is not valid"),
        ("1churn", "is not valid"),
        ("class", "is already the name of a Python module"),
        ("json", "is already the name of a Python module"),
        ("pandas", "is already the name of a Python module"),
    ],
)
def test_bad_package_names_are_named(name: str, reason: str) -> None:
    assert reason in pre.check_package(name)


def test_good_answers_have_no_problem() -> None:
    assert pre.check_answers(GOOD) == []
    assert pre.main(GOOD) == 0


def test_each_bad_answer_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    bad = {**GOOD, "author_email": "nobody", "license": "GPL", "python_version": "2.7"}

    assert pre.main(bad) == 1

    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "ERROR: author_email 'nobody' is not an e-mail address.",
        "ERROR: python_version '2.7' is not one of 3.10, 3.11, 3.12, 3.13.",
        "ERROR: license 'GPL' is not one of MIT, BSD-3-Clause, Apache-2.0, none.",
    ]


def test_a_blank_name_is_refused() -> None:
    assert "project_name is empty; give the project a name." in pre.check_answers(
        {**GOOD, "project_name": "   "}
    )


def test_no_licence_removes_the_licence_file(tmp_path: Path) -> None:
    (tmp_path / "LICENSE").write_text("MIT")
    (tmp_path / "README.md").write_text("hi")

    post.remove_paths(tmp_path, post.paths_to_remove({**GOOD, "license": "none"}))

    assert sorted(path.name for path in tmp_path.iterdir()) == ["README.md"]
    assert post.paths_to_remove(GOOD) == ["BUGS.md"]  # kept only for a bug hunt


def test_removing_a_folder_and_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "serving").mkdir()
    (tmp_path / "serving" / "app.py").write_text("")

    post.remove_paths(tmp_path, ["serving", "not-there.txt"])

    assert list(tmp_path.iterdir()) == []


def test_git_is_initialised_with_a_first_commit(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n")

    assert post.init_git(tmp_path, "Zoë O'Brien", "zoe@example.com") is True

    log = subprocess.run(
        ["git", "-C", str(tmp_path), "log", "--format=%an <%ae>|%s", "--name-only"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert log.splitlines()[0] == f"Zoë O'Brien <zoe@example.com>|{post.COMMIT_MESSAGE}"
    assert "README.md" in log


def test_git_missing_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(post.shutil, "which", lambda name: None)

    assert post.init_git(tmp_path, "a", "a@b.c") is False
    assert "git was not found" in post.next_steps(GOOD, has_git=False)
    assert "git was not found" not in post.next_steps(GOOD, has_git=True)


def test_with_uv_installed_the_first_commit_holds_the_lock_file(
    env: dict[str, str], tmp_path: Path
) -> None:
    # A real bake, with uv on the PATH (as the shared environment has it).
    cookiecutter = Path(sys.executable).parent / "cookiecutter"
    subprocess.run(
        [cookiecutter, "--no-input", "--output-dir", str(tmp_path), str(TEMPLATE)],
        env=env,
        check=True,
        capture_output=True,
    )

    project = tmp_path / "customer-churn"
    first_commit = subprocess.run(
        ["git", "-C", str(project), "show", "--name-only", "--format=", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert "uv.lock" in first_commit
    assert '\nname = "customer-churn"\n' in (project / "uv.lock").read_text()


def test_without_uv_or_when_it_fails_the_lock_is_left_to_make_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(post.shutil, "which", lambda name: None)
    assert post.lock_dependencies(tmp_path).startswith("uv is not installed yet")

    failing_uv = tmp_path / "uv"
    failing_uv.write_text("#!/bin/sh\nexit 2\n")
    failing_uv.chmod(0o755)
    monkeypatch.setattr(post.shutil, "which", lambda name: str(failing_uv))
    assert post.lock_dependencies(tmp_path).startswith("uv could not lock")
    assert not (tmp_path / "uv.lock").exists()


def test_next_steps_name_the_folder_and_commands() -> None:
    message = post.next_steps(GOOD, has_git=True)

    assert "cd customer-churn" in message
    assert "make install" in message
    assert "make pipeline" in message
    assert "make exercises" not in message
    assert "make exercises" in post.next_steps({**GOOD, "exercises": "yes"}, has_git=True)
    assert "make bugs" not in message
    assert "make bugs" in post.next_steps({**GOOD, "exercises": "bugs"}, has_git=True)


def test_under_cruft_the_hook_leaves_git_to_the_user(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hello\n")
    cruft_answers = {**GOOD, "author_name": "A", "_template": "t", "_commit": "abc"}

    assert post.main(cruft_answers, tmp_path) == 0

    assert not (tmp_path / ".git").exists()
    assert post.asked_by_cookiecutter({**cruft_answers, "_output_dir": "/x"}) is True
    message = post.next_steps(GOOD, has_git=False, by_cruft=True).splitlines()
    assert message[2].startswith("  git init && git add --all && git commit")
    assert "git was not found" not in "\n".join(message)


def test_ab_testing_without_the_api_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert pre.main({**GOOD, "include_api": "no", "include_monitoring": "no"}) == 1

    assert capsys.readouterr().err.strip().splitlines() == [
        "ERROR: include_ab_testing 'yes' needs include_api 'yes': A/B tests split the traffic "
        "of the prediction service; answer no to one of them."
    ]
    no_api = {"include_api": "no", "include_ab_testing": "no", "include_monitoring": "no"}
    assert pre.check_answers({**GOOD, **no_api}) == []


def test_monitoring_without_the_api_is_refused() -> None:
    answers = {**GOOD, "include_api": "no", "include_ab_testing": "no"}

    assert pre.check_answers(answers) == [
        "include_monitoring 'yes' needs include_api 'yes': monitoring reads the prediction "
        "service's log; answer no to one of them."
    ]


MARKED = """import os
# [api]
import uvicorn
# [/api]


def data() -> None:
    pass


# [ab]
def ab() -> None:
    pass
# [/ab]


class Settings:
    path = "params.yaml"
    # [api]
    log = "predictions.db"
    # [/api]
"""


def test_markers_are_dropped_around_the_kept_features() -> None:
    text = post.apply_markers(MARKED, disabled=set())

    assert "# [" not in text
    assert "import uvicorn" in text and "def ab()" in text and 'log = "predictions.db"' in text


def test_a_disabled_feature_loses_its_marked_lines() -> None:
    text = post.apply_markers(MARKED, disabled={"api", "ab"})

    assert text == (
        "import os\n\n\ndef data() -> None:\n    pass\n\n\n"
        'class Settings:\n    path = "params.yaml"\n'
    )


EXERCISE = '''class Clipper:
    def transform(self, X):
        """Clip X."""
        # [exercise 1] clip X to the learned bounds.
        return X.clip(0, 1)
        # [/exercise 1]


def psi(reference, current):
    """The PSI."""
    # [exercise 7] the population stability index of two samples over reference-quantile bins.
    return 0.0
    # [/exercise 7]
'''
WRITE_TESTS = '''"""Tests of f."""

# [exercise 24] write tests of f().
from __future__ import annotations


def test_f():
    assert f() == 1
# [/exercise 24]
'''


def test_without_exercises_only_the_exercise_markers_go() -> None:
    solutions: dict[str, str] = {}
    text = post.apply_exercises(EXERCISE, blank=False, solutions=solutions)

    kept = [line for line in EXERCISE.splitlines() if "# [" not in line]
    assert text.splitlines() == kept
    assert solutions == {}


def test_a_blank_exercise_keeps_its_docstring_raises_its_task_and_saves_its_body() -> None:
    solutions: dict[str, str] = {}
    text = post.apply_exercises(EXERCISE, blank=True, solutions=solutions)

    assert text == (
        'class Clipper:\n    def transform(self, X):\n        """Clip X."""\n'
        '        raise NotImplementedError("Exercise 1: clip X to the learned bounds.")\n\n\n'
        'def psi(reference, current):\n    """The PSI."""\n'
        "    raise NotImplementedError(\n"
        '        "Exercise 7: the population stability index of two samples over '
        'reference-quantile bins."\n'
        "    )\n"
    )
    assert solutions == {"1": "return X.clip(0, 1)\n", "7": "return 0.0\n"}


def test_an_exercise_of_a_removed_chapter_stays_solved() -> None:
    solutions: dict[str, str] = {}
    text = post.apply_exercises(EXERCISE, blank=True, solutions=solutions, solved={7})

    assert "    return 0.0\n" in text and "Exercise 7" not in text
    assert list(solutions) == ["1"]


def test_a_blank_write_tests_exercise_is_one_failing_graded_test() -> None:
    solutions: dict[str, str] = {}
    text = post.apply_exercises(WRITE_TESTS, blank=True, solutions=solutions)

    assert text == (
        '"""Tests of f."""\n\nimport pytest\n\n\n@pytest.mark.exercise(24)\n'
        "def test_exercise_24_is_written() -> None:\n"
        '    """Stands for your tests: replace this function by them."""\n'
        '    pytest.fail("Exercise 24: write tests of f().")\n'
    )
    assert solutions["24"].startswith("from __future__ import annotations\n")
    assert solutions["24"].endswith("    assert f() == 1\n")


def test_the_blanked_bodies_are_saved_for_the_solution_command(tmp_path: Path) -> None:
    (tmp_path / "clip.py").write_text(EXERCISE, encoding="utf-8")

    post.apply_features(tmp_path, disabled={"monitoring"}, blank_exercises=True)

    saved = json.loads((tmp_path / post.SOLUTIONS).read_text(encoding="utf-8"))
    assert saved == {"1": "return X.clip(0, 1)\n"}  # 7 belongs to the monitoring chapter


def test_without_the_api_the_service_and_the_ab_toolkit_are_removed() -> None:
    answers = {**GOOD, "include_api": "no", "include_ab_testing": "no", "include_monitoring": "no"}

    paths = post.paths_to_remove(answers)

    assert paths == [
        "BUGS.md",
        "src/customer_churn/ab",
        "tests/ab",
        "tests/serving/test_ab_experiment.py",
        "tests/serving/test_canary.py",
        "docs/tutorial/09-ab-testing.md",
        "src/customer_churn/quiz/bank/09-ab-testing.yaml",
        "src/customer_churn/serving",
        "tests/serving",
        "Dockerfile",
        ".dockerignore",
        ".github/workflows/release.yml",
        "docs/tutorial/08-serving.md",
        "src/customer_churn/quiz/bank/08-serving.yaml",
        "tests/bugs/test_service.py",
        "tests/practice/test_write_27_unit_hash.py",
        "src/customer_churn/cli_batch.py",
        "src/customer_churn/nightly",
        "tests/nightly",
        ".github/workflows/nightly.yml",
        "src/customer_churn/monitoring/monitor.py",
        "src/customer_churn/monitoring/report.py",
        "src/customer_churn/monitoring/simulate.py",
        "src/customer_churn/monitoring/benchmark.py",
        "src/customer_churn/monitoring/feedback.py",
        "tests/serving/test_monitor.py",
        "tests/monitoring/test_feedback.py",
        "tests/monitoring/test_monitor.py",
        "tests/nightly/test_retraining.py",
        "tests/serving/test_deploy.py",
        "deploy",
        "docs/tutorial/10-monitoring.md",
        "src/customer_churn/quiz/bank/10-monitoring.yaml",
        "tests/bugs/test_monitoring.py",
    ]
    assert post.disabled_features({**GOOD, "include_ab_testing": "no"}) == {"ab"}
    assert post.disabled_features({**GOOD, "include_monitoring": "no"}) == {"monitoring"}


PLANTED = """import os
# [bug 2]
# [bug 2 planted]
# import random
# [/bug 2]


def share(rows):
    \"\"\"The share of rows kept.\"\"\"
    # [bug 1]
    kept = [row for row in rows if row]
    return len(kept) / len(rows)
    # [bug 1 planted]
    # kept = [row for row in rows if row]
    #
    # return len(kept) / max(len(rows) - 1, 1)  # comment kept
    # [/bug 1]
"""


def test_without_bugs_only_the_correct_lines_stay() -> None:
    text = post.apply_bugs(PLANTED, plant=False)

    assert text == (
        'import os\n\n\ndef share(rows):\n    """The share of rows kept."""\n'
        "    kept = [row for row in rows if row]\n    return len(kept) / len(rows)\n"
    )


def test_a_planted_bug_replaces_the_correct_lines_and_leaves_no_marker() -> None:
    text = post.apply_bugs(PLANTED, plant=True)

    assert text == (
        'import os\nimport random\n\n\ndef share(rows):\n    """The share of rows kept."""\n'
        "    kept = [row for row in rows if row]\n\n"
        "    return len(kept) / max(len(rows) - 1, 1)  # comment kept\n"
    )


def test_the_bug_hunt_s_notes_are_kept_only_in_a_bugs_project() -> None:
    assert "BUGS.md" in post.paths_to_remove(GOOD)
    assert "BUGS.md" in post.paths_to_remove({**GOOD, "exercises": "yes"})
    assert "BUGS.md" not in post.paths_to_remove({**GOOD, "exercises": "bugs"})
    assert pre.check_answers({**GOOD, "exercises": "bugs"}) == []
    assert pre.check_answers({**GOOD, "exercises": "maybe"}) == [
        "exercises 'maybe' is not one of no, yes, bugs."
    ]

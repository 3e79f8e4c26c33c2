"""The thread policy: one numeric thread per process unless told otherwise, set before loading."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.cli import app
from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.threads import SETTING, VARIABLES, apply_policy, thread_variables
from {{ cookiecutter.package_name }}.threads_benchmark import measure


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No thread variable and no setting in the environment; settings read afresh."""
    for name in (*VARIABLES, SETTING):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_the_policy_sets_every_thread_variable_the_environment_leaves_unset() -> None:
    assert thread_variables(1, {}) == dict.fromkeys(VARIABLES, "1")
    assert thread_variables(4, {"OMP_NUM_THREADS": "2"}) == {
        "OPENBLAS_NUM_THREADS": "4",
        "MKL_NUM_THREADS": "4",
    }
    assert thread_variables(0, {}) == {}  # each library's default


def test_apply_policy_follows_the_setting(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv(SETTING, "3")

    apply_policy()

    assert [os.environ[name] for name in VARIABLES] == ["3", "3", "3"]


def test_a_bad_setting_is_one_sentence(clean_environment: pytest.MonkeyPatch) -> None:
    clean_environment.setenv(SETTING, "many")

    with pytest.raises(ProjectError, match=f"^{SETTING} must be a whole number .* not 'many'"):
        apply_policy()

    result = CliRunner().invoke(app, ["model", "split"])  # the CLI applies it first
    assert result.exit_code == 1
    assert f"{SETTING} must be a whole number" in result.output


def test_one_thread_per_process_bounds_the_slowdown_beside_another_openmp_job() -> None:
    # Tiny fits: the point is the ratio, measured in the same run, not the seconds. The
    # libraries' default is left to `make bench`: on a loaded machine its fits take minutes.
    (policy,) = measure(rows=2000, iterations=20, repeats=3, policies={"policy": 1})

    assert policy.alone > 0
    # Oversubscription (the default threads beside the neighbour) slowed fits six times and more
    # on the 2-core machine; one thread per process stays well below. The bound leaves room for
    # the other tests that share the cores under `make test` (3.4 was seen there with a 70 ms
    # fit): a benchmark's figure, not this test, is where the exact ratio belongs.
    assert policy.ratio < 5.0

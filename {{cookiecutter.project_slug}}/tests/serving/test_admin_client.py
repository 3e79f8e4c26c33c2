"""The admin client of `reload`: the sentences it raises before and instead of a reload.

A reload that succeeds needs a service on a real port: the template's workflow test runs
`make retrain SERVICE_URL=...` against one.
"""

from __future__ import annotations

import socket

import pytest

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.serving.admin_client import KEY_VARIABLE, reload_service


def test_without_a_key_it_says_which_variable_to_set() -> None:
    with pytest.raises(ProjectError, match=f"^Set {KEY_VARIABLE} to the service's admin key"):
        reload_service("http://127.0.0.1:9", "")


def test_without_a_service_it_asks_whether_it_runs() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"

    with pytest.raises(ProjectError, match=f"^No service answers at {url} .*; is it running\\?$"):
        reload_service(url, "some-key")

"""One policy for the numeric libraries' threads, for every command, set before they load.

scikit-learn's gradient boosting (OpenMP) and numpy's linear algebra (BLAS) start a pool of
threads in each process, one per core by default. Processes that run side by side (the
service's workers, test workers, a training beside a notebook) then put cores x processes
threads on the cores, and OpenMP threads that wait for each other spin: on the 2-core machine
this project was measured on, a gradient-boosting fit beside another OpenMP job went from
0.7 s to 14 s (`make bench` prints the figures of your machine: `bench threads`).

So every command runs with one numeric thread per process, and more throughput comes from more
processes (`--workers`, test workers). The setting `{{ cookiecutter.package_name | upper }}_THREADS` chooses another
number; 0 leaves each library its default, the fastest for one job alone on an idle machine. A
thread variable you set yourself (OMP_NUM_THREADS=4 ...) wins over both. The variables must be
set before the libraries load, because OpenMP reads them once, when it starts: the CLI applies
the policy before any command imports them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import ValidationError

from {{ cookiecutter.package_name }}.errors import ProjectError
from {{ cookiecutter.package_name }}.settings import get_settings

# OpenMP (scikit-learn's histogram gradient boosting), OpenBLAS (numpy, SciPy) and MKL.
VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
SETTING = "{{ cookiecutter.package_name | upper }}_THREADS"


def thread_variables(threads: int, environ: Mapping[str, str]) -> dict[str, str]:
    """The thread variables to set: those the environment does not set already (none for 0)."""
    if threads == 0:
        return {}
    return {name: str(threads) for name in VARIABLES if name not in environ}


def apply_policy() -> None:
    """Set the thread variables of the policy in this process (and so in its children)."""
    try:
        threads = get_settings().threads
    except ValidationError:
        raise ProjectError(
            f"{SETTING} must be a whole number of threads from 0 (each library's default) "
            f"to 256, not {os.environ.get(SETTING)!r}."
        ) from None
    os.environ.update(thread_variables(threads, os.environ))

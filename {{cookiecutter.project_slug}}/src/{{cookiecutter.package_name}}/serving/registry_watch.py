"""Follow the registry: every worker checks the champion and challenger aliases on a timer.

Each worker process of each replica holds its own models, and POST /admin/reload reaches only
the one worker that takes the request. So every worker also checks the aliases itself, every
`serving.reload_interval` seconds (0: never), and swaps its models when a version moved
(ModelStore.refresh). N workers on M replicas then serve a promotion within one interval of
each other, without a restart and without anyone calling them.

Each check also reads the experiment in force (serving/experiment_override.py): a change made
by PUT /admin/experiment on one worker, or a rollback by the canary guardrails, reaches every
worker within the same interval.

A check that fails (registry down, a version that cannot load) keeps the current models: it
is logged and counted in the `registry_checks_total{result="failed"}` metric, and the next
check tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from {{ cookiecutter.package_name }}.serving.model_store import ModelStore, describe

logger = logging.getLogger(__name__)


def check_once(store: ModelStore) -> str:
    """Check the aliases once: 'reloaded', 'unchanged' or 'failed' (the failure is logged)."""
    try:
        return "reloaded" if store.refresh() else "unchanged"
    except Exception as error:
        logger.warning("The registry check failed, the current models stay: %s", describe(error))
        return "failed"


async def follow_registry(
    store: ModelStore,
    interval: float,
    count: Callable[[str], None],
    also: Callable[[], None] | None = None,
) -> None:
    """Check the aliases every `interval` seconds until cancelled; `count` gets each result.

    `also` runs after each check (the experiment's): it must log its failures, not raise them.
    """
    while True:
        await asyncio.sleep(interval)
        # In a thread: a check queries the registry and may load a model, which must not
        # hold up the requests this worker's event loop is answering meanwhile.
        count(await asyncio.to_thread(check_once, store))
        if also is not None:
            await asyncio.to_thread(also)

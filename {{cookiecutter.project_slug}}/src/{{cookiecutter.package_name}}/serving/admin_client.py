"""Admin client: ask a running service to reload its models from the registry.

The last step of `make retrain SERVICE_URL=...`: once the gate has promoted a new champion,
POST /admin/reload makes the service load it without a restart (requests keep being answered
by the old models until the new ones are loaded). The admin key is the service's own:
{{ cookiecutter.package_name | upper }}_ADMIN_API_KEY. With several workers this call reaches one of them; the others
follow the registry within `serving.reload_interval` seconds (serving/registry_watch.py).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from {{ cookiecutter.package_name }}.errors import ProjectError

TIMEOUT_SECONDS = 60
KEY_VARIABLE = "{{ cookiecutter.package_name | upper }}_ADMIN_API_KEY"


def reload_service(url: str, api_key: str) -> dict[str, Any]:
    """POST /admin/reload to the service at url; return its answer, or raise one sentence."""
    if not api_key:
        raise ProjectError(f"Set {KEY_VARIABLE} to the service's admin key to reload it.")
    request = urllib.request.Request(
        f"{url.rstrip('/')}/admin/reload", data=b"{}", method="POST",
        headers={"X-API-Key": api_key, "content-type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:200]
        raise ProjectError(
            f"The service at {url} refused the reload ({error.code}: {detail})."
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise ProjectError(f"No service answers at {url} ({reason}); is it running?") from None

"""The ceiling of the serving benchmark: a bare FastAPI app that parses the same JSON body.

No model, no validation against the data contract, no log: one route that reads the request's
JSON and answers a constant. Whatever this app serves per second on a machine is the most any
FastAPI service can serve there, so `make bench-serve` reads this service's throughput as a share
of it (how much of the framework's ceiling our own work per request leaves).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

app = FastAPI(title="ceiling", docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/ready")
def ready() -> dict[str, str]:
    """Always ready: there is nothing to load."""
    return {"status": "ready"}


@app.post("/predict")
def predict(record: dict[str, Any]) -> dict[str, Any]:
    """Parse the body as the service does (JSON into a dict), then answer a constant score."""
    return {"churn_probability": 0.5, "fields": len(record)}

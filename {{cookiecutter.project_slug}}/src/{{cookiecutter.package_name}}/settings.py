"""Runtime settings: what the environment says, as opposed to params.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings read from the environment (prefix {{ cookiecutter.package_name | upper }}_)."""

    model_config = SettingsConfigDict(env_prefix="{{ cookiecutter.package_name | upper }}_", extra="ignore")

    params_path: Path = Path("params.yaml")
    # Numeric threads per process (OpenMP, BLAS); 0: each library's default. See threads.py.
    threads: int = Field(default=1, ge=0, le=256)
    # [api]
    # Where the service logs predictions and outcomes (any SQLAlchemy URL).
    prediction_log_url: str = "sqlite:///logs/predictions.db"
    # The X-API-Key of the admin routes; empty: the service starts without them.
    admin_api_key: str = ""
    # [/api]


@cache
def get_settings() -> Settings:
    """Return the settings, read once; tests call get_settings.cache_clear() after changing them."""
    return Settings()

"""Server settings: defaults, overridden by ``KG_*`` environment variables,
overridden by the `config` mapping given to :func:`server.create_app`.

Every limit the endpoint enforces is read from here, so that the service
description, the documentation and the behaviour cannot drift apart.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Setting name -> (type, default). The names double as environment variables.
DEFAULTS: dict[str, tuple[type, Any]] = {
    "KG_DATA_DIR": (str, ""),
    "KG_QUERY_TIMEOUT": (float, 30.0),
    "KG_MAX_RESULTS": (int, 100_000),
    "KG_MAX_QUERY_LENGTH": (int, 100_000),
    "KG_SERVICE_ALLOWLIST": (str, ""),
    "KG_UPDATE_TOKEN": (str, ""),
    "KG_STORE_CHECK_INTERVAL": (float, 1.0),
    "KG_QUERY_WORKERS": (int, 8),
}


@dataclass(frozen=True)
class Settings:
    """The typed view of the ``KG_*`` settings the server acts on."""

    data_dir: str = ""
    query_timeout: float = 30.0
    max_results: int = 100_000
    max_query_length: int = 100_000
    service_allowlist: frozenset[str] = field(default_factory=frozenset)
    update_token: str = ""
    store_check_interval: float = 1.0
    query_workers: int = 8

    @property
    def max_body_size(self) -> int:
        """Largest request body accepted: a form-encoded query may triple in
        size through percent-encoding, plus room for the other parameters."""
        return self.max_query_length * 3 + 64 * 1024


def _convert(name: str, kind: type, value: Any) -> Any:
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value).strip())
    except ValueError:
        raise ValueError(f"setting {name} must be a {kind.__name__}, got {value!r}") from None


def resolve(overrides: Mapping[str, Any] | None = None,
            environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The raw ``KG_*`` values after applying environment and overrides."""
    environ = os.environ if environ is None else environ
    overrides = overrides or {}
    values: dict[str, Any] = {}
    for name, (kind, default) in DEFAULTS.items():
        value = overrides.get(name, environ.get(name, default))
        values[name] = _convert(name, kind, value)
    return values


def settings_from(values: Mapping[str, Any]) -> Settings:
    """Validate raw values into :class:`Settings`; bad limits fail at start-up, not per request."""
    allow = frozenset(v.strip() for v in str(values["KG_SERVICE_ALLOWLIST"]).split(",") if v.strip())
    settings = Settings(
        data_dir=values["KG_DATA_DIR"],
        query_timeout=values["KG_QUERY_TIMEOUT"],
        max_results=values["KG_MAX_RESULTS"],
        max_query_length=values["KG_MAX_QUERY_LENGTH"],
        service_allowlist=allow,
        update_token=values["KG_UPDATE_TOKEN"],
        store_check_interval=values["KG_STORE_CHECK_INTERVAL"],
        query_workers=values["KG_QUERY_WORKERS"],
    )
    for name, value in (("KG_QUERY_TIMEOUT", settings.query_timeout),
                        ("KG_MAX_RESULTS", settings.max_results),
                        ("KG_MAX_QUERY_LENGTH", settings.max_query_length),
                        ("KG_QUERY_WORKERS", settings.query_workers)):
        if value <= 0:
            raise ValueError(f"setting {name} must be positive, got {value!r}")
    return settings

"""The HTTP face of the knowledge graph: a SPARQL 1.1 endpoint, Linked Data
pages for every entity, a query page, a small JSON API over the query catalog
and dataset descriptions. Build an app with :func:`create_app`; serve it with
:func:`server.wsgi.run` (``kg serve``) or any WSGI server via ``server.wsgi:app``.

:func:`create_app` is imported on first use, so that the query worker
processes (:mod:`server.query_worker`), which import this package, load only
the engine and not the web stack.
"""
from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from server.app import create_app
        return create_app
    raise AttributeError(name)

"""Conditional requests: every answer computed from the data carries an ETag
derived from the dataset's version, and a GET or HEAD whose `If-None-Match`
names the current tag is answered 304 before any query runs.

The tag is a weak validator (``W/"..."``): the same request on the same data
gives an equivalent answer, though not always the same bytes (blank node labels
may differ). It covers what the answer depends on: the dataset's version (see
:meth:`server.store_access.ServedStore.version`), the software's version (pages
change with it), the host and the path with its query string (descriptions hold
absolute URLs built from the host), and the negotiated headers. The
answer also says ``Cache-Control: no-cache``, so that caches keep it but check
with the server before reusing it, which costs one 304.
"""
from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request

from kg import __version__
from kg.errors import StoreError
from server.state import state
from server.store_access import served

#: Endpoints whose answers do not come from the data, or that manage their own validators.
UNCACHED = frozenset({"static", "ops.health", "ops.metrics", "void.dump"})
#: Request headers the answers vary on (the `Vary` header names them too).
NEGOTIATED = ("Accept",)


def etag(version: str) -> str:
    """The tag for the current request on data of `version`."""
    key = "\n".join([__version__, version, request.host_url, request.full_path,
                     *(request.headers.get(h, "") for h in NEGOTIATED)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _before() -> Response | None:
    if request.method not in ("GET", "HEAD") or request.endpoint in UNCACHED or request.endpoint is None:
        return None
    try:
        version = served().version(state().settings.store_check_interval)
    except StoreError:
        return None  # the view reports it
    tag = etag(version)
    g.kg_etag = tag
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        response.set_etag(tag, weak=True)
        response.headers["Cache-Control"] = "no-cache"
        return response
    return None


def _after(response: Response) -> Response:
    tag = g.get("kg_etag")
    if tag is not None and response.status_code == 200:
        response.set_etag(tag, weak=True)
        response.headers.setdefault("Cache-Control", "no-cache")
    return response


def register(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)

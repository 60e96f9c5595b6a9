"""Error responses: one shape for every failure, in the form the client reads.

Scripts get JSON (``{"error": {"status", "message", ...}}``) when they accept it
or call the ``/api`` routes, SPARQL clients that prefer text get plain text
(the SPARQL protocol leaves the error body free), and browsers get a page.
"""
from __future__ import annotations

import logging
import re
from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kg.errors import QueryError, StoreError
from kg.sparql.syntax import explain
from kg.store.remote import StoreUnreachable
from server.execution import QueryTimeout
from server.formats import HTML
from server.negotiation import NotAcceptable, UnknownFormat, prefers_html
from server.service_policy import ServiceRefused
from server.store_access import StoreUnavailable

log = logging.getLogger(__name__)

_POSITION = re.compile(r"error at (\d+):(\d+)")


class ApiError(Exception):
    """An error with the HTTP status to answer with and optional details."""

    def __init__(self, status: int, message: str, *, details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or {}
        self.headers = headers or {}


def syntax_error(exc: QueryError, text: str | None) -> ApiError:
    """A 400 for a rejected query that names the line and column the engine
    stopped at, and shows that line with a caret under the place."""
    message = str(exc) if text is None else explain(str(exc), text)
    details: dict[str, Any] = {}
    match = _POSITION.search(message)
    if match and text is not None:
        line, column = int(match.group(1)), int(match.group(2))
        details = {"line": line, "column": column}
        lines = text.splitlines() or [""]
        if 1 <= line <= len(lines):
            source = lines[line - 1]
            caret = " " * (min(max(column, 1), len(source) + 1) - 1) + "^"
            details["excerpt"] = f"{source}\n{caret}"
    return ApiError(400, message, details=details)


def _wants_json() -> bool:
    if request.path.startswith("/api") or request.path in ("/health", "/healthz"):
        return True
    accept = request.accept_mimetypes
    best = accept.best_match(["text/plain", "application/json", "application/sparql-results+json"])
    return best is not None and best != "text/plain"


def render(error: ApiError) -> Response:
    if error.status >= 500:
        log.warning("%s %s -> %s: %s", request.method, request.path, error.status, error.message)
    if not _wants_json() and prefers_html(request.accept_mimetypes, ()):
        response = Response(render_template("error.html", error=error), error.status,
                            content_type=HTML.content_type)
    elif _wants_json():
        response = jsonify({"error": {"status": error.status, "message": error.message, **error.details}})
        response.status_code = error.status
    else:
        text = error.message
        if "excerpt" in error.details:
            text += "\n\n" + error.details["excerpt"]
        if "supported" in error.details:
            text += "\nsupported: " + ", ".join(error.details["supported"])
        response = Response(text + "\n", error.status, content_type="text/plain; charset=utf-8")
    response.headers.update(error.headers)
    return response


def register(app: Flask) -> None:
    """Map the toolkit's and the server's exceptions to statuses."""

    @app.errorhandler(ApiError)
    def _api(exc: ApiError):
        return render(exc)

    @app.errorhandler(NotAcceptable)
    def _not_acceptable(exc: NotAcceptable):
        supported = [mt for f in exc.offered for mt in f.media_types]
        return render(ApiError(406, str(exc), details={"supported": supported}))

    @app.errorhandler(UnknownFormat)
    def _unknown_format(exc: UnknownFormat):
        return render(ApiError(400, str(exc)))

    @app.errorhandler(ServiceRefused)
    def _service(exc: ServiceRefused):
        return render(ApiError(400, str(exc)))

    @app.errorhandler(QueryError)
    def _query(exc: QueryError):
        return render(ApiError(400, str(exc)))

    @app.errorhandler(QueryTimeout)
    def _timeout(exc: QueryTimeout):
        app.extensions["kg"].metrics.timeouts.inc()
        return render(ApiError(503, str(exc)))

    @app.errorhandler(StoreUnavailable)
    def _unavailable(exc: StoreUnavailable):
        return render(ApiError(503, str(exc), headers={"Retry-After": "30"}))

    @app.errorhandler(StoreUnreachable)
    def _unreachable(exc: StoreUnreachable):
        # A remote store that is down or overloaded: ask again later.
        return render(ApiError(503, str(exc), headers={"Retry-After": "10"}))

    @app.errorhandler(StoreError)
    def _store(exc: StoreError):
        return render(ApiError(500, str(exc)))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        error = ApiError(exc.code or 500, exc.description or exc.name)
        response = render(error)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

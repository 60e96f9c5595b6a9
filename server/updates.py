"""SPARQL Update on the endpoint: refused unless an operator opts in.

The served store is opened read-only, since builds replace it wholesale and
atomically; an update there would be lost at the next build. So updates need
``KG_UPDATE_TOKEN`` set *and* given as a bearer token, and even then are only
applied to a store the app was given writable (an embedded or test store);
against a data directory the answer is 501 with the way to change data.
"""
from __future__ import annotations

import hmac

from flask import Response, request

from kg.errors import QueryError
from server.errors import ApiError, syntax_error
from server.state import state
from server.store_access import served


def apply(text: str) -> Response:
    settings = state().settings
    if not settings.update_token:
        raise ApiError(403, "SPARQL Update is disabled on this endpoint: it serves a read-only build "
                            "of the graph. Change the data with `kg load` or `kg build`; the server "
                            "picks up the new build by itself.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "SPARQL Update needs the update token as 'Authorization: Bearer <token>'",
                       headers={"WWW-Authenticate": 'Bearer realm="sparql-update"'})
    if not hmac.compare_digest(token.strip().encode(), settings.update_token.encode()):
        raise ApiError(403, "the update token is not valid")
    if len(text) > settings.max_query_length:
        raise ApiError(413, f"the update is {len(text)} characters long; the limit is "
                            f"{settings.max_query_length} (KG_MAX_QUERY_LENGTH)")
    target = served()
    if not target.writable:
        raise ApiError(501, "updates are not supported on a data directory: the served store is "
                            "opened read-only and would be replaced by the next build. Use "
                            "`kg load` to add data; the server picks up the new build by itself.")
    try:
        target.store.update(text)
    except QueryError as exc:
        raise syntax_error(exc, text) from None
    except (RuntimeError, OSError) as exc:  # e.g. a store the caller opened read-only
        raise ApiError(501, f"the store refused the update: {exc}") from None
    target.forget()
    return Response(status=204)

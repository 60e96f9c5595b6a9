"""SPARQL Update on the endpoint: refused unless an operator opts in.

The served store is opened read-only, since builds replace it wholesale and
atomically; an update there would be lost at the next build. So updates need
``KG_UPDATE_TOKEN`` set *and* given as a bearer token, and even then are only
applied to a store the app was given writable (an embedded or test store);
against a data directory the answer is 501 with the way to change data.

An update's relative IRIs are resolved against the endpoint's IRI, and the
prefixes of the endpoint are predeclared, as for queries. The protocol's
``using-graph-uri`` and ``using-named-graph-uri`` become ``USING`` and
``USING NAMED`` clauses of every operation that has a WHERE clause.

Nothing in an update may make the server fetch a URL of the client's choosing:
LOAD is refused (403), and SERVICE follows the rule for queries
(``KG_SERVICE_ALLOWLIST``, 400 otherwise).
"""
from __future__ import annotations

import hmac
import re

from flask import Response, request, url_for

from kg.errors import QueryError, StoreError
from kg.namespace import PREFIXES
from kg.store.oxigraph import OxigraphStore
from server import service_policy
from server.errors import ApiError, syntax_error
from server.protocol import Operation, absolute_iris
from server.query_text import blank, skeleton, top_level_words
from server.state import state
from server.store_access import served


#: The LOAD keyword, in an update's skeleton (strings, IRIs and comments blanked).
_LOAD = re.compile(r"(?<![\w:?$.\-])LOAD(?![\w:\-])", re.I)


def with_dataset(text: str, using: list[str], using_named: list[str]) -> str:
    """`text` with the protocol's update dataset written into it as USING
    clauses before the WHERE of each DELETE/INSERT operation.

    The protocol forbids naming a dataset both ways, so an update with its
    own WITH or USING is refused, as is the DELETE WHERE short form, which
    has no place for USING."""
    if not using and not using_named:
        return text
    if "\\u" in text or "\\U" in text:
        raise ApiError(400, "using-graph-uri and using-named-graph-uri cannot be combined with \\u "
                            "escapes in the update; write the characters themselves")
    words = top_level_words(text)
    if any(word in ("WITH", "USING") for _, _, word in words):
        raise ApiError(400, "the update names its dataset with WITH or USING and the request with "
                            "using-graph-uri or using-named-graph-uri; give it one way only")
    bare = blank(text)
    clause = "".join(f"USING <{g}> " for g in using) + "".join(f"USING NAMED <{g}> " for g in using_named)
    wheres = []
    for index, (start, _, word) in enumerate(words):
        if word != "WHERE":
            continue
        if index and words[index - 1][2] == "DELETE" and not bare[words[index - 1][1]:start].strip():
            raise ApiError(400, "using-graph-uri and using-named-graph-uri do not apply to the DELETE WHERE "
                                "short form; write it as DELETE { … } WHERE { … }")
        wheres.append(start)
    for start in reversed(wheres):
        text = text[:start] + clause + text[start:]
    return text


def apply(op: Operation) -> Response:
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
    original = op.update or ""
    if len(original) > settings.max_query_length:
        raise ApiError(413, f"the update is {len(original)} characters long; the limit is "
                            f"{settings.max_query_length} (KG_MAX_QUERY_LENGTH)")
    if _LOAD.search(skeleton(original)):
        raise ApiError(403, "LOAD is not allowed on this endpoint: it would make the server fetch the "
                            "document the update names. Add data with `kg load` on the server's host.")
    service_policy.check_update(original, settings.service_allowlist)
    target = served()
    if not target.writable:
        raise ApiError(501, "updates are not supported on a data directory: the served store is "
                            "opened read-only and would be replaced by the next build. Use "
                            "`kg load` to add data; the server picks up the new build by itself.")
    text = with_dataset(original, absolute_iris(op.using_graphs, "using-graph-uri"),
                        absolute_iris(op.using_named_graphs, "using-named-graph-uri"))
    store = target.store
    try:
        if isinstance(store, OxigraphStore):
            store.native.update(text, base_iri=url_for("sparql.endpoint", _external=True), prefixes=PREFIXES)
        else:
            store.update(text)
    except SyntaxError as exc:
        raise syntax_error(QueryError(f"SPARQL syntax error: {exc}"), original) from None
    except QueryError as exc:
        raise syntax_error(exc, original) from None
    except RuntimeError as exc:  # an operation that cannot be done, such as CLEAR of a missing graph
        raise ApiError(400, f"the update failed: {exc}") from None
    except (OSError, StoreError) as exc:  # e.g. a store the caller opened read-only
        raise ApiError(501, f"the store refused the update: {exc}") from None
    finally:
        target.forget()
    return Response(status=204)

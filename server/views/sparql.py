"""/sparql: the SPARQL 1.1 Protocol endpoint (queries; updates only on opt-in)
and, for a GET without a query, the service description."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, request, url_for

from kg.errors import QueryError
from server import negotiation, query_response, service_description, updates
from server.errors import ApiError, syntax_error
from server.formats import GRAPH_FORMATS
from server.protocol import Operation, absolute_iris, read
from server.query_response import QueryJob
from server.query_text import QueryFacts
from server.state import state
from server.store_access import served

bp = Blueprint("sparql", __name__)


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    op = read(request)
    if op.update is not None:
        return updates.apply(op)
    if op.query is None:
        if request.method == "POST":
            raise ApiError(400, "the request has no query: send it as the `query` parameter "
                                "or as an application/sparql-query body")
        return _describe(op)
    return _query(op)


def _describe(op: Operation) -> Response:
    if not op.format and negotiation.prefers_html(request.accept_mimetypes, GRAPH_FORMATS):
        return redirect(url_for("ui.index"), 303)
    fmt = negotiation.choose(GRAPH_FORMATS, request.accept_mimetypes, op.format)
    endpoint = url_for("sparql.endpoint", _external=True)
    graph = service_description.describe(endpoint, served(), state().settings)
    return Response(graph.serialize(format=fmt.rdflib, encoding="utf-8"), content_type=fmt.content_type)


def _query(op: Operation) -> Response:
    settings = state().settings
    text = op.query or ""
    if len(text) > settings.max_query_length:
        raise ApiError(413, f"the query is {len(text)} characters long; the limit is "
                            f"{settings.max_query_length} (KG_MAX_QUERY_LENGTH)")
    if not text.strip():
        raise ApiError(400, "the query is empty")
    facts = QueryFacts(text)
    # Relative IRIs in a query are resolved against the endpoint's own IRI.
    base = url_for("sparql.endpoint", _external=True)
    if op.has_dataset:
        # The protocol's dataset replaces the query's own and the union default graph.
        job = QueryJob(text, base_iri=base,
                       default_graphs=absolute_iris(op.default_graphs, "default-graph-uri"),
                       named_graphs=absolute_iris(op.named_graphs, "named-graph-uri"))
    else:
        # A query's own FROM / FROM NAMED replaces the union default graph.
        job = QueryJob(text, base_iri=base, union_default_graph=not facts.has_dataset_clause)
    try:
        return query_response.respond(job, requested=op.format, facts=facts)
    except QueryError as exc:
        raise syntax_error(exc, text) from None

"""/void and /.well-known/void (the dataset description), and /health."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, jsonify, request, url_for

from kg import __version__
from kg.errors import StoreError
from server import dataset_description, graph_inventory, negotiation
from server.formats import GRAPH_FORMATS
from server.state import state
from server.store_access import served

bp = Blueprint("void", __name__)


@bp.route("/void")
@bp.route("/.well-known/void")
def void() -> Response:
    fmt = negotiation.choose(GRAPH_FORMATS, request.accept_mimetypes, request.args.get("format"))
    document = url_for("void.void", _external=True)
    endpoint = url_for("sparql.endpoint", _external=True)
    graph = dataset_description.describe(document, endpoint, served(), state().settings)
    return Response(graph.serialize(format=fmt.rdflib, encoding="utf-8"), content_type=fmt.content_type)


@bp.route("/health")
def health() -> Response:
    """Liveness and what is served: for load balancers and deploy checks."""
    try:
        current = served()
    except StoreError as exc:
        response = jsonify({"status": "unavailable", "message": str(exc), "version": __version__})
        response.status_code = 503
        return response
    pool = state().pool
    return jsonify({
        "status": "ok",
        "version": __version__,
        "build": current.build_id,
        "opened_at": dt.datetime.fromtimestamp(current.opened_at, dt.timezone.utc).isoformat(),
        "graphs": len(graph_inventory.graphs(current)),
        "triples": graph_inventory.total_triples(current),
        "query_workers": pool.stats() if pool is not None else None,
    })

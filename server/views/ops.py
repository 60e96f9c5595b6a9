"""/health and /healthz (liveness and what is served) and /metrics
(Prometheus): for load balancers, deploy checks and monitoring."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, jsonify

from kg import __version__
from kg.errors import StoreError
from server import graph_inventory
from server.state import state
from server.store_access import served

bp = Blueprint("ops", __name__)


@bp.route("/health")
@bp.route("/healthz")
def health() -> Response:
    """200 with what is served, or 503 while there is nothing to serve (no
    build yet, or a remote store that does not answer)."""
    try:
        current = served()
        # A build on disk is there once opened; any other store (a remote one)
        # is asked now, so that a store that went down is reported.
        version = current.version(0.0)
    except StoreError as exc:
        response = jsonify({"status": "unavailable", "message": str(exc), "version": __version__})
        response.status_code = 503
        response.headers["Retry-After"] = "30"
        return response
    pool = state().pool
    return jsonify({
        "status": "ok",
        "version": __version__,
        "build": current.build_id,
        "data_version": version,
        "opened_at": dt.datetime.fromtimestamp(current.opened_at, dt.timezone.utc).isoformat(),
        "graphs": len(graph_inventory.graphs(current)),
        "triples": graph_inventory.total_triples(current),
        "query_workers": pool.stats() if pool is not None else None,
    })


@bp.route("/metrics")
def metrics() -> Response:
    return state().metrics.exposition()

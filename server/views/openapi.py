"""/openapi.json: the OpenAPI 3.1 description of the HTTP API (see server.openapi)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from server import openapi
from server.state import state

bp = Blueprint("openapi", __name__)


@bp.route("/openapi.json")
def document() -> Response:
    """The OpenAPI 3.1 document, with this server's own URL as its server."""
    root = request.host_url.rstrip("/") + request.script_root
    return jsonify(openapi.build(current_app, root, state().settings))

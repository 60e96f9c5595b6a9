"""/void and /.well-known/void (the dataset description), and the dataset dump."""
from __future__ import annotations

from flask import Blueprint, Response, request, send_file, url_for

from server import dataset_description, dumps, negotiation
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
    dump = url_for("void.dump", _external=True)
    graph = dataset_description.describe(document, endpoint, served(), state().settings, dump)
    return Response(graph.serialize(format=fmt.rdflib, encoding="utf-8"), content_type=fmt.content_type)


@bp.route("/dumps/" + dumps.DOWNLOAD_NAME)
def dump() -> Response:
    """The whole dataset as gzip-compressed N-Quads, written on first request
    for each version of the data; conditional and range requests work on it."""
    current = served()
    st = state()
    path = st.dumps.get(current, current.version(st.settings.store_check_interval))
    response = send_file(path, mimetype=dumps.COMPRESS_FORMAT, as_attachment=True,
                         download_name=dumps.DOWNLOAD_NAME, conditional=True, etag=True, max_age=0)
    response.headers["Link"] = f'<{url_for("void.void", _external=True)}>; rel="describedby"'
    return response

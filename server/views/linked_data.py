"""Linked Data: every IRI under ``<BASE>id/`` is served at the same path below
this server's root, and the ontology at /ontology, as HTML for people and as
Turtle, JSON-LD, N-Triples or RDF/XML for programs, by Accept header or by a
file suffix (``/id/country/KAZ.ttl``)."""
from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, abort, render_template, request
from rdflib import URIRef

from kg.store.base import Store
from server import entity_page, negotiation, ontology_page, page_queries, result_writer
from server.errors import ApiError
from server.formats import GRAPH_FORMATS, HTML, Format, by_name
from server.links import entity_iri, local_path
from server.store_access import served

bp = Blueprint("linked_data", __name__)

_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")

PAGE_FORMATS: tuple[Format, ...] = (HTML,) + GRAPH_FORMATS
SUFFIXES: dict[str, Format] = {
    ".html": HTML,
    ".ttl": by_name(GRAPH_FORMATS, "turtle"),
    ".jsonld": by_name(GRAPH_FORMATS, "jsonld"),
    ".nt": by_name(GRAPH_FORMATS, "ntriples"),
    ".rdf": by_name(GRAPH_FORMATS, "rdfxml"),
}


def _raw_path() -> str:
    """The request path as the client spelled it (percent-encoding intact),
    below the app root and without the leading slash: IRIs may contain
    encoded characters such as %2F that the decoded path would lose."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    path = urlsplit(raw).path if raw else request.path
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root):]
    return path.lstrip("/")


def _normalised(path: str) -> list[str]:
    """Spellings of a path worth trying as an IRI: as sent (hex digits in
    upper case, as IRIs are minted), and fully decoded (non-ASCII IRIs)."""
    upper = _ESCAPE.sub(lambda m: m.group(0).upper(), path)
    return list(dict.fromkeys([upper, unquote(path)]))


def _exists(store: Store, iri: URIRef) -> bool:
    return bool(page_queries.run(store, "entity_exists", entity=iri).boolean)


def _resolve(store: Store, path: str) -> tuple[URIRef, str, Format | None]:
    """The entity IRI, its local path, and the format a suffix asked for."""
    for suffix, fmt in SUFFIXES.items():
        if path.endswith(suffix):
            stem = path[: -len(suffix)]
            for candidate in _normalised(stem):
                if _exists(store, entity_iri(candidate)):
                    return entity_iri(candidate), stem, fmt
    for candidate in _normalised(path):
        if _exists(store, entity_iri(candidate)):
            return entity_iri(candidate), path, None
    abort(404, description=f"nothing is known about <{entity_iri(path)}>")


def _rdf(store: Store, query: str, fmt: Format, **bindings) -> Response:
    result = page_queries.run(store, query, **bindings)
    body = result_writer.write_triples(result_writer.triples(result), fmt)
    return Response(body, content_type=fmt.content_type)


def _alternates(path: str) -> list[tuple[Format, str]]:
    base = f"{request.script_root}/{path}"
    return [(fmt, base + suffix) for suffix, fmt in SUFFIXES.items() if fmt is not HTML]


@bp.route("/id/<path:_rest>")
def entity(_rest: str) -> Response:
    store = served().store
    iri, path, fmt = _resolve(store, _raw_path())
    if fmt is None:
        fmt = negotiation.choose(PAGE_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is not HTML:
        return _rdf(store, "entity_describe", fmt, entity=iri)
    page_url = request.host_url.rstrip("/") + (local_path(str(iri), request.script_root) or "")
    page = entity_page.load(store, iri, request.script_root, page_url)
    html = render_template("entity.html", page=page, alternates=_alternates(path), page_url=page_url)
    return Response(html, content_type=HTML.content_type)


@bp.route("/ontology")
@bp.route("/ontology<any('.html', '.ttl', '.jsonld', '.nt', '.rdf'):suffix>")
def ontology(suffix: str | None = None) -> Response:
    store = served().store
    fmt = SUFFIXES[suffix] if suffix else negotiation.choose(
        PAGE_FORMATS, request.accept_mimetypes, request.args.get("format"))
    if fmt is not HTML:
        return _rdf(store, "ontology_graph", fmt, ontologyGraph=ontology_page.ONTOLOGY_GRAPH)
    page = ontology_page.load(store, request.script_root)
    if not page.sections:
        raise ApiError(404, "the served graph holds no ontology (build it with the ontology source)")
    html = render_template("ontology.html", page=page, alternates=_alternates("ontology"))
    return Response(html, content_type=HTML.content_type)

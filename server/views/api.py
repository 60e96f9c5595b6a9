"""A small JSON API for applications: the query catalog (list and run with
typed parameters) and a JSON summary of one entity."""
from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request, url_for
from rdflib import BNode, Literal, URIRef

from kg import catalog
from kg.errors import QueryError
from kg.store.base import QueryResult
from server import entity_page, query_response
from server.errors import ApiError
from server.links import Value, local_path
from server.store_access import served

bp = Blueprint("api", __name__, url_prefix="/api")

#: Request parameters that steer the response rather than bind the query.
RESERVED = ("format",)


def _entry(named: catalog.NamedQuery) -> dict:
    return {**named.to_dict(), "url": url_for("api.run_query", name=named.name, _external=True)}


@bp.route("/queries")
def list_queries() -> Response:
    return jsonify({"queries": [_entry(q) for q in catalog.catalog().values()]})


@bp.route("/queries/<name>")
def run_query(name: str) -> Response:
    """Run a catalog query; parameters are converted to typed RDF terms by the
    catalog and bound by the engine, never pasted into the query text."""
    named = catalog.catalog().get(name)
    if named is None:
        raise ApiError(404, f"no catalog query named {name!r}; see {url_for('api.list_queries')}")
    declared = {p.name for p in named.params}
    params = {k: v for k, v in request.args.items() if k not in RESERVED or k in declared}
    requested = None if "format" in declared else request.args.get("format")
    try:
        bindings, limit = named.bind(params)
    except QueryError as exc:
        raise ApiError(400, str(exc)) from None
    store = served().store
    text = named.text

    def factory() -> QueryResult:
        return named.project(store.query(text, bindings=bindings), limit)

    try:
        return query_response.respond(factory, requested=requested)
    except QueryError as exc:
        raise ApiError(400, f"{name}: {exc}") from None


def _json_term(value: Value) -> dict:
    term = value.term
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["lang"] = term.language
        elif term.datatype is not None:
            out["datatype"] = str(term.datatype)
        return out
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "uri", "value": str(term)}
    if value.label:
        out["label"] = value.label
    if value.is_local:
        out["page"] = request.host_url.rstrip("/") + (local_path(str(term), request.script_root) or "")
    return out


@bp.route("/entity")
def entity() -> Response:
    iri = (request.args.get("iri") or "").strip()
    if not iri:
        raise ApiError(400, "give the entity as ?iri=<absolute IRI>")
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise ApiError(400, f"not an absolute IRI: {iri!r}") from None
    page_url = request.host_url.rstrip("/") + (local_path(iri, request.script_root) or "")
    store = served().store
    page = entity_page.load(store, URIRef(iri), request.script_root, page_url)
    if not page.properties and not page.incoming:
        raise ApiError(404, f"nothing is known about <{iri}>")
    return jsonify({
        "iri": iri,
        "label": page.label,
        "page": page_url if local_path(iri) else None,
        "types": [_json_term(t) for t in page.types],
        "codes": dict(page.codes),
        "sameAs": [str(v.term) for _, v in page.same_as],
        "properties": [{"predicate": _json_term(g.predicate), "values": [_json_term(v) for v in g.values]}
                       for g in page.properties],
    })

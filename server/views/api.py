"""A small JSON API for applications: the query catalog (list and run with
typed parameters), a JSON summary of one entity, and entity search."""
from __future__ import annotations

import re

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, request, url_for
from rdflib import BNode, Literal, URIRef

from kg import catalog
from kg.errors import QueryError
from kg.namespace import PREFIXES
from kg.sparql.binding import inject_values
from server import entity_page, query_response, search
from server.errors import ApiError
from server.links import Value, local_path
from server.query_response import QueryJob
from server.query_text import declare_prefixes, skeleton
from server.store_access import served

bp = Blueprint("api", __name__, url_prefix="/api")

#: Request parameters that steer the response rather than bind the query.
RESERVED = ("format",)
_LIMIT = re.compile(r"\bLIMIT\s+\d+\s*(?:OFFSET\s+\d+\s*)?$", re.I)


def _entry(named: catalog.NamedQuery) -> dict:
    return {**named.to_dict(), "url": url_for("api.run_query", name=named.name, _external=True),
            "sparql": url_for("api.query_text", name=named.name, _external=True),
            "text": declare_prefixes(named.text, PREFIXES)}


def _named(name: str) -> catalog.NamedQuery:
    named = catalog.catalog().get(name)
    if named is None:
        raise ApiError(404, f"no catalog query named {name!r}; see {url_for('api.list_queries')}")
    return named


def _bind(named: catalog.NamedQuery) -> tuple[dict, int | None]:
    declared = {p.name for p in named.params}
    params = {k: v for k, v in request.args.items() if k not in RESERVED or k in declared}
    repeated = sorted(k for k in params if len(request.args.getlist(k)) > 1)
    if repeated:
        raise ApiError(400, f"{named.name}: parameter(s) {', '.join(repeated)} given more than once; "
                            "each takes one value")
    try:
        return named.bind(params)
    except QueryError as exc:
        raise ApiError(400, str(exc)) from None


@bp.route("/queries")
def list_queries() -> Response:
    return jsonify({"queries": [_entry(q) for q in catalog.catalog().values()]})


@bp.route("/queries/<name>.rq")
def query_text(name: str) -> Response:
    """A catalog query's SPARQL, with its prefixes declared so that it runs
    anywhere. Without parameters it is the template as the catalog holds it;
    with parameters (checked as for running it) they are bound as a VALUES
    block, as the server binds them, and a `limit` parameter becomes LIMIT."""
    named = _named(name)
    text = named.text
    if any(k not in RESERVED for k in request.args):
        bindings, limit = _bind(named)
        text = inject_values(text, bindings)
        if limit is not None and not _LIMIT.search(skeleton(text)):
            text = text.rstrip("\n") + f"\nLIMIT {limit}\n"
    return Response(declare_prefixes(text, PREFIXES), content_type="application/sparql-query; charset=utf-8")


@bp.route("/queries/<name>")
def run_query(name: str) -> Response:
    """Run a catalog query; parameters are converted to typed RDF terms by the
    catalog and bound by the engine, never pasted into the query text."""
    named = _named(name)
    declared = {p.name for p in named.params}
    requested = None if "format" in declared else request.args.get("format")
    bindings, limit = _bind(named)
    job = QueryJob(inject_values(named.text, bindings), columns=list(named.returns) or None, limit=limit)
    try:
        return query_response.respond(job, requested=requested)
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


@bp.route("/search")
def search_entities() -> Response:
    """Entities by label, code or alias, best first, for autocomplete and apps.
    The index is built once per served build (see `server.search`)."""
    index = served().memo(search.MEMO_KEY, search.SearchIndex.build)
    params = search.SearchParams.from_args(request.args, index)
    hits = index.search(params.q, limit=params.limit, type_iri=params.type, lang=params.lang)
    host = request.host_url.rstrip("/")

    def page(iri: str) -> str | None:
        path = local_path(iri, request.script_root)
        return host + path if path else None

    return jsonify({"query": params.q,
                    "results": [search.result_json(hit, params.lang, page(hit.entity.iri)) for hit in hits]})

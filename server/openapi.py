"""The OpenAPI 3.1 description of the server's HTTP API, served at ``/openapi.json``.

Generated rather than kept by hand, so that it cannot drift from the code:

- the paths are the app's routes (Flask's ``url_map``): a route added later
  appears with its methods and a summary from its view's docstring even before
  someone describes it here (see :data:`OPERATIONS`);
- every query of the catalog (``kg.catalog``) gets a path of its own with its
  typed, documented parameters, defaults and enumerations;
- media types come from ``server.formats``, limits from the settings, search
  bounds from ``server.search``.

What only a person can say (what an operation is for, what each error means)
is written below, keyed by the route's endpoint name.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pycountry
from flask import Flask
from werkzeug.routing import Rule

from kg import __version__, catalog
from kg.sources.base import read_csv
from kg.sources.blocs import BLOCS
from kg.sources.trade.records import FLOWS
from server import caching, search
from server.config import Settings
from server.formats import GRAPH_FORMATS, RESULT_FORMATS, Format

OPENAPI_VERSION = "3.1.0"
#: Routes for people or for files, not for programs: left out of the document.
UNDOCUMENTED = frozenset({"static", "ui.index", "linked_data.entity", "linked_data.ontology"})
#: HTTP methods Flask adds to every route by itself.
_IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
_CONVERTER = re.compile(r"<(?:[^<>]*:)?(\w+)>")

Doc = dict[str, Any]


def _ref(kind: str, name: str) -> Doc:
    return {"$ref": f"#/components/{kind}/{name}"}


def _error(description: str) -> Doc:
    return {"description": description,
            "content": {"application/json": {"schema": _ref("schemas", "Error")}}}


def _media_types(formats: Iterable[Format], json_schema: Doc | None = None) -> Doc:
    """One content entry per media type a format answers to."""
    content: Doc = {}
    for fmt in formats:
        for media_type in fmt.media_types:
            if media_type.endswith("json") and json_schema is not None:
                content[media_type] = {"schema": json_schema}
            else:
                content[media_type] = {"schema": {"type": "string"}}
    return content


def _format_param(formats: Iterable[Format], what: str) -> Doc:
    names = list(dict.fromkeys(alias for fmt in formats for alias in fmt.aliases))
    return {"name": "format", "in": "query", "required": False,
            "description": f"{what} format, overriding the Accept header (a short name or a media type).",
            "schema": {"type": "string", "examples": names}}


TRUNCATED_HEADER = {"X-KG-Result-Truncated": {
    "description": "`true` when the result was cut at the server's maximum result size.",
    "schema": {"type": "string", "enum": ["true"]}}}


# --- Components ----------------------------------------------------------------

def _components() -> Doc:
    countries = sorted(c.alpha_3 for c in pycountry.countries)
    blocs = [row["short"] for _, row in read_csv(BLOCS, ["short"])]
    return {
        "schemas": {
            "Error": {
                "type": "object", "required": ["error"],
                "properties": {"error": {
                    "type": "object", "required": ["status", "message"],
                    "properties": {
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                        "line": {"type": "integer", "description": "Where a malformed query failed."},
                        "column": {"type": "integer"},
                        "excerpt": {"type": "string", "description": "The failing line with a caret."},
                        "supported": {"type": "array", "items": {"type": "string"},
                                      "description": "Media types the server offers (406)."},
                    }}}},
            "SparqlResults": {
                "description": "SPARQL 1.1 Query Results JSON Format.",
                "type": "object", "required": ["head"],
                "properties": {
                    "head": {"type": "object", "properties": {
                        "vars": {"type": "array", "items": {"type": "string"}}}},
                    "boolean": {"type": "boolean"},
                    "results": {"type": "object", "properties": {"bindings": {
                        "type": "array", "items": {
                            "type": "object",
                            "additionalProperties": _ref("schemas", "RdfTerm")}}}},
                }},
            "RdfTerm": {
                "type": "object", "required": ["type", "value"],
                "properties": {
                    "type": {"type": "string", "enum": ["uri", "literal", "bnode", "typed-literal"]},
                    "value": {"type": "string"},
                    "xml:lang": {"type": "string"},
                    "datatype": {"type": "string"},
                    "lang": {"type": "string"},
                    "label": {"type": "string"},
                    "page": {"type": "string", "format": "uri"},
                }},
            "CatalogEntry": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"}, "title": {"type": "string"},
                    "description": {"type": "string"},
                    "params": {"type": "array", "items": {
                        "type": "object", "properties": {
                            "name": {"type": "string"},
                            "type": {"type": "string", "enum": sorted(catalog.PARAM_TYPES)},
                            "required": {"type": "boolean"},
                            "default": {"type": ["string", "null"]},
                            "description": {"type": "string"}}}},
                    "returns": {"type": "array", "items": {"type": "string"}},
                    "url": {"type": "string", "format": "uri"},
                    "sparql": {"type": "string", "format": "uri"},
                    "text": {"type": "string"},
                }},
            "EntitySummary": {
                "type": "object",
                "properties": {
                    "iri": {"type": "string", "format": "iri"},
                    "label": {"type": ["string", "null"]},
                    "page": {"type": ["string", "null"], "format": "uri"},
                    "types": {"type": "array", "items": _ref("schemas", "RdfTerm")},
                    "codes": {"type": "object", "additionalProperties": {"type": "string"}},
                    "sameAs": {"type": "array", "items": {"type": "string"}},
                    "properties": {"type": "array", "items": {"type": "object", "properties": {
                        "predicate": _ref("schemas", "RdfTerm"),
                        "values": {"type": "array", "items": _ref("schemas", "RdfTerm")}}}},
                }},
            "SearchResult": {
                "type": "object",
                "required": ["iri", "label", "type", "types", "matched", "match", "page", "score"],
                "properties": {
                    "iri": {"type": "string", "format": "iri"},
                    "label": {"type": "string", "description": "In the `lang` asked for if the entity has it."},
                    "type": {"type": "string", "format": "iri",
                             "description": "The class the entity is indexed under (e.g. rer:Country)."},
                    "types": {"type": "array", "items": {"type": "string", "format": "iri"}},
                    "matched": {"type": "string", "description": "The label, alias or code that matched."},
                    "match": {"type": "string", "enum": ["code", "label", "alias"]},
                    "page": {"type": ["string", "null"], "format": "uri",
                             "description": "The entity's Linked Data page on this server."},
                    "score": {"type": "number", "minimum": 0, "maximum": 1,
                              "description": "1 for an exact match; then prefix, word prefix, substring."},
                }},
            "SearchResponse": {
                "type": "object", "required": ["query", "results"],
                "properties": {"query": {"type": "string"},
                               "results": {"type": "array", "items": _ref("schemas", "SearchResult")}}},
            "Health": {
                "type": "object", "required": ["status", "version"],
                "properties": {"status": {"type": "string", "enum": ["ok", "unavailable"]},
                               "version": {"type": "string"}, "build": {"type": ["string", "null"]},
                               "graphs": {"type": "integer"}, "triples": {"type": "integer"},
                               "message": {"type": "string"}},
                "additionalProperties": True},
            "CountryCode": {
                "description": "ISO 3166-1 alpha-3 code (case-insensitive).",
                "type": "string", "enum": countries},
            "BlocName": {
                "description": "A bloc's short name.", "type": "string", "examples": blocs},
        },
        "responses": {
            "BadRequest": _error("A missing, unknown or malformed parameter, or a malformed query."),
            "NotFound": _error("Nothing by that name."),
            "NotAcceptable": _error("No format the server offers meets the Accept header; "
                                    "`supported` lists those it does."),
            "TooLarge": _error("The query is longer than the server's maximum query length."),
            "UnsupportedMediaType": _error("A POST body in another content type or charset."),
            "Unavailable": _error("The query ran over the time limit, no query worker was free in "
                                  "time, or no graph has been built yet (with Retry-After)."),
            "NotModified": {"description": "The data has not changed since the answer tagged with the "
                                           "`If-None-Match` value; nothing was evaluated.",
                            "headers": {"ETag": {"schema": {"type": "string"}}}},
        },
    }


#: The conditional-request header of a GET answered from the data.
IF_NONE_MATCH: Doc = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                      "description": "The `ETag` of an earlier answer: 304 while the dataset and the "
                                     "request are unchanged."}


def _conditional(item: Doc) -> Doc:
    """Document the ETag, `If-None-Match` and 304 on a GET answered from the
    data (see :mod:`server.caching`)."""
    operation = item.get("get")
    if operation is None:
        return item
    operation.setdefault("parameters", []).append(dict(IF_NONE_MATCH))
    operation["responses"]["304"] = _ref("responses", "NotModified")
    ok = operation["responses"].get("200")
    if ok is not None and "$ref" not in ok:
        ok.setdefault("headers", {})["ETag"] = {
            "description": "A weak validator of this answer on this version of the dataset.",
            "schema": {"type": "string"}}
    return item


# --- Catalog queries ---------------------------------------------------------------

#: Catalog parameter type -> JSON Schema of the text the API accepts for it.
PARAM_SCHEMAS: dict[str, Doc] = {
    "string": {"type": "string"},
    "date": {"type": "string", "pattern": r"^(?:\d{4}-\d{2}-\d{2}|today)$",
             "description": "YYYY-MM-DD, or `today`.", "examples": ["2015-03-01"]},
    "year": {"type": "integer", "examples": [2023]},
    "integer": {"type": "integer"},
    "limit": {"type": "integer", "minimum": 0},
    "country": _ref("schemas", "CountryCode"),
    "bloc": _ref("schemas", "BlocName"),
    "area": {"type": "string", "description": "A country (ISO alpha-3), a bloc short name or an "
                                               "aggregate (WLD, ROW, ...).", "examples": ["KAZ", "EAEU", "WLD"]},
    "flow": {"type": "string", "enum": list(FLOWS)},
    "product": {"type": "string", "examples": ["TOTAL"]},
    "iri": {"type": "string", "format": "iri"},
}
_INTEGER_TYPES = {"year", "integer", "limit"}


def _catalog_param(param: catalog.Param) -> Doc:
    schema = dict(PARAM_SCHEMAS[param.type])
    if param.default is not None:
        schema["default"] = int(param.default) if param.type in _INTEGER_TYPES and \
            param.default.lstrip("-").isdigit() else param.default
    doc: Doc = {"name": param.name, "in": "query", "required": param.required, "schema": schema}
    if param.doc:
        doc["description"] = param.doc
    return doc


def _catalog_operation(named: catalog.NamedQuery) -> Doc:
    params = [_catalog_param(p) for p in named.params]
    if "format" not in {p.name for p in named.params}:
        params.append(_format_param(RESULT_FORMATS, "Result"))
    results = {"allOf": [_ref("schemas", "SparqlResults")]}
    if named.returns:
        results["description"] = "Columns: " + ", ".join(named.returns) + "."
        results["examples"] = [{"head": {"vars": list(named.returns)}, "results": {"bindings": []}}]
    return {"get": {
        "operationId": "catalog_" + named.name,
        "summary": named.title,
        "description": named.description or named.title,
        "tags": ["catalog"],
        "parameters": params,
        "responses": {
            "200": {"description": "The query's answer, in the negotiated format.",
                    "headers": TRUNCATED_HEADER,
                    "content": _media_types(RESULT_FORMATS, results)},
            "400": _ref("responses", "BadRequest"),
            "406": _ref("responses", "NotAcceptable"),
            "503": _ref("responses", "Unavailable"),
        },
    }}


# --- Described routes ------------------------------------------------------------

def _sparql(settings: Settings) -> Doc:
    dataset = [
        {"name": "default-graph-uri", "in": "query", "required": False, "explode": True,
         "description": "A graph of the default graph (repeatable). Without it the default graph "
                        "is the union of all named graphs.",
         "schema": {"type": "array", "items": {"type": "string", "format": "iri"}}},
        {"name": "named-graph-uri", "in": "query", "required": False, "explode": True,
         "description": "A named graph of the dataset (repeatable).",
         "schema": {"type": "array", "items": {"type": "string", "format": "iri"}}},
    ]
    fmt = _format_param((*RESULT_FORMATS, *GRAPH_FORMATS), "Result")
    ok = {"description": "SELECT and ASK answer in a SPARQL results format, CONSTRUCT and DESCRIBE in "
                         "an RDF format; streamed.",
          "headers": TRUNCATED_HEADER,
          "content": _media_types((*RESULT_FORMATS, *GRAPH_FORMATS), _ref("schemas", "SparqlResults"))}
    errors = {"400": _ref("responses", "BadRequest"), "406": _ref("responses", "NotAcceptable"),
              "413": _ref("responses", "TooLarge"), "503": _ref("responses", "Unavailable")}
    limits = (f"Limits: queries up to {settings.max_query_length} characters, {settings.query_timeout:g} s, "
              f"{settings.max_results} result rows (longer results are cut and flagged).")
    return {
        "get": {
            "operationId": "sparqlQuery", "tags": ["sparql"],
            "summary": "SPARQL 1.1 query (or, without `query`, the service description)",
            "description": "The SPARQL 1.1 Protocol. The prefixes of the graph's vocabularies are "
                           "declared in advance. " + limits,
            "parameters": [{"name": "query", "in": "query", "required": False,
                            "description": "The SPARQL query. Without it the answer is the SPARQL "
                                           "Service Description (RDF).",
                            "schema": {"type": "string"}}, *dataset, fmt],
            "responses": {"200": ok, **errors},
        },
        "post": {
            "operationId": "sparqlQueryPost", "tags": ["sparql"],
            "summary": "SPARQL 1.1 query by POST (form-encoded or a direct body)",
            "description": "SPARQL Update is refused (403) unless the server has an update token. " + limits,
            "parameters": dataset,
            "requestBody": {"required": True, "content": {
                "application/x-www-form-urlencoded": {"schema": {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string"},
                        "update": {"type": "string", "description": "SPARQL Update (off by default)."},
                        "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                        "format": {"type": "string"}}},
                    "encoding": {"default-graph-uri": {"explode": True},
                                 "named-graph-uri": {"explode": True}}},
                "application/sparql-query": {"schema": {"type": "string"}},
                "application/sparql-update": {"schema": {"type": "string"}},
            }},
            "responses": {"200": ok, **errors,
                          "204": {"description": "An update was applied (only with an update token)."},
                          "401": _error("An update without the update token."),
                          "403": _error("Updates are disabled, or the token is wrong."),
                          "415": _ref("responses", "UnsupportedMediaType")},
        },
    }


def _json_get(operation_id: str, summary: str, schema: Doc, *, parameters: list[Doc] | None = None,
              errors: Iterable[str] = (), description: str | None = None, tag: str = "api") -> Doc:
    responses: Doc = {"200": {"description": summary, "content": {"application/json": {"schema": schema}}}}
    names = {"400": "BadRequest", "404": "NotFound", "503": "Unavailable"}
    responses.update({code: _ref("responses", names[code]) for code in errors})
    operation: Doc = {"operationId": operation_id, "summary": summary, "tags": [tag],
                      "parameters": parameters or [], "responses": responses}
    if description:
        operation["description"] = description
    return {"get": operation}


def _name_param(names: list[str]) -> Doc:
    return {"name": "name", "in": "path", "required": True, "description": "A catalog query's name.",
            "schema": {"type": "string", "enum": names}}


def _query_list(settings: Settings) -> Doc:
    return _json_get("listQueries", "The query catalog: names, titles, typed parameters",
                     {"type": "object", "properties": {"queries": {
                         "type": "array", "items": _ref("schemas", "CatalogEntry")}}}, tag="catalog")


def _query_run(settings: Settings) -> Doc:
    names = list(catalog.catalog())
    return {"get": {
        "operationId": "runQuery", "tags": ["catalog"],
        "summary": "Run a catalog query with its parameters",
        "description": "Parameters are those of the query (see /api/queries, or the path of each "
                       "query in this document); they are typed and bound as data.",
        "parameters": [_name_param(names), _format_param(RESULT_FORMATS, "Result")],
        "responses": {"200": {"description": "The query's answer.", "headers": TRUNCATED_HEADER,
                              "content": _media_types(RESULT_FORMATS, _ref("schemas", "SparqlResults"))},
                      "400": _ref("responses", "BadRequest"), "404": _ref("responses", "NotFound"),
                      "406": _ref("responses", "NotAcceptable"), "503": _ref("responses", "Unavailable")},
    }}


def _query_text(settings: Settings) -> Doc:
    names = list(catalog.catalog())
    return {"get": {
        "operationId": "queryText", "tags": ["catalog"],
        "summary": "A catalog query's SPARQL, with its parameters bound if given",
        "description": "Other query parameters are the catalog query's own; given, they are bound "
                       "as a VALUES block, so the text runs on any SPARQL endpoint.",
        "parameters": [_name_param(names)],
        "responses": {"200": {"description": "SPARQL text.",
                              "content": {"application/sparql-query": {"schema": {"type": "string"}}}},
                      "400": _ref("responses", "BadRequest"), "404": _ref("responses", "NotFound")},
    }}


def _entity(settings: Settings) -> Doc:
    return _json_get("entity", "A JSON summary of one entity",
                     _ref("schemas", "EntitySummary"), errors=("400", "404", "503"), parameters=[
                         {"name": "iri", "in": "query", "required": True,
                          "schema": {"type": "string", "format": "iri"},
                          "example": "https://w3id.org/regecon/id/country/KAZ"}])


def _search(settings: Settings) -> Doc:
    return _json_get(
        "search", "Entities by label, code or alias, best first", _ref("schemas", "SearchResponse"),
        errors=("400", "503"),
        description="Exact codes and labels first, then label prefixes, word prefixes and "
                    "substrings; ties by kind of entity (countries and blocs first), then label. "
                    "Case- and accent-insensitive.",
        parameters=[
            {"name": "q", "in": "query", "required": True, "example": "kazakh",
             "schema": {"type": "string", "minLength": 1, "maxLength": search.MAX_QUERY_LENGTH}},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": search.MAX_LIMIT,
                        "default": search.DEFAULT_LIMIT}},
            {"name": "type", "in": "query", "required": False,
             "description": "Only entities of this class: a CURIE such as rer:Country, or an IRI.",
             "schema": {"type": "string"}, "example": "rer:Country"},
            {"name": "lang", "in": "query", "required": False,
             "description": "Preferred language of the labels shown.",
             "schema": {"type": "string", "default": search.DEFAULT_LANG}},
        ])


def _void(settings: Settings) -> Doc:
    return {"get": {
        "operationId": "void", "tags": ["dataset"],
        "summary": "VoID and DCAT description of the dataset",
        "parameters": [_format_param(GRAPH_FORMATS, "RDF")],
        "responses": {"200": {"description": "The description as RDF.",
                              "content": _media_types(GRAPH_FORMATS)},
                      "406": _ref("responses", "NotAcceptable"),
                      "503": _ref("responses", "Unavailable")},
    }}


def _health(settings: Settings) -> Doc:
    doc = _json_get("health", "Liveness, and the build being served", _ref("schemas", "Health"),
                    tag="dataset")
    doc["get"]["responses"]["503"] = {"description": "No graph built yet.", "content": {
        "application/json": {"schema": _ref("schemas", "Health")}}}
    return doc


def _metrics(settings: Settings) -> Doc:
    return {"get": {
        "operationId": "metrics", "tags": ["dataset"],
        "summary": "Prometheus metrics: requests, latency, errors, timeouts",
        "responses": {"200": {"description": "Prometheus text exposition format.",
                              "content": {"text/plain": {"schema": {"type": "string"}}}}},
    }}


def _dump(settings: Settings) -> Doc:
    return {"get": {
        "operationId": "dump", "tags": ["dataset"],
        "summary": "The whole dataset as gzip-compressed N-Quads",
        "description": "Conditional (ETag) and range requests work on it.",
        "responses": {"200": {"description": "N-Quads, gzip-compressed.",
                              "content": {"application/gzip": {}}},
                      "503": _ref("responses", "Unavailable")},
    }}


def _openapi(settings: Settings) -> Doc:
    return _json_get("openapi", "This document", {"type": "object"}, tag="dataset")


#: Endpoint name -> its path item (operations by method), for the routes described by hand.
OPERATIONS: dict[str, Callable[[Settings], Doc]] = {
    "sparql.endpoint": _sparql,
    "api.list_queries": _query_list,
    "api.run_query": _query_run,
    "api.query_text": _query_text,
    "api.entity": _entity,
    "api.search_entities": _search,
    "void.void": _void,
    "void.dump": _dump,
    "ops.health": _health,
    "ops.metrics": _metrics,
    "openapi.document": _openapi,
}


# --- Assembly --------------------------------------------------------------------

def openapi_path(rule: Rule) -> str:
    """``/api/queries/<name>.rq`` -> ``/api/queries/{name}.rq``."""
    return _CONVERTER.sub(r"{\1}", rule.rule)


def _generic(app: Flask, rule: Rule) -> Doc:
    """A route nobody described yet: its methods, path parameters and docstring summary."""
    view = app.view_functions.get(rule.endpoint)
    summary = ((view.__doc__ or "").strip().splitlines() or [rule.endpoint])[0] if view else rule.endpoint
    parameters = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in sorted(rule.arguments)]
    return {method.lower(): {"summary": summary, "parameters": parameters,
                             "responses": {"200": {"description": "See docs/server.md."}}}
            for method in sorted((rule.methods or set()) - _IMPLICIT_METHODS)}


def documented_rules(app: Flask) -> list[Rule]:
    """The routes the document describes: all but those in :data:`UNDOCUMENTED`."""
    return [r for r in app.url_map.iter_rules() if r.endpoint not in UNDOCUMENTED]


def build(app: Flask, server_url: str, settings: Settings) -> Doc:
    """The OpenAPI document for `app` served at `server_url` (its root, no trailing slash)."""
    paths: Doc = {}
    used_ids: set[str] = set()
    for rule in sorted(documented_rules(app), key=lambda r: r.rule):
        path = openapi_path(rule)
        if path in paths:
            continue
        describe = OPERATIONS.get(rule.endpoint)
        item = describe(settings) if describe else _generic(app, rule)
        if rule.endpoint not in caching.UNCACHED:
            item = _conditional(item)
        paths[path] = _unique_ids(item, path, used_ids)
        if rule.endpoint == "api.run_query":
            for named in catalog.catalog().values():
                paths[f"/api/queries/{named.name}"] = _unique_ids(_conditional(_catalog_operation(named)),
                                                                  path, used_ids)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "RegEcon KG API",
            "version": __version__,
            "summary": "A knowledge graph of regional economic relations: SPARQL, named queries, "
                       "search and dataset descriptions.",
            "description": "Every entity IRI also dereferences on this server (`/id/...`) to an HTML "
                           "page or RDF by content negotiation; see docs/server.md. Errors are JSON "
                           "`{\"error\": {\"status\", \"message\"}}`. Responses carry CORS headers.",
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": "sparql", "description": "SPARQL 1.1 Protocol"},
                 {"name": "catalog", "description": "Named queries with typed parameters"},
                 {"name": "api", "description": "Entities and search"},
                 {"name": "dataset", "description": "Descriptions and health"}],
        "paths": paths,
        "components": _components(),
    }


def _unique_ids(item: Doc, path: str, used: set[str]) -> Doc:
    """Operation ids must be unique; the same endpoint under another path
    (/void and /.well-known/void) gets the path appended to its id."""
    for method, operation in item.items():
        operation_id = operation.get("operationId") or _slug(f"{method} {path}")
        if operation_id in used:
            operation_id += "_" + _slug(path)
        operation["operationId"] = operation_id
        used.add(operation_id)
    return item


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")

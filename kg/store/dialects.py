"""What differs between SPARQL engines, and nothing else.

The remote store speaks standard SPARQL 1.1 Query, Update and the Graph Store
HTTP Protocol. Engines still differ in a few places the standards leave open,
and each of those is a field of :class:`Dialect`:

* where the update and graph-store endpoints live, given the query endpoint;
* whether the default graph can be made the union of the named graphs per
  request (Oxigraph's ``union-default-graph`` parameter) or already is
  (Virtuoso, GraphDB/RDF4J; Neptune too), which matters only when the store
  is asked to use the engine's own union (``union="native"``);
* which named graphs belong to the engine itself rather than to the user
  (Virtuoso's system graphs), so that they are left out of ``graphs()`` and of
  the emulated union default graph;
* how to list named graphs cheaply (``GRAPH ?g {}`` lists even empty graphs on
  Oxigraph; Virtuoso answers it with an unbound row, so it needs a scan, and
  that scan must be grouped, not DISTINCT, to be fast there);
* which HTTP authentication its protected endpoints use (Virtuoso's ``-auth``
  endpoints only accept Digest);
* how a server error body tells a rejected query from a failing server
  (Virtuoso reports some syntax errors with HTTP 500 and SQL state 37000, and
  deadlocks, which are safe to retry, with SQL state 40001), and what to
  advise for known ones (Virtuoso's transaction log limit, SR325);
* whether ``named-graph-uri`` hides a graph that a query names with
  ``GRAPH <iri>`` (Virtuoso ignores it there), on which hiding a graph being
  written depends;
* the fastest way to load a graph nobody reads yet (Oxigraph's bulk loader,
  ``no_transaction`` on its Graph Store endpoint) and the batch size that
  suits the engine.

Virtuoso 7.2's Graph Store endpoint answers 201 to a chunked request body and
loads nothing, so the store always sends batches with their length.

Readers see a ``replace_graph`` whole only if the engine gives each query a
consistent view: Oxigraph reads from snapshots; Virtuoso needs
``DefaultIsolation = 8`` (serializable) in ``[Parameters]`` of virtuoso.ini,
as at its default (read committed) a query that runs during the MOVE can
count part of the old graph and part of the new.

Anything not listed here is treated the same way for every engine.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

#: Lists named graphs including empty ones, where the engine supports it.
LIST_GRAPHS_EMPTY_GROUP = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
#: Lists named graphs that hold at least one triple; works everywhere. GROUP BY
#: rather than DISTINCT: Virtuoso 7.2 takes seconds over DISTINCT ?g of a quad
#: scan even on a tiny store, and milliseconds over the grouping.
LIST_GRAPHS_SCAN = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@dataclass(frozen=True)
class Endpoints:
    """The three URLs of a SPARQL service; `update`/`graph_store` may be None
    (a read-only service, or one without the Graph Store Protocol)."""

    query: str
    update: str | None
    graph_store: str | None


def _replace_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _same_url(url: str, authenticated: bool) -> Endpoints:
    return Endpoints(url, url, None)


def _oxigraph_endpoints(url: str, authenticated: bool) -> Endpoints:
    path = urlsplit(url).path
    root = path[: -len("/query")] if path.endswith("/query") else path.rstrip("/")
    return Endpoints(url, _replace_path(url, root + "/update"), _replace_path(url, root + "/store"))


def _virtuoso_endpoints(url: str, authenticated: bool) -> Endpoints:
    """Virtuoso serves queries and updates on one URL. Anonymous updates on
    ``/sparql`` need the SPARQL_UPDATE role granted to the ``SPARQL`` user;
    with credentials, writes go to the Digest-protected ``/sparql-auth`` and
    ``/sparql-graph-crud-auth`` instead."""
    path = urlsplit(url).path
    root = re.sub(r"/sparql(?:-auth)?/?$", "", path)
    if authenticated:
        return Endpoints(url, _replace_path(url, root + "/sparql-auth"),
                         _replace_path(url, root + "/sparql-graph-crud-auth"))
    return Endpoints(url, _replace_path(url, root + "/sparql"),
                     _replace_path(url, root + "/sparql-graph-crud"))


def _fuseki_endpoints(url: str, authenticated: bool) -> Endpoints:
    path = urlsplit(url).path
    dataset = re.sub(r"/(?:query|sparql)/?$", "", path)
    return Endpoints(url, _replace_path(url, dataset + "/update"), _replace_path(url, dataset + "/data"))


def _graphdb_endpoints(url: str, authenticated: bool) -> Endpoints:
    path = urlsplit(url).path.rstrip("/")
    return Endpoints(url, _replace_path(url, path + "/statements"),
                     _replace_path(url, path + "/rdf-graphs/service"))


def _virtuoso_classify(status: int, body: str) -> str:
    """Virtuoso answers some malformed queries with HTTP 500; SQL state 37000
    (and the SPARQL compiler's SPxxx codes) mean the text was rejected. SQL
    state 40001 is a deadlock, which Virtuoso resolves by rolling one side
    back (likely with serializable isolation): that request can run again."""
    if re.search(r"\b40001\b", body):
        return "retry"
    if status == 400 or re.search(r"\b37000\b|SPARQL compiler", body):
        return "query"
    return "store"


def _standard_classify(status: int, body: str) -> str:
    return "query" if status == 400 else "store"


@dataclass(frozen=True)
class Dialect:
    """How one engine departs from the plain SPARQL 1.1 protocols."""

    name: str
    endpoints: Callable[[str, bool], Endpoints] = _same_url
    #: Request parameters that make the default graph the union of the named
    #: graphs, sent with union="native" (none where the engine's default graph
    #: already is the union, by nature or by its configuration).
    union_params: tuple[tuple[str, str], ...] = ()
    #: The engine's default graph already is the union of all graphs (and
    #: stays so even when `union_default_graph=False` is asked for).
    default_graph_is_union: bool = False
    #: Named graphs the engine keeps for itself, by IRI prefix.
    system_graph_prefixes: tuple[str, ...] = ()
    #: SPARQL that lists the named graphs (one variable, ?g).
    list_graphs: str = LIST_GRAPHS_SCAN
    #: Whether an empty named graph survives (CREATE GRAPH is remembered). The
    #: remote store marks graphs being written with empty graphs, which no
    #: query sees; without them it stages every write.
    keeps_empty_graphs: bool = False
    #: HTTP authentication scheme of the write endpoints when credentials are given.
    auth_scheme: str = "basic"
    #: Triples per Graph Store POST (or per INSERT DATA without a graph store).
    batch_size: int = 50_000
    #: Whether the protocol's named graphs (``named-graph-uri``) also bound a
    #: ``GRAPH <iri>`` that names its graph, as the standard says; Virtuoso
    #: 7.2 reads such a graph whatever the request lists, so a graph being
    #: written in place would show there, and it is staged and moved instead.
    named_graphs_bind_graph_iris: bool = True
    #: Request parameters of a Graph Store POST into a graph no reader sees
    #: yet (staging, or marked as being written), for the engine's fastest
    #: load path even where it is not transactional: Oxigraph's
    #: ``no_transaction`` runs its bulk loader, two to three times faster.
    bulk_params: tuple[tuple[str, str], ...] = ()
    #: (pattern, advice): advice added to a server error whose body matches.
    error_hints: tuple[tuple[str, str], ...] = ()
    #: Error body/status -> "query" (the request was rejected), "retry" (rolled
    #: back, safe to send again) or "store".
    classify_error: Callable[[int, str], str] = _standard_classify
    #: Pattern of a "line:column" position in the engine's syntax errors.
    error_position: re.Pattern[str] | None = None


GENERIC = Dialect("generic")

OXIGRAPH = Dialect(
    "oxigraph",
    endpoints=_oxigraph_endpoints,
    union_params=(("union-default-graph", ""),),
    list_graphs=LIST_GRAPHS_EMPTY_GROUP,
    keeps_empty_graphs=True,
    batch_size=250_000,
    bulk_params=(("no_transaction", ""),),
    error_position=re.compile(r"(?<=error at )(\d+):(\d+)"),
)

VIRTUOSO = Dialect(
    "virtuoso",
    endpoints=_virtuoso_endpoints,
    default_graph_is_union=True,
    system_graph_prefixes=(
        "http://www.openlinksw.com/",
        "http://www.w3.org/ns/ldp#",
        "http://localuriqaserver/",
        "urn:activitystreams-owl:map",
        "http://www.w3.org/2002/07/owl#",
    ),
    list_graphs=LIST_GRAPHS_SCAN,
    keeps_empty_graphs=False,
    named_graphs_bind_graph_iris=False,
    auth_scheme="digest",
    batch_size=100_000,
    classify_error=_virtuoso_classify,
    error_hints=(
        (r"SR325", "the transaction outgrew Virtuoso's TransactionAfterImageLimit (50 MB by "
                   "default; the MOVE of a large graph needs more): raise it in [Parameters] of "
                   "virtuoso.ini, see docs/scale.md"),
    ),
)

FUSEKI = Dialect("fuseki", endpoints=_fuseki_endpoints, list_graphs=LIST_GRAPHS_SCAN)

GRAPHDB = Dialect("graphdb", endpoints=_graphdb_endpoints, list_graphs=LIST_GRAPHS_SCAN,
                  default_graph_is_union=True)

DIALECTS: dict[str, Dialect] = {d.name: d for d in (GENERIC, OXIGRAPH, VIRTUOSO, FUSEKI, GRAPHDB)}


def detect(query_url: str) -> Dialect:
    """Guess the engine from the shape of its query URL (the default ports and
    paths each engine ships with); unknown shapes get the generic dialect.

    A bare ``/sparql`` on another port is left generic on purpose: Neptune,
    Stardog and others use that path too."""
    parts = urlsplit(query_url)
    path = parts.path.rstrip("/")
    port = parts.port
    if path.endswith("/query") and (port == 7878 or path == "/query"):
        return OXIGRAPH
    if path.endswith("/sparql-auth") or (port == 8890 and path.endswith("/sparql")):
        return VIRTUOSO
    if re.fullmatch(r"/[^/]+/(?:query|sparql)", path) and port == 3030:
        return FUSEKI
    if re.fullmatch(r"(?:/[^/]+)*/repositories/[^/]+", path):
        return GRAPHDB
    return GENERIC


def get(name: str | Dialect | None, query_url: str) -> Dialect:
    """A dialect by name, the given one, or the one detected from the URL."""
    if isinstance(name, Dialect):
        return name
    if name is None:
        return detect(query_url)
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown SPARQL dialect {name!r}; known: {', '.join(DIALECTS)}") from None


__all__ = ["Dialect", "Endpoints", "DIALECTS", "GENERIC", "OXIGRAPH", "VIRTUOSO", "FUSEKI",
           "GRAPHDB", "detect", "get"]

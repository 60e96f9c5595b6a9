"""`kg serve --store URL` end to end, on a real Oxigraph server and a real
Virtuoso: the default graph is built with `kg build --store`, `kg serve` runs
in a process of its own, and every part of the HTTP API is compared with the
same server code on the embedded store (a Flask test client). Then the store
is stopped and restarted under the running server."""
from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from kg.namespace import INFERRED_GRAPH
from kg.store.remote import RemoteStore, open_store, term_from_json

from .conftest import (CATALOG_SAMPLES, KgServe, OxigraphServer, VirtuosoServer, canonical_rows, empty_remote,
                       kg_command, sample_id)

KINDS = ["oxigraph", "virtuoso"]
TIMEOUT = 30  # seconds, for every request a test makes
KAZ = "https://w3id.org/regecon/id/country/KAZ"
VOID = Namespace("http://rdfs.org/ns/void#")


@dataclass
class Served:
    """A store built with `kg build --store` and a `kg serve` process on it."""

    kind: str
    server: OxigraphServer | VirtuosoServer
    store: RemoteStore
    serve: KgServe
    build_output: str

    @property
    def url(self) -> str:
        return self.serve.url

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.url + path, timeout=TIMEOUT, **kwargs)


@pytest.fixture(scope="module", params=KINDS)
def served(request, tmp_path_factory) -> Iterator[Served]:
    if request.param == "oxigraph":
        server = request.getfixturevalue("oxigraph_server")
        url, env, auth = server.query_url, {}, None
    else:
        server = request.getfixturevalue("virtuoso_server")
        # Virtuoso's -auth endpoint: recognised on any port, writes with Digest.
        url, env, auth = server.query_url + "-auth", {"KG_STORE_USER": "dba", "KG_STORE_PASSWORD": "dba"}, ("dba", "dba")
    store = open_store(url, auth=auth, timeout=60)
    empty_remote(store)
    built = kg_command("build", "--store", url, env=env)
    assert built.returncode == 0, built.stderr
    serve = KgServe(url, env).start(tmp_path_factory.mktemp("serve") / f"{request.param}.log")
    try:
        yield Served(request.param, server, store, serve, built.stderr)
    finally:
        serve.stop()
        empty_remote(store)
        store.close()


@pytest.fixture(scope="module")
def embedded(embedded_build):
    """The same server code on the embedded store, for comparison."""
    from server import create_app

    app = create_app(store=embedded_build[0])
    yield app.test_client()
    app.extensions["kg"].close()


def _rows(document: dict) -> list[dict]:
    variables = document["head"]["vars"]
    return [{v: term_from_json(b[v]) if v in b else None for v in variables}
            for b in document["results"]["bindings"]]


def _graph(body: bytes, fmt: str = "turtle") -> Graph:
    return Graph().parse(data=body, format=fmt)


# -- the build ------------------------------------------------------------------

def test_the_build_materialises_the_inferred_graph_of_an_embedded_build(served, embedded_build):
    store, counts = embedded_build
    assert f"built {sum(counts.values())} triples in {len(counts)} graphs" in served.build_output
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}"
    want = set(store.query(query))
    assert want and set(served.store.query(query)) == want


# -- the API ----------------------------------------------------------------------

def test_health_counts_what_is_served(served, embedded):
    got, want = served.get("/health").json(), embedded.get("/health").json
    assert got["status"] == "ok"
    assert (got["graphs"], got["triples"]) == (want["graphs"], want["triples"])


def test_sparql_select_gives_json_rows(served, embedded):
    query = f"SELECT ?p ?o WHERE {{ <{KAZ}> ?p ?o }} ORDER BY ?p ?o"
    accept = {"Accept": "application/sparql-results+json"}
    got = requests.post(served.url + "/sparql", data={"query": query}, headers=accept, timeout=TIMEOUT)
    assert got.status_code == 200, got.text
    assert got.headers["Content-Type"].startswith("application/sparql-results+json")
    want = embedded.post("/sparql", data={"query": query}, headers=accept)
    assert canonical_rows(_rows(got.json())) == canonical_rows(_rows(want.json))
    assert len(_rows(got.json())) > 5


def test_sparql_construct_gives_turtle(served, embedded):
    query = f"CONSTRUCT {{ <{KAZ}> ?p ?o }} WHERE {{ <{KAZ}> ?p ?o }}"
    got = served.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert got.status_code == 200, got.text
    assert got.headers["Content-Type"].startswith("text/turtle")
    want = embedded.get("/sparql", query_string={"query": query}, headers={"Accept": "text/turtle"})
    assert isomorphic(_graph(got.content), _graph(want.data))
    assert (URIRef(KAZ), URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            Literal("Kazakhstan", lang="en")) in _graph(got.content)


@pytest.mark.parametrize("name,params", CATALOG_SAMPLES, ids=[sample_id(n, p) for n, p in CATALOG_SAMPLES])
def test_catalog_queries_give_the_embedded_rows(served, embedded, name, params):
    got = served.get(f"/api/queries/{name}", params=params)
    assert got.status_code == 200, got.text
    want = embedded.get(f"/api/queries/{name}", query_string=params)
    assert want.status_code == 200
    assert canonical_rows(_rows(got.json())) == canonical_rows(_rows(want.json))


def test_the_bound_query_text_is_served(served, embedded):
    got = served.get("/api/queries/top_partners.rq", params={"country": "KAZ", "year": "2021"})
    assert got.status_code == 200
    assert got.text == embedded.get("/api/queries/top_partners.rq",
                                    query_string={"country": "KAZ", "year": "2021"}).data.decode()


def test_entity_pages_in_html_and_turtle(served, embedded):
    page = served.get("/id/country/KAZ", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Kazakhstan" in page.text
    for path, headers in (("/id/country/KAZ.ttl", {}), ("/id/country/KAZ", {"Accept": "text/turtle"})):
        got = served.get(path, headers=headers)
        assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/turtle"), path
        assert isomorphic(_graph(got.content), _graph(embedded.get(path, headers=headers).data)), path
    assert served.get("/id/country/NOWHERE").status_code == 404


def test_void_describes_the_same_graphs(served, embedded):
    def sizes(body: bytes) -> set[tuple[str, int]]:
        graph = _graph(body)
        return {(str(s), int(o)) for s, o in graph.subject_objects(VOID.triples) if not str(s).endswith("#dataset")}

    got = served.get("/void")
    assert got.status_code == 200 and got.headers["Content-Type"].startswith("text/turtle")
    want = sizes(embedded.get("/void").data)
    assert len(want) > 10 and sizes(got.content) == want


def test_ontology_and_home_pages(served):
    for path in ("/", "/ontology", "/api/queries"):
        assert served.get(path).status_code == 200, path


# -- the store restarted under the server -------------------------------------------

@dataclass
class Outage:
    """What the server answered while its store was down and after it came back."""

    down: dict[str, requests.Response] = field(default_factory=dict)
    down_seconds: dict[str, float] = field(default_factory=dict)
    after: dict[str, requests.Response] = field(default_factory=dict)
    before: requests.Response | None = None


OUTAGE_PATHS = ("/api/queries/bloc_members?bloc=EAEU", "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
                "/id/country/KAZ.ttl")
HEALTH = "/health"


@pytest.fixture(scope="module")
def outage(served) -> Outage:
    """Stop the store under the running server, ask, start it again, ask again.
    (Requested by the last tests of the module only: it restarts the store.)"""
    seen = Outage(before=served.get(OUTAGE_PATHS[0]))
    if served.kind == "oxigraph":
        served.server.kill()
    else:
        served.server.stop()
    def ask(path: str) -> tuple[requests.Response, float]:
        started = time.monotonic()
        return served.get(path, headers={"Accept": "application/json"}), time.monotonic() - started

    try:
        # Side by side: each waits out the server's retries.
        with ThreadPoolExecutor(len(OUTAGE_PATHS) + 1) as pool:
            for path, (response, seconds) in zip((*OUTAGE_PATHS, HEALTH), pool.map(ask, (*OUTAGE_PATHS, HEALTH))):
                seen.down[path], seen.down_seconds[path] = response, seconds
    finally:
        served.server.start()
    deadline = time.monotonic() + 60
    for path in OUTAGE_PATHS:
        while True:
            seen.after[path] = served.get(path)
            if seen.after[path].status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
    return seen


def test_a_store_restart_is_survived(served, outage):
    host = served.store.query_url.split("/")[2]
    for path in OUTAGE_PATHS:
        response = outage.down[path]
        assert response.status_code >= 500, (path, response.status_code)
        assert host in response.json()["error"]["message"], path
        assert outage.down_seconds[path] < 20, path
    assert all(r.status_code == 200 for r in outage.after.values()), \
        {p: r.status_code for p, r in outage.after.items()}
    assert outage.before is not None and outage.before.status_code == 200
    before, after = outage.before.json(), outage.after[OUTAGE_PATHS[0]].json()
    assert canonical_rows(_rows(after)) == canonical_rows(_rows(before))


def test_an_unreachable_store_is_answered_with_502_or_503(served, outage):
    assert {outage.down[path].status_code for path in OUTAGE_PATHS} <= {502, 503}


def test_health_reports_an_unreachable_store(served, outage):
    assert outage.down[HEALTH].status_code == 503
